"""Schemathesis on every route: examples, coverage, fuzzing and stateful phases, in process.

The app runs on SQLite with the real boundaries, two published records and partner keys;
hooks give generated bodies a real LA (a random GSS-shaped code names none) and every request
the key its operation needs (the moderator's for moderation, else Leeds's partner key), so
the write paths (submit, edit, withdraw, publish, reject, import) are reached, not refused at
the door. The stateful phase follows the OpenAPI links of the write API (`api.schemas.links`):
submit, then read, edit, publish, reject or withdraw that record with its ETag.

Every answer must be a documented status with the documented content type, headers and body
schema, and never a server error. `NEETMAP_FUZZ_SECONDS` bounds the whole run (default 120 s):
each operation gets an equal share of the stateless part, and stateful rounds (each seeded,
so a failure replays) run until the rest is spent.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine
from sqlmodel import Session

from api.main import create_app
from api.settings import Settings
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas
from tests.api.partner_keys import LEEDS, Keys, bearer, issue_keys

log = logging.getLogger("neetmap.tests")
BUDGET_S = float(os.environ.get("NEETMAP_FUZZ_SECONDS", "120"))
STATELESS_SHARE = 0.6  # of the budget; the rest goes to the stateful rounds
EXAMPLES = 25  # fuzzed cases per operation at most (the coverage phase adds its own)
#: What the API promises: no 5xx, and every answer as documented. The negative-data checks
#: are left out on purpose: filters take labels and comma lists beside the enum slugs.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODERATOR_OPERATIONS = {
    "submissions-publish-intervention",
    "submissions-reject-intervention",
    "submissions-list-moderation-queue",
}
RECORD = "/api/v1/interventions/{intervention_id}"
LINKED_WRITES = [("PATCH", ""), ("DELETE", ""), ("POST", "/publish"), ("POST", "/reject")]
#: (phase, operation, status) -> how many answers; what the run reached.
ANSWERED: Counter[tuple[str, str, int]] = Counter()
QUIET = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def keys(engine: Engine, boundaries: Engine) -> Iterator[Keys]:
    yield from issue_keys(engine)


@pytest.fixture
def fuzzed(
    backend: str, database_url: str, boundaries: Engine, keys: Keys, session: Session
) -> Iterator[tuple[Any, Keys]]:
    """The schema of the app without rate limits (a fuzzer is one fast client), over real
    boundaries and two published Leeds records."""
    if backend != "sqlite":
        pytest.skip("schemathesis runs on SQLite only, so the time budget is spent once")
    for name, las in [("Leeds mentoring", [LEEDS]), ("Two LAs", [LEEDS, "E08000033"])]:
        draft = InterventionDraft.model_validate(
            {"name": name, "la_codes": las, "target_group": ["send"]}
        )
        create_intervention(session, draft, ensure_areas(session, las), state="published")
    session.commit()
    app = create_app(Settings(database_url=database_url, rate_limits=False))
    with TestClient(app) as client:
        schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)

        @schema.hook
        def map_body(context: Any, body: Any) -> Any:
            """A real LA in every submission and edit."""
            if isinstance(body, dict) and "la_codes" in body:
                return {**body, "la_codes": [LEEDS]}
            return body

        yield schema, keys


def key_for(case: Any, keys: Keys) -> dict[str, str]:
    """The moderator's key for moderation, else Leeds's partner key."""
    operation_id = case.operation.definition.raw.get("operationId")
    return bearer(keys.moderator if operation_id in MODERATOR_OPERATIONS else keys.leeds)


def _calls_until(until: float, keys: Keys) -> Any:
    """The test body: send the case and check the answer, until `until` (past its share, the
    rest of an operation's cases are generated, not sent)."""

    def call(case: Any) -> None:
        if time.monotonic() < until:
            response = case.call_and_validate(headers=key_for(case, keys), checks=CHECKS)
            ANSWERED[("stateless", case.operation.label, response.status_code)] += 1

    return call


def _stateless(schema: Any, keys: Keys, budget_s: float) -> list[str]:
    """Examples, coverage and fuzzing on every operation, each within its share."""
    operations = [result.ok() for result in schema.get_all_operations()]
    share = budget_s / len(operations)
    failures = []
    for operation in operations:
        call = _calls_until(time.monotonic() + share, keys)
        config = HypothesisTestConfig(
            project=schema.config,
            modes=list(HypothesisTestMode),
            settings=settings(QUIET, max_examples=EXAMPLES, derandomize=True),
        )
        try:
            create_test(operation=operation, test_func=call, config=config)()
        except (Exception, BaseExceptionGroup) as exc:  # every operation at fault, at once
            failures.append(f"{operation.label}: {exc}")
    return failures


def _stateful(schema: Any, keys: Keys, budget_s: float) -> tuple[int, list[str]]:
    """Seeded rounds of link-following sequences until the budget is spent."""
    until = time.monotonic() + budget_s
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": key_for(case, keys)}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            ANSWERED[("stateful", case.operation.label, response.status_code)] += 1
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    rounds, failures = 0, []
    while time.monotonic() < until:
        machine = type("Round", (Machine,), {"_hypothesis_internal_use_seed": rounds})
        try:
            run_state_machine_as_test(
                machine, settings=settings(QUIET, max_examples=5, stateful_step_count=8)
            )
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"stateful round {rounds}: {exc}")
        rounds += 1
    log.info("schemathesis: %d stateful rounds in %.0f s", rounds, budget_s)
    return rounds, failures


def test_every_route_answers_as_documented(fuzzed: tuple[Any, Keys]) -> None:
    schema, keys = fuzzed
    ANSWERED.clear()
    failures = _stateless(schema, keys, BUDGET_S * STATELESS_SHARE)
    rounds, stateful_failures = _stateful(schema, keys, BUDGET_S * (1 - STATELESS_SHARE))
    assert not failures + stateful_failures, "\n\n".join(failures + stateful_failures)
    assert rounds > 0
    # The sequences reached the write paths: a submission stored, then a linked write on it.
    reached = {(op, status // 100) for phase, op, status in ANSWERED if phase == "stateful"}
    assert ("POST /api/v1/interventions", 2) in reached
    assert reached & {(f"{method} {RECORD}{tail}", 2) for method, tail in LINKED_WRITES}

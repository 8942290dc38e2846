"""Validation against the Open Referral UK profile, read by path from ../shared/standards/oruk.

The API document (`schema/openapi.json`) names its response schemas by their published
addresses (raw.githubusercontent.com/openreferral/uk-profile/main/schema/...); a `referencing`
registry serves those addresses from the shared copies, so its very `$ref`s resolve, and the
schemas' own relative references (`taxonomy_term.json`) with them. `profile_openapi.json` is
the UK profile's changes to that document: the paths it keeps and their query parameters.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import SHARED

ORUK_DIR = SHARED / "standards" / "oruk"
PUBLISHED = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


def _resource(path: Path) -> Resource[Any]:
    return Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)


@cache
def registry() -> Registry[Any]:
    """Every schema file at its published address, and the profile's OpenAPI document."""
    schema_dir = ORUK_DIR / "schema"
    pairs = [
        (PUBLISHED + str(path.relative_to(schema_dir)), _resource(path))
        for path in sorted(schema_dir.rglob("*.json"))
    ]
    return Registry().with_resources(pairs)


def _validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": ref}, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def assert_schema(instance: Any, schema_file: str) -> None:
    """Valid against one of the profile's schema files (e.g. `compiled/service_list.json`)."""
    errors = sorted(_validator(PUBLISHED + schema_file).iter_errors(instance), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    _check_timestamps(instance)


def profile_operation(path: str) -> dict[str, Any]:
    """The GET operation of a path in the UK profile's changes (its query parameters)."""
    document = json.loads((ORUK_DIR / "profile_openapi.json").read_text())
    operation: dict[str, Any] = document["paths"][path]["get"]
    return operation


def assert_profile_response(instance: Any, path: str) -> None:
    """Valid against the 200 response schema the profile's API document gives `path`."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    ref = f"{PUBLISHED}openapi.json#/paths/{pointer}/get/responses/200/content/application~1json/schema"
    errors = sorted(_validator(ref).iter_errors(instance), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def _check_timestamps(value: Any) -> None:
    """`last_modified` in ISO 8601 with a zone (checked here too, whatever format
    checkers the installed jsonschema has)."""
    if isinstance(value, dict):
        if "last_modified" in value:
            assert datetime.fromisoformat(value["last_modified"]).tzinfo is not None
        for item in value.values():
            _check_timestamps(item)
    elif isinstance(value, list):
        for item in value:
            _check_timestamps(item)

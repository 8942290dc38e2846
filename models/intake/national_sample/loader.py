"""Reading the national sample's files and storing its records, idempotently.

Each region's CSV goes through `parse_csv` and each row's LAs through `resolve_las` against
the loaded boundaries, exactly as `run_import` treats a partner's upload; a row the partner
path would refuse stops the load with every problem named by file, row and column. Records
are keyed by their name (unique across the sample), so a second load adds nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from sqlmodel import Session

from models.errors import DomainError, FieldProblem
from models.geography.catalogue import AreaCatalogue
from models.intake.csv_import import parse_csv
from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas, existing_external_ids
from models.interventions.tables import ORIGIN_STATEMENTS
from models.partners.scope import resolve_las

SAMPLE_PREFIX: Final = "sample:"
ORIGIN: Final = "public_sample"
#: What the API and the map say of every record of the sample.
COMPILED_STATEMENT: Final = ORIGIN_STATEMENTS[ORIGIN]
_DIRECTORY: Final = "data/national_sample"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class NationalSampleError(DomainError):
    """The packaged sample does not pass the partner import's checks (a packaging bug)."""


@dataclass(frozen=True)
class SampleFile:
    region: str
    csv: bytes
    provenance: list[dict[str, Any]]


@dataclass(frozen=True)
class SampleRow:
    """One valid record: its stable key, its draft with LAs resolved, and its provenance."""

    key: str
    region: str
    row: int
    draft: InterventionDraft
    provenance: dict[str, Any]


def sample_files() -> list[SampleFile]:
    """Every region's CSV and provenance list, in file-name order."""
    folder = resources.files("models").joinpath(_DIRECTORY)
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".csv"):
            continue
        region = entry.name.removesuffix(".csv")
        notes = folder.joinpath(f"{region}.provenance.json").read_text("utf-8")
        found.append(SampleFile(region, entry.read_bytes(), json.loads(notes)))
    return found


def sample_key(name: str) -> str:
    """The record's external id: the sample prefix and its name as a slug."""
    return SAMPLE_PREFIX + _NOT_SLUG.sub("-", name.casefold()).strip("-")[:180]


def read_national_sample(catalogue: AreaCatalogue) -> tuple[list[SampleRow], list[FieldProblem]]:
    """The sample's valid rows and every problem the partner import would report, each
    problem's field prefixed with its file (`north-east.csv: age_max`)."""
    rows: list[SampleRow] = []
    problems: list[FieldProblem] = []
    for sample in sample_files():
        parsed = parse_csv(sample.csv)
        named = [*parsed.problems]
        if len(sample.provenance) != len(parsed.rows):
            named.append(
                FieldProblem("provenance", "has a different number of entries than rows", 1)
            )
        for index, item in enumerate(parsed.rows):
            resolved = resolve_las(catalogue, item.la_codes, row=item.row, lists=True)
            named += [*resolved.problems, *resolved.ambiguous]
            entry = sample.provenance[index] if index < len(sample.provenance) else {}
            if item.draft is None or resolved.problems or resolved.ambiguous:
                continue
            if entry.get("name") != item.draft.name:
                named.append(FieldProblem("provenance", "names another record", item.row))
                continue
            draft = item.draft.model_copy(update={"la_codes": list(resolved.codes)})
            provenance = {"read_on": entry.get("read_on"), "notes": entry.get("notes", {})}
            rows.append(
                SampleRow(sample_key(draft.name), sample.region, item.row, draft, provenance)
            )
        problems += [
            FieldProblem(f"{sample.region}.csv: {p.field}", p.message, p.row) for p in named
        ]
    return rows, problems


def load_national_sample(session: Session, catalogue: AreaCatalogue) -> tuple[int, int]:
    """Store the sample's records not yet present, published, as compiled records; returns
    (added, already present). Nothing is stored if any row fails the partner checks."""
    rows, problems = read_national_sample(catalogue)
    if problems:
        raise NationalSampleError(
            f"The national sample fails {len(problems)} check(s) of the partner import.",
            problems,
        )
    present = existing_external_ids(session, (row.key for row in rows))
    added = 0
    for row in rows:
        if row.key in present:
            continue
        create_intervention(
            session,
            row.draft,
            ensure_areas(session, row.draft.la_codes),
            state="published",
            external_id=row.key,
            origin=ORIGIN,
            provenance=row.provenance,
        )
        added += 1
    return added, len(rows) - added

"""The embedded sample: real interventions from the seed documents, each citing its source."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlmodel import Session

from models.interventions.drafts import InterventionDraft
from models.interventions.queries import create_intervention, ensure_areas, existing_external_ids

SEED_PREFIX = "seed:"


@dataclass(frozen=True)
class SampleRecord:
    key: str
    draft: InterventionDraft


@dataclass(frozen=True)
class SeedResult:
    added: int
    skipped: int


def load_samples() -> list[SampleRecord]:
    """The packaged sample records, validated exactly as a partner submission would be."""
    raw = resources.files("models").joinpath("data/sample_interventions.json").read_text("utf-8")
    records: list[dict[str, Any]] = json.loads(raw)
    return [
        SampleRecord(key=r["key"], draft=InterventionDraft.model_validate(_draft_fields(r)))
        for r in records
    ]


def _draft_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "key"}


def seed(session: Session) -> SeedResult:
    """Add the samples not yet present, as published records; a second run adds nothing."""
    samples = load_samples()
    present = existing_external_ids(session, (SEED_PREFIX + s.key for s in samples))
    added = 0
    for sample in samples:
        external_id = SEED_PREFIX + sample.key
        if external_id in present:
            continue
        areas = ensure_areas(session, sample.draft.la_codes)
        create_intervention(
            session,
            sample.draft,
            areas,
            state="published",
            external_id=external_id,
            origin="seed_document",
        )
        added += 1
    return SeedResult(added=added, skipped=len(samples) - added)

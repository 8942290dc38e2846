"""The national sample compiled from public pages: its files, its provenance, and its load.

The file checks read the packaged CSVs exactly as a partner upload is read (`parse_csv`);
the load runs on both backends against the real May 2023 boundaries, through the same LA
resolution as `run_import`, and the API must say that these records were not submitted by
an LA.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from geodata.regions import ENGLISH_REGIONS, REGION_OF_LA
from geodata.reorganisations import REORGANISATIONS
from models.geography.catalogue import AreaCatalogue, boundary_version, load_catalogue
from models.intake.csv_import import COLUMNS, parse_csv
from models.intake.national_sample import (
    COMPILED_STATEMENT,
    SAMPLE_PREFIX,
    load_national_sample,
    read_national_sample,
    sample_files,
)
from models.intake.seed import load_samples, seed
from models.interventions.tables import Intervention
from models.typology.vocabulary import NOT_STATED, slugs

#: The columns a provenance note must cover whenever the CSV cell is filled.
CLASSIFIED = (
    "age_min",
    "age_max",
    "age_bands",
    "target_groups",
    "funding_sources",
    "transition_points",
    "intervention_types",
    "delivery_model",
    "evidence_level",
    "status",
    "start_date",
    "end_date",
)
_REGION_SLUGS = {name.lower().replace(" ", "-"): code for code, name in ENGLISH_REGIONS.items()}
#: A sentence: a capital, at least six words, a full stop (or ! or ?) at the end.
_SENTENCE = re.compile(r"[A-Z][^.!?]*?(?:\b\w+\b[^.!?]*?){6,}[.!?](?:\s|$)")


def _rows() -> list[tuple[str, dict[str, str]]]:
    found = []
    for sample in sample_files():
        text = sample.csv.decode("utf-8")
        found += [(sample.region, row) for row in csv.DictReader(io.StringIO(text))]
    return found


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


def test_files_are_named_by_region_in_the_partner_format() -> None:
    files = sample_files()
    assert files
    for sample in files:
        assert sample.region in _REGION_SLUGS, sample.region
        header = sample.csv.decode("utf-8").splitlines()[0].split(",")
        assert header == list(COLUMNS), sample.region
        parsed = parse_csv(sample.csv)
        assert parsed.problems == [], (sample.region, parsed.problems[:3])
        assert parsed.warnings == [], sample.region
        assert all(row.draft is not None for row in parsed.rows)


def test_every_record_has_a_web_source_and_a_description_of_a_sentence() -> None:
    for region, row in _rows():
        assert re.match(r"^https?://\S+\.\S+$", row["source_url"]), (region, row["name"])
        assert _SENTENCE.search(row["description"]), (region, row["name"])


def test_no_two_records_share_a_description_or_a_name() -> None:
    rows = [row for _, row in _rows()]
    descriptions = Counter(_squash(row["description"]) for row in rows)
    names = Counter(_squash(row["name"]) for row in rows)
    assert [d for d, n in descriptions.items() if n > 1] == []
    assert [d for d, n in names.items() if n > 1] == []
    seed_texts = {_squash(s.draft.description or "") for s in load_samples()}
    assert not seed_texts & set(descriptions)


def test_every_la_code_is_current_and_the_first_lies_in_the_files_region() -> None:
    for region, row in _rows():
        codes = row["la_codes"].split(";")
        for code in codes:
            assert code in REGION_OF_LA, (row["name"], code)
            assert code not in REORGANISATIONS, (row["name"], code, "superseded")
        assert REGION_OF_LA[codes[0]] == _REGION_SLUGS[region], (region, row["name"])


def test_provenance_follows_the_rows_and_covers_every_classified_column() -> None:
    for sample in sample_files():
        rows = list(csv.DictReader(io.StringIO(sample.csv.decode("utf-8"))))
        assert len(sample.provenance) == len(rows), sample.region
        for row, entry in zip(rows, sample.provenance, strict=True):
            assert entry["name"] == row["name"]
            assert entry["source_url"] == row["source_url"]
            date.fromisoformat(entry["read_on"])
            notes = entry["notes"]
            filled = {column for column in CLASSIFIED if _stated(row, column)}
            assert filled <= set(notes), (row["name"], filled - set(notes))
            assert set(notes) <= set(CLASSIFIED), (row["name"], set(notes) - set(CLASSIFIED))
            for column in filled:
                assert len(notes[column].split()) >= 2, (row["name"], column)


def _stated(row: dict[str, str], column: str) -> bool:
    """Whether the row states something in this column (`not_stated` states nothing)."""
    return row[column].strip() not in ("", NOT_STATED)


def test_every_status_is_written_and_a_stated_one_has_its_note() -> None:
    """An empty status cell reads as a partner's default, `active`: where the page does not
    say, the file says `not_stated`. A status the page does state says where (issue 21)."""
    statuses: Counter[str] = Counter()
    for sample in sample_files():
        rows = csv.DictReader(io.StringIO(sample.csv.decode("utf-8")))
        for row, entry in zip(rows, sample.provenance, strict=True):
            status = row["status"].strip()
            statuses[status] += 1
            assert status in slugs("status"), (row["name"], status)
            if status != NOT_STATED:
                assert len(entry["notes"].get("status", "").split()) >= 2, row["name"]
            if status == "ended" and row["end_date"]:
                assert "end_date" in entry["notes"], row["name"]
    assert statuses[NOT_STATED] > 0, statuses
    assert statuses["active"] > 0, statuses


def _catalogue(session: Session) -> AreaCatalogue:
    version = boundary_version(session)
    assert version is not None
    return load_catalogue(session, version)


def test_the_whole_sample_passes_the_partner_checks(boundaries: Engine) -> None:
    with Session(boundaries) as session:
        rows, problems = read_national_sample(_catalogue(session))
    assert problems == []
    assert len(rows) == len(_rows())
    assert len({row.key for row in rows}) == len(rows)


def test_seeding_loads_the_sample_once_beside_the_seed_documents(
    boundaries: Engine, session: Session
) -> None:
    seed(session)
    added, present = load_national_sample(session, _catalogue(session))
    session.commit()
    again = load_national_sample(session, _catalogue(session))
    session.commit()
    assert (added, present) == (len(_rows()), 0)
    assert again == (0, added)
    origins = dict(
        session.exec(  # type: ignore[call-overload]
            select(Intervention.origin, func.count()).group_by(Intervention.origin)
        ).all()
    )
    assert origins == {"seed_document": len(load_samples()), "public_sample": added}
    keys = session.exec(select(Intervention.external_id)).scalars().all()  # type: ignore[call-overload]
    assert sum(key.startswith(SAMPLE_PREFIX) for key in keys) == added


def test_the_api_says_a_sample_record_was_compiled_and_serves_its_notes(
    geo_client: TestClient, session: Session
) -> None:
    seed(session)
    load_national_sample(session, _catalogue(session))
    session.commit()
    page = geo_client.get("/api/v1/interventions", params={"limit": 500}).json()
    by_origin = Counter(item["origin"] for item in page["items"])
    assert by_origin["public_sample"] == len(_rows())
    assert by_origin["seed_document"] == len(load_samples())
    record = next(item for item in page["items"] if item["origin"] == "public_sample")
    assert record["provenance"]["statement"] == COMPILED_STATEMENT
    assert record["provenance"]["read_on"]
    assert record["source"]["url"].startswith("http")
    one = geo_client.get(f"/api/v1/interventions/{record['id']}").json()
    assert one["provenance"]["notes"] == record["provenance"]["notes"]
    compiled = [item for item in page["items"] if item["origin"] == "public_sample"]
    stated = [item for item in compiled if item["status"] != NOT_STATED]
    assert all("status" in item["provenance"]["notes"] for item in stated)
    unstated = sum(row["status"] == NOT_STATED for _, row in _rows())
    assert len(compiled) - len(stated) == unstated > 0  # loaded as the files say, not `active`
    seeded = next(item for item in page["items"] if item["origin"] == "seed_document")
    assert seeded["provenance"]["notes"] == {}
    assert "not submitted" not in seeded["provenance"]["statement"]


def test_the_sample_covers_all_nine_regions_with_150_records_from_100_las() -> None:
    rows = _rows()
    by_region = Counter(region for region, _ in rows)
    assert set(by_region) == set(_REGION_SLUGS), set(_REGION_SLUGS) - set(by_region)
    assert min(by_region.values()) >= 5, by_region
    assert len(rows) >= 150
    las = {code for _, row in rows for code in row["la_codes"].split(";")}
    assert len(las) >= 100

"""CSV import of 10,000 rows, dry run and real (issue 5, item 7). Target: under 10 s each.

Generates a spreadsheet as partners write them (LA names, DfE and superseded codes, labels as
well as slugs, UK dates), then times `POST /api/v1/imports?dry_run=true` and the real import
through the whole app in-process, on the embedded SQLite default unless --url says otherwise.
CPU seconds are printed beside wall-clock ones: on a shared machine the wall clock also
counts other work.

    python -m bench.import_csv [--rows 10000] [--url postgresql+psycopg://...] [--workbook]

With `--workbook` the same rows are also sent as an Excel workbook (.xlsx) in the same run, so
the two formats are timed on the same content, one after the other.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.main import create_app
from api.settings import Settings
from bench.harness import machine, prepare, table
from models.engine import create_db_engine
from models.intake.caps import MAX_UPLOAD_BYTES
from models.intake.csv_import import COLUMNS
from models.partners.keys import create_key

TARGET_SECONDS = 10.0
#: Leeds as a code, a DfE code and a name; Bradford; North Yorkshire by its superseded code.
LAS = ["E08000035", "383", "Leeds", "Bradford", "E08000036", "E10000023", "Kirklees"]
TARGETS = ["at_risk", "SEND", "Care experienced", "neet", "young_carers", "Youth justice"]
TYPES = ["mentoring", "Personal adviser", "careers_guidance", "tracking", "outreach"]
FUNDING = ["la_core", "UK Shared Prosperity Fund", "esf", "charity_trust", "dfe"]


def generate(rows: int, seed: int = 5) -> bytes:
    """A UTF-8 CSV with a BOM, as Excel saves 'CSV UTF-8'."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for i in range(rows):
        age_min = rng.choice([11, 13, 14, 16])
        row = {
            "name": f"Programme {i}",
            "description": f"Support for young people, cohort {i % 37}, with a comma, and quotes",
            "provider": rng.choice(["Prospects", "Leeds City Council", "Youth charity"]),
            "la_codes": ";".join(rng.sample(LAS, rng.randint(1, 2))),
            "age_min": age_min,
            "age_max": age_min + rng.randint(2, 8),
            "target_groups": ";".join(rng.sample(TARGETS, 2)),
            "funding_sources": rng.choice(FUNDING),
            "transition_points": rng.choice(["Year 11 to post-16", "re_engagement", ""]),
            "intervention_types": ";".join(rng.sample(TYPES, 2)),
            "delivery_model": rng.choice(["commissioned", "LA in-house", "partnership"]),
            "evidence_level": rng.choice(["monitoring", "none", "evaluation"]),
            "status": "active",
            "start_date": f"01/09/{rng.randint(2015, 2024)}",
            "website": f"https://example.org/p/{i}",
            "contact_email": f"team{i}@example.org",
            "source_url": "https://example.org/source",
        }
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_workbook(data: bytes) -> bytes:
    """The same rows as an .xlsx workbook (every cell as text, as a pasted sheet holds it)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Interventions")
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--url", help="Database URL (default: a new SQLite file).")
    parser.add_argument("--workbook", action="store_true", help="Also time the rows as .xlsx.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        prepare(url)
        engine = create_db_engine(url)
        with Session(engine) as session:
            _, key = create_key(
                session,
                "bench",
                "partner",
                ["E08000035", "E08000032", "E08000036", "E06000065", "E08000034"],
            )
            session.commit()
        engine.dispose()
        data = generate(args.rows)
        bodies = [("CSV", data)] + ([("xlsx", as_workbook(data))] if args.workbook else [])
        settings = Settings(database_url=url, max_upload_bytes=MAX_UPLOAD_BYTES)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
        results = []
        with TestClient(create_app(settings)) as client:
            runs = [
                (f"{kind} {label}", body, params)
                for kind, body in bodies
                for label, params in (("dry run", {"dry_run": "true"}), ("import", {}))
            ]
            for label, body_bytes, params in runs:
                start, cpu = time.perf_counter(), time.process_time()
                response = client.post(
                    "/api/v1/imports", content=body_bytes, params=params, headers=headers
                )
                seconds = time.perf_counter() - start
                cpu_seconds = time.process_time() - cpu
                body = response.json()
                report = body.get("report", body)
                if report["problems"]:
                    raise SystemExit(f"{label}: unexpected problems {report['problems'][:3]}")
                stored = len(report.get("created_ids", []))
                verdict = "ok" if seconds < TARGET_SECONDS else "OVER TARGET"
                results.append(
                    (
                        label,
                        response.status_code,
                        report["rows_valid"],
                        stored,
                        seconds,
                        cpu_seconds,
                        args.rows / seconds,
                        verdict,
                    )
                )
    print(
        f"Import, {args.rows:,} rows ({', '.join(f'{k} {len(b) / 1e6:.1f} MB' for k, b in bodies)}), "
        f"{'SQLite' if args.url is None else args.url.split(':', 1)[0]}; {machine()}"
    )
    print(
        table(
            [
                "run",
                "status",
                "rows valid",
                "stored",
                "seconds",
                "cpu s",
                "rows/s",
                f"< {TARGET_SECONDS:.0f} s",
            ],
            results,
        )
    )


if __name__ == "__main__":
    main()

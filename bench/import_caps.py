"""The worst file each import cap admits: parse time and peak memory (issue 17, item 3).

Goal: any accepted upload checked in under 10 s and under 300 MB RSS. For each cap the file
that costs the most while still admitted is generated (CSV and xlsx), then checked by
`run_import` (a dry run, exactly what `POST /api/v1/imports?dry_run=true` runs) in a fresh
process over a SQLite database with the real boundaries, a Leeds partner key as the caller.
Each process prints its wall-clock and CPU seconds, its RSS before reading the file, its peak
RSS while it checks the file (`VmHWM`, reset once the catalogue is loaded) and the size of the
report; a fresh process per file keeps one file's memory out of the next one's figure.

    .venv/bin/python -m bench.import_caps [--upload-mb 5] [--only csv-widest,xlsx-problems]

The files fill the upload limit (`--upload-mb`: 5 MB by default, as NEETMAP_MAX_UPLOAD_BYTES;
20 MB is the most any import reads, `models.intake.caps`):
- `csv-widest`: 100 columns (the 19 known, valid, and 81 others), up to 10,000 rows (`MAX_ROWS`);
- `csv-longest`: valid rows whose description is 10,000 characters (the cell cap);
- `csv-lists`: every LA and typology cell a list of 10,000 characters (`Leeds;Leeds;...`,
  about 1,700 references a cell): the most matching one file can ask for;
- `csv-problems`: 10,000 rows with every known column wrong (170,000 problems);
- `xlsx-widest`: 100 columns and as many rows as fit the limit and 30 MB unpacked;
- `xlsx-problems`: 10,000 rows with every known column wrong;
- `xlsx-errors`: 100 columns of formula errors (`#N/A`), as many rows as fit the limits.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.harness import machine, prepare, table
from models.intake.caps import MAX_ROWS, MAX_UNZIPPED, MAX_UPLOAD_BYTES
from models.intake.csv_columns import COLUMNS

GOAL_SECONDS = 10.0
GOAL_RSS_MB = 300.0
#: The upload limit the files fill (`--upload-mb`).
CSV_BYTES = 5_000_000
ROWS = MAX_ROWS
LEEDS = "E08000035"
HEADER = list(COLUMNS)  # the partner CSV format's columns
GOOD = [
    "Next Steps {n}",
    "One-to-one support for young people at risk of NEET.",
    "Leeds City Council",
    "Leeds",
    "14",
    "18",
    "14_16;16_18",
    "SEND;at_risk",
    "la_core;UK Shared Prosperity Fund",
    "year_11_post_16",
    "mentoring;Personal adviser",
    "la_in_house",
    "monitoring",
    "active",
    "01/09/2024",
    "31/07/2026",
    "https://example.org/next-steps",
    "neet@example.org",
    "https://example.org/source",
]
BAD = [
    "",  # name required
    "fine",
    "fine",
    "Nowhere{n}",
    "old",
    "young",
    "adult",
    "pupils",
    "bank",
    "never",
    "magic",
    "robots",
    "hearsay",
    "maybe",
    "31/02/2024",
    "soon",
    "not a url",
    "nobody",
    "ftp://example.org",
]


def _csv_rows(rows: Iterator[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def csv_widest() -> bytes:
    extras = [f"extra_{i}" for i in range(81)]
    base = len(",".join(GOOD)) + 10
    filler = "x" * max(1, (CSV_BYTES // ROWS - base) // 81 - 1)
    rows = min(ROWS, CSV_BYTES // (base + 81 * (len(filler) + 1)))
    good = [[c.format(n=n) for c in GOOD] + [filler] * 81 for n in range(1, rows + 1)]
    return _csv_rows(iter([HEADER + extras, *good]))


def csv_longest() -> bytes:
    description = ("Careers guidance and mentoring for young people. " * 210)[:10_000]
    rows = CSV_BYTES // 10_300
    return _csv_rows(
        iter([HEADER, *([GOOD[0].format(n=n), description, *GOOD[2:]] for n in range(rows))])
    )


def csv_lists() -> bytes:
    def listed(value: str) -> str:
        return ";".join([value] * (10_000 // (len(value) + 1)))

    cells = {
        "la_codes": listed("Leeds"),
        "target_groups": listed("send"),
        "funding_sources": listed("esf"),
        "intervention_types": listed("mentoring"),
        "age_bands": listed("16_18"),
        "transition_points": listed("age_18"),
    }
    header = ["name", *cells]
    row = ["Lists", *cells.values()]
    rows = CSV_BYTES // (sum(len(c) + 1 for c in row) + 1)
    return _csv_rows(iter([header, *([f"Lists {n}", *row[1:]] for n in range(rows))]))


def csv_problems() -> bytes:
    return _csv_rows(iter([HEADER, *([c.format(n=n) for c in BAD] for n in range(ROWS))]))


def _xlsx(rows: Iterator[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Interventions")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unzipped(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _fitted(book: Callable[[int], bytes]) -> bytes:
    """The workbook of as many rows as fit both the upload limit and the unpacked cap."""
    rows = 2_000
    data = book(rows)
    fits = min(MAX_UNZIPPED * 0.97 / _unzipped(data), CSV_BYTES * 0.97 / len(data))
    return book(min(ROWS, int(rows * fits)))


def xlsx_widest() -> bytes:
    extras = [f"extra_{i}" for i in range(81)]

    def book(rows: int) -> bytes:
        good = ([c.format(n=n) for c in GOOD] + ["x" * 12] * 81 for n in range(rows))
        return _xlsx(iter([HEADER + extras, *good]))

    return _fitted(book)


def xlsx_errors() -> bytes:
    extras = [f"extra_{i}" for i in range(81)]

    def book(rows: int) -> bytes:
        # openpyxl types a cell whose text is an error code as an error (t="e"), as Excel does.
        return _xlsx(iter([HEADER + extras, *(["#N/A"] * 100 for _ in range(rows))]))

    return _fitted(book)


def xlsx_problems() -> bytes:
    return _xlsx(iter([HEADER, *([c.format(n=n) for c in BAD] for n in range(ROWS))]))


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "csv-widest": ("csv", csv_widest),
    "csv-longest": ("csv", csv_longest),
    "csv-lists": ("csv", csv_lists),
    "csv-problems": ("csv", csv_problems),
    "xlsx-widest": ("xlsx", xlsx_widest),
    "xlsx-problems": ("xlsx", xlsx_problems),
    "xlsx-errors": ("xlsx", xlsx_errors),
}


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> bool:
    """Start the peak RSS (VmHWM) afresh, so it is the file's check that sets it and not the
    catalogue's loading before it (Linux 4.0 and later)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child(path: str, url: str, key: str) -> None:
    """Check one file as the API does, and print what it cost, as one JSON line."""
    from sqlmodel import Session

    import api.main  # noqa: F401  (the modules a serving process holds, so its RSS is the base)
    from api.services.imports import run_import
    from api.writing.auth import Caller
    from models.engine import create_db_engine
    from models.geography.catalogue import boundary_version, load_catalogue
    from models.partners.keys import authenticate

    engine = create_db_engine(url)
    with Session(engine) as session:
        version = boundary_version(session)
        assert version is not None
        catalogue = load_catalogue(session, version)
        found = authenticate(session, key)
        assert found is not None
        before = _status_mb("VmRSS")
        fresh = _reset_peak()
        data = Path(path).read_bytes()
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = run_import(session, catalogue, Caller(found), data, dry_run=True)
        report = outcome.report.model_dump_json()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = (
        _status_mb("VmHWM") if fresh else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    print(
        json.dumps(
            {
                "seconds": wall,
                "cpu": cpu,
                "rss_before": before,
                "peak": peak,
                "rows": outcome.report.rows_read,
                "problems": outcome.report.problems_total,
                "report_kb": len(report) / 1000,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated cases (default: all)")
    parser.add_argument(
        "--upload-mb",
        type=float,
        default=5.0,
        help="the upload limit the files fill (default 5, NEETMAP_MAX_UPLOAD_BYTES's default; "
        "at most 20, the most any import reads)",
    )
    parser.add_argument("--child", nargs=3, metavar=("FILE", "URL", "KEY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    global CSV_BYTES
    CSV_BYTES = int(min(args.upload_mb * 1_000_000, MAX_UPLOAD_BYTES))
    chosen = [c for c in args.only.split(",") if c] or list(CASES)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'caps.db'}"
        prepare(url)
        key = _leeds_key(url)
        rows = []
        for name in chosen:
            kind, make = CASES[name]
            path = Path(folder) / f"{name}.{kind}"
            path.write_bytes(make())
            size = path.stat().st_size
            unpacked = _unzipped(path.read_bytes()) if kind == "xlsx" else size
            command = [sys.executable, "-m", "bench.import_caps", "--child", str(path), url, key]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{name}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            got = json.loads(done.stdout.strip().splitlines()[-1])
            ok = got["seconds"] < GOAL_SECONDS and got["peak"] < GOAL_RSS_MB
            rows.append(
                [
                    name,
                    f"{size / 1e6:.1f}",
                    f"{unpacked / 1e6:.1f}",
                    f"{got['rows']:,}",
                    f"{got['problems']:,}",
                    f"{got['report_kb']:.0f}",
                    f"{got['seconds']:.2f}",
                    f"{got['cpu']:.2f}",
                    f"{got['rss_before']:.0f}",
                    f"{got['peak']:.0f}",
                    "yes" if ok else "NO",
                ]
            )
            path.unlink()
    print(f"machine: {machine()}")
    print(
        f"upload limit filled: {CSV_BYTES / 1e6:.0f} MB "
        f"(xlsx also at most {MAX_UNZIPPED / 1e6:.0f} MB unpacked)"
    )
    print(f"goal: under {GOAL_SECONDS:.0f} s and {GOAL_RSS_MB:.0f} MB peak RSS per file")
    headers = [
        "file",
        "MB",
        "unpacked MB",
        "rows",
        "problems",
        "report kB",
        "wall s",
        "CPU s",
        "RSS before MB",
        "peak RSS MB",
        "goal",
    ]
    print(table(headers, rows))


def _leeds_key(url: str) -> str:
    from sqlmodel import Session

    from models.engine import create_db_engine
    from models.partners.keys import create_key

    engine = create_db_engine(url)
    with Session(engine) as session:
        secret = create_key(session, "caps bench", "partner", [LEEDS])[1]
        session.commit()
    engine.dispose()
    return secret


if __name__ == "__main__":
    main()

"""An upload (CSV or workbook), from bytes to stored submissions: parse, resolve LAs, check
scope, insert.

All or nothing: rows are stored only when every row is valid and inside the key's scope, and
the caller commits once, so a failure part-way (a crash, a lost connection) leaves the
database as it was. The API and `neetmap import` both run exactly this.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from api.schemas.submissions import ImportProblem, ImportProblemCount, ImportReport
from api.writing.auth import Caller
from geodata import suggestions
from models.errors import FieldProblem
from models.geography.catalogue import AreaCatalogue
from models.intake.bulk_insert import insert_submissions
from models.intake.caps import MAX_PROBLEMS_LISTED, column_letter
from models.intake.csv_import import COLUMNS, ParsedCsv
from models.intake.problem_counts import count_problems
from models.intake.workbooks.upload import parse_upload
from models.interventions.drafts import InterventionDraft
from models.partners.scope import names_beside_codes, outside_scope, resolve_las

#: Called as (stage, done, total) while checking and while storing rows.
Progress = Callable[[str, int, int], None]
_ORDER = {name: index for index, name in enumerate(("file", "row", *COLUMNS))}
_SUGGESTION = re.compile(r"Did you mean [^?]{1,200}\?")


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport
    forbidden: bool  # some rows name LAs outside the key's scope


def run_import(
    session: Session,
    catalogue: AreaCatalogue,
    caller: Caller,
    data: bytes,
    *,
    dry_run: bool,
    progress: Progress | None = None,
    sheet: str | None = None,
) -> ImportOutcome:
    """Check every row; unless it is a dry run and if nothing is wrong, store them all."""
    parsed = parse_upload(data, sheet)
    problems = list(parsed.problems)
    scope = caller.scope(catalogue)
    ready: list[InterventionDraft] = []
    sent: list[tuple[str, ...]] = []
    by_warning: dict[str, list[int]] = defaultdict(list)
    forbidden = False
    with suggestions.limited(MAX_PROBLEMS_LISTED):  # "did you mean" for the listed ones
        for done, item in enumerate(parsed.rows, start=1):
            resolved = resolve_las(catalogue, item.la_codes, row=item.row, lists=True)
            row_problems = [*resolved.problems, *resolved.ambiguous]
            if item.la_names:
                row_problems += names_beside_codes(
                    catalogue, item.la_codes, item.la_names, row=item.row, lists=True
                )
            if scope is not None:
                outside = outside_scope(catalogue, resolved.codes, scope, row=item.row)
                forbidden = forbidden or bool(outside)
                row_problems += outside
            for warning in resolved.warnings:
                by_warning[warning].append(item.row)
            problems.extend(row_problems)
            if item.draft is not None and not row_problems:
                ready.append(item.draft.model_copy(update={"la_codes": list(resolved.codes)}))
                sent.append(item.la_codes)
            if progress is not None and (done % 250 == 0 or done == len(parsed.rows)):
                progress("Checking rows", done, len(parsed.rows))
    if parsed.rows_read == 0 and not problems:
        problems.append(FieldProblem("file", "The file has a header but no rows.", 2))
    # The first problems by row and column, in full; the rest only counted (below).
    listed = heapq.nsmallest(
        MAX_PROBLEMS_LISTED, problems, key=lambda p: (p.row or 0, _ORDER.get(p.field, 99))
    )
    report = ImportReport(
        dry_run=dry_run,
        stored=False,
        rows_read=parsed.rows_read,
        rows_valid=len(ready),
        sheet=parsed.sheet,
        problems=[_problem(parsed, p) for p in listed],
        problems_total=len(problems),
        problem_counts=[ImportProblemCount(**vars(c)) for c in count_problems(problems)],
        warnings=[*parsed.warnings, *(_rows(rows) + w for w, rows in by_warning.items())],
    )
    if dry_run or problems:
        return ImportOutcome(report, forbidden)

    def stored(count: int) -> None:
        if progress is not None:
            progress("Storing rows", count, len(ready))

    ids = insert_submissions(session, ready, caller.actor, on_progress=stored, submitted_as=sent)
    return ImportOutcome(report.model_copy(update={"stored": True, "created_ids": ids}), False)


def _problem(parsed: ParsedCsv, problem: FieldProblem) -> ImportProblem:
    """A problem as the report gives it: with its cell (column letter and row) and the value
    there when it names a column of the sheet, and any "did you mean" apart."""
    row = problem.row or 1
    cell = value = None
    if problem.field in parsed.header and problem.row:
        index = parsed.header.index(problem.field)
        cell = f"{column_letter(index)}{row}"
        cells = parsed.cells.get(row, [])
        value = cells[index][:200] if index < len(cells) else ""
    suggestion = _SUGGESTION.search(problem.message)
    return ImportProblem(
        row=row,
        column=problem.field,
        message=problem.message,
        cell=cell,
        value=value,
        suggestion=suggestion.group(0) if suggestion else None,
    )


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f"Row{'s' if len(rows) > 1 else ''} {shown}{more}: "

"""OGC `datetime` on interventions: running at some time within the interval asked.

An intervention runs from its start date to its end date; a missing date is an open end.
It matches when the two intervals share a day.
"""

from __future__ import annotations

from datetime import date

from models.interventions.cql.tree import And, Compare, Const, Expr, IsNull, Or


def running_within(start: date | None, end: date | None) -> Expr:
    """Started by `end` (or undated) and not ended before `start` (or open-ended)."""
    parts: list[Expr] = []
    if end is not None:
        parts.append(Or((IsNull("start_date"), Compare("start_date", "<=", end))))
    if start is not None:
        parts.append(Or((IsNull("end_date"), Compare("end_date", ">=", start))))
    return And(tuple(parts)) if parts else Const(True)

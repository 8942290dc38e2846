"""Writing and reading LA context indicators.

A load replaces every figure in one transaction and records a `context_load`, whose id is the
context version that API workers cache the figures on. Reading returns, for each area and
indicator, the latest period the source published for that area, each figure saying its year:
an area that no longer exists in the files (Cumbria on pre-2023 boundaries) keeps its last
published figures instead of showing only gaps. A year the source did publish for the area
stands even without a value (`c` suppressed, `z`, `x`): it never falls back to an older number.
Only when the source never published the area is its latest gap shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session, col

from geodata.codes import LACodeRegistry
from geodata.context import Figure
from geodata.context_keying import is_filled_gap, key_to_areas
from models.context.tables import AreaIndicator, ContextLoad, indicator_value
from models.errors import ServiceUnavailableError
from models.geography.catalogue import NO_BOUNDARIES, boundary_version, load_catalogue

SOURCE_MAX = 2000


@dataclass(frozen=True)
class LoadedContext:
    load: ContextLoad
    warnings: list[str]


@dataclass(frozen=True)
class IndicatorFigure:
    """One area's figure for one indicator: the value, or None and the reason it is missing."""

    indicator: str
    period: str
    value: float | int | None
    missing: str | None
    source: str
    note: str | None


def load_context(
    session: Session,
    figures: Iterable[Figure],
    registry: LACodeRegistry,
    regions: Mapping[str, str],
    source: str,
) -> LoadedContext:
    """Key figures to the loaded areas and replace every stored figure with them; flushes."""
    keyed = key_to_areas(figures, registry, regions)
    session.exec(delete(AreaIndicator))
    rows = [
        {
            "area_code": f.code,
            "indicator": f.indicator,
            "period": f.period,
            "value": f.value,
            "missing": f.missing,
            "source": f.source[:300],
            "note": f.note,
        }
        for f in keyed.figures
    ]
    if rows:
        session.connection().execute(insert(AreaIndicator), rows)
    load = ContextLoad(source=source[:SOURCE_MAX], row_count=len(rows))
    session.add(load)
    session.flush()
    return LoadedContext(load, keyed.warnings)


def load_context_on_boundaries(
    session: Session, figures: Iterable[Figure], source: str
) -> LoadedContext:
    """`load_context` keyed to the loaded boundaries, or ServiceUnavailableError if none are."""
    version = boundary_version(session)
    if version is None:
        raise ServiceUnavailableError(NO_BOUNDARIES)
    catalogue = load_catalogue(session, version)
    regions = {code: info.name for code, info in catalogue.regions.items()}
    return load_context(session, figures, catalogue.registry, regions, source)


def context_version(session: Session) -> int | None:
    """The id of the newest context load, or None when none was ever loaded."""
    value = session.exec(select(func.max(col(ContextLoad.id)))).one()  # type: ignore[call-overload]
    return int(value[0]) if value[0] is not None else None


def latest_figures(session: Session) -> dict[str, dict[str, IndicatorFigure]]:
    """Area code -> indicator -> its latest published figure (see the module), in one query."""
    rows = session.exec(select(AreaIndicator)).scalars().all()  # type: ignore[call-overload]
    best: dict[tuple[str, str], tuple[tuple[bool, str], AreaIndicator]] = {}
    for row in rows:
        # Any period the source published beats any gap we filled; then the latest period.
        rank = (not is_filled_gap(row.missing, row.note), row.period)
        key = (row.area_code, row.indicator)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, row)
    out: dict[str, dict[str, IndicatorFigure]] = {}
    for (code, indicator), (_, row) in best.items():
        out.setdefault(code, {})[indicator] = IndicatorFigure(
            indicator,
            row.period,
            indicator_value(indicator, row.value),
            row.missing,
            row.source,
            row.note,
        )
    return out

"""Writing and reading LA context indicators.

A load replaces every figure in one transaction and records a `context_load`, whose id is the
context version that API workers cache the figures on. Reading returns, for each area, the
latest period of each indicator that any area has, so a map shows one year for everyone and an
area without that year's figure says so instead of showing an older one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session, col

from geodata.codes import LACodeRegistry
from geodata.context import Figure
from geodata.context_keying import key_to_areas
from models.catalogue import NO_BOUNDARIES, boundary_version, load_catalogue
from models.context import AreaIndicator, ContextLoad
from models.errors import ServiceUnavailableError

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
    value: float | None
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
    """Area code -> indicator -> its figure for the indicator's latest period, in one query."""
    rows = session.exec(select(AreaIndicator)).scalars().all()  # type: ignore[call-overload]
    latest: dict[str, str] = {}
    for row in rows:
        if row.period > latest.get(row.indicator, ""):
            latest[row.indicator] = row.period
    out: dict[str, dict[str, IndicatorFigure]] = {}
    for row in rows:
        if row.period == latest[row.indicator]:
            out.setdefault(row.area_code, {})[row.indicator] = IndicatorFigure(
                row.indicator, row.period, row.value, row.missing, row.source, row.note
            )
    return out

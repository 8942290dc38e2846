"""The `context` object of an LA: NEET, Not Known and deprivation figures, each with its year.

A map layer needs the figures of all 153 LAs on every request, and they change only when
someone runs `neetmap context load`. So each worker keeps them rendered, per context version
(the newest `context_load.id`), checking the version at most every few seconds: one small
query per request at worst, never one per LA.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.state import app_state
from geodata.context import NO_DATA
from models.cache import VersionedCache
from models.context.queries import IndicatorFigure, context_version, latest_figures
from models.context.tables import INDICATORS
from models.freshness import DataVersions

NOT_LOADED_NOTE = "No figures were loaded for this area; run `neetmap context load` again."


class IndicatorPublic(BaseModel):
    """One figure; when `value` is null, `missing` says why (never read a gap as zero)."""

    value: int | float | None = Field(
        description="The figure (an integer for counts and ranks), or null when it is missing."
    )
    year: str | None = Field(description="The year the figure is for (DfE's time period).")
    missing: str | None = Field(
        description="Why there is no value: suppressed (DfE `c`), not_applicable (`z`) or no_data."
    )
    source: str | None = Field(description="Publisher, release and file.")
    note: str | None = Field(None, description="How the figure was placed on this LA, if notable.")


def indicator_public(figure: IndicatorFigure | None) -> dict[str, Any]:
    if figure is None:
        return IndicatorPublic(
            value=None, year=None, missing=NO_DATA, source=None, note=NOT_LOADED_NOTE
        ).model_dump()
    return IndicatorPublic(
        value=figure.value,
        year=figure.period,
        missing=figure.missing,
        source=figure.source,
        note=figure.note,
    ).model_dump()


@dataclass(frozen=True)
class ContextSnapshot:
    """Rendered `context` objects per area code for one context version (None: never loaded)."""

    version: int | None
    by_area: dict[str, dict[str, dict[str, Any]]]

    def for_area(self, code: str) -> dict[str, dict[str, Any]] | None:
        """The area's context object; every indicator present, missing ones saying so."""
        if self.version is None:
            return None
        found = self.by_area.get(code)
        if found is None:
            return {name: indicator_public(None) for name in INDICATORS}
        return found


def _render(figures: dict[str, dict[str, IndicatorFigure]]) -> dict[str, dict[str, Any]]:
    return {
        code: {name: indicator_public(per_area.get(name)) for name in INDICATORS}
        for code, per_area in figures.items()
    }


class ContextCache:
    """Hands out the current snapshot. With `versions` (the app's), the context version comes
    from memory (`models.freshness`: a new load shows in every worker within its bound);
    without, it is looked up on every call (one primary-key lookup)."""

    def __init__(self, versions: DataVersions | None = None) -> None:
        self._kept: VersionedCache[None, ContextSnapshot] = VersionedCache()
        self._versions = versions

    def get(self, session: Session) -> ContextSnapshot:
        """The snapshot of the current context version; one thread reads a new one."""
        if self._versions is not None:
            version = self._versions.current().context
        else:
            version = context_version(session)

        def read() -> ContextSnapshot:
            by_area = _render(latest_figures(session)) if version is not None else {}
            return ContextSnapshot(version, by_area)

        return self._kept.get_once(version, None, read)


def context_snapshot(request: Request, session: Session) -> ContextSnapshot:
    """This app's snapshot (`api.main` makes the cache)."""
    return app_state(request.app).context_cache.get(session)


def with_context(props: dict[str, Any], request: Request, session: Session) -> dict[str, Any]:
    """Add the area's `context` object (DfE gives regional figures too; IMD is LA-only)."""
    if props.get("level") in {"la", "region"}:
        props["context"] = context_snapshot(request, session).for_area(str(props["code"]))
    return props


def compact_context(
    context: dict[str, dict[str, Any]] | None, sources: dict[str, str]
) -> dict[str, dict[str, Any]] | None:
    """A layer's form of a context object: null members dropped and each source replaced by a
    short key into `sources` (the layer's top-level `context_sources`), because 153 copies of
    the same source sentences would double a choropleth's size."""
    if context is None:
        return None
    keys = {text: key for key, text in sources.items()}
    compact: dict[str, dict[str, Any]] = {}
    for name, figure in context.items():
        item = {
            k: v for k, v in figure.items() if k != "source" and (v is not None or k == "value")
        }
        text = figure.get("source")
        if text:
            if text not in keys:
                keys[text] = f"s{len(keys) + 1}"
                sources[keys[text]] = text
            item["source"] = keys[text]
        compact[name] = item
    return compact

"""Put context figures on the loaded LAs: old codes through the crosswalk, every gap explicit.

Files carry the codes of their year (the 2023 NEET dashboard still has the pre-2023 counties),
so each figure's code goes through the `LACodeRegistry`. A figure moves to a current LA only
when the two are the same area under another code (North Yorkshire and Somerset in 2023,
Barnsley's 2025 recode): a rate for a county that was split (Cumbria), or for areas that were
merged, is not any current LA's own figure, so it is not handed on. Then every loaded LA and
region gets a row for every indicator and period read, `no_data` where the source has none
(City of London, Isles of Scilly), so an absent figure says so instead of vanishing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Final

from geodata.codes import LACodeRegistry, Resolution
from geodata.context import NO_DATA, Figure, Level
from geodata.errors import GeodataError
from geodata.reorganisations import REORGANISATIONS, predecessors

NOTE_MAX: Final = 300
_BACK: Final = predecessors()
NO_FIGURE_NOTE: Final = "The source publishes no figure for this area."
#: How the note of a gap `_fill` made for a reorganised area begins.
OTHER_AREA_NOTE_START: Final = "No figure of its own for "


@dataclass(frozen=True)
class KeyedContext:
    """Figures on current codes, one per (area, indicator, period), and what was passed over."""

    figures: list[Figure]
    warnings: list[str]


def _forward_one_to_one(old: str, new: str) -> bool:
    """Whether `new` is `old` under a later code, with no split or merger on the way."""
    step = REORGANISATIONS.get(old)
    while step is not None:
        if len(step.successors) != 1 or len(_BACK.get(step.successors[0], ())) != 1:
            return False
        if step.successors[0] == new:
            return True
        step = REORGANISATIONS.get(step.successors[0])
    return False


def same_area(a: str, b: str) -> bool:
    """Two LA codes for one area (a recode, or a county becoming a unitary on its boundary)."""
    return a == b or _forward_one_to_one(a, b) or _forward_one_to_one(b, a)


def _resolve(registry: LACodeRegistry, figure: Figure) -> Resolution | None:
    for text in (figure.code, figure.name):
        if not text:
            continue
        try:
            return registry.resolve(text)
        except GeodataError:
            continue
    return None


def _note(*parts: str | None) -> str | None:
    text = " ".join(p for p in parts if p)
    return text[:NOTE_MAX] if text else None


def key_to_areas(
    figures: Iterable[Figure], registry: LACodeRegistry, regions: Mapping[str, str]
) -> KeyedContext:
    """Figures keyed to `registry.current_codes` and `regions`, with every gap filled."""
    own: dict[tuple[str, str, str], Figure] = {}
    moved: dict[tuple[str, str, str], Figure] = {}
    other_area: dict[tuple[str, str], set[str]] = {}
    sources: dict[tuple[str, str], str] = {}
    unknown: set[str] = set()
    for figure in figures:
        sources.setdefault((figure.indicator, figure.period), figure.source)
        if figure.level == "region":
            if figure.code in regions:
                own[(figure.code, figure.indicator, figure.period)] = figure
            else:
                unknown.add(f"region {figure.code} {figure.name}".strip())
            continue
        resolution = _resolve(registry, figure)
        if resolution is None:
            unknown.add(f"{figure.code} {figure.name}".strip())
            continue
        codes = resolution.codes
        if len(codes) == 1 and (codes[0] == figure.code or resolution.warning is None):
            own[(codes[0], figure.indicator, figure.period)] = replace(figure, code=codes[0])
        elif len(codes) == 1 and same_area(figure.code, codes[0]):
            note = _note(
                figure.note, f"Published under {figure.code} {figure.name}, the same area."
            )
            moved[(codes[0], figure.indicator, figure.period)] = replace(
                figure, code=codes[0], name=registry.name(codes[0]), note=note
            )
        else:
            for code in codes:
                other_area.setdefault((code, figure.period), set()).add(
                    f"{figure.code} {figure.name}"
                )
    keyed = {**moved, **own}
    filled = _fill(keyed, registry, regions, sources, other_area)
    warnings = [
        f"{len(unknown)} areas in the files are not in the loaded boundaries and were passed "
        f"over: {', '.join(sorted(unknown))}."
    ]
    return KeyedContext(filled, warnings if unknown else [])


def is_filled_gap(missing: str | None, note: str | None) -> bool:
    """Whether a stored figure is a gap `_fill` made (the source has no row for the area that
    period), as opposed to the source's own word for the period (a number, `c`, `z`, `x`).
    A filled gap says nothing about that year beyond "not published here", so a reader may
    show the area's latest published figure instead; the source's own `x` for a year stands."""
    return (
        missing == NO_DATA
        and note is not None
        and (note == NO_FIGURE_NOTE or note.startswith(OTHER_AREA_NOTE_START))
    )


def _fill(
    keyed: dict[tuple[str, str, str], Figure],
    registry: LACodeRegistry,
    regions: Mapping[str, str],
    sources: Mapping[tuple[str, str], str],
    other_area: Mapping[tuple[str, str], set[str]],
) -> list[Figure]:
    areas: list[tuple[str, str, Level]] = [
        *((code, registry.name(code), "la") for code in sorted(registry.current_codes)),
        *((code, name, "region") for code, name in sorted(regions.items())),
    ]
    out: list[Figure] = []
    for (indicator, period), source in sorted(sources.items()):
        for code, name, level in areas:
            found = keyed.get((code, indicator, period))
            if found is not None:
                out.append(replace(found, name=name, level=level))
                continue
            if others := other_area.get((code, period)):
                note = (
                    f"{OTHER_AREA_NOTE_START}{period}: the source gives one only for "
                    f"{', '.join(sorted(others))}, a different area (LA reorganisation)."
                )
            else:
                note = NO_FIGURE_NOTE
            out.append(
                Figure(code, name, level, indicator, period, None, NO_DATA, source, _note(note))
            )
    return out

"""Where a submission may go: LA references read through the crosswalk, and a key's LA scope.

JSON bodies and CSV rows name LAs the way people do (current or superseded GSS codes, DfE
codes, names); both paths resolve them here, so a superseded code maps to its successor with a
warning on either path and a county that was split is refused, naming its successors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from geodata.codes import Resolution
from geodata.errors import GeodataError
from geodata.la_lists import read_la_cell
from models.catalogue import AreaCatalogue
from models.errors import FieldProblem, InvalidInputError


@dataclass(frozen=True)
class ResolvedLAs:
    """Current GSS codes for the references that resolved, and what to say about the rest."""

    codes: tuple[str, ...]
    warnings: tuple[str, ...]
    problems: tuple[FieldProblem, ...]
    ambiguous: tuple[FieldProblem, ...]

    @property
    def all_problems(self) -> list[FieldProblem]:
        return [*self.problems, *self.ambiguous]

    def raise_problems(self) -> None:
        """Unknown and split references alike are invalid input (422), each detail naming its
        item and a split one listing the LAs to choose from: the value sent is what is wrong,
        not the state of a resource (the 409 a GET of a split area's page answers)."""
        if self.problems or self.ambiguous:
            first = self.all_problems[0].message if len(self.all_problems) == 1 else None
            raise InvalidInputError(first or "Some LAs could not be read.", self.all_problems)


def _label(catalogue: AreaCatalogue, code: str) -> str:
    info = catalogue.las.get(code)
    return f"{code} {info.name}" if info else code


def resolve_las(
    catalogue: AreaCatalogue,
    texts: Sequence[str],
    *,
    field: str = "la_codes",
    row: int | None = None,
    location: str | None = None,
    lists: bool = False,
) -> ResolvedLAs:
    """Read every LA reference; an area now split between several LAs is a problem, not a guess.

    With a `location` (a JSON body) each problem names its item (`la_codes.1`); a CSV cell's
    problems name the column and row instead. With `lists` (a CSV cell, whose `;` parts may
    hold several LAs separated by commas or line breaks) each text is read by `read_la_cell`;
    a JSON item is always one LA, as its array already separates them.
    """
    codes: list[str] = []
    warnings: list[str] = []
    problems: list[FieldProblem] = []
    ambiguous: list[FieldProblem] = []
    for index, text in enumerate(texts):
        at = f"{field}.{index}" if location else field
        for resolution in _read(catalogue, text, lists):
            if isinstance(resolution, GeodataError):
                problems.append(FieldProblem(at, resolution.message, row, location))
                continue
            if resolution.ambiguous:
                successors = ", ".join(_label(catalogue, code) for code in resolution.codes)
                ambiguous.append(
                    FieldProblem(
                        at,
                        f"'{resolution.input.strip()}' is now split between {successors}; give "
                        "the LA or LAs this intervention serves.",
                        row,
                        location,
                    )
                )
                continue
            codes.extend(resolution.codes)
            if resolution.warning:
                warnings.append(resolution.warning)
    return ResolvedLAs(
        tuple(dict.fromkeys(codes)), tuple(warnings), tuple(problems), tuple(ambiguous)
    )


def _read(catalogue: AreaCatalogue, text: str, lists: bool) -> list[Resolution | GeodataError]:
    if lists:
        return read_la_cell(text, catalogue.resolve_la)
    try:
        return [catalogue.resolve_la(text)]
    except GeodataError as exc:
        return [exc]


def scope_codes(catalogue: AreaCatalogue, stored: Iterable[str]) -> frozenset[str]:
    """A key's stored LA codes as current codes: a split county's key covers every successor."""
    current: set[str] = set()
    for code in stored:
        try:
            current.update(catalogue.resolve_la(code).codes)
        except GeodataError:
            continue  # an LA that no longer exists and has no successor grants nothing
    return frozenset(current)


def outside_scope(
    catalogue: AreaCatalogue,
    codes: Iterable[str],
    scope: frozenset[str],
    *,
    field: str = "la_codes",
    row: int | None = None,
    location: str | None = None,
) -> list[FieldProblem]:
    """One problem per LA the key may not write to, naming the LA."""
    return [
        FieldProblem(
            field,
            f"{_label(catalogue, code)} is not one of the LAs this API key may write to.",
            row,
            location,
        )
        for code in codes
        if code not in scope
    ]

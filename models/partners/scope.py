"""Where a submission may go: LA references read through the crosswalk, and a key's LA scope.

JSON bodies and CSV rows name LAs the way people do (current or superseded GSS codes, DfE
codes, names); both paths resolve them here, so a superseded code maps to its successors with a
warning on either path. A county abolished and split (Cumbria in 2023) is wholly covered by its
successors, so it is read as all of them, the warning naming each; a partner key may use it
only if it may write to every one. Only an area newer than the loaded boundaries that they show
as several older LAs is refused, naming them, as no reading of it is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from geodata.codes import Resolution
from geodata.errors import GeodataError
from geodata.la_lists import read_la_cell
from models.errors import FieldProblem, InvalidInputError
from models.geography.catalogue import AreaCatalogue


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
        """Unknown references and newer areas the boundaries split are invalid input (422),
        each detail naming its item and a split one listing the LAs to choose from: the value
        sent is what is wrong, not the state of a resource (the 409 a GET of a split area's
        page answers)."""
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
    """Read every LA reference; a superseded area is read as all the LAs that now cover it.

    A county abolished and split (Cumbria) is exactly the union of its successors, so it is no
    guess to read it as all of them; the warning names each, so the officer sees what the
    record will serve. An area newer than the loaded boundaries that they show as several
    older LAs is still a problem: none of those LAs is exactly it.

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
            if resolution.ambiguous and resolution.resolved_from == "newer_gss":
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
            if resolution.ambiguous:
                successors = " and ".join(_label(catalogue, code) for code in resolution.codes)
                warnings.append(
                    f"{resolution.warning} '{resolution.input.strip()}' was read as all of "
                    f"them: {successors}."
                )
            elif resolution.warning:
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


def names_beside_codes(
    catalogue: AreaCatalogue,
    codes: Sequence[str],
    names: Sequence[str],
    *,
    row: int | None = None,
    location: str | None = None,
    lists: bool = False,
) -> list[FieldProblem]:
    """Problems where an LA name given beside the codes (`la_names`) is not the same area as
    the code in its place.

    Officers keep both columns; the codes are what is read, and a name that says otherwise
    means one of the two is wrong, which only the officer can tell. A code that cannot be read
    is reported on `la_codes` already, so its name is not checked.
    """
    read_codes = [found for text in codes for found in _read(catalogue, text, lists)]
    read_names = [found for text in names for found in _read(catalogue, text, lists)]
    field = "la_names"
    if len(read_codes) != len(read_names):
        return [
            FieldProblem(
                field,
                f"la_names names {len(read_names)} LA(s) but la_codes gives "
                f"{len(read_codes)}; give one name per code, in the same order, or leave "
                "la_names empty.",
                row,
                location,
            )
        ]
    problems = []
    for index, (code, name) in enumerate(zip(read_codes, read_names, strict=True)):
        if isinstance(code, GeodataError):
            continue
        if isinstance(name, Resolution) and set(name.codes) == set(code.codes):
            continue
        meant = " and ".join(_label(catalogue, c) for c in code.codes)
        given = code.input.strip()
        if isinstance(name, GeodataError):
            message = f"{name.message} It stands beside the code '{given}', which is {meant}."
        else:
            named = " and ".join(_label(catalogue, c) for c in name.codes)
            message = (
                f"The name '{name.input.strip()}' is {named}, but the code beside it, "
                f"'{given}', is {meant}. Correct the name or the code."
            )
        problems.append(
            FieldProblem(
                f"{field}.{index}" if location else field,
                message,
                row,
                location,
            )
        )
    return problems


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

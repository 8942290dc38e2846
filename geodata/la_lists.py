"""Several LAs in one piece of text, as people write them: comma-separated, one per line.

Four LA names contain a comma ("Bristol, City of", "Herefordshire, County of"), so no list of
LAs can be split blindly at commas; each reader here tries the readings that keep a name whole.
The `la` query filter and the CSV `la_codes` cell share them, so a list reads the same on
either path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from geodata.codes import Resolution
from geodata.errors import GeodataError

#: A GSS or DfE code: never half of an LA name, so never joined with a neighbouring part.
_CODE = re.compile(r"[A-Za-z]\d{8}|\d{3}")


def read_la_list(
    item: str, resolve: Callable[[str], Resolution]
) -> list[Resolution | GeodataError]:
    """The LAs named in one `la` value, split at commas where that makes sense.

    Four LA names contain a comma ("Bristol, City of", "Bournemouth, Christchurch and
    Poole"), so a blind split cannot read them. Each comma-separated part is read on its own
    first (the usual `Leeds,Sefton` costs nothing more); if one is not an LA, the whole
    value is tried as one name, then the failing part joined with the part before it or
    after it. A part that is no LA either way is reported with the resolver's message (two
    such parts in a row as one name).
    """
    attempts: dict[str, Resolution | GeodataError] = {}

    def attempt(text: str) -> Resolution | GeodataError:
        if text not in attempts:
            try:
                attempts[text] = resolve(text)
            except GeodataError as exc:
                attempts[text] = exc
        return attempts[text]

    parts = [part for part in item.split(",") if part.strip()]
    singles = [attempt(part) for part in parts]
    if all(isinstance(found, Resolution) for found in singles):
        return singles
    if len(parts) > 1 and isinstance(whole := attempt(",".join(parts)), Resolution):
        return [whole]
    return _join_failures(parts, singles, attempt)


def _join_failures(
    parts: list[str],
    singles: list[Resolution | GeodataError],
    attempt: Callable[[str], Resolution | GeodataError],
) -> list[Resolution | GeodataError]:
    """Join each part that is not an LA with a neighbour when together they name one."""
    out: list[Resolution | GeodataError] = []
    joined_last = False  # the previous entry of `out` already spans two parts
    index = 0
    while index < len(parts):
        found = singles[index]
        if isinstance(found, Resolution):
            out.append(found)
            joined_last = False
            index += 1
            continue
        if out and not joined_last and _joinable(parts[index - 1], parts[index]):
            before = attempt(f"{parts[index - 1]},{parts[index]}")
            if isinstance(before, Resolution):
                out[-1] = before
                joined_last = True
                index += 1
                continue
        if index + 1 < len(parts) and _joinable(parts[index], parts[index + 1]):
            after = attempt(f"{parts[index]},{parts[index + 1]}")
            # Two unknown parts in a row read best as one unknown name ("Nowhere, City of").
            if isinstance(after, Resolution) or not isinstance(singles[index + 1], Resolution):
                out.append(after)
                joined_last = True
                index += 2
                continue
        out.append(found)
        joined_last = False
        index += 1
    return out


def _joinable(first: str, second: str) -> bool:
    return not (_CODE.fullmatch(first.strip()) or _CODE.fullmatch(second.strip()))


#: Line breaks (Alt+Enter in an Excel cell) never occur inside an LA name.
_LINE_BREAK = re.compile(r"[\r\n]+")


def read_la_cell(
    part: str, resolve: Callable[[str], Resolution]
) -> list[Resolution | GeodataError]:
    """The LAs in one `;`-separated part of a CSV `la_codes` cell.

    Officers separate LAs with commas ("Leeds, Bradford") and line breaks as well as the
    documented `;`. The whole part is read as one LA first, so "Bristol, City of" stays one
    LA; otherwise each line is read as a comma-separated list by `read_la_list`, and a piece
    that is no LA is reported with the resolver's message, which quotes the piece.
    """
    try:
        return [resolve(part)]
    except GeodataError as exc:
        whole: Resolution | GeodataError = exc
    lines = [line for line in _LINE_BREAK.split(part) if line.strip()]
    if len(lines) <= 1 and "," not in part:
        return [whole]
    return [found for line in lines for found in read_la_list(line, resolve)]

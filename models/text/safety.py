"""Free text that stays what it says: no hidden controls, and CSV cells that survive a round trip.

Names and descriptions are shown on maps, in spreadsheets and in moderators' queues. A
control character or a bidirectional override (U+202E turns "gpj.exe" around) makes them say
something other than what is stored, so they are refused with a 422 naming the field, not
silently cleaned: the sender sees what was wrong, and what is stored is what was sent. Line
breaks and tabs stay allowed in long text (descriptions, quotes).

The CSV export prefixes an apostrophe to free text a spreadsheet would run as a formula
(CSV injection); the import removes exactly that apostrophe, so an exported file imports
to the same values (`protect_formula` and `unprotect_formula` are inverses).
"""

from __future__ import annotations

import re
from typing import Final

#: Spreadsheets run a cell starting with one of these as a formula.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

#: C0 and C1 controls (not tab and line breaks) and the bidirectional embeddings,
#: overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_HIDDEN: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS: Final = re.compile(r"[\t\n\r]")


def hidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that would hide or reorder text, named, or None.

    Tab and line breaks are allowed in `multiline` text only."""
    found = _HIDDEN.search(value) or (None if multiline else _LINE_BREAKS.search(value))
    if found is None:
        return None
    return f"U+{ord(found[0]):04X}"


def refuse_hidden(value: str | None, *, multiline: bool = False) -> str | None:
    """`value` unchanged, or ValueError naming the control or bidi character it holds."""
    if value is not None and (code := hidden_character(value, multiline=multiline)):
        raise ValueError(
            f"must not contain control characters or bidirectional overrides (found {code})"
        )
    return value


def _is_protected(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def protect_formula(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows as text (an apostrophe first if needed)."""
    return "'" + text if _is_protected(text) else text


def unprotect_formula(cell: str) -> str:
    """The text `protect_formula` made `cell` from."""
    return cell[1:] if cell.startswith("'") and _is_protected(cell) else cell

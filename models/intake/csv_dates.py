"""Dates as spreadsheets write them: ISO, and the day-first UK forms Excel produces.

An officer's sheet holds whatever Excel's UK locale displays or exports: `01/09/2024`,
`01/09/24`, `1-Sep-24`, `1 September 2024`, `01.09.2024`, or `2024/09/01`. Each is
unambiguous once day-first is assumed (this is an England-only service), so each is read;
a date that does not exist (`31/02/2024`) or a form not listed is refused, never guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final

#: Day, month, year in numbers, one separator throughout: 01/09/2024, 1.9.24, 01-09-2024.
_DAY_FIRST: Final = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
#: Year first with slashes, as some exports write it: 2024/09/01.
_YEAR_FIRST: Final = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
#: Day, month name, year: 1-Sep-24, 1 Sep 2024, 1st September 2024.
_NAMED: Final = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]+)\.?,?[ \-](\d{4}|\d{2})$", re.IGNORECASE
)
_MONTH_NAMES: Final = (
    "january february march april may june july august september october november december"
).split()
#: English month names and their usual abbreviations ("Sep" and "Sept") -> month number;
#: spelt out rather than taken from `calendar`, whose names follow the process's locale.
_MONTHS: Final = {
    name: number for number, full in enumerate(_MONTH_NAMES, start=1) for name in (full, full[:3])
} | {"sept": 9}


def _year(text: str) -> int:
    """A four-digit year as it is; two digits are this century, as Excel's `dd/mm/yy` is."""
    return int(text) if len(text) == 4 else 2000 + int(text)


def parse_date(value: str) -> date:
    """The date a cell holds; ValueError when it is no date in a form listed above."""
    if match := _DAY_FIRST.match(value):
        day, _, month, year = match.groups()
        return date(_year(year), int(month), int(day))
    if match := _YEAR_FIRST.match(value):
        year, month, day = match.groups()
        return date(int(year), int(month), int(day))
    if match := _NAMED.match(value):
        day, name, year = match.groups()
        if name.lower() not in _MONTHS:
            raise ValueError(f"no month is called {name!r}")
        return date(_year(year), _MONTHS[name.lower()], int(day))
    return (
        datetime.fromisoformat(value).date()
        if " " in value or "T" in value
        else date.fromisoformat(value)
    )

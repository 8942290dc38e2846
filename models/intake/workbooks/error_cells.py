"""The cells of an .xlsx sheet that show a formula error (`#REF!`, `#DIV/0!`), from its XML.

calamine reads a sheet about twenty times faster than openpyxl, but gives an error cell as an
empty one, and an officer whose `la_codes` cell shows `#REF!` must be told so, not that the
cell is blank. Excel writes such a cell typed `t="e"` with the error as its value, so the one
part holding the chosen sheet is searched for those cells: the workbook lists its sheets with a
relationship id each, and the relationships name each sheet's part. Nothing here loads the XML
as a tree (a sheet may unpack to 30 MB); a part that is missing or a cell without its
reference gives no error cell rather than a failure, since the values were read already.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Set as AbstractSet
from typing import Final

from models.intake.caps import column_letter

_WORKBOOK: Final = "xl/workbook.xml"
_RELATIONSHIPS: Final = "xl/_rels/workbook.xml.rels"
_SHEET: Final = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_NAME: Final = re.compile(rb'\sname="([^"]*)"')
_SHEET_ID: Final = re.compile(rb'\s(?:\w+:)id="([^"]*)"')
_RELATIONSHIP: Final = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ID: Final = re.compile(rb'(?:^|\s)Id="([^"]*)"')
_TARGET: Final = re.compile(rb'\sTarget="([^"]*)"')
_ERROR_TYPED: Final = b't="e"'
_ERROR_CELL: Final = re.compile(
    rb'<(?:\w+:)?c\s([^>]*?\st="e"[^>/]*)>(.*?)</(?:\w+:)?c>', re.DOTALL
)
_REFERENCE: Final = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})([0-9]{1,7})"')
_VALUE: Final = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def error_cells(
    archive: zipfile.ZipFile, sheet: str, columns: AbstractSet[int]
) -> dict[tuple[int, int], str]:
    """The error shown by each error cell below the header of the sheet called `sheet`, in
    the columns neetmap reads (`columns`), by (row, column) counted from 0 as calamine counts
    them. Errors elsewhere are no one's concern (their values would not be read), and a sheet
    of nothing but errors would otherwise hold a million of them."""
    part = _sheet_part(archive, sheet)
    if part is None:
        return {}
    xml = archive.read(part)
    if _ERROR_TYPED not in xml:
        return {}
    wanted = {column_letter(index).encode(): index for index in columns}
    found: dict[tuple[int, int], str] = {}
    shown_once: dict[str, str] = {}  # each error text held once however many cells show it
    for match in _ERROR_CELL.finditer(xml):
        reference = _REFERENCE.search(match.group(1))
        if reference is None or (column := wanted.get(reference.group(1))) is None:
            continue
        row = int(reference.group(2)) - 1
        if row == 0:
            continue
        value = _VALUE.search(match.group(2))
        shown = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#N/A"
        found[(row, column)] = shown_once.setdefault(shown[:20], shown[:20])
    return found


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The path inside the archive of the part holding the sheet called `sheet`."""
    names = set(archive.namelist())
    if _WORKBOOK not in names or _RELATIONSHIPS not in names:
        return None
    relationship = None
    for match in _SHEET.finditer(archive.read(_WORKBOOK)):
        name, rid = _NAME.search(match.group(1)), _SHEET_ID.search(match.group(1))
        if name and rid and html.unescape(name.group(1).decode("utf-8", "replace")) == sheet:
            relationship = rid.group(1)
            break
    if relationship is None:
        return None
    for match in _RELATIONSHIP.finditer(archive.read(_RELATIONSHIPS)):
        rid, target = _ID.search(match.group(1)), _TARGET.search(match.group(1))
        if rid and target and rid.group(1) == relationship:
            path = html.unescape(target.group(1).decode("utf-8", "replace"))
            part = path.lstrip("/") if path.startswith("/") else posixpath.join("xl", path)
            part = posixpath.normpath(part)
            return part if part in names else None
    return None

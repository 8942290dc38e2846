"""Workbooks for the import tests, built as Excel and LibreOffice write them.

openpyxl writes formulas without the value Excel calculates on saving, so `with_cached_values`
puts the values in as Excel would (`<v>`, and `t="e"` for an error such as `#REF!`). The
OpenDocument file is the minimal package LibreOffice reads (mimetype, manifest, content).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import openpyxl


def xlsx(rows: Iterable[Sequence[Any]], *, title: str = "Interventions", sheets: int = 1) -> bytes:
    """A workbook whose first sheet holds the rows (and `sheets - 1` empty sheets after it)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for number in range(2, sheets + 1):
        book.create_sheet(f"Sheet {number}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_cached_values(data: bytes, values: Mapping[str, str]) -> bytes:
    """The workbook with each formula cell (`E2`) holding a calculated value; a value starting
    with `#` is an error cell, as Excel stores `#REF!`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = part.decode()
                for cell, value in values.items():
                    kind = ' t="e"' if value.startswith("#") else ""
                    if not kind and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                        kind = ' t="str"'
                    text, found = re.subn(
                        rf'<c r="{cell}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)',  # lxml writes <v></v>
                        rf'<c r="{cell}"\1{kind}><f>\2</f><v>{escape(value)}</v>',
                        text,
                    )
                    assert found == 1, f"no formula in {cell}"
                part = text.encode()
            target.writestr(info, part)
    return out.getvalue()


def many_rows_xlsx(count: int) -> bytes:
    """A workbook of `count` rows under a header, written as sheet XML directly (openpyxl
    would take minutes), with the `<dimension>` Excel always writes; deflated, a million
    short rows is a few MB."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, count + 2))
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><dimension ref="A1:A{count + 1}"/><sheetData>{header}'
        f"{rows}</sheetData></worksheet>"
    )
    base = zipfile.ZipFile(io.BytesIO(xlsx([["name"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in base.infolist():
            part = base.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = sheet.encode()
            target.writestr(
                info.filename, part, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9
            )
    return out.getvalue()


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)


def ods(rows: Iterable[Sequence[str]], *, title: str = "Interventions") -> bytes:
    """An OpenDocument spreadsheet of text cells; a cell `date:2024-09-01` is a date cell."""
    body = []
    for row in rows:
        cells = []
        for value in row:
            if value.startswith("date:"):
                day = value.removeprefix("date:")
                cells.append(
                    f'<table:table-cell office:value-type="date" office:date-value="{day}">'
                    f"<text:p>{day}</text:p></table:table-cell>"
                )
            else:
                cells.append(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(value)}'
                    "</text:p></table:table-cell>"
                )
        body.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(title)}">'
        f"{''.join(body)}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_repeating(times: int) -> bytes:
    """An OpenDocument sheet whose second row, 50 filled cells, is written once and repeated
    `times` times (`number-rows-repeated`): a few bytes standing for millions of cells."""
    row = (
        f'<table:table-row table:number-rows-repeated="{times}"><table:table-cell '
        'table:number-columns-repeated="50" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    padding = '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
    source = zipfile.ZipFile(io.BytesIO(ods([["name", "la_codes"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "content.xml":
                part = part.replace(b"</table:table>", (row + padding).encode() + b"</table:table>")
            target.writestr(info, part)
    return out.getvalue()

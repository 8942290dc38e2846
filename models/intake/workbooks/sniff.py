"""What an uploaded file is, by its first bytes and (for a zip) the parts inside it.

A file's name and Content-Type are whatever the sender's system says: an officer renames a PDF
to `.xlsx`, a browser sends `application/octet-stream`. The bytes decide, so a workbook is read
as one whatever it is called, and a PDF is named as a PDF rather than read as garbled CSV.
"""

from __future__ import annotations

import io
import zipfile
from enum import Enum
from typing import Final


class FileKind(Enum):
    XLSX = "xlsx"  # Office Open XML workbook (.xlsx, .xlsm)
    ODS = "ods"  # OpenDocument spreadsheet
    XLS = "xls"  # legacy Excel (an OLE2 compound file)
    ENCRYPTED = "encrypted"  # a password-protected Office file (OLE2 holding an encrypted package)
    TEXT = "text"  # anything else that may be CSV; the CSV reader judges it


#: An OLE2 compound file: legacy .xls, and also what Excel saves a password-protected .xlsx as.
OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP: Final = b"PK\x03\x04"
#: The stream name an encrypted Office file holds, as OLE2 directory entries store it (UTF-16).
_ENCRYPTED_STREAM: Final = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS: Final = (
    "Upload the spreadsheet itself: an Excel workbook (.xlsx), an OpenDocument spreadsheet "
    "(.ods) or a CSV file."
)
#: Files people upload by mistake, by their first bytes. Other binary files are told by their
#: NUL bytes: one in ten, where a CSV file with a stray NUL has a few (reported in their cells).
_NOT_SPREADSHEETS: Final = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)


def file_kind(data: bytes) -> FileKind:
    """The kind of spreadsheet the bytes are; TEXT for anything that is not a workbook."""
    if data.startswith(OLE2):
        return FileKind.ENCRYPTED if _ENCRYPTED_STREAM in data else FileKind.XLS
    if data.startswith(ZIP):
        names = _zip_names(data)
        if "mimetype" in names and b"opendocument.spreadsheet" in data[:200]:
            return FileKind.ODS
        if any(name.startswith("xl/") for name in names) or not names:
            return FileKind.XLSX  # unreadable zips are judged (and reported) by the reader
    return FileKind.TEXT


def not_a_spreadsheet(data: bytes) -> str | None:
    """Why the bytes are no spreadsheet at all (a PDF, an image, a Word file), or None."""
    if file_kind(data) is not FileKind.TEXT:
        return None
    for magic, kind in _NOT_SPREADSHEETS:
        if data.startswith(magic):
            return f"This file is {kind}, not a spreadsheet. {_SAVE_AS}"
    if data.startswith(ZIP):
        names = _zip_names(data)
        if any(name.startswith("word/") for name in names):
            kind = "a Word document"
        elif any(name.startswith("ppt/") for name in names):
            kind = "a PowerPoint presentation"
        elif "mimetype" in names:
            kind = "an OpenDocument file that is not a spreadsheet"
        else:
            kind = "a zip archive"
        return f"This file is {kind}, not a spreadsheet. {_SAVE_AS}"
    head = data[:4096]
    if head.count(0) > len(head) // 10 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"This file is not text (it holds binary data), so it is not a CSV file. {_SAVE_AS}"
    return None


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []

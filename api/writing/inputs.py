"""What the write routes read from a request: a JSON object, a CSV file, known query parameters.

Bodies are read here, after the API key has been checked (these dependencies come after
`PartnerDep` in each route), and only up to the limits `api.http.body_limit` enforces. Every problem
is a domain error naming the field, so it leaves in the one error shape.
"""

from __future__ import annotations

import difflib
import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from api.deps import SAFE_METHODS
from api.http.query_repeats import conflicting_repeats, query_params
from models.errors import FieldProblem, InvalidInputError, UnsupportedUploadError
from models.intake.workbooks.sniff import not_a_spreadsheet

_OBJECT_EXAMPLE = '{"name": "Leeds Pathways", "la_codes": ["E08000035"]}'


def _body_problem(message: str, field_message: str) -> InvalidInputError:
    return InvalidInputError(message, [FieldProblem("body", field_message, location="body")])


async def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; anything else is a 422 on field `body` saying what is wrong."""
    raw = await request.body()
    if not raw.strip():
        raise _body_problem(
            "The request body is empty.", f"is empty; send a JSON object such as {_OBJECT_EXAMPLE}"
        )
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _body_problem(
            "The request body is not valid JSON.",
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from None
    except ValueError:  # bytes that are not UTF-8 (or UTF-16/32)
        raise _body_problem(
            "The request body is not valid JSON.", "is not valid JSON: it is not UTF-8 text"
        ) from None
    except RecursionError:
        raise _body_problem(
            "The request body is not valid JSON.", "nests arrays or objects too deeply"
        ) from None
    if not isinstance(value, dict):
        raise _body_problem(
            "The request body must be a JSON object.",
            f"must be a JSON object with named fields, such as {_OBJECT_EXAMPLE}",
        )
    return value


JsonObjectDep = Annotated[dict[str, Any], Depends(read_json_object)]


async def read_upload(request: Request) -> bytes:
    """The file (CSV or workbook): the request body itself, or the one file of a multipart form.

    A browser-style form (`curl -F file=@x.csv`) is read as well as a raw body
    (`curl --data-binary @x.csv`); the size limit covers both, as it covers the whole body.
    """
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        # Nothing decompresses request bodies, so a gzipped file would be read as garbage
        # bytes (garbled "columns", or a Windows-1252 warning) instead of being named.
        raise UnsupportedUploadError(
            f"The upload is compressed (Content-Encoding: {encoding[:40]}), which neetmap does "
            "not read; send the CSV file uncompressed.",
            [
                FieldProblem(
                    "Content-Encoding",
                    "must be absent or 'identity': send the file uncompressed",
                    location="header",
                )
            ],
        )
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        data = await _form_file(request)
    elif content_type.startswith("multipart/"):
        raise UnsupportedUploadError(
            "Send the CSV file as the request body (`curl --data-binary @file.csv`) or as a "
            "form with one file field (`curl -F file=@file.csv`)."
        )
    else:
        data = await request.body()
    if wrong := not_a_spreadsheet(data):  # 415 whatever the name or Content-Type claims
        raise UnsupportedUploadError(
            wrong,
            [FieldProblem("file", "must be a CSV file or a workbook", location="body")],
        )
    return data


#: The form field a file is sent in; as text, it is the file itself (`curl -F "file=<x.csv"`).
_FILE_FIELD = "file"


async def _form_file(request: Request) -> bytes:
    """The form's one file; other fields are refused, since none of them would be read.

    `curl -F "file=<x.csv"` (with `<`, not `@`) sends the file's content as a text field named
    `file`, not as a file; that is read as the file too, rather than refused as a stray field.
    Starlette caps a text field at 1 MB unless told otherwise; the whole body is capped by
    `api.http.body_limit` already, so that cap is lifted here.
    """
    try:
        form = await request.form(max_part_size=_NO_PART_LIMIT)
    except HTTPException as exc:  # Starlette's 400 for a form it cannot parse
        if exc.status_code != 400:
            raise
        raise InvalidInputError(
            "The request body is not a well-formed form.",
            [FieldProblem("body", f"is not multipart/form-data: {exc.detail}", location="body")],
        ) from exc
    try:
        items = form.multi_items()
        files: list[UploadFile | str] = [
            value for name, value in items if isinstance(value, UploadFile) or name == _FILE_FIELD
        ]
        fields = [
            name
            for name, value in items
            if not isinstance(value, UploadFile) and name != _FILE_FIELD
        ]
        if fields:
            raise InvalidInputError(
                f"The form field '{fields[0]}' is not read: send options such as dry_run in "
                "the address (`/api/v1/imports?dry_run=true`), and only the file in the form.",
                [
                    FieldProblem(name, "is not a form field of the import", location="body")
                    for name in fields
                ],
            )
        if len(files) != 1:
            found = "no file" if not files else f"{len(files)} files"
            raise InvalidInputError(
                f"The form holds {found}; send exactly one CSV file (`curl -F file=@file.csv`).",
                [FieldProblem("file", f"must be one file, not {found}", location="body")],
            )
        (file,) = files
        return await file.read() if isinstance(file, UploadFile) else _text_field_bytes(file)
    finally:
        await form.close()


#: No cap of Starlette's on one part: `api.http.body_limit` caps the whole body before this.
_NO_PART_LIMIT = 2**63 - 1


def _text_field_bytes(value: str) -> bytes:
    """The bytes a text field was sent as, so the file's encoding is detected as for a file.

    Starlette decodes a text field as UTF-8, and as Latin-1 when that fails; Latin-1 maps
    every byte to one character, so those bytes come back exactly. Text that encodes to
    Latin-1 bytes which are valid UTF-8 cannot have come from that fallback (UTF-8 would
    have succeeded), so it was UTF-8; so was text Latin-1 cannot encode.
    """
    try:
        raw = value.encode("latin-1")
        raw.decode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8")
    except UnicodeDecodeError:
        return raw  # the Latin-1 fallback: these are the bytes sent (e.g. Excel's CSV)
    return value.encode("utf-8")


UploadDep = Annotated[bytes, Depends(read_upload)]


def check_write_query(request: Request) -> None:
    """422 for a query parameter a write route does not read, with the closest known one, and
    for a single-valued one given more than once with different values.

    A write must not go ahead on a misread instruction: `?dryrun=true` would otherwise store
    a file its sender meant only to check, and of `?dry_run=true&dry_run=false` FastAPI reads
    one without a word. Reads keep ignoring unknown parameters, and may repeat list ones.
    """
    route = request.scope.get("route")
    if request.method in SAFE_METHODS or not isinstance(route, APIRoute):
        return
    params = query_params(route.dependant)
    known = sorted(params)
    accepted = f"This request reads: {', '.join(known)}." if known else "This request reads none."
    problems, hints = [], []
    for name in dict.fromkeys(request.query_params.keys()):
        if name in known:
            continue
        close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
        hints.append(f" Did you mean '{close[0]}'?" if close else "")
        problems.append(
            FieldProblem(
                name,
                f"{name} is not a parameter of this request.{hints[-1]} {accepted}",
                location="query",
            )
        )
    repeated = conflicting_repeats(request, params)
    if problems:
        raise InvalidInputError(
            f"The query parameter '{problems[0].field}' is not one this request reads, so "
            f"nothing was done.{hints[0]} {accepted}",
            problems + repeated,
        )
    if repeated:
        raise InvalidInputError(f"{repeated[0].message}; nothing was done.", repeated)

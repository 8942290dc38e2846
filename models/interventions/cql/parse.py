"""cql2-text and cql2-json into the standard's JSON form, with the `cql2` parser.

Both languages come out as the same JSON tree, so one translator (`translate`) serves both.
A syntax error is an `InvalidInputError` on the `filter` parameter naming the line, column and
the text found there, which is what a person fixing a hand-typed filter needs.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import cql2

from models.errors import FieldProblem, InvalidInputError

FilterLang = Literal["cql2-text", "cql2-json"]
#: Longest filter accepted, in characters: a polygon of a few thousand vertices fits.
MAX_FILTER_CHARS = 200_000
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_EXPECTED = re.compile(r"=\s*expected (.+)$", re.MULTILINE)


def filter_error(message: str) -> InvalidInputError:
    """A problem with the `filter` parameter."""
    return InvalidInputError(
        f"filter: {message}", [FieldProblem("filter", message, location="query")]
    )


def parse(text: str, lang: FilterLang) -> Any:
    """The filter as CQL2 JSON (dicts, lists and literals)."""
    if len(text) > MAX_FILTER_CHARS:
        raise filter_error(f"is {len(text)} characters long; at most {MAX_FILTER_CHARS} are read")
    if "\x00" in text:
        raise filter_error("must not contain a NUL character")
    try:
        expr = cql2.parse_text(text) if lang == "cql2-text" else cql2.parse_json(text)
        return expr.to_json()
    except cql2.ParseError as exc:
        raise filter_error(_syntax_message(text, str(exc), lang)) from None
    except Exception as exc:  # cql2 raises a plain Exception for some input (POINT EMPTY)
        raise filter_error(f"is not valid {lang}: {_first_line(str(exc))}") from None


def _syntax_message(text: str, detail: str, lang: FilterLang) -> str:
    """ "syntax error at line 1, column 5 (near '= 3'): expected ..." from the parser's report."""
    found = _POSITION.search(detail)
    if found is None:
        return f"is not valid {lang}: {_first_line(detail)}"
    line_no, column = int(found.group(1)), int(found.group(2))
    lines = text.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    near = line[column - 1 :].split()
    token = " ".join(near[:2]) if near else "the end of the filter"
    where = f"line {line_no}, column {column}" if len(lines) > 1 else f"position {column}"
    message = (
        f"syntax error at {where} (near '{token}')"
        if near
        else f"syntax error at {where} ({token})"
    )
    if expected := _EXPECTED.search(detail):
        message += f": expected {expected.group(1).strip()}"
    return message


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unreadable"

"""Case- and apostrophe-insensitive text matching that gives the same answer on both backends.

SQLite's `lower()` folds ASCII letters only, so "ÉCOLE" never matched "école" there, while
PostgreSQL's (under a UTF-8 locale) folds every alphabet; and a straight ' never matched the
curly ’ that word processors type. Free-text search therefore compares `fold(haystack)` with
`fold(word)`, where `fold` is one SQL function with one meaning: lower case by the simple
(one character to one character) Unicode mapping, as PostgreSQL's `lower()` does, then
‘ ’ ʼ read as ', a final ς as σ (so "οδος", typed with a final ς, finds "ΟΔΟΣ") and ß as ss (so
"Straße" and "STRASSE" meet). On PostgreSQL it is `replace(translate(lower(x), ...))`; on
SQLite, `fold_text` below, registered on every connection by `models.engine`. Python's own
`str.lower` differs from the simple mapping in two letters only: a final Σ, which the sigma
rule makes moot, and İ, which `fold_text` maps as PostgreSQL does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

#: The SQL name of the function registered on SQLite connections.
SQLITE_FUNCTION = "neetmap_fold"
#: Left and right single quotation marks and the modifier letter apostrophe.
APOSTROPHES = "\u2018\u2019\u02bc"
#: Letters read as another after lower-casing: the apostrophes as ', a final sigma as σ.
_SAME_AS = {**{ord(mark): "'" for mark in APOSTROPHES}, ord("\u03c2"): "\u03c3"}
#: Where Python's full lower-case mapping differs from the simple one PostgreSQL uses.
_SIMPLE_LOWER = {ord("\u0130"): "i"}


def fold_text(text: str | None) -> str | None:
    """Lower case (simple Unicode mapping), curly apostrophes straight, ς as σ, ß as ss."""
    if text is None:
        return None
    if text.isascii():  # most text: a C-speed path, as a search scans every row
        return text.lower()
    if "\u0130" in text:
        text = text.translate(_SIMPLE_LOWER)
    return text.lower().translate(_SAME_AS).replace("\u00df", "ss")


class fold(FunctionElement[str]):  # noqa: N801  (lower case, like the func.x it stands beside)
    """`fold(text)`: the SQL side of `fold_text`, compiled per backend."""

    type = Text()
    inherit_cache = True


@compiles(fold)
def _fold_sqlite(element: fold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(fold, "postgresql")
def _fold_postgresql(element: fold, compiler: SQLCompiler, **kw: Any) -> str:
    quotes = "'" * 2 * len(APOSTROPHES)  # each ' doubled inside the SQL literal
    argument = compiler.process(element.clauses, **kw)
    translated = f"translate(lower({argument}), '{APOSTROPHES}\u03c2', '{quotes}\u03c3')"
    return f"replace({translated}, '\u00df', 'ss')"

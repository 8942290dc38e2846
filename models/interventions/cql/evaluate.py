"""The tree evaluated on in-memory records (the LA and region collections: 153 and 9 rows).

Three-valued like SQL: a comparison with a missing value is unknown, NOT of unknown is
unknown, and only a true result keeps a record, so `NOT (region_code = 'x')` leaves out
records with no region, as the database would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.interventions.cql.sql import like_to_glob
from models.interventions.cql.tree import (
    And,
    Between,
    Compare,
    Const,
    Expr,
    Has,
    InValues,
    IsNull,
    Like,
    Not,
    Or,
    Places,
)


def matches(expr: Expr, record: Mapping[str, Any]) -> bool:
    """Whether the record meets the expression (unknown counts as not)."""
    return _truth(expr, record) is True


def _truth(expr: Expr, record: Mapping[str, Any]) -> bool | None:
    match expr:
        case Const(value):
            return value
        case And(items):
            results = [_truth(item, record) for item in items]
            return False if False in results else (None if None in results else True)
        case Or(items):
            results = [_truth(item, record) for item in items]
            return True if True in results else (None if None in results else False)
        case Not(item):
            inner = _truth(item, record)
            return None if inner is None else not inner
        case Compare(prop, op, value):
            have = record.get(prop)
            if have is None:
                return None
            return bool(
                {
                    "=": have == value,
                    "<>": have != value,
                    "<": have < value,
                    "<=": have <= value,
                    ">": have > value,
                    ">=": have >= value,
                }[op]
            )
        case InValues(prop, values):
            have = record.get(prop)
            return None if have is None else have in values
        case Between(prop, low, high):
            have = record.get(prop)
            return None if have is None else bool(low <= have <= high)
        case IsNull(prop):
            return record.get(prop) is None
        case Like(prop, pattern):
            have = record.get(prop)
            return None if have is None else _glob_match(str(have), like_to_glob(pattern))
        case Has(prop, values, mode):
            held = set(record.get(prop) or ())
            wanted = set(values)
            return {
                "any": bool(held & wanted),
                "all": wanted <= held,
                "within": held <= wanted,
                "equal": held == wanted,
            }[mode]
        case Places(codes, _):
            return record.get("code") in set(codes)
    raise TypeError(f"not a filter expression: {expr!r}")  # pragma: no cover


def _glob_match(text: str, glob: str) -> bool:
    """Case-sensitive GLOB, as SQLite reads it (fnmatchcase has the same wildcards)."""
    from fnmatch import fnmatchcase

    return fnmatchcase(text, glob)

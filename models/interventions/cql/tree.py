"""The typed expression tree a CQL2 filter becomes: properties, literals and resolved places.

Nodes are frozen and hashable, so a filter holding one keeps a stable `repr` for cache keys.
Every value is already of its property's type (`translate` checks that), so compiling and
evaluating never meet a surprise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Value = str | int | float | bool | date | datetime
CompareOp = Literal["=", "<>", "<", "<=", ">", ">="]
#: How a multi-valued property meets a list: any shared, all listed present, all of the
#: record's values listed, or exactly the listed set (CQL2 A_OVERLAPS, A_CONTAINS,
#: A_CONTAINEDBY, A_EQUALS).
ArrayMode = Literal["any", "all", "within", "equal"]


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    item: Expr


@dataclass(frozen=True)
class Compare:
    prop: str
    op: CompareOp
    value: Value


@dataclass(frozen=True)
class InValues:
    prop: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Like:
    """CQL2 LIKE: `%` any run, `_` one character, backslash escapes; case-sensitive."""

    prop: str
    pattern: str


@dataclass(frozen=True)
class Between:
    prop: str
    low: Value
    high: Value


@dataclass(frozen=True)
class IsNull:
    prop: str


@dataclass(frozen=True)
class Has:
    """A multi-valued property (a typology dimension, the LAs served) against a set."""

    prop: str
    values: tuple[str, ...]
    mode: ArrayMode


@dataclass(frozen=True)
class Places:
    """A spatial predicate already resolved: the record serves one of these LAs (an area
    record is one of them), or is one of these ids (interventions with a venue there)."""

    codes: tuple[str, ...]
    ids: tuple[int, ...] = ()


Expr = Const | And | Or | Not | Compare | InValues | Like | Between | IsNull | Has | Places

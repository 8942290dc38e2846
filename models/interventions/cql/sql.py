"""The tree as one SQLAlchemy condition on `intervention`, the same on SQLite and PostgreSQL.

Multi-valued properties are uncorrelated `id IN (SELECT ...)` subqueries on the term and
area-link tables, as `models.interventions.filters` builds them, so they use the same indexes. LIKE is
case-sensitive as CQL2 says: PostgreSQL's LIKE is, SQLite's is not, so there it becomes the
equivalent GLOB.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, false, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from models.base import table_of
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
from models.interventions.tables import Intervention, InterventionArea, InterventionTerm
from models.typology.vocabulary import slugs


def to_sql(expr: Expr) -> ColumnElement[bool]:
    """The condition an intervention row must meet."""
    match expr:
        case Const(value):
            return true() if value else false()
        case And(items):
            return and_(true(), *(to_sql(item) for item in items))
        case Or(items):
            return or_(false(), *(to_sql(item) for item in items))
        case Not(item):
            return not_(to_sql(item))
        case Compare(prop, op, value):
            column = _column(prop)
            compared: ColumnElement[bool] = {
                "=": column == value,
                "<>": column != value,
                "<": column < value,
                "<=": column <= value,
                ">": column > value,
                ">=": column >= value,
            }[op]
            return compared
        case InValues(prop, values):
            listed: ColumnElement[bool] = _column(prop).in_(values)
            return listed
        case Between(prop, low, high):
            between: ColumnElement[bool] = _column(prop).between(low, high)
            return between
        case IsNull(prop):
            missing: ColumnElement[bool] = _column(prop).is_(None)
            return missing
        case Like(prop, pattern):
            return _CaseSensitiveLike(_column(prop), pattern, like_to_glob(pattern))
        case Has(prop, values, mode):
            return _has(prop, values, mode)
        case Places(codes, ids):
            served = _ids_with(prop="la_code", values=codes)
            return or_(served, col(Intervention.id).in_(ids)) if ids else served
    raise TypeError(f"not a filter expression: {expr!r}")  # pragma: no cover


def _column(prop: str) -> Any:
    return getattr(Intervention, prop)


def _ids_with(prop: str, values: tuple[str, ...]) -> ColumnElement[bool]:
    """Interventions holding any of these values of a multi-valued property."""
    if prop == "la_code":
        link = table_of(InterventionArea).c
        inner = select(link.intervention_id).where(link.area_code.in_(values))
    else:
        term = table_of(InterventionTerm).c
        inner = select(term.intervention_id).where(term.dimension == prop, term.slug.in_(values))
    return col(Intervention.id).in_(inner)


def _has(prop: str, values: tuple[str, ...], mode: str) -> ColumnElement[bool]:
    if mode == "any":
        return _ids_with(prop, values)
    contains = and_(true(), *(_ids_with(prop, (value,)) for value in values))
    if mode == "all":
        return contains
    # Contained by: holds no value outside the list. The LA codes have no closed list, so
    # there "outside" is read from the link table itself.
    outside: ColumnElement[bool]
    if prop == "la_code":
        link = table_of(InterventionArea).c
        outside = col(Intervention.id).in_(
            select(link.intervention_id).where(link.area_code.not_in(values))
        )
    else:
        others = tuple(slug for slug in slugs(prop) if slug not in values)  # type: ignore[arg-type]
        outside = _ids_with(prop, others) if others else false()
    within = not_(outside)
    return within if mode == "within" else and_(within, contains)


def like_to_glob(pattern: str) -> str:
    """A CQL2 LIKE pattern (`%`, `_`, backslash escapes) as an SQLite GLOB pattern."""
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            literal = next(chars, "\\")
            out.append(_glob_literal(literal))
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        else:
            out.append(_glob_literal(ch))
    return "".join(out)


def _glob_literal(ch: str) -> str:
    return f"[{ch}]" if ch in "*?[" else ch


class _CaseSensitiveLike(FunctionElement[bool]):
    """column LIKE pattern, case-sensitively on every backend (args: column, LIKE, GLOB)."""

    type = Boolean()
    inherit_cache = True
    name = "cql_like"


@compiles(_CaseSensitiveLike)
def _like_default(element: _CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    column, like, _ = list(element.clauses)
    return f"({compiler.process(column, **kw)} LIKE {compiler.process(like, **kw)} ESCAPE '\\')"


@compiles(_CaseSensitiveLike, "sqlite")
def _like_sqlite(element: _CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    column, _, glob = list(element.clauses)
    return f"({compiler.process(column, **kw)} GLOB {compiler.process(glob, **kw)})"

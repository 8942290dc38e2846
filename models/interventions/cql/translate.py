"""CQL2 JSON into the typed tree, checked against a collection's queryables.

Every refusal names what is wrong in the person's terms: the unknown property and the
queryables there are, the value of the wrong type and the type wanted, the operator not
supported and those that are. Geometries are checked (valid, in CRS84 range, not enormous)
and resolved to places at once by the caller's `place_of`, so the tree holds no geometry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geodata.geometry import bbox_geometry
from models.interventions.cql.parse import filter_error
from models.interventions.cql.queryables import Queryable
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
    Value,
)
from models.typology.values import normalise_value

#: Most vertices a filter geometry may have; more is refused rather than slowly intersected.
MAX_VERTICES = 2_000
_COMPARE = ("=", "<>", "<", "<=", ">", ">=")
_ARRAY = {"a_overlaps": "any", "a_contains": "all", "a_containedby": "within", "a_equals": "equal"}
SUPPORTED = (
    "AND, OR, NOT, =, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL, S_INTERSECTS, "
    "A_CONTAINS, A_OVERLAPS, A_CONTAINEDBY, A_EQUALS"
)
PlaceOf = Callable[[BaseGeometry], Places]


class Translator:
    """One collection's translation: its queryables and how a geometry becomes places."""

    def __init__(self, queryables: Mapping[str, Queryable], place_of: PlaceOf) -> None:
        self.queryables = queryables
        self.place_of = place_of

    def expression(self, node: Any) -> Expr:
        if isinstance(node, bool):
            return Const(node)
        if not isinstance(node, dict) or "op" not in node:
            raise filter_error(f"expected a condition, found {_show(node)}")
        op = str(node["op"]).lower()
        args = list(node.get("args") or [])
        if op in ("and", "or"):
            items = tuple(self.expression(arg) for arg in args)
            return And(items) if op == "and" else Or(items)
        if op == "not":
            return Not(self.expression(_one(args, op)))
        if op in _COMPARE:
            return self._compare(op, args)
        if op == "like":
            prop = self._property(args, op, kinds=("string",))
            pattern = _arg(args, 1, op)
            if not isinstance(pattern, str):
                raise filter_error(
                    f"LIKE on {prop.name} needs a quoted pattern, not {_show(pattern)}"
                )
            return Like(prop.name, pattern)
        if op == "between":
            prop = self._property(args, op, kinds=("integer", "date", "datetime"))
            return Between(
                prop.name,
                self._value(prop, _arg(args, 1, op)),
                self._value(prop, _arg(args, 2, op)),
            )
        if op == "in":
            prop = self._property(args, op)
            values = _arg(args, 1, op)
            if not isinstance(values, list) or not values:
                raise filter_error(f"IN on {prop.name} needs a list of values, e.g. ('a', 'b')")
            checked = tuple(self._value(prop, v) for v in values)
            if prop.multi:
                return Has(prop.name, tuple(str(v) for v in checked), "any")
            return InValues(prop.name, checked)
        if op == "isnull":
            prop = self._property(args, "IS NULL")
            if prop.multi or prop.kind == "geometry":
                raise filter_error(f"IS NULL does not apply to {prop.name}")
            return IsNull(prop.name)
        if op in _ARRAY:
            return self._array(op, args)
        if op == "s_intersects":
            return self._intersects(args)
        raise filter_error(f"the operator {op.upper()} is not supported; supported: {SUPPORTED}")

    def _property(
        self, args: list[Any], op: str, kinds: tuple[str, ...] | None = None
    ) -> Queryable:
        first = _arg(args, 0, op)
        if not (isinstance(first, dict) and set(first) == {"property"}):
            raise filter_error(
                f"{op.upper()} needs a queryable property first, found {_show(first)}"
            )
        name = str(first["property"])
        prop = self.queryables.get(name)
        if prop is None:
            known = ", ".join(self.queryables)
            raise filter_error(
                f"'{name}' is not a queryable of this collection; queryables: {known}"
            )
        if kinds is not None and prop.kind not in kinds:
            raise filter_error(f"{op.upper()} does not apply to {name}, which is a {prop.kind}")
        return prop

    def _compare(self, op: str, args: list[Any]) -> Expr:
        if len(args) == 2 and not _is_property(args[0]) and _is_property(args[1]):
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            return self._compare(flipped, [args[1], args[0]])
        prop = self._property(args, op)
        value = self._value(prop, _arg(args, 1, op))
        if prop.kind == "geometry":
            raise filter_error("compare geometry with S_INTERSECTS, not " + op)
        if prop.multi or prop.enum:
            if op not in ("=", "<>"):
                raise filter_error(f"{op} does not apply to {prop.name}; use =, <>, IN or A_*")
            if prop.multi:
                has = Has(prop.name, (str(value),), "any")
                return has if op == "=" else Not(has)
        return Compare(prop.name, op, value)  # type: ignore[arg-type]

    def _array(self, op: str, args: list[Any]) -> Expr:
        prop = self._property(args, op)
        if not prop.multi:
            raise filter_error(f"{op.upper()} applies to multi-valued properties, not {prop.name}")
        values = _arg(args, 1, op)
        if not isinstance(values, list):
            values = [values]
        slugs = tuple(dict.fromkeys(str(self._value(prop, v)) for v in values))
        return Has(prop.name, slugs, _ARRAY[op])  # type: ignore[arg-type]

    def _value(self, prop: Queryable, raw: Any) -> Value:
        """`raw` as a value of the property's type, or a 400 saying which type is wanted."""
        wrong = filter_error(f"{prop.name} is {_article(prop.kind)}; {_show(raw)} is not")
        if prop.kind == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise wrong
            if not math.isfinite(raw) or raw != int(raw) or abs(raw) > 2**31:
                raise wrong
            return int(raw)
        if prop.kind == "date":
            if not (isinstance(raw, dict) and "date" in raw):
                raise filter_error(
                    f"{prop.name} is a date; compare it with DATE('YYYY-MM-DD'), not {_show(raw)}"
                )
            try:
                return date.fromisoformat(str(raw["date"]))
            except ValueError:
                raise filter_error(f"'{raw['date']}' is not a date (YYYY-MM-DD)") from None
        if prop.kind == "datetime":
            if not (isinstance(raw, dict) and "timestamp" in raw):
                raise filter_error(
                    f"{prop.name} is a timestamp; compare it with TIMESTAMP('...Z'), not {_show(raw)}"
                )
            try:
                return datetime.fromisoformat(str(raw["timestamp"]).replace("Z", "+00:00"))
            except ValueError:
                raise filter_error(f"'{raw['timestamp']}' is not a timestamp (ISO 8601)") from None
        if not isinstance(raw, str):
            raise wrong
        if prop.enum is not None:
            try:
                return normalise_value(prop.name, raw)  # type: ignore[arg-type]
            except ValueError as exc:
                raise filter_error(str(exc)) from None
        return raw

    def _intersects(self, args: list[Any]) -> Expr:
        if len(args) == 2 and _is_property(args[1]):
            args = [args[1], args[0]]
        self._property(args, "s_intersects", kinds=("geometry",))
        return self.place_of(geometry_of(_arg(args, 1, "s_intersects")))


def geometry_of(raw: Any) -> BaseGeometry:
    """A CQL2 JSON geometry literal (GeoJSON geometry or {"bbox": [...]}) as a checked shape."""
    if isinstance(raw, dict) and "bbox" in raw:
        box = raw["bbox"]
        if not (isinstance(box, list) and len(box) == 4 and all(_number(v) for v in box)):
            raise filter_error("BBOX needs four numbers: minlon, minlat, maxlon, maxlat")
        if box[0] > box[2] or box[1] > box[3]:
            raise filter_error("BBOX corners are reversed: give minlon, minlat, maxlon, maxlat")
        geom = bbox_geometry(*box)
    else:
        try:
            geom = shapely.geometry.shape(raw)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
            raise filter_error(f"S_INTERSECTS needs a geometry, found {_show(raw)}") from None
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise filter_error(f"the geometry has more than {MAX_VERTICES} vertices; simplify it")
    minx, miny, maxx, maxy = geom.bounds if not geom.is_empty else (0, 0, 0, 0)
    if geom.is_empty or not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        raise filter_error("the geometry is empty or has coordinates that are not numbers")
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise filter_error("the geometry is outside CRS84 (longitude -180..180, latitude -90..90)")
    if not geom.is_valid:
        raise filter_error(f"the geometry is not valid: {shapely.is_valid_reason(geom)}")
    return geom


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_property(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"property"}


def _arg(args: list[Any], index: int, op: str) -> Any:
    if index >= len(args):
        raise filter_error(f"{op.upper()} is missing an argument")
    return args[index]


def _one(args: list[Any], op: str) -> Any:
    if len(args) != 1:
        raise filter_error(f"{op.upper()} takes one condition")
    return args[0]


def _article(kind: str) -> str:
    return {"integer": "an integer", "string": "a string"}.get(kind, f"a {kind}")


def _show(node: Any) -> str:
    if isinstance(node, dict) and "property" in node:
        return f"the property {node['property']}"
    if isinstance(node, dict) and "op" in node:
        return f"the expression {str(node['op']).upper()}(...)"
    if isinstance(node, float) and math.isfinite(node) and node == int(node):
        node = int(node)
    text = repr(node)
    return text if len(text) <= 60 else text[:57] + "..."

"""What each collection may be filtered on: name, type, allowed values and meaning.

One table per collection serves both the `/queryables` JSON Schema and the checks of a CQL2
filter, so what is documented is exactly what is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from models.typology.vocabulary import MULTI_VALUED, VOCABULARIES, Dimension

Kind = Literal["string", "integer", "date", "datetime", "geometry"]


@dataclass(frozen=True)
class Queryable:
    name: str
    kind: Kind
    title: str
    description: str
    #: Allowed values with their labels, for the typology dimensions.
    enum: tuple[tuple[str, str], ...] | None = None
    #: A record holds a set of values (typology dimensions, LAs served): `=` and IN mean
    #: "has one of", and the A_* array operators apply.
    multi: bool = False


GEOMETRY = Queryable(
    "geometry",
    "geometry",
    "Geometry",
    "For S_INTERSECTS with a point, bbox, line or polygon (CRS84).",
)


def _enum(dimension: Dimension) -> tuple[tuple[str, str], ...]:
    return tuple((term.slug, term.label) for term in VOCABULARIES[dimension])


def _dimension(dimension: Dimension) -> Queryable:
    multi = dimension in MULTI_VALUED
    what = "one or more values" if multi else "one value"
    return Queryable(
        dimension,
        "string",
        dimension.replace("_", " ").capitalize(),
        f"Typology: {what} of {dimension} (slugs; labels in the enum's titles).",
        enum=_enum(dimension),
        multi=multi,
    )


INTERVENTION_QUERYABLES: dict[str, Queryable] = {
    q.name: q
    for q in (
        Queryable("id", "integer", "Id", "The intervention's id."),
        Queryable("name", "string", "Name", "The intervention's name."),
        Queryable("provider", "string", "Provider", "Who delivers it."),
        Queryable("description", "string", "Description", "What it does."),
        *(_dimension(d) for d in (*MULTI_VALUED, "status")),
        Queryable("age_min", "integer", "Youngest age", "Youngest age served, years."),
        Queryable("age_max", "integer", "Oldest age", "Oldest age served, years."),
        Queryable("start_date", "date", "Start date", "When it started or starts."),
        Queryable("end_date", "date", "End date", "When it ended or ends."),
        Queryable(
            "updated_at", "datetime", "Updated at", "When the published record last changed."
        ),
        Queryable(
            "la_code",
            "string",
            "LA served",
            "GSS codes of the upper-tier LAs served (current codes).",
            multi=True,
        ),
        GEOMETRY,
    )
}

AREA_QUERYABLES: dict[str, Queryable] = {
    q.name: q
    for q in (
        Queryable("code", "string", "GSS code", "The area's current GSS code."),
        Queryable("name", "string", "Name", "The area's name."),
        Queryable("region_code", "string", "Region code", "E12 code of its region."),
        Queryable("region_name", "string", "Region", "Name of its region."),
        Queryable(
            "intervention_count",
            "integer",
            "Interventions",
            "Published interventions serving it under the request's typology filters.",
        ),
        GEOMETRY,
    )
}

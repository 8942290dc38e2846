"""Tiles drawn by PostGIS: `ST_AsMVTGeom` cuts (with the buffer) and quantises,
`ST_AsMVT` encodes, one statement per layer asked.

The areas' properties arrive as arrays from `models.tiles.content`, the same values the
shapely encoder writes; PostGIS only adds the geometry. Layers are encoded one by one and
joined: an MVT is a protobuf whose layers are a repeated field, so concatenated layers are
one valid tile.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, literal, literal_column, select, text
from sqlmodel import Session

from models.interventions.filters import InterventionFilter
from models.tiles.content import AreaContent, Properties, venue_rows
from models.tiles.grid import BUFFER, EXTENT, TileAddress

_MERCATOR = 3857
_WGS84 = 4326


def _area_layer(name: str, props: dict[str, Properties]) -> str:
    """SQL (with bind parameters prefixed by the layer) for one area layer's MVT."""
    prefix = name.replace("-", "_")
    columns = list(next(iter(props.values())).keys()) if props else ["code"]
    unnested = ", ".join(f"CAST(:{prefix}_{c} AS {_sql_type(c)}[])" for c in columns)
    names = ", ".join(columns)
    return f"""(SELECT coalesce(ST_AsMVT(t, '{name}', {EXTENT}, 'geom'), ''::bytea) FROM (
        SELECT {", ".join(f"p.{c}" for c in columns)},
               ST_AsMVTGeom(
                   ST_SimplifyPreserveTopology(ST_Transform(a.geom, {_MERCATOR}), :tolerance),
                   ST_TileEnvelope(:z, :x, :y), {EXTENT}, {BUFFER}, true) AS geom
        FROM unnest({unnested}) AS p({names})
        JOIN area a ON a.code = p.code
        WHERE a.geom && ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), {_WGS84})
        ORDER BY p.code
    ) AS t WHERE t.geom IS NOT NULL AND NOT ST_IsEmpty(t.geom))"""


def _sql_type(column: str) -> str:
    return "integer" if column == "intervention_count" else "text"


def _area_params(name: str, props: dict[str, Properties]) -> dict[str, Any]:
    prefix = name.replace("-", "_")
    columns = list(next(iter(props.values())).keys()) if props else ["code"]
    return {f"{prefix}_{c}": [p[c] for p in props.values()] for c in columns}


def _venue_layer(flt: InterventionFilter, address: TileAddress) -> Select[Any]:
    rows = venue_rows(flt).subquery()
    margin = BUFFER / EXTENT
    envelope = func.ST_TileEnvelope(address.z, address.x, address.y)
    drawn = (
        select(
            rows.c.id,
            rows.c.name,
            func.coalesce(rows.c.venue, "").label("venue"),
            func.ST_AsMVTGeom(
                func.ST_Transform(rows.c.geom, _MERCATOR), envelope, EXTENT, BUFFER, True
            ).label("geom"),
        )
        .where(
            rows.c.geom.op("&&")(
                func.ST_Transform(
                    func.ST_TileEnvelope(
                        address.z, address.x, address.y, literal_column(f"margin => {margin!r}")
                    ),
                    _WGS84,
                )
            )
        )
        .subquery("v")
    )
    return select(
        func.coalesce(
            func.ST_AsMVT(literal_column("v"), literal("interventions"), EXTENT, literal("geom")),
            literal_column("''::bytea"),
        )
    ).select_from(drawn)


def postgis_tile(
    session: Session,
    content: AreaContent,
    flt: InterventionFilter,
    address: TileAddress,
    layers: tuple[str, ...],
) -> bytes:
    """The tile's layers in the order asked, one statement each."""
    parts: list[bytes] = []
    connection = session.connection()
    params: dict[str, Any] = {
        "z": address.z,
        "x": address.x,
        "y": address.y,
        "margin": BUFFER / EXTENT,
        "tolerance": address.tolerance,
    }
    for layer in layers:
        if layer in {"local-authorities", "regions"}:
            props = content.las if layer == "local-authorities" else content.regions
            if not props:
                continue
            statement = text("SELECT " + _area_layer(layer, props))
            value = connection.execute(statement, {**params, **_area_params(layer, props)})
            parts.append(bytes(value.scalar_one() or b""))
        elif layer == "interventions":
            value = connection.execute(_venue_layer(flt, address))
            parts.append(bytes(value.scalar_one() or b""))
    return b"".join(parts)

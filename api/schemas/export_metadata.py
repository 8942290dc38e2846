"""What every export says about itself: dataset version, licence and attribution.

A file outlives the request that made it, so each format carries this inside (a GeoJSON
top-level member, a GeoPackage `metadata` table and GDAL dataset metadata) or, for CSV, in
a W3C CSVW sidecar that the CSV response links to (`Link: ...; rel="describedby"`); comment
lines would break spreadsheets and the partner import, which read the same columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.schemas.areas import ATTRIBUTION as BOUNDARY_ATTRIBUTION
from api.schemas.intervention_csv import CSV_COLUMNS, SEPARATOR
from models.freshness.stamp import PublishedState
from models.intake.csv_import import TYPOLOGY_COLUMNS
from models.typology.vocabulary import TYPOLOGY_VERSION

TITLE = "neetmap: NEET early interventions in England"
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = (
    "neetmap, published NEET early interventions in England. Contains public sector "
    "information licensed under the Open Government Licence v3.0. " + BOUNDARY_ATTRIBUTION
)
CSVW_MEDIA_TYPE = "application/csvm+json"
_INTEGER_COLUMNS = {"id", "age_min", "age_max"}
_DATE_COLUMNS = {"start_date", "end_date"}
_LIST_COLUMNS = {"la_codes", *TYPOLOGY_COLUMNS}


@dataclass(frozen=True)
class DatasetVersion:
    """The state of the dataset an export was made from.

    `digest` names the data's change stamp (`models.freshness.stamp`): it changes with any
    change that can change an export (a record published, edited, withdrawn or bulk-loaded,
    new boundaries), without saying what or when. `last_changed_at` is the newest change to a
    record now published: readable, and no draft's time ever shows in it.
    """

    digest: str
    last_changed_at: datetime | None
    published: int
    boundary_version: int | None
    typology_version: str = TYPOLOGY_VERSION

    @classmethod
    def of(cls, state: PublishedState) -> DatasetVersion:
        return cls(
            digest=state.digest,
            last_changed_at=state.last_published_change_at,
            published=state.published,
            boundary_version=state.boundary_version,
        )

    @property
    def label(self) -> str:
        """`<last change, UTC, compact ISO 8601>.<digest>.typology-<n>`, e.g.
        `20261123T101502Z.3fa2c1d0e4b5.typology-1` (`empty` for no published record)."""
        stamp = (
            self.last_changed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            if self.last_changed_at
            else "empty"
        )
        return f"{stamp}.{self.digest}.typology-{self.typology_version}"

    @property
    def gpkg_stamp(self) -> str:
        """The last change as GeoPackage records times, `YYYY-MM-DDTHH:MM:SS.SSSZ` in UTC."""
        if self.last_changed_at is None:
            return "1970-01-01T00:00:00.000Z"
        moment = self.last_changed_at.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    @property
    def last_changed_iso(self) -> str | None:
        if self.last_changed_at is None:
            return None
        return (
            self.last_changed_at.astimezone(UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z")
        )


def export_metadata(
    version: DatasetVersion, query: str, warnings: Sequence[str] = ()
) -> dict[str, Any]:
    """The metadata members every export carries; `query` is the filter it was made with and
    `warnings` how its place filters were read (superseded codes, a point outside England)."""
    members: dict[str, Any] = {
        "title": TITLE,
        "dataset_version": version.label,
        "last_changed_at": version.last_changed_iso,
        "typology_version": version.typology_version,
        "boundary_version": version.boundary_version,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "query": query,
        "warnings": list(warnings),
    }
    return members


def csvw_sidecar(
    version: DatasetVersion, csv_url: str, query: str, warnings: Sequence[str] = ()
) -> dict[str, Any]:
    """W3C CSVW metadata for a CSV export: licence, attribution, version and column types."""
    columns = []
    for name in CSV_COLUMNS:
        column: dict[str, Any] = {"name": name, "titles": name, "datatype": "string"}
        if name in _INTEGER_COLUMNS:
            column["datatype"] = "integer"
        elif name in _DATE_COLUMNS:
            column["datatype"] = "date"
        if name in _LIST_COLUMNS:
            column["separator"] = SEPARATOR
        columns.append(column)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        "dc:title": TITLE,
        "dc:license": {"@id": LICENCE_URL},
        "dc:rights": ATTRIBUTION,
        "dc:modified": version.last_changed_iso,
        "notes": [export_metadata(version, query, warnings)],
        "tableSchema": {"columns": columns, "primaryKey": "id"},
    }

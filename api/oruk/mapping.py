"""Our records as ORUK services: the one place the mapping (README, "Open Referral UK") lives.

Works on any `InterventionView` (a plain record for lists, the ORM row for one service), so
a service reads the same in a list and on its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from api.oruk.ids import organization_id, oruk_id, service_id
from api.oruk.schemas import (
    Attribute,
    Funding,
    Location,
    Organization,
    OrukStatus,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceSummary,
    SourceCitation,
    TaxonomyTerm,
)
from api.oruk.taxonomy import TERM_BY_SLUG, TermEntry
from models.interventions.records import InterventionView
from models.interventions.tables import Intervention, Venue
from models.typology.vocabulary import DIMENSIONS

#: Our status (the intervention's own life) as ORUK's service status. ORUK requires one of
#: its four values and has none for "not stated": `active` would tell a referrer the service
#: runs, which its source did not say, so it is `inactive` (not available to refer to now),
#: and the `neetmap status` attribute carries `not_stated` exactly.
STATUS_TO_ORUK: Final[dict[str, OrukStatus]] = {
    "active": "active",
    "planned": "inactive",
    "ended": "defunct",
    "not_stated": "inactive",
}
#: ONS linked data names every GSS code at this address.
GSS_URI: Final = "http://statistics.data.gov.uk/id/statistical-geography/"


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as the profile asks of `last_modified`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def term_public(entry: TermEntry) -> TaxonomyTerm:
    return TaxonomyTerm(
        id=entry.id,
        name=entry.term.label,
        description=entry.term.description,
        taxonomy=entry.taxonomy.name,
        taxonomy_id=entry.taxonomy.id,
        term=entry.term.slug,
    )


def summary(row: InterventionView) -> ServiceSummary:
    """The list shape: one-to-one fields and the organisation."""
    assert row.id is not None
    organization = None
    if row.provider:
        organization = Organization(
            id=organization_id(row.provider),
            name=row.provider,
            description=f"{row.provider}: the provider named in neetmap's records.",
        )
    return ServiceSummary(
        id=service_id(row.id),
        organization_id=organization.id if organization else None,
        name=row.name,
        description=row.description,
        url=row.website,
        email=row.contact_email,
        status=STATUS_TO_ORUK[row.status],
        minimum_age=row.age_min,
        maximum_age=row.age_max,
        last_modified=timestamp(row.updated_at),
        organization=organization,
    )


def full(row: Intervention) -> Service:
    """The fully nested shape: areas served, venues, funding and every classification."""
    assert row.id is not None
    sid = service_id(row.id)
    funding = [
        Funding(
            id=oruk_id("funding", row.id, slug),
            service_id=sid,
            source=TERM_BY_SLUG["funding_source", slug].term.label,
        )
        for slug in row.values("funding_source")
    ]
    attributes = [
        Attribute(
            id=oruk_id("attribute", row.id, dimension, slug),
            link_id=sid,
            taxonomy_term_id=TERM_BY_SLUG[dimension, slug].id,
            taxonomy_term=term_public(TERM_BY_SLUG[dimension, slug]),
        )
        for dimension in DIMENSIONS
        for slug in row.values(dimension)
    ]
    areas = [
        ServiceArea(
            id=oruk_id("service_area", row.id, area.code),
            service_id=sid,
            name=area.name,
            uri=GSS_URI + area.code,
        )
        for area in sorted(row.areas, key=lambda a: a.code)
    ]
    cited = (row.source_document, row.source_quote, row.source_url)
    return Service(
        **summary(row).model_dump(),
        neetmap_source=SourceCitation(document=cited[0], quote=cited[1], url=cited[2])
        if any(cited)
        else None,
        service_areas=areas,
        service_at_locations=[located(sid, venue) for venue in row.venues],
        funding=funding,
        attributes=attributes,
    )


def located(sid: str, venue: Venue) -> ServiceAtLocation:
    """A venue as a service at a location; ids follow the venue's own id."""
    assert venue.id is not None
    location_id = oruk_id("location", venue.id)
    return ServiceAtLocation(
        id=oruk_id("service_at_location", venue.id),
        service_id=sid,
        location_id=location_id,
        location=Location(
            id=location_id, name=venue.name, latitude=venue.geom.y, longitude=venue.geom.x
        ),
    )

"""ORUK response shapes (HSDS 3.0 UK profile), as far as neetmap fills them.

Fields neetmap has nothing for are left out rather than sent as null: the profile's schemas
type them as strings or numbers, so a null would not validate. Routes serialise with
`exclude_none`.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")
OrukStatus = Literal["active", "inactive", "defunct", "temporarily closed"]


class ApiInfo(BaseModel):
    version: str = Field(description="HSDS version of this API.")
    profile: str = Field(description="URL of the information on the HSDS profile of this API.")
    openapi_url: str = Field(description="URL of the OpenAPI file that defines this API.")


class TaxonomyTerm(BaseModel):
    id: str
    name: str = Field(description="The typology label.")
    description: str
    taxonomy: str = Field(description="Name of the taxonomy (our typology dimension).")
    taxonomy_id: str
    term: str = Field(description="The typology slug, as the JSON API takes it.")


class Taxonomy(BaseModel):
    id: str
    name: str
    description: str
    version: str
    taxonomy_terms: list[TaxonomyTerm] | None = None


class Attribute(BaseModel):
    id: str
    link_id: str
    link_type: str = "service"
    taxonomy_term_id: str
    taxonomy_term: TaxonomyTerm


class Organization(BaseModel):
    id: str
    name: str
    description: str


class ServiceArea(BaseModel):
    id: str
    service_id: str
    name: str
    uri: str = Field(description="The LA's GSS code as its ONS statistical geography URI.")


class Funding(BaseModel):
    id: str
    service_id: str
    source: str


class Location(BaseModel):
    id: str
    location_type: Literal["physical"] = "physical"
    name: str | None = None
    latitude: float
    longitude: float


class ServiceAtLocation(BaseModel):
    id: str
    service_id: str
    location_id: str
    location: Location


class ServiceSummary(BaseModel):
    """A service in a list: its one-to-one fields."""

    id: str
    organization_id: str | None = None
    name: str
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: OrukStatus
    minimum_age: int | None = None
    maximum_age: int | None = None
    last_modified: str
    organization: Organization | None = None


class SourceCitation(BaseModel):
    document: str | None = None
    quote: str | None = Field(None, description="The sentence the record rests on.")
    url: str | None = None


class Service(ServiceSummary):
    """A fully nested service."""

    neetmap_source: SourceCitation | None = Field(
        None,
        description="Local property (the profile allows supplier properties that do not "
        "conflict with its own): where neetmap's record comes from.",
    )
    service_areas: list[ServiceArea]
    service_at_locations: list[ServiceAtLocation]
    funding: list[Funding]
    attributes: list[Attribute]


class LocatedService(ServiceAtLocation):
    """A service at a location, in a list: the link, the location and the service."""

    service: ServiceSummary


class Page(BaseModel, Generic[T]):
    total_items: int
    total_pages: int
    page_number: int
    size: int = Field(description="Number of items on this page.")
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[T]

    @classmethod
    def of(cls, contents: list[T], *, total: int, page: int, per_page: int) -> Page[T]:
        pages = -(-total // per_page)
        return cls(
            total_items=total,
            total_pages=pages,
            page_number=page,
            size=len(contents),
            first_page=page == 1,
            last_page=page >= pages,
            empty=total == 0,
            contents=contents,
        )

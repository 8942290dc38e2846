"""The ORUK read API under `/oruk`: open to all, published records only, `*` for CORS.

Every list goes through `InterventionFilter` (built by `api.oruk.params`) and the same list
query as /api/v1/interventions, facets included, so the two APIs always agree.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Response
from sqlmodel import Session

from api.deps import FacetsDep, SessionDep
from api.errors import ERROR_RESPONSES, query_problem
from api.oruk.ids import oruk_id, parse_uuid, service_id
from api.oruk.mapping import full, located, summary, term_public
from api.oruk.params import OrukFilterDep, OrukPageDep
from api.oruk.schemas import ApiInfo, LocatedService, Page, Service, ServiceSummary, Taxonomy
from api.oruk.schemas import TaxonomyTerm as TaxonomyTermPublic
from api.oruk.taxonomy import TAXONOMIES, TAXONOMY_BY_ID, TERM_BY_ID, TERMS, TaxonomyEntry
from models.errors import InvalidInputError, NotFoundError
from models.interventions.facets import FacetReader
from models.interventions.filters import PUBLIC_STATES, InterventionFilter
from models.interventions.queries import get_intervention, list_interventions
from models.interventions.records import read_records
from models.interventions.venue_pages import all_venue_ids, venue_by_id, venue_page
from models.typology.vocabulary import TYPOLOGY_VERSION

HSDS_VERSION: Final = "3.0"
#: Where the profile documents itself (profile_compliance.md) and its OpenAPI file.
PROFILE_URL: Final = "https://open-referral-uk-profile.readthedocs.io/en/latest/"
OPENAPI_URL: Final = (
    "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
)


def open_to_all(response: Response) -> None:
    """The profile asks for `Access-Control-Allow-Origin: *` on every answer, whatever
    origins the rest of the API allows and whether or not the request names an origin."""
    response.headers["Access-Control-Allow-Origin"] = "*"


router = APIRouter(prefix="/oruk", tags=["open referral uk"], dependencies=[Depends(open_to_all)])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: ERROR_RESPONSES[code] for code in (404, 422, 503) if code in ERROR_RESPONSES
}
_LIST_ERRORS = {code: spec for code, spec in _ERRORS.items() if code != 404}


def _uuid(raw: str, what: str) -> str:
    found = parse_uuid(raw)
    if found is None:
        problem = query_problem("id", f"'{raw[:60]}' is not a UUID")
        problem.location = "path"
        raise InvalidInputError(f"The {what} id must be a UUID.", [problem])
    return found


IdPath = Annotated[str, Path(max_length=100, description="A UUID from the matching list.")]


@router.get("", response_model=ApiInfo, include_in_schema=False)
@router.get("/", response_model=ApiInfo)
def read_api_info() -> ApiInfo:
    """This API's HSDS version and profile."""
    return ApiInfo(version=HSDS_VERSION, profile=PROFILE_URL, openapi_url=OPENAPI_URL)


@router.get(
    "/services",
    response_model=Page[ServiceSummary],
    responses=_LIST_ERRORS,
    response_model_exclude_none=True,
)
def list_services(
    session: SessionDep, facets: FacetsDep, page: OrukPageDep, flt: OrukFilterDep
) -> Page[ServiceSummary]:
    """Published interventions as ORUK services, a page at a time, in id order."""
    result = list_interventions(
        session, flt, limit=page.per_page, offset=page.offset, facets=facets, with_links=False
    )
    contents = [summary(row) for row in result.items]
    return Page.of(contents, total=result.total, page=page.page, per_page=page.per_page)


def _service_ids(facets: FacetReader) -> dict[str, int]:
    """Every published record's ORUK id, kept per data version (UUID5 cannot be reversed)."""

    def read(_: Session) -> dict[str, int]:
        published = facets("publication_state").get(PUBLIC_STATES[0], ())
        return {service_id(int(i)): int(i) for i in published}

    return facets.memo(("oruk", "service_ids"), read)


@router.get(
    "/services/{id}", response_model=Service, responses=_ERRORS, response_model_exclude_none=True
)
def read_service(session: SessionDep, facets: FacetsDep, id: IdPath) -> Service:  # noqa: A002
    """One published intervention as a fully nested ORUK service."""
    wanted = _uuid(id, "service")
    intervention_id = _service_ids(facets).get(wanted)
    if intervention_id is None:
        raise NotFoundError(f"There is no published service with id {wanted}.")
    return full(get_intervention(session, intervention_id, InterventionFilter()))


def _taxonomy(entry: TaxonomyEntry, *, with_terms: bool) -> Taxonomy:
    terms = [term_public(t) for t in TERMS if t.taxonomy is entry] if with_terms else None
    return Taxonomy(
        id=entry.id,
        name=entry.name,
        description=entry.description,
        version=TYPOLOGY_VERSION,
        taxonomy_terms=terms,
    )


@router.get(
    "/taxonomies",
    response_model=Page[Taxonomy],
    responses=_LIST_ERRORS,
    response_model_exclude_none=True,
)
def list_taxonomies(page: OrukPageDep) -> Page[Taxonomy]:
    """Our typology's dimensions, one taxonomy each."""
    chosen = TAXONOMIES[page.offset : page.offset + page.per_page]
    contents = [_taxonomy(t, with_terms=False) for t in chosen]
    return Page.of(contents, total=len(TAXONOMIES), page=page.page, per_page=page.per_page)


@router.get(
    "/taxonomies/{id}", response_model=Taxonomy, responses=_ERRORS, response_model_exclude_none=True
)
def read_taxonomy(id: IdPath) -> Taxonomy:  # noqa: A002
    """One dimension of the typology, with its terms."""
    entry = TAXONOMY_BY_ID.get(_uuid(id, "taxonomy"))
    if entry is None:
        raise NotFoundError(f"There is no taxonomy with id {id}.")
    return _taxonomy(entry, with_terms=True)


@router.get("/taxonomy_terms", response_model=Page[TaxonomyTermPublic], responses=_LIST_ERRORS)
def list_taxonomy_terms(page: OrukPageDep) -> Page[TaxonomyTermPublic]:
    """Every value of every dimension of the typology, with its label and description."""
    chosen = TERMS[page.offset : page.offset + page.per_page]
    contents = [term_public(t) for t in chosen]
    return Page.of(contents, total=len(TERMS), page=page.page, per_page=page.per_page)


@router.get("/taxonomy_terms/{id}", response_model=TaxonomyTermPublic, responses=_ERRORS)
def read_taxonomy_term(id: IdPath) -> TaxonomyTermPublic:  # noqa: A002
    """One typology value."""
    entry = TERM_BY_ID.get(_uuid(id, "taxonomy term"))
    if entry is None:
        raise NotFoundError(f"There is no taxonomy term with id {id}.")
    return term_public(entry)


@router.get(
    "/service_at_locations",
    response_model=Page[LocatedService],
    responses=_LIST_ERRORS,
    response_model_exclude_none=True,
)
def list_services_at_locations(
    session: SessionDep, page: OrukPageDep, flt: OrukFilterDep
) -> Page[LocatedService]:
    """The venues of published interventions, each with its service, in venue order."""
    found = venue_page(session, flt, limit=page.per_page, offset=page.offset)
    wanted = list(dict.fromkeys(v.intervention_id for v in found.venues if v.intervention_id))
    services = {
        record.id: summary(record)
        for record in read_records(session, wanted, flt.states, with_links=False)
    }
    contents = [
        LocatedService(
            **located(services[v.intervention_id].id, v).model_dump(),
            service=services[v.intervention_id],
        )
        for v in found.venues
        if v.intervention_id in services
    ]
    return Page.of(contents, total=found.total, page=page.page, per_page=page.per_page)


def _venue_ids(facets: FacetReader) -> dict[str, int]:
    def read(session: Session) -> dict[str, int]:
        return {oruk_id("service_at_location", i): i for i in all_venue_ids(session)}

    return facets.memo(("oruk", "venue_ids"), read)


@router.get(
    "/service_at_locations/{id}",
    response_model=LocatedService,
    responses=_ERRORS,
    response_model_exclude_none=True,
)
def read_service_at_location(session: SessionDep, facets: FacetsDep, id: IdPath) -> LocatedService:  # noqa: A002
    """One venue of a published intervention, with its service."""
    wanted = _uuid(id, "service at location")
    venue_id = _venue_ids(facets).get(wanted)
    venue = venue_by_id(session, venue_id, InterventionFilter()) if venue_id else None
    if venue is None or venue.intervention_id is None:
        raise NotFoundError(f"There is no service at location with id {wanted}.")
    (record,) = read_records(session, [venue.intervention_id], PUBLIC_STATES, with_links=False)
    service = summary(record)
    return LocatedService(**located(service.id, venue).model_dump(), service=service)

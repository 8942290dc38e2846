"""An ORUK service read as an intervention draft: the harvest's half of the mapping.

Typology values come only from what the service states: a taxonomy term matches when its id
is one of ours, or its term or name is a slug, label or listed synonym of exactly one typology
value (within the dimension its taxonomy names, when it names one). Anything else is listed
as unmatched, never guessed; a funding `source` is matched the same way, within funding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from api.oruk.ids import parse_uuid
from api.oruk.taxonomy import DIMENSION_TEXT, TAXONOMY_BY_ID, TAXONOMY_PREFIX, TERM_BY_ID
from models.typology.synonyms import SYNONYMS
from models.typology.vocabulary import DIMENSIONS, MULTI_VALUED, VOCABULARIES, Dimension

#: ORUK service status as our status: the reverse of what /oruk publishes, plus "temporarily
#: closed", which is a service that still exists.
STATUS_FROM_ORUK: Final = {
    "active": "active",
    "inactive": "planned",
    "defunct": "ended",
    "temporarily closed": "active",
}
#: Draft field -> the ORUK field to name in a problem.
ORUK_FIELDS: Final[dict[str, str]] = {
    "provider": "organization.name",
    "website": "url",
    "contact_email": "email",
    "age_min": "minimum_age",
    "age_max": "maximum_age",
    "venues": "service_at_locations",
    "la_codes": "la",
    "source.url": "id",
    **dict.fromkeys(MULTI_VALUED, "attributes"),
}


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").casefold().split())


def _vocabulary_index() -> dict[Dimension, dict[str, str]]:
    index: dict[Dimension, dict[str, str]] = {}
    for dimension in DIMENSIONS:
        words = {_fold(word): slug for word, slug in SYNONYMS[dimension].items()}
        for term in VOCABULARIES[dimension]:
            words[_fold(term.slug)] = term.slug
            words[_fold(term.label)] = term.slug
        index[dimension] = words
    return index


_WORDS: Final = _vocabulary_index()
_TAXONOMY_NAMES: Final = {
    name: dimension
    for dimension, (label, _) in DIMENSION_TEXT.items()
    for name in (_fold(dimension), _fold(label), _fold(TAXONOMY_PREFIX + label))
}


@dataclass
class Intake:
    """A service's draft fields, and what could not be carried over."""

    source_id: str | None
    name: str | None
    data: dict[str, Any]
    unmatched: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def match_term(
    texts: Iterable[str | None], dimensions: Iterable[Dimension]
) -> tuple[set[tuple[Dimension, str]], str]:
    """The typology values these words name, within these dimensions, and the words tried."""
    found: set[tuple[Dimension, str]] = set()
    tried = [t for t in texts if t]
    for dimension in dimensions:
        for text in tried:
            slug = _WORDS[dimension].get(_fold(text))
            if slug is not None:
                found.add((dimension, slug))
    return found, " / ".join(dict.fromkeys(tried))


def _attribute_term(attribute: Any) -> tuple[set[tuple[Dimension, str]], str]:
    """What one attribute's taxonomy term means in our typology, and how to name it."""
    if not isinstance(attribute, dict):
        return set(), "an attribute that is not an object"
    term = attribute.get("taxonomy_term")
    term = term if isinstance(term, dict) else {}
    for raw in (attribute.get("taxonomy_term_id"), term.get("id")):
        ours = TERM_BY_ID.get(parse_uuid(raw) or "") if isinstance(raw, str) else None
        if ours is not None:
            return {(ours.dimension, ours.term.slug)}, ours.term.label
    taxonomy = TAXONOMY_BY_ID.get(parse_uuid(str(term.get("taxonomy_id") or "")) or "")
    hinted = (
        taxonomy.dimension
        if taxonomy
        else _TAXONOMY_NAMES.get(_fold(str(term.get("taxonomy") or "")))
    )
    texts = [_text(term.get("term")), _text(term.get("name")), _text(term.get("code"))]
    found, words = match_term(texts, [hinted] if hinted else DIMENSIONS)
    named = words or str(attribute.get("taxonomy_term_id") or "an unnamed term")
    if _text(term.get("taxonomy")):
        named += f" (taxonomy {_text(term.get('taxonomy'))})"
    return found, named


def read_service(item: Any, *, la: str, source_url: str | None, feed_name: str) -> Intake:
    """The draft fields of one service (validation is the draft's), and what did not map."""
    if not isinstance(item, dict):
        return Intake(None, None, {"la_codes": [la]}, ["the service is not a JSON object"])
    source_id = str(item["id"]).strip() if isinstance(item.get("id"), str | int) else None
    organization = item.get("organization")
    data: dict[str, Any] = {
        "name": item.get("name"),
        "description": item.get("description"),
        "provider": organization.get("name") if isinstance(organization, dict) else None,
        "website": item.get("url"),
        "contact_email": item.get("email"),
        "age_min": item.get("minimum_age"),
        "age_max": item.get("maximum_age"),
        "la_codes": [la],
        "source": {"document": feed_name[:300], "url": source_url},
    }
    intake = Intake(source_id, _text(item.get("name")), data)
    values: dict[Dimension, list[str]] = {d: [] for d in DIMENSIONS}
    for index, attribute in enumerate(_list(item.get("attributes"))):
        found, named = _attribute_term(attribute)
        if len(found) == 1:
            ((dimension, slug),) = found
            values[dimension].append(slug)
        elif found:
            options = ", ".join(sorted(f"{d} {s}" for d, s in found))
            intake.unmatched.append(f"attributes.{index}: {named} could be {options}; not used")
        else:
            intake.unmatched.append(f"attributes.{index}: {named} is no neetmap typology term")
    for index, funding in enumerate(_list(item.get("funding"))):
        source = _text(funding.get("source")) if isinstance(funding, dict) else None
        found, _ = match_term([source], ["funding_source"])
        if found:
            values["funding_source"].extend(slug for _, slug in found)
        else:
            intake.unmatched.append(
                f"funding.{index}: '{(source or '')[:80]}' is no funding source"
            )
    for dimension in MULTI_VALUED:
        data[dimension] = list(dict.fromkeys(values[dimension]))
    data["status"] = _status(item.get("status"), values["status"], intake)
    data["venues"] = _venues(item.get("service_at_locations"), intake)
    data = {k: v for k, v in data.items() if v is not None and v != []}
    intake.data = data
    return intake


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _status(value: Any, stated: list[str], intake: Intake) -> str | None:
    """Our own status term when the service carries exactly one, else ORUK's status."""
    if len(set(stated)) == 1:
        return stated[0]
    if isinstance(value, str) and value.strip().casefold() in STATUS_FROM_ORUK:
        return STATUS_FROM_ORUK[value.strip().casefold()]
    if value is not None:
        intake.unmatched.append(f"status: '{str(value)[:40]}' is no ORUK status; read as active")
    return None


def _venues(value: Any, intake: Intake) -> list[dict[str, Any]]:
    """Locations with coordinates become venues; the others are listed."""
    venues = []
    for index, link in enumerate(_list(value)):
        location = link.get("location") if isinstance(link, dict) else None
        if not isinstance(location, dict):
            continue
        lat, lon = location.get("latitude"), location.get("longitude")
        if lat is None or lon is None:
            intake.unmatched.append(
                f"service_at_locations.{index}: a location without coordinates is not kept"
            )
            continue
        venues.append({"name": _text(location.get("name")), "lat": lat, "lon": lon})
    return venues

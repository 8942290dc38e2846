"""The validated shape of an intervention on its way in, shared by JSON, CSV and the seed.

One validator for every entry point means a rule (slugs, ages against bands, dates) cannot
be enforced on one path and forgotten on another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Annotated, Any, Final

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from models.text.safety import refuse_hidden
from models.typology.values import normalise_value
from models.typology.vocabulary import AGE_BAND_RANGES, MULTI_VALUED, Dimension, bands_for_ages

#: The WHATWG (HTML) definition of a valid e-mail address, with a dot required in the domain.
_EMAIL = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"
)
#: http(s) only, so a stored address can never run script (`javascript:`) or read files when a
#: front end makes it a link; no spaces, double quotes, angle brackets or backslashes either.
_WEB_ADDRESS = re.compile(r"^https?://[^\s/\"<>\\]+\.[^\s\"<>\\]+$", re.IGNORECASE)


def web_address(value: str | None) -> str | None:
    """An http(s) address, or ValueError in plain words; blank means none."""
    if value and not _WEB_ADDRESS.match(value):
        raise ValueError("must be a web address starting with http:// or https://")
    return value or None


Text = Annotated[str, Field(min_length=1)]
#: England's extent in WGS84 with a small margin (the Isles of Scilly to Lowestoft, the Lizard
#: to Berwick): a venue outside it is a slip (a sign lost, a point abroad), not a place served.
ENGLAND_LAT: Final = (49.8, 55.9)
ENGLAND_LON: Final = (-6.5, 1.8)
#: The youngest and oldest ages any band covers: the bottom of pre_14, the top of 18_plus.
MIN_AGE: Final = min(low for low, _ in AGE_BAND_RANGES.values())
MAX_AGE: Final = max(high for _, high in AGE_BAND_RANGES.values())


class SourceCitation(BaseModel):
    """Where a record comes from: a document and the sentence it rests on, or a URL."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    document: str | None = Field(None, max_length=300, description="Source document name.")
    quote: str | None = Field(
        None, max_length=5000, description="The sentence the record rests on."
    )
    url: str | None = Field(
        None, max_length=500, description="Web address of the source (http or https)."
    )

    _http_url = field_validator("url")(web_address)
    _plain = field_validator("document")(refuse_hidden)
    _plain_quote = field_validator("quote")(partial(refuse_hidden, multiline=True))


class VenueDraft(BaseModel):
    """A delivery location as a WGS84 point."""

    model_config = ConfigDict(extra="forbid")
    _plain = field_validator("name")(refuse_hidden)

    name: str | None = Field(None, max_length=300)
    lat: float = Field(
        ge=ENGLAND_LAT[0], le=ENGLAND_LAT[1], description="Latitude, WGS84 degrees, in England."
    )
    lon: float = Field(
        ge=ENGLAND_LON[0], le=ENGLAND_LON[1], description="Longitude, WGS84 degrees, in England."
    )

    @model_validator(mode="before")
    @classmethod
    def _swapped(cls, data: Any) -> Any:
        """Latitude and longitude given the wrong way round is the usual slip (53.8, -1.5 as
        -1.5, 53.8): say so, rather than only that each is out of range."""
        if isinstance(data, Mapping):
            lat, lon = data.get("lat"), data.get("lon")
            if _in(lon, ENGLAND_LAT) and _in(lat, ENGLAND_LON) and not _in(lat, ENGLAND_LAT):
                raise PydanticCustomError(
                    "swapped_coordinates",
                    "lat {lat} and lon {lon} look swapped: in England latitude is about 50 to "
                    "56 and longitude about -6 to 2. Give lat first as latitude.",
                    {"lat": lat, "lon": lon},
                )
        return data


def _in(value: object, bounds: tuple[float, float]) -> bool:
    return isinstance(value, int | float) and bounds[0] <= value <= bounds[1]


class InterventionDraft(BaseModel):
    """Everything a submitter may say about an intervention, validated against the typology."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=300, description="Name of the programme or service.")
    description: str | None = Field(None, max_length=10_000, description="What it does, plainly.")
    provider: str | None = Field(None, max_length=300, description="Who delivers it.")
    website: str | None = Field(
        None, max_length=500, description="Public web page (http or https)."
    )
    contact_email: str | None = Field(None, max_length=320, description="Contact e-mail address.")
    la_codes: list[Text] = Field(
        min_length=1,
        max_length=200,
        description="LAs served: GSS codes (current or superseded), DfE three-digit codes or names.",
    )
    # The typology's bands run from 10 to 29 (18_plus to 29, where youth employment
    # programmes end), so an age outside is a typing mistake or not an intervention this map
    # is about.
    age_min: int | None = Field(
        None,
        ge=MIN_AGE,
        le=MAX_AGE,
        description=f"Youngest age served, in years ({MIN_AGE}-{MAX_AGE}).",
    )
    age_max: int | None = Field(
        None,
        ge=MIN_AGE,
        le=MAX_AGE,
        description=f"Oldest age served, in years ({MIN_AGE}-{MAX_AGE}).",
    )
    age_band: list[str] = Field(
        default_factory=list,
        validate_default=True,
        description="Age bands; derived from age_min/age_max when those are given.",
    )
    transition_point: list[str] = Field(default_factory=list, description="Transition points.")
    target_group: list[str] = Field(default_factory=list, description="Target groups.")
    funding_source: list[str] = Field(default_factory=list, description="Funding sources.")
    intervention_type: list[str] = Field(default_factory=list, description="Intervention types.")
    delivery_model: list[str] = Field(default_factory=list, description="Delivery models.")
    evidence_level: list[str] = Field(default_factory=list, description="Evidence levels.")
    status: str = Field(
        "active",
        description=(
            "planned, active, ended or not_stated (the source does not say). A partner's "
            "record sent without one is active: the LA submits provision it runs."
        ),
    )
    start_date: date | None = Field(None, description="When it started or starts.")
    end_date: date | None = Field(None, description="When it ended or ends.")
    outcome_measures: list[Text] = Field(default_factory=list, description="Outcomes tracked.")
    source: SourceCitation | None = Field(None, description="Where this record comes from.")
    venues: list[VenueDraft] = Field(default_factory=list, max_length=100)

    @field_validator(*MULTI_VALUED)
    @classmethod
    def _known_slugs(cls, values: list[str], info: ValidationInfo) -> list[str]:
        dimension: Dimension = getattr(info, "field_name")  # noqa: B009  (typed as str)
        normalised = list(dict.fromkeys(normalise_value(dimension, v) for v in values if v.strip()))
        if dimension == "age_band":
            return bands_against_ages(normalised, info.data)
        return normalised

    @field_validator("la_codes", mode="before")
    @classmethod
    def _codes_as_text(cls, value: Any) -> Any:
        """A DfE code sent as a JSON number (202) is the same code as "202"."""
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        return normalise_value("status", value)

    _http_url = field_validator("website")(web_address)
    # Shown as they are stored, so nothing hidden may reorder or mask them (models.text.safety).
    _plain = field_validator("name", "provider")(refuse_hidden)
    _plain_description = field_validator("description")(partial(refuse_hidden, multiline=True))

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise ValueError("must be an e-mail address such as name@example.org")
        return value or None

    # Rules across fields are field validators on the later field, so each runs whenever the
    # fields it reads are valid (pydantic's `info.data` holds only those), not only when the
    # whole record is: a spreadsheet row reports all its problems at once.
    @field_validator("age_max")
    @classmethod
    def _ages_in_order(cls, age_max: int | None, info: ValidationInfo) -> int | None:
        age_min = info.data.get("age_min")
        if age_min is not None and age_max is not None and age_min > age_max:
            raise _on("age_min", "age_min must not be greater than age_max")
        return age_max

    @field_validator("end_date")
    @classmethod
    def _dates_in_order(cls, end_date: date | None, info: ValidationInfo) -> date | None:
        start_date = info.data.get("start_date")
        if start_date and end_date and end_date < start_date:
            raise _on("end_date", "end_date must not be before start_date")
        return end_date


def _on(field: str, message: str) -> PydanticCustomError:
    """A cross-field error that names `field`, since pydantic would name the validated one."""
    return PydanticCustomError("cross_field", message, {"field": field})


def _ages(age_min: int | None, age_max: int | None) -> str:
    """The stated ages in words, naming the fields they come from."""
    if age_min is not None and age_max is not None:
        return f"age_min–age_max is {age_min}–{age_max}"
    if age_min is not None:
        return f"age_min is {age_min}, with no age_max"
    return f"age_max is {age_max}, with no age_min"


def bands_against_ages(bands: list[str], data: Mapping[str, Any]) -> list[str]:
    """The bands derived from the ages, or an error naming each given band that shares no age
    with them.

    The brief derives bands from ages whenever ages are given. People write "16-18" for a
    post-16 group that includes some 18 year-olds, so a given band that covers part of the
    stated ages is the submitter's reading of the same group and the derived bands are stored.
    A band with no age in common with the ages (pre_14 for ages 16-19) cannot be right beside
    them: that is the contradiction refused, with each band's ages in the message so the
    officer sees which is wrong. An open end reaches the band limits. Bands are left as given
    when the ages are absent or themselves invalid (not in `data`).
    """
    if not {"age_min", "age_max"} <= data.keys():
        return bands
    age_min, age_max = data["age_min"], data["age_max"]
    if age_min is None and age_max is None:
        return bands
    derived = list(bands_for_ages(age_min, age_max))
    apart = [band for band in bands if band not in derived]
    if apart:
        spans = " and ".join(
            f"{b} covers ages {AGE_BAND_RANGES[b][0]}–{AGE_BAND_RANGES[b][1]}" for b in apart
        )
        raise ValueError(
            f"age_band {spans}, but {_ages(age_min, age_max)}: they share no age. Give a band "
            f"that includes these ages ({', '.join(derived) or 'none fits'}), correct the ages, "
            "or leave age_band out to derive it from the ages."
        )
    return derived

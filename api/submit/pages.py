"""The submission pages: `/submit` for LA officers, `/submit/moderation` for moderators.

Server-rendered (Jinja2) with a little JavaScript that calls the JSON API with the key the
officer pastes, kept in the browser's session storage only: the server never sees it outside
an API call, and the pages hold nothing private. The typology's labels and descriptions, the
columns and the limits are rendered here from the same modules the API validates with, so the
form and the import cannot disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from models.intake.caps import MAX_COLUMNS, MAX_ROWS, MAX_SHEETS
from models.intake.csv_columns import COLUMNS
from models.intake.workbooks.template import column_notes
from models.interventions.drafts import InterventionDraft
from models.typology.vocabulary import MULTI_VALUED, VOCABULARIES, Term

HERE: Final = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

#: Words for the record fields a diff or a problem names.
FIELD_LABELS: Final = {
    "name": "Name",
    "description": "Description",
    "provider": "Provider",
    "website": "Web address",
    "contact_email": "Contact e-mail",
    "la_codes": "Local authorities",
    "la_names": "LA names",
    "age_min": "Youngest age",
    "age_max": "Oldest age",
    "age_band": "Age bands",
    "transition_point": "Transition points",
    "target_group": "Target groups",
    "funding_source": "Funding sources",
    "intervention_type": "Types of intervention",
    "delivery_model": "Delivery model",
    "evidence_level": "Level of evidence",
    "status": "Status",
    "start_date": "Start date",
    "end_date": "End date",
    "outcome_measures": "Outcomes tracked",
    "source": "Source",
    "venues": "Venues",
    "publication_state": "State",
}
_ASSETS: Final = {"submit.js": "text/javascript", "submit.css": "text/css"}
_NO_STORE: Final = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}


def _vocabularies() -> list[tuple[str, str, tuple[Term, ...]]]:
    """(field, label, terms) of every multi-valued dimension, in the typology's order."""
    return [(d, FIELD_LABELS[d], VOCABULARIES[d]) for d in MULTI_VALUED]


def _ages() -> tuple[object, object]:
    schema = InterventionDraft.model_json_schema()["properties"]["age_min"]
    bounds = schema.get("anyOf", [schema])[0]
    return bounds.get("minimum"), bounds.get("maximum")


@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request) -> HTMLResponse:
    """The officer's page: key, upload, report, confirm, their records, edit, withdraw."""
    low, high = _ages()
    return templates.TemplateResponse(
        request,
        "submit.html",
        {
            "vocabularies": _vocabularies(),
            "statuses": VOCABULARIES["status"],
            "columns": list(COLUMNS),
            "notes": column_notes(),
            "labels": FIELD_LABELS,
            "age_low": low,
            "age_high": high,
            "caps": {"rows": MAX_ROWS, "sheets": MAX_SHEETS, "columns": MAX_COLUMNS},
        },
        headers=_NO_STORE,
    )


@router.get("/submit/moderation", response_class=HTMLResponse)
def moderation_page(request: Request) -> HTMLResponse:
    """The moderator's page: the queue, each entry's changes, publish or reject."""
    return templates.TemplateResponse(
        request, "moderation.html", {"labels": FIELD_LABELS}, headers=_NO_STORE
    )


@router.get("/submit/assets/{name}")
def submit_asset(name: str) -> FileResponse:
    """The pages' script and style sheet (served here: no CDN)."""
    if name not in _ASSETS:
        raise HTTPException(status_code=404)
    return FileResponse(
        HERE / "assets" / name,
        media_type=_ASSETS[name],
        headers={"Cache-Control": "public, max-age=300"},
    )

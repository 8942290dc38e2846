"""Pydantic's complaints about an `InterventionDraft`, in plain words naming the field.

An LA officer fixing a spreadsheet needs "must be a whole number, such as 16", not
"Input should be a valid integer, unable to parse string as an integer"; a JSON client gets
the same words, since `validate_draft` is the one validation of every JSON write (POST and
PATCH) and the CSV import words its problems here too. Rules that span fields (ages, dates)
name the field they start with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from models.errors import FieldProblem, InvalidInputError
from models.intake.csv_columns import field_for
from models.interventions.drafts import InterventionDraft

_PREDICATES = frozenset({"is", "must", "needs", "has"})


def _field(error: ErrorDetails) -> str:
    """The dotted field path; a cross-field rule names its own field (see models.interventions.drafts)."""
    named = (error.get("ctx") or {}).get("field")
    if isinstance(named, str):
        return named
    return ".".join(str(part) for part in error["loc"]) or "record"


def plain_message(error: ErrorDetails) -> str:
    """One error in words a non-programmer can act on (of a draft, or of a request's query,
    path or headers: the API's validation handler uses it too)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    words: dict[str, str] = {
        "missing": "is required",
        "string_too_short": "must not be empty",
        "string_too_long": f"is too long: at most {ctx.get('max_length')} characters",
        "too_short": f"needs at least {ctx.get('min_length')} value(s)",
        "too_long": f"has too many values: at most {ctx.get('max_length')}",
        "int_parsing": "must be a whole number, such as 16",
        "int_from_float": "must be a whole number, such as 16",
        "int_type": "must be a whole number, such as 16",
        "float_parsing": "must be a number, such as 53.8",
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "date_parsing": "must be a date such as 2025-09-01",
        "date_from_datetime_parsing": "must be a date such as 2025-09-01",
        "date_type": "must be a date such as 2025-09-01",
        "extra_forbidden": "is not a field of an intervention",
        "string_type": "must be text",
        "list_type": "must be a list of values",
        "bool_type": "must be true or false",
        "model_type": "must be an object with named fields",
        "model_attributes_type": "must be an object with named fields",
        "dict_type": "must be an object with named fields",
        "finite_number": "must be a finite number",
        "bool_parsing": "must be true or false",
        "date_from_datetime_inexact": "must be a date such as 2025-09-01, without a time",
        "literal_error": f"must be one of {ctx.get('expected')}",
        "enum": f"must be one of {ctx.get('expected')}",
        "datetime_parsing": "must be a date or a date and time, such as 2025-09-01",
        "datetime_from_date_parsing": "must be a date or a date and time, such as 2025-09-01",
    }
    if kind == "less_than_equal" and error["loc"] in (("age_min",), ("age_max",)):
        return f"must be at most {ctx.get('le')}, where the typology's age bands end (18_plus)"
    if kind == "greater_than_equal" and error["loc"] in (("age_min",), ("age_max",)):
        return f"must be at least {ctx.get('ge')}, where the typology's age bands start (pre_14)"
    venue = error["loc"][:1] == ("venues",)
    if (
        venue
        and kind in ("greater_than_equal", "less_than_equal")
        and error["loc"][-1]
        in (
            "lat",
            "lon",
        )
    ):
        return f"{words[kind]}: the venue must be in England (WGS84 degrees)"
    if kind == "extra_forbidden" and len(error["loc"]) == 1:
        meant = field_for(str(error["loc"][0]))
        if meant and meant in InterventionDraft.model_fields:
            return f"{words[kind]}; did you mean '{meant}'?"
    if kind in words:
        return words[kind]
    return str(error["msg"]).removeprefix("Value error, ")


def draft_problems(
    exc: ValidationError, *, row: int | None = None, rename: Mapping[str, str] | None = None
) -> list[FieldProblem]:
    """Every error of one draft; `rename` maps fields (or dotted paths) to, say, CSV columns."""
    problems = []
    for error in exc.errors():
        field = _field(error)
        head, _, rest = field.partition(".")
        if rename and field in rename:
            field = rename[field]
        elif rename and head in rename:
            field = rename[head] + (f".{rest}" if rest else "")
        message = plain_message(error)
        if message.split(" ", 1)[0] in _PREDICATES:
            message = f"{field} {message}{_got(error)}"
        problems.append(FieldProblem(field, message, row))
    return problems


def _got(error: ErrorDetails) -> str:
    """The offending value, when it is short text worth echoing back."""
    value = error.get("input")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value)
        return f" (got '{text[:40]}{'...' if len(text) > 40 else ''}')"
    return ""


def validate_draft(data: Mapping[str, Any], *, location: str | None = None) -> InterventionDraft:
    """A draft from plain data, or InvalidInputError naming every bad field at once.

    `location` (e.g. "body") is copied onto every problem, for the client to find the field.
    """
    draft: InterventionDraft | None = None
    try:
        draft = InterventionDraft.model_validate(dict(data))
        problems = []
    except ValidationError as exc:
        problems = draft_problems(exc)
    reported = {p.field for p in problems}
    problems += [p for p in nul_problems(dict(data)) if p.field not in reported]
    if problems or draft is None:
        for problem in problems:
            problem.location = location
        fields = ", ".join(dict.fromkeys(p.field for p in problems))
        raise InvalidInputError(f"Some values are not valid: {fields}.", problems)
    return draft


def nul_problems(value: Any, path: str = "") -> list[FieldProblem]:
    """Text holding NUL characters, which PostgreSQL cannot store, named by its field path."""
    if isinstance(value, str):
        return (
            [FieldProblem(path, f"{path} must not contain NUL characters")]
            if "\x00" in value
            else []
        )
    if isinstance(value, dict):
        items = [(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}.{i}", v) for i, v in enumerate(value)]
    else:
        return []
    return [problem for key, item in items for problem in nul_problems(item, key)]

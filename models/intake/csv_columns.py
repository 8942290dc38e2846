"""The columns of the partner CSV, the names people give them, and reading a header row.

Officers name columns as they think of them: singular or plural (`target_group`), with spaces
or capitals (`LA code`), as the JSON API does, or by another unambiguous name (`email`).
Those all read as the documented column. A header that is merely close to a column
(`target_grp`) is a problem naming the column it probably means, not a guess, since its values
would otherwise be dropped. Any other header is a warning, as the issue asks: a looser word
for a column (`url`, `council`) gets a "did you mean" in it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Final

from models.errors import FieldProblem
from models.typology.vocabulary import MULTI_VALUED, Dimension

#: CSV column -> InterventionDraft field, in the documented column order.
COLUMNS: Final[dict[str, str]] = {
    "name": "name",
    "description": "description",
    "provider": "provider",
    "la_codes": "la_codes",
    "age_min": "age_min",
    "age_max": "age_max",
    "age_bands": "age_band",
    "target_groups": "target_group",
    "funding_sources": "funding_source",
    "transition_points": "transition_point",
    "intervention_types": "intervention_type",
    "delivery_model": "delivery_model",
    "evidence_level": "evidence_level",
    "status": "status",
    "start_date": "start_date",
    "end_date": "end_date",
    "website": "website",
    "contact_email": "contact_email",
    "source_url": "source",
}
REQUIRED: Final = ("name", "la_codes")
#: CSV column -> typology dimension, for the multi-valued cells (the CSV uses plural names).
TYPOLOGY_COLUMNS: Final[dict[str, Dimension]] = {
    column: target for column, target in COLUMNS.items() if target in MULTI_VALUED
}
#: Names that are not a spelling of the column but mean it unambiguously.
_OTHER_NAMES: Final = {
    "la": "la_codes",
    "local_authority": "la_codes",
    "local_authorities": "la_codes",
    "gss_code": "la_codes",
    "email": "contact_email",
    "min_age": "age_min",
    "max_age": "age_max",
    "source.url": "source_url",
    "la_name": "la_codes",
    "local_authority_name": "la_codes",
    "web_address": "website",
    "webpage": "website",
    "homepage": "website",
    # Phrasings of the typology columns as survey forms and sheets title them.
    "type_of_intervention": "intervention_types",
    "types_of_intervention": "intervention_types",
    "level_of_evidence": "evidence_level",
    "source_of_funding": "funding_sources",
    "sources_of_funding": "funding_sources",
}
#: Words people use for a column that are too loose to read as it, but worth naming: a header
#: that is one of these (or close to one) is warned about with the column(s) it may mean, the
#: likeliest first.
_HINTS: Final[dict[str, tuple[str, ...]]] = {
    "url": ("website", "source_url"),
    "web": ("website",),
    "link": ("website", "source_url"),
    "site": ("website",),
    "contact": ("contact_email",),
    "contact_details": ("contact_email",),
    "authority": ("la_codes",),
    "council": ("la_codes",),
    "council_name": ("la_codes",),
    "authority_name": ("la_codes",),
    "title": ("name",),
    "programme": ("name",),
    "programme_name": ("name",),
    "intervention": ("name",),
    "intervention_name": ("name",),
    "project": ("name",),
    "organisation": ("provider",),
    "organization": ("provider",),
    "delivered_by": ("provider",),
    "summary": ("description",),
    "details": ("description",),
    "funding": ("funding_sources",),
    "funder": ("funding_sources",),
    "funded_by": ("funding_sources",),
    "target": ("target_groups",),
    "cohort": ("target_groups",),
    "transition": ("transition_points",),
    "type": ("intervention_types",),
    "delivery": ("delivery_model",),
    "evidence": ("evidence_level",),
    "start": ("start_date",),
    "started": ("start_date",),
    "end": ("end_date",),
    "ended": ("end_date",),
    "source": ("source_url",),
    "reference": ("source_url",),
    "ages": ("age_min", "age_max", "age_bands"),
    "age": ("age_min", "age_max", "age_bands"),
}
#: Headers of a record id, as in neetmap's own CSV export: an import never updates records,
#: so re-importing an edited export adds copies unless the officer is told so.
_ID_HEADERS: Final = frozenset({"id", "interventionid", "recordid"})
ID_WARNING: Final = (
    "The column '{name}' is not read: an import only adds records, so every row becomes a "
    "NEW record, even one whose id is already stored. To change an existing record, send "
    "PATCH /api/v1/interventions/{{id}} with the fields to change; to add these rows as new "
    "records, delete the column."
)
#: How close (difflib ratio) an unknown header must be to a column to be taken for a typo.
_CLOSE: Final = 0.8
#: Hint words shorter than this match only as written or with an `s`: a near miss of a short
#: word is mostly another word ("Send" is one letter from "end", and means SEND).
_NEAR_MISS_MIN: Final = 5
#: How many letters longer or shorter than a hint word a misspelling of it may be.
_NEAR_MISS_SLACK: Final = 2
_WORD_BREAKS: Final = re.compile(r"[\s_\-.]+")


def _compact(name: str) -> str:
    """A header with case, spaces, hyphens, underscores and dots folded away, and a plural
    written as "(s)" (`Funding source(s)`) read as the plural."""
    return _WORD_BREAKS.sub("", name.replace("(s)", "s").replace("(S)", "s")).lower()


def _alias_table() -> dict[str, str]:
    """Compact name -> column: each column and its JSON field name, singular and plural."""
    table: dict[str, str] = {}
    names = [(c, c) for c in COLUMNS] + [(f, c) for c, f in COLUMNS.items() if c != "source_url"]
    for name, column in [*names, *((n, c) for n, c in _OTHER_NAMES.items())]:
        for variant in (name, name.removesuffix("s"), name + "s"):
            table.setdefault(_compact(variant), column)
    return table


ALIASES: Final = _alias_table()
#: A column of LA names kept beside `la_codes`: then the codes are read and each name is only
#: checked against the code in its place. Alone, such a column is read as `la_codes`.
NAMES_COLUMN: Final = "la_names"
_NAME_HEADERS: Final = frozenset(
    _compact(variant)
    for name in ("la_name", "local_authority_name", "council_name", "authority_name")
    for variant in (name, name + "s")
)
#: Compact word -> the columns it may mean, for headers read as no column.
_HINT_TABLE: Final[dict[str, tuple[str, ...]]] = {
    _compact(name): columns for name, columns in _HINTS.items()
}


def field_for(name: str) -> str | None:
    """The intervention field a name people use stands for (`target_groups`, `LA code`,
    `email`), or a near miss of one; for a JSON key the API does not know."""
    column = ALIASES.get(_compact(name)) or typo_of(name)
    return COLUMNS[column].partition(".")[0] if column else None


def typo_of(header: str) -> str | None:
    """The column a header is a near miss of (`target_grp`), by difflib; None if none."""
    close = difflib.get_close_matches(_compact(header), list(ALIASES), n=1, cutoff=_CLOSE)
    return ALIASES[close[0]] if close else None


def hint_for(header: str) -> tuple[str, ...]:
    """The columns a loose word for one (`url`, `council`), or a misspelling of such a word,
    may mean; () when it is no such word.

    A misspelling is close (difflib) to a hint word of five letters or more and within two
    letters of its length. A longer header that merely contains the word is a phrase about
    something else: "Type of intervention" holds types, and advising to rename it to `name`
    (for `intervention`) would have put its values in the wrong column.
    """
    name = _compact(header)
    if name in _HINT_TABLE:
        return _HINT_TABLE[name]
    if name.endswith("s") and name[:-1] in _HINT_TABLE:
        return _HINT_TABLE[name[:-1]]
    near = [
        word
        for word in _HINT_TABLE
        if len(word) >= _NEAR_MISS_MIN and abs(len(word) - len(name)) <= _NEAR_MISS_SLACK
    ]
    close = difflib.get_close_matches(name, near, n=1, cutoff=_CLOSE)
    return _HINT_TABLE[close[0]] if close else ()


def _did_you_mean(columns: tuple[str, ...]) -> str:
    quoted = [f"'{c}'" for c in columns]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


@dataclass
class Header:
    """The column each cell of the header stands for ("" for one neetmap does not read)."""

    columns: list[str]
    problems: list[FieldProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether rows can be read: every required column is there and none is repeated."""
        named = [c for c in self.columns if c]
        return set(REQUIRED) <= set(named) and len(named) == len(set(named))


def _names_beside_codes(cells: list[str], columns: list[str]) -> None:
    """Read a names column as `la_names` where a codes column stands beside it."""
    named = [i for i, cell in enumerate(cells) if _compact(cell) in _NAME_HEADERS]
    others = [i for i, c in enumerate(columns) if c == "la_codes" and i not in named]
    if named and others:
        for index in named:
            columns[index] = NAMES_COLUMN


def read_header(cells: list[str]) -> Header:
    """Map header cells to columns; report missing, repeated and mistyped ones (row 1).

    A near miss of a column is a problem, since its values would silently go unread. Any
    other unknown column is a warning, as the partner spreadsheet may carry columns of its
    own; a loose word for a column (`url`, `council`) gets a "did you mean" in its warning,
    and names the column it may be when a required one is missing.
    """
    header = Header(columns=[ALIASES.get(_compact(cell), "") for cell in cells])
    _names_beside_codes(cells, header.columns)
    typos: set[str] = set()
    maybe: dict[str, list[str]] = {}  # a required column -> headers that may be it
    for raw, column in zip(cells, header.columns, strict=True):
        name = raw.strip()
        if column or not name:
            continue
        if _compact(raw) in _ID_HEADERS:
            header.warnings.append(ID_WARNING.format(name=name))
        elif (typo := typo_of(raw)) and _compact(raw) not in _HINT_TABLE:  # "Start" is no typo
            typos.add(typo)
            header.problems.append(
                FieldProblem(
                    name,
                    f"The column '{name}' is not one neetmap reads. Did you mean '{typo}'? "
                    "Rename the column, or its values are not read.",
                    1,
                )
            )
        elif hint := hint_for(raw):
            for column_meant in hint:
                maybe.setdefault(column_meant, []).append(name)
            header.warnings.append(
                f"The column '{name}' is not one neetmap reads, so it was ignored. Did you "
                f"mean {_did_you_mean(hint)}? Rename it to have its values read."
            )
        else:
            header.warnings.append(
                f"The column '{name}' is not one neetmap reads, so it was ignored. "
                f"Known columns: {', '.join(COLUMNS)}."
            )
    for column in REQUIRED:
        if column not in header.columns and column not in typos:
            candidates = " or ".join(f"'{c}'" for c in maybe.get(column, []))
            header.problems.append(
                FieldProblem(
                    column,
                    f"The column '{column}' is missing; it is required."
                    + (f" Is it {candidates}? Rename it to '{column}'." if candidates else ""),
                    1,
                )
            )
    for column in dict.fromkeys(c for c in header.columns if c and header.columns.count(c) > 1):
        given = [raw.strip() for raw, c in zip(cells, header.columns, strict=True) if c == column]
        header.problems.append(
            FieldProblem(
                column,
                f"The column '{column}' appears more than once "
                f"({', '.join(repr(g) for g in given)}); keep one.",
                1,
            )
        )
    return header

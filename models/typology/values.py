"""Reading a typology value as people write it: slug or label in any case, else an error that
names the allowed values and the closest one (by slug, label or synonym).

Apart from the vocabularies (`models.typology.vocabulary`), which are data, and from the
synonyms, which are advice: this module reads both, neither reads it.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from models.typology.synonyms import SYNONYMS
from models.typology.vocabulary import VOCABULARIES, Dimension


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def allowed_values(dimension: Dimension) -> str:
    """The allowed values of a dimension with their labels, for messages people act on."""
    return ", ".join(f"{t.slug} ({t.label})" for t in VOCABULARIES[dimension])


class UnknownValueError(ValueError):
    """A value that is no slug or label of its dimension, with the parts of its message kept
    apart, so a long report can name the allowed values once instead of on every problem."""

    def __init__(self, dimension: Dimension, text: str, hint: str | None) -> None:
        self.dimension, self.text, self.hint = dimension, text, hint
        super().__init__(
            f"'{text}' is not one of the {dimension} values.{self.suggestion} "
            f"Allowed values: {allowed_values(dimension)}."
        )

    @property
    def suggestion(self) -> str:
        """ " Did you mean 'x'?", or "" when nothing is close."""
        return f" Did you mean '{self.hint}'?" if self.hint else ""


def normalise_value(dimension: Dimension, raw: str) -> str:
    """Map a slug or an unambiguous label (any case) to its slug.

    People type labels from the documentation into spreadsheets ("Year 11 to post-16"), so both
    are accepted; anything else raises ValueError with the allowed values and the closest match.
    """
    text = raw.strip()
    terms = VOCABULARIES[dimension]
    for term in terms:
        if text == term.slug:
            return term.slug
    folded = _fold(text)
    matches = {t.slug for t in terms if folded in (_fold(t.slug), _fold(t.label))}
    if len(matches) == 1:
        return matches.pop()
    raise UnknownValueError(dimension, text, closest_value(dimension, text))


@lru_cache(maxsize=4096)
def closest_value(dimension: Dimension, raw: str) -> str | None:
    """The slug nearest to a mistyped value, by slug, label or synonym, if any is close enough.
    Memoised: a file repeats the same few mistakes on thousands of rows."""
    candidates: dict[str, str] = {_fold(word): slug for word, slug in SYNONYMS[dimension].items()}
    for term in VOCABULARIES[dimension]:
        candidates[_fold(term.slug)] = term.slug
        candidates[_fold(term.label)] = term.slug
    folded = _fold(raw)
    if folded in candidates:
        return candidates[folded]
    found = difflib.get_close_matches(folded, list(candidates), n=1, cutoff=0.6)
    return candidates[found[0]] if found else None

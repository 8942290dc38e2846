"""LA names as people write them, folded so that spellings of one name compare equal.

"Bristol, City of", "city of bristol" and "Bristol" are one LA; "Telford & Wrekin" is
"telford and wrekin"; a council's own style ("London Borough of Camden") is stripped as a
last try. `geodata.codes` looks names up by these keys.
"""

import re
import unicodedata
from collections.abc import Mapping
from typing import Final

# Short forms partners use that no normalisation rule derives; values are normalised names.
ALIASES: Final[Mapping[str, str]] = {
    "hull": "city of kingston upon hull",
    "bcp": "bournemouth christchurch and poole",
    "southend": "southend on sea",
    "stoke": "stoke on trent",
    "banes": "bath and north east somerset",
    "bath and ne somerset": "bath and north east somerset",
}
# "London" alone means the region or all 33 boroughs, never the Square Mile.
NEVER_STRIPPED: Final = frozenset({"city of london"})

TRAILING_OF = re.compile(r"^(.*?),\s*((?:city|county) of)\s*$", re.IGNORECASE)
LEADING_QUALIFIER = re.compile(r"^(?:city of|county of|county) ")
# How councils style themselves ("London Borough of Camden", "Kent County Council"); only
# stripped from input, as a last try.
COUNCIL_WORDS = re.compile(
    r"^(?:the )?(?:(?:royal |london |metropolitan )?borough of|council of the) "
    r"| (?:(?:county|city|borough|metropolitan borough|district) )?council$"
)


def normalise_name(text: str) -> str:
    """Fold case, '&', punctuation, spacing and "X, City of" so spellings compare equal."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = TRAILING_OF.sub(r"\2 \1", text)
    text = text.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def name_keys(name: str) -> list[str]:
    full = normalise_name(name)
    stripped = LEADING_QUALIFIER.sub("", full)
    if stripped and stripped != full and full not in NEVER_STRIPPED:
        return [full, stripped]
    return [full]

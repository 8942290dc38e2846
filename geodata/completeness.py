"""Whether a boundary file covers all of England, before it replaces the loaded boundaries.

A file of 20 LAs, or a district file without its counties, reads perfectly well; loaded, it
would silently shrink the national map. So a load must cover about as many LAs as England has,
and every LA of the previous load must be in the file or have a successor (or predecessor) in
it by the recorded history of LA changes.
"""

from collections.abc import Collection, Mapping
from typing import Final

from geodata.codes import LACodeRegistry, UnknownAreaCodeError
from geodata.errors import BoundaryFileError

MIN_ENGLAND_LAS: Final = 140
"""England has had 150 to 153 upper-tier LAs since 2009; far fewer means part of a file."""
_SHOWN: Final = 5
_ALLOW: Final = "load a complete Counties and Unitary Authorities file, or pass --allow-partial"


class PartialBoundariesError(BoundaryFileError):
    """A boundary file would replace England's LAs with only some of them."""


def lost_las(previous: Collection[str], new: Mapping[str, str]) -> list[str]:
    """Codes of `previous` that `new` (code -> name) neither has nor covers by history."""
    registry = LACodeRegistry(new)
    lost = []
    for code in sorted(set(previous) - set(new)):
        try:
            registry.resolve(code)
        except UnknownAreaCodeError:
            lost.append(code)
    return lost


def check_complete(
    previous: Mapping[str, str], new: Mapping[str, str], *, source: str = "The file"
) -> None:
    """Raise PartialBoundariesError unless `new` covers England as `previous` did.

    Both map LA codes to names; `previous` is empty on a first load. `source` names the file.
    """
    lost = lost_las(previous, new)
    if lost:
        named = ", ".join(f"{code} {previous[code]}" for code in lost[:_SHOWN])
        more = f" and {len(lost) - _SHOWN} more" if len(lost) > _SHOWN else ""
        raise PartialBoundariesError(
            f"{source} lacks {len(lost)} LAs the loaded boundaries have ({named}{more}), and "
            f"no successor of theirs; {_ALLOW} to load it anyway."
        )
    if len(new) < MIN_ENGLAND_LAS:
        raise PartialBoundariesError(
            f"{source} has only {len(new)} English upper-tier LAs, where England has about "
            f"153; {_ALLOW} to load it anyway."
        )

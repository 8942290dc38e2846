"""England's mayoral combined authorities (2024-25) as named sets of upper-tier LAs.

A combined authority is no ONS geography the boundaries know (it is neither an LA nor a
region), yet partners often work at that level, so a key may be scoped to one by name. The
table is of the constituent upper-tier councils as of 2024-25 (GSS codes of the May 2023
boundaries), after the North East (May 2024), York and North Yorkshire and East Midlands
(2024) authorities were set up; non-constituent members are left out. The combined
authorities created in 2025 (Greater Lincolnshire, Hull and East Yorkshire) are not in it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Final

from models.errors import FieldProblem, InvalidInputError


@dataclass(frozen=True)
class CombinedAuthority:
    name: str
    la_codes: tuple[str, ...]


_CA = CombinedAuthority

COMBINED_AUTHORITIES: Final = (
    _CA(
        "Greater Manchester Combined Authority",
        (
            "E08000001",  # Bolton
            "E08000002",  # Bury
            "E08000003",  # Manchester
            "E08000004",  # Oldham
            "E08000005",  # Rochdale
            "E08000006",  # Salford
            "E08000007",  # Stockport
            "E08000008",  # Tameside
            "E08000009",  # Trafford
            "E08000010",  # Wigan
        ),
    ),
    _CA(
        "Liverpool City Region Combined Authority",
        (
            "E06000006",  # Halton
            "E08000011",  # Knowsley
            "E08000012",  # Liverpool
            "E08000013",  # St. Helens
            "E08000014",  # Sefton
            "E08000015",  # Wirral
        ),
    ),
    _CA(
        "West Midlands Combined Authority",
        (
            "E08000025",  # Birmingham
            "E08000026",  # Coventry
            "E08000027",  # Dudley
            "E08000028",  # Sandwell
            "E08000029",  # Solihull
            "E08000030",  # Walsall
            "E08000031",  # Wolverhampton
        ),
    ),
    _CA(
        "West Yorkshire Combined Authority",
        (
            "E08000032",  # Bradford
            "E08000033",  # Calderdale
            "E08000034",  # Kirklees
            "E08000035",  # Leeds
            "E08000036",  # Wakefield
        ),
    ),
    _CA(
        "South Yorkshire Mayoral Combined Authority",
        (
            "E08000016",  # Barnsley
            "E08000017",  # Doncaster
            "E08000018",  # Rotherham
            "E08000019",  # Sheffield
        ),
    ),
    _CA(
        "North East Combined Authority",
        (
            "E06000047",  # County Durham
            "E08000037",  # Gateshead
            "E08000021",  # Newcastle upon Tyne
            "E08000022",  # North Tyneside
            "E06000057",  # Northumberland
            "E08000023",  # South Tyneside
            "E08000024",  # Sunderland
        ),
    ),
    _CA(
        "Tees Valley Combined Authority",
        (
            "E06000005",  # Darlington
            "E06000001",  # Hartlepool
            "E06000002",  # Middlesbrough
            "E06000003",  # Redcar and Cleveland
            "E06000004",  # Stockton-on-Tees
        ),
    ),
    _CA(
        "West of England Combined Authority",
        (
            "E06000022",  # Bath and North East Somerset
            "E06000023",  # Bristol
            "E06000025",  # South Gloucestershire
        ),
    ),
    _CA(
        "Cambridgeshire and Peterborough Combined Authority",
        (
            "E10000003",  # Cambridgeshire
            "E06000031",  # Peterborough
        ),
    ),
    _CA(
        "York and North Yorkshire Combined Authority",
        (
            "E06000014",  # York
            "E06000065",  # North Yorkshire
        ),
    ),
    _CA(
        "East Midlands Combined County Authority",
        (
            "E06000015",  # Derby
            "E10000007",  # Derbyshire
            "E06000018",  # Nottingham
            "E10000024",  # Nottinghamshire
        ),
    ),
)

_SUFFIX = re.compile(r"\b(mayoral |combined |county )*(authority|ca|mca|cca)$")


def _key(name: str) -> str:
    """A name with case, punctuation, '&' and the 'combined authority' suffix folded away."""
    folded = " ".join(re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("&", " and ")).split())
    return _SUFFIX.sub("", folded).strip()


_BY_KEY: Final = {_key(ca.name): ca for ca in COMBINED_AUTHORITIES}


def find_combined_authority(name: str) -> CombinedAuthority:
    """The combined authority of this name (with or without 'Combined Authority'), or
    InvalidInputError naming the closest one and listing them all."""
    found = _BY_KEY.get(_key(name))
    if found is not None:
        return found
    close = difflib.get_close_matches(_key(name), list(_BY_KEY), n=1, cutoff=0.6)
    hint = f" Did you mean {_BY_KEY[close[0]].name}?" if close else ""
    known = "; ".join(ca.name for ca in COMBINED_AUTHORITIES)
    message = f"'{name}' is not a mayoral combined authority.{hint} They are: {known}."
    raise InvalidInputError(message, [FieldProblem("combined_authority", message)])


def combined_authority_named(name: str) -> CombinedAuthority | None:
    """The combined authority of exactly this name, folded as above, if there is one."""
    return _BY_KEY.get(_key(name))

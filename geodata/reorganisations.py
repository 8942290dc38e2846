"""The history of English upper-tier LA codes since GSS codes began (2009).

A small factual table kept in code: which codes were abolished or recoded, when, and which
codes cover their area now. It lets a partner's old code land on the right current LA.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final


@dataclass(frozen=True)
class Supersession:
    """One step in LA history: a code that stopped being used and the codes that cover its area.

    `recoded` marks a code change with (almost) the same area, as opposed to an abolition.
    """

    successors: tuple[str, ...]
    effective: date
    recoded: bool = False


# Upper-tier changes since GSS codes began (2009), from DfE's LA list (termination and
# operation dates) and ONS code histories: effective date, superseded code and name, then
# successors. Dorset county also covered Christchurch, now in Bournemouth, Christchurch and
# Poole, hence its two successors.
_ABOLITIONS: Final = (
    ("2009-04-01", "E10000001 Bedfordshire", "E06000055 Bedford", "E06000056 Central Bedfordshire"),
    ("2009-04-01", "E10000004 Cheshire",
        "E06000049 Cheshire East", "E06000050 Cheshire West and Chester"),
    ("2009-04-01", "E10000005 Cornwall and Isles of Scilly",
        "E06000052 Cornwall", "E06000053 Isles of Scilly"),
    ("2009-04-01", "E10000010 Durham", "E06000047 County Durham"),
    ("2009-04-01", "E10000022 Northumberland", "E06000048 Northumberland"),
    ("2009-04-01", "E10000026 Shropshire", "E06000051 Shropshire"),
    ("2009-04-01", "E10000033 Wiltshire", "E06000054 Wiltshire"),
    ("2019-04-01", "E06000028 Bournemouth", "E06000058 Bournemouth, Christchurch and Poole"),
    ("2019-04-01", "E06000029 Poole", "E06000058 Bournemouth, Christchurch and Poole"),
    ("2019-04-01", "E10000009 Dorset",
        "E06000059 Dorset", "E06000058 Bournemouth, Christchurch and Poole"),
    ("2020-04-01", "E10000002 Buckinghamshire", "E06000060 Buckinghamshire"),
    ("2021-04-01", "E10000021 Northamptonshire",
        "E06000061 North Northamptonshire", "E06000062 West Northamptonshire"),
    ("2023-04-01", "E10000006 Cumbria",
        "E06000063 Cumberland", "E06000064 Westmorland and Furness"),
    ("2023-04-01", "E10000023 North Yorkshire", "E06000065 North Yorkshire"),
    ("2023-04-01", "E10000027 Somerset", "E06000066 Somerset"),
)  # fmt: skip
# New codes for (almost) the same area, after small boundary changes.
_RECODINGS: Final = (
    ("2013-04-01", "E06000048 Northumberland", "E06000057 Northumberland"),
    ("2013-04-01", "E08000020 Gateshead", "E08000037 Gateshead"),
    ("2025-05-01", "E08000016 Barnsley", "E08000038 Barnsley"),
    ("2025-05-01", "E08000019 Sheffield", "E08000039 Sheffield"),
)


def _build_history() -> tuple[dict[str, Supersession], dict[str, str]]:
    steps: dict[str, Supersession] = {}
    names: dict[str, str] = {}
    for recoded, table in ((False, _ABOLITIONS), (True, _RECODINGS)):
        for effective, *areas in table:
            codes = []
            for area in areas:
                code, name = area.split(" ", 1)
                codes.append(code)
                names[code] = name
            steps[codes[0]] = Supersession(tuple(codes[1:]), date.fromisoformat(effective), recoded)
    return steps, names


_STEPS, _NAMES = _build_history()
REORGANISATIONS: Final[Mapping[str, Supersession]] = _STEPS
"""Superseded GSS code -> its successors, the date, and whether it was only a recode."""
HISTORIC_NAMES: Final[Mapping[str, str]] = _NAMES
"""Name of every code in REORGANISATIONS, for messages and names of other vintages."""


def predecessors() -> dict[str, list[str]]:
    back: dict[str, list[str]] = {}
    for old, step in REORGANISATIONS.items():
        for new in step.successors:
            back.setdefault(new, []).append(old)
    return back

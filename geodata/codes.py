"""Resolve the many ways partners name an English LA to GSS codes of the loaded boundaries."""

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from geodata.dfe_codes import DFE_CODE, GSS_CODE
from geodata.errors import GeodataError
from geodata.la_names import ALIASES, COUNCIL_WORDS, LEADING_QUALIFIER, name_keys, normalise_name
from geodata.regions import ENGLISH_REGIONS as ENGLISH_REGIONS  # re-exported
from geodata.reorganisations import HISTORIC_NAMES, REORGANISATIONS, predecessors
from geodata.suggestions import spend


class UnknownAreaCodeError(GeodataError):
    """Text that is not a code or name of any LA or region the registry knows."""


Source = Literal["gss", "superseded_gss", "newer_gss", "dfe_code", "name"]
"""How a reference was read: a current code; a code the loaded boundaries replaced
(`superseded_gss`); a code newer than the loaded boundaries, mapped back to the area they
show (`newer_gss`); a DfE three-digit code; or a name."""


@dataclass(frozen=True)
class Resolution:
    """What an LA reference means in the loaded vintage, and how it was read."""

    input: str
    codes: tuple[str, ...]
    resolved_from: Source
    warning: str | None

    @property
    def ambiguous(self) -> bool:
        """True when the area now spans several LAs, so one row cannot be placed on one."""
        return len(self.codes) > 1


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]


@dataclass(frozen=True)
class _Mapped:
    """Codes of the loaded vintage for an outside code; `reason` is a clause to follow it."""

    codes: tuple[str, ...]
    reason: str
    recoded: bool
    newer: bool = False


def _format_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


#: Most references a registry remembers having read; past it, it starts again.
_REMEMBERED = 10_000


class LACodeRegistry:
    """Resolves GSS codes, superseded codes, DfE codes and names to the loaded vintage's LAs.

    Superseded codes map forward to successors that are in `current`; codes newer than the
    loaded boundaries map back to the predecessors that are. So with 2021 boundaries loaded,
    E10000006 Cumbria is itself current and E06000063 Cumberland resolves to it.
    """

    def __init__(
        self,
        current: Mapping[str, str],
        dfe_codes: Mapping[str, str] | None = None,
        *,
        regions: Mapping[str, str] | None = None,
        historic_names: Mapping[str, str] | None = None,
    ) -> None:
        self._current = {code.strip().upper(): name for code, name in current.items()}
        self._dfe = dict(dfe_codes) if dfe_codes is not None else None
        self._regions = dict(regions if regions is not None else ENGLISH_REGIONS)
        self._historic = {**HISTORIC_NAMES, **(historic_names or {})}
        self._back = predecessors()
        self._names = self._index(self._current.items())
        for key, codes in self._index(self._historic.items()).items():
            self._names.setdefault(key, codes)
        for alias, key in ALIASES.items():
            if key in self._names:
                self._names.setdefault(alias, self._names[key])
        self._region_names = self._index(self._regions.items())
        #: References read before (a file names the same LA on every row), bounded.
        self._read: dict[str, Resolution] = {}

    @staticmethod
    def _index(areas: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for code, name in areas:
            for key in name_keys(name):
                index.setdefault(key, []).append(code)
        return index

    @property
    def current_codes(self) -> frozenset[str]:
        """The LA codes of the loaded boundary vintage."""
        return frozenset(self._current)

    def name(self, code: str) -> str:
        """The name of a current or historic code, or the code itself if it has none."""
        return self._current.get(code) or self._historic.get(code) or code

    def resolve(self, text: str) -> Resolution:
        """Read one LA reference; raise UnknownAreaCodeError saying which forms are accepted."""
        if (known := self._read.get(text)) is not None:
            return known
        found = self._resolve(text)
        if len(self._read) >= _REMEMBERED:
            self._read.clear()
        self._read[text] = found
        return found

    def _resolve(self, text: str) -> Resolution:
        raw = text.strip()
        if not raw:
            raise UnknownAreaCodeError(f"No LA was given. {self._accepted()}")
        if GSS_CODE.fullmatch(raw.upper()):
            code = raw.upper()
            if code in self._current:
                return Resolution(text, (code,), "gss", None)
            if (mapped := self._map_gss(code)) is None:
                raise UnknownAreaCodeError(
                    f"{code} is not an LA code of the loaded boundaries, nor one they replaced. "
                    f"{self._accepted()}"
                )
            warning = f"{self._label(code)} {mapped.reason}"
            source: Source = "newer_gss" if mapped.newer else "superseded_gss"
            return Resolution(text, mapped.codes, source, warning)
        if DFE_CODE.fullmatch(raw):
            return self._resolve_dfe(text, raw)
        return self._resolve_name(text, raw)

    def resolve_region(self, text: str) -> str:
        """Read an English region as an E12 code or name; raise UnknownAreaCodeError if neither."""
        raw = text.strip()
        if raw.upper() in self._regions:
            return raw.upper()
        codes = self._region_names.get(normalise_name(raw), [])
        if len(codes) == 1:
            return codes[0]
        hint = self._suggest(raw, self._region_names, self._regions)
        raise UnknownAreaCodeError(
            f"'{raw}' is not an English region; give a region code such as E12000003 or a "
            f"name such as Yorkshire and The Humber.{hint}"
        )

    def _resolve_dfe(self, text: str, raw: str) -> Resolution:
        if self._dfe is None:
            raise UnknownAreaCodeError(
                f"'{raw}' looks like a DfE three-digit LA code, but the DfE LA list is not "
                "loaded; give a GSS code such as E09000007 or an LA name instead."
            )
        if raw not in self._dfe:
            raise UnknownAreaCodeError(f"'{raw}' is not in the DfE LA list. {self._accepted()}")
        gss = self._dfe[raw]
        if gss in self._current:
            return Resolution(text, (gss,), "dfe_code", None)
        if (mapped := self._map_gss(gss)) is None:
            raise UnknownAreaCodeError(
                f"DfE LA code {raw} is {self._label(gss)}, which is not in the loaded boundaries."
            )
        # A DfE code names the same area across a GSS recode, so only real changes warn.
        reason = f"DfE LA code {raw} is {self._label(gss)}, which {mapped.reason}"
        return Resolution(text, mapped.codes, "dfe_code", None if mapped.recoded else reason)

    def _resolve_name(self, text: str, raw: str) -> Resolution:
        key = normalise_name(raw)
        bare = LEADING_QUALIFIER.sub("", COUNCIL_WORDS.sub("", key))
        found = self._names.get(key) or self._names.get(bare)
        codes: list[str] = []
        warnings: list[str] = []
        for code in found or ():
            if code in self._current:
                codes.append(code)
            elif mapped := self._map_gss(code):
                codes.extend(mapped.codes)
                warnings.append(f"{self._label(code)} {mapped.reason}")
        if not codes:
            if region := self._region_names.get(key):
                hint = f" {self._regions[region[0]]} is a region, not an LA."
            else:
                hint = self._suggest(raw, self._names, {**self._historic, **self._current})
            raise UnknownAreaCodeError(f"No LA is called '{raw}'.{hint} {self._accepted()}")
        unique = tuple(dict.fromkeys(codes))
        return Resolution(text, unique, "name", " ".join(warnings) or None)

    def _map_gss(self, code: str) -> _Mapped | None:
        """Map a code outside the loaded vintage into it, or None if no history links them."""
        if forward := self._forward(code):
            step = REORGANISATIONS[code]
            verb = "recoded" if step.recoded else "abolished"
            when = _format_date(step.effective)
            reason = f"was {verb} on {when}; it is now {self._list(forward)}."
            return _Mapped(forward, reason, step.recoded)
        if backward := self._backward(code):
            steps = [REORGANISATIONS[old] for old in self._back[code]]
            when = _format_date(min(step.effective for step in steps))
            reason = (
                f"is newer than the loaded boundaries (in use from {when}); "
                f"they show that area as {self._list(backward)}."
            )
            return _Mapped(backward, reason, all(step.recoded for step in steps), newer=True)
        return None

    def _label(self, code: str) -> str:
        name = self.name(code)
        return code if name == code else f"{code} ({name})"

    def _forward(self, code: str) -> tuple[str, ...]:
        if code in self._current:
            return (code,)
        step = REORGANISATIONS.get(code)
        found = [c for new in (step.successors if step else ()) for c in self._forward(new)]
        return tuple(dict.fromkeys(found))

    def _backward(self, code: str) -> tuple[str, ...]:
        if code in self._current:
            return (code,)
        found = [c for old in self._back.get(code, ()) for c in self._backward(old)]
        return tuple(dict.fromkeys(found))

    def _list(self, codes: tuple[str, ...]) -> str:
        named = [f"{code} {self.name(code)}" for code in codes]
        return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]

    def _accepted(self) -> str:
        dfe = ", a DfE three-digit LA code such as 202" if self._dfe is not None else ""
        return (
            f"Give a current or superseded GSS code such as E09000007{dfe}, "
            "or an LA name such as Camden."
        )

    @staticmethod
    def _suggest(raw: str, index: Mapping[str, list[str]], names: Mapping[str, str]) -> str:
        """The closest names, in the order people make the slips: the start of a longer name
        ("Newcastle"), names inside the text ("E06000047 County Durham", "Sunderland and
        Gateshead"), then spelling (difflib); letters alone would suggest Doncaster for
        Newcastle."""
        if not re.search(r"[^\W\d_]", raw) or not spend():
            return ""
        key = normalise_name(raw)

        def named(keys: Iterable[str]) -> list[str]:
            return list(dict.fromkeys(names[index[k][0]] for k in sorted(keys)))

        if longer := named(k for k in index if k.startswith(f"{key} ")):
            return f" Did you mean {_either(longer[:3])}?"
        inside = [k for k in index if len(k) > 3 and f" {k} " in f" {key} "]
        inside = [k for k in inside if not any(k != o and f" {k} " in f" {o} " for o in inside)]
        if len(found := named(inside)) == 1:
            return f" Did you mean {found[0]}?"
        if found:
            return f" It names {' and '.join(found[:4])}: give each LA as its own value."
        close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.6)
        return f" Did you mean {names[index[close[0]][0]]}?" if close else ""

"""The problems of a big report counted by column and kind, so that a report stays small.

A file of 10,000 rows with a wrong value on every row had a report of many megabytes; now the
first MAX_PROBLEMS_LISTED problems are given in full and every problem is counted here. The
kind of a problem is its first sentence with what varies from row to row (quoted values, cell
references, numbers) blanked and asides in brackets left out, so "'SEN' is not one of the target_group values" on row 3 and
"'Send' is not one ..." on row 9 are one kind, counted together.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from models.errors import FieldProblem

_QUOTED: Final = re.compile(r"'[^']*'|\"[^\"]*\"")
_CELL: Final = re.compile(r"\b[A-Z]{1,3}[0-9]+\b")
_NUMBER: Final = re.compile(r"[0-9][0-9,.]*[0-9]|[0-9]")
_ASIDE: Final = re.compile(r"\s*\([^()]*\)")
_FIRST_SENTENCE: Final = re.compile(r"(?<=[a-z0-9)'\"])\. ")
_LONGEST_KIND: Final = 200


@dataclass(frozen=True)
class ProblemCount:
    """How many problems of one kind one column has."""

    column: str
    kind: str
    count: int


@lru_cache(maxsize=4096)
def problem_kind(message: str) -> str:
    """What a problem says, without what varies between rows (see the module); memoised, as
    most messages repeat row after row."""
    first = _FIRST_SENTENCE.split(message, maxsplit=1)[0].rstrip(".")
    kind = _NUMBER.sub("N", _CELL.sub("<cell>", _QUOTED.sub("'…'", _ASIDE.sub("", first))))
    return kind[:_LONGEST_KIND]


def count_problems(problems: Iterable[FieldProblem]) -> list[ProblemCount]:
    """Every problem counted by column and kind, the most frequent first."""
    counts = Counter((problem.field, problem_kind(problem.message)) for problem in problems)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [ProblemCount(column, kind, count) for (column, kind), count in ranked]

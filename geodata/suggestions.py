"""A budget of "did you mean" searches, so one file of unknown names cannot cost minutes.

Each search compares a name with every LA name (difflib), about a millisecond; a file of
20,000 rows each naming a different unknown LA made 20,000 of them, while its report lists
only the first 200 problems in full. A caller that reads many references in one go (an
import) runs them inside `limited(n)`: the first n unknown references get their suggestion,
the others are reported without one. Outside it there is no limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_LEFT: ContextVar[list[int] | None] = ContextVar("suggestions_left", default=None)


@contextmanager
def limited(searches: int) -> Iterator[None]:
    """Allow at most `searches` suggestion searches in this context."""
    token = _LEFT.set([searches])
    try:
        yield
    finally:
        _LEFT.reset(token)


def spend() -> bool:
    """Whether one more search may run (and count it)."""
    left = _LEFT.get()
    if left is None:
        return True
    if left[0] <= 0:
        return False
    left[0] -= 1
    return True

"""The "did you mean" budget: inside `limited(n)` only the first n unknown names get a
suggestion, so a file of thousands of unknown names costs n searches, not thousands."""

from __future__ import annotations

import pytest

from geodata import suggestions
from geodata.codes import LACodeRegistry, UnknownAreaCodeError

REGISTRY = LACodeRegistry({"E08000035": "Leeds", "E08000036": "Wakefield"})


def _message(name: str) -> str:
    with pytest.raises(UnknownAreaCodeError) as refused:
        REGISTRY.resolve(name)
    return str(refused.value)


def test_only_the_first_unknown_names_get_a_suggestion_inside_a_budget() -> None:
    with suggestions.limited(1):
        assert "Did you mean Leeds?" in _message("Leeds Cty")
        assert "Did you mean" not in _message("Wakefeld")
        assert "No LA is called 'Wakefeld'" in _message("Wakefeld")
    assert "Did you mean Wakefield?" in _message("Wakefeld")  # no budget outside


def test_a_reference_read_again_is_the_same_resolution() -> None:
    first = REGISTRY.resolve("Leeds")
    assert REGISTRY.resolve("Leeds") is first
    assert first.codes == ("E08000035",)

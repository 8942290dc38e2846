"""Operation ids made from a route's first tag and its handler's name: `interventions-list`.

FastAPI's default (`list_interventions_api_v1_interventions_get`) repeats the path and the
method, so generated clients get method names nobody would write. The tag is the client's
group; the handler's name, without the words of its tag, is the method inside it.
"""

from __future__ import annotations

from fastapi.routing import APIRoute


def _tag_words(tag: str) -> set[str]:
    """The words of a tag, singular and plural, as they may appear in a handler's name."""
    words = set(tag.lower().replace("-", " ").split())
    return words | {word.removesuffix("s") for word in words} | {f"{word}s" for word in words}


def operation_id(route: APIRoute) -> str:
    """`<tag>-<verb>[-<rest>]`: `read_intervention` under `interventions` is
    `interventions-read`; a handler named only by its tag's words keeps them all."""
    tag = str(route.tags[0]) if route.tags else "meta"
    words = route.name.lower().split("_")
    kept = [word for word in words if word not in _tag_words(tag)] or words
    return "-".join([tag.lower().replace(" ", "-"), *kept])

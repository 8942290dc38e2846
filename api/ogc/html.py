"""The HTML form of each OGC resource: one plain server-rendered page, no scripts, no CDN.

Each JSON document becomes a title, its links and, where it lists things (collections,
features, queryables, conformance classes), a table; the JSON stays one click away.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import URL

HTML_MEDIA_TYPE = "text/html; charset=utf-8"
#: Feature properties shown as columns in an items page (the rest are on the feature's page).
_ITEM_COLUMNS = ("name", "region_name", "intervention_count", "status", "provider")


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True),
    )


def render_page(url: URL, root: str, title: str, **content: Any) -> bytes:
    json_href = str(url.include_query_params(f="json"))
    page = {"description": None, "notes": [], "links": [], "columns": [], "rows": []} | content
    text = (
        _environment()
        .get_template("page.html")
        .render(title=title, root=root, json_href=json_href, **page)
    )
    return text.encode()


def _html_links(links: list[dict[str, str]]) -> list[dict[str, str]]:
    return [item for item in links if item.get("type") != "text/html" or item["rel"] != "self"]


def document_page(url: URL, root: str, document: dict[str, Any]) -> bytes:
    """Landing page, a collection, or the conformance list."""
    title = document.get("title") or document.get("id") or "Conformance"
    rows = [[c] for c in document.get("conformsTo", [])]
    return render_page(
        url,
        root,
        str(title),
        description=document.get("description"),
        links=_html_links(document.get("links", [])),
        columns=["Conformance class"] if rows else [],
        rows=rows,
    )


def collections_page(url: URL, root: str, document: dict[str, Any]) -> bytes:
    rows = [
        [
            {"href": f"{root}/collections/{c['id']}?f=html", "text": c["title"]},
            c["description"],
            {"href": f"{root}/collections/{c['id']}/items?f=html", "text": "items"},
        ]
        for c in document["collections"]
    ]
    return render_page(
        url, root, "Collections", columns=["Collection", "About", "Features"], rows=rows
    )


def items_page(url: URL, root: str, collection_id: str, document: dict[str, Any]) -> bytes:
    features = document["features"]
    shown = [c for c in _ITEM_COLUMNS if any(c in f["properties"] for f in features)]
    rows = [
        [
            {
                "href": f"{root}/collections/{collection_id}/items/{f['id']}?f=html",
                "text": str(f["id"]),
            },
            *(_cell(f["properties"].get(c)) for c in shown),
        ]
        for f in features
    ]
    notes = [
        f"{document['numberReturned']} of {document.get('numberMatched', '?')} matching features."
    ]
    notes.extend(document.get("warnings", []))
    links = [item for item in document["links"] if item["rel"] in ("next", "prev")]
    links = [
        {**item, "href": str(URL(item["href"]).include_query_params(f="html"))} for item in links
    ]
    return render_page(
        url,
        root,
        f"{collection_id}: features",
        notes=notes,
        links=links,
        columns=["id", *shown],
        rows=rows,
    )


def feature_page(url: URL, root: str, collection_id: str, document: dict[str, Any]) -> bytes:
    rows = [[key, _cell(value)] for key, value in document["properties"].items()]
    title = str(document["properties"].get("name") or document["id"])
    links = [
        {
            "href": f"{root}/collections/{collection_id}/items?f=html",
            "rel": "collection",
            "type": "text/html",
            "title": f"All of {collection_id}",
        }
    ]
    return render_page(url, root, title, links=links, columns=["Property", "Value"], rows=rows)


def queryables_page(url: URL, root: str, document: dict[str, Any]) -> bytes:
    rows = []
    for name, schema in document["properties"].items():
        allowed = ", ".join(schema.get("enum", [])) if "enum" in schema else ""
        rows.append(
            [
                name,
                schema.get("type") or schema.get("format", ""),
                schema.get("description", ""),
                allowed,
            ]
        )
    return render_page(
        url, root, document["title"], columns=["Queryable", "Type", "Meaning", "Values"], rows=rows
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items() if v is not None)
    return str(value)

"""OpenAPI links of the write API: what a client (or a stateful fuzzer) may do next with the
record an answer names, its id from the body and its version from the `ETag` header."""

from __future__ import annotations

from typing import Any

_ID = "$response.body#/id"
_RECORD = {"intervention_id": _ID}
_VERSIONED = {"intervention_id": _ID, "header.if-match": "$response.header.ETag"}

#: Operation id -> what may follow it, by operation id and the parameters it takes.
_NEXT: dict[str, dict[str, str]] = {
    "submissions-read": _RECORD,
    "submissions-read-intervention-history": _RECORD,
    "submissions-edit-intervention": _VERSIONED,
    "submissions-withdraw-intervention": _VERSIONED,
    "submissions-publish-intervention": _VERSIONED,
    "submissions-reject-intervention": _VERSIONED,
}
#: (path, method, status) of the answers that name one record.
_NAMING_A_RECORD = [
    ("/api/v1/interventions", "post", "201"),
    ("/api/v1/interventions/{intervention_id}", "patch", "200"),
    ("/api/v1/interventions/{intervention_id}/publish", "post", "200"),
    ("/api/v1/interventions/{intervention_id}/reject", "post", "200"),
]


def add_links(document: dict[str, Any]) -> None:
    """Links from each answer naming a record to the operations on that record."""
    for path, method, status in _NAMING_A_RECORD:
        answer = document["paths"][path][method]["responses"][status]
        answer["links"] = {
            operation_id: {"operationId": operation_id, "parameters": dict(parameters)}
            for operation_id, parameters in _NEXT.items()
        }
    published = document["paths"]["/api/v1/interventions/{intervention_id}/publish"]["post"]
    published["responses"]["200"]["links"]["interventions-read"] = {
        "operationId": "interventions-read",
        "parameters": _RECORD,
    }

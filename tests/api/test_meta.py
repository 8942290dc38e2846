"""Health, typology, the error shape and the OpenAPI description."""

from fastapi.testclient import TestClient

from api.http.error_shape import ErrorResponse
from api.schemas.typology import TypologyPublic
from models.typology.vocabulary import VOCABULARIES


def test_health_checks_the_database(client: TestClient, backend: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == {"status": "ok", "backend": backend}


def test_typology_serves_every_dimension(client: TestClient) -> None:
    body = TypologyPublic.model_validate(client.get("/api/v1/typology").json())
    assert body.version == "1"
    assert set(body.dimensions) == set(VOCABULARIES)
    served = {d: [t.slug for t in terms] for d, terms in body.dimensions.items()}
    assert served == {d: [t.slug for t in terms] for d, terms in VOCABULARIES.items()}


def test_unknown_routes_and_methods_use_the_error_shape(client: TestClient) -> None:
    for response in (client.get("/api/v1/nothing-here"), client.delete("/api/v1/typology")):
        assert response.status_code in {404, 405}
        body = ErrorResponse.model_validate(response.json())
        assert body.error.code in {"not_found", "method_not_allowed"}
        assert "Traceback" not in response.text


def test_every_route_and_parameter_is_described(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description") or operation.get("summary"), f"{method} {path}"
            assert operation.get("description"), f"{method} {path} has no description"
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{method} {path} {parameter['name']}"
    assert client.get("/docs").status_code == 200

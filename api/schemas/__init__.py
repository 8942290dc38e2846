"""Request and response shapes of the JSON API by resource (pydantic). May import api.http and
models; never routes, services, writing or filtering (import-linter)."""

"""HTTP plumbing: body limit, ETags and conditional requests, gzip, HEAD and CORS, query-string rules,
response classes and OpenAPI response tables. May import api.errors, api.deps, api.settings; no other room."""

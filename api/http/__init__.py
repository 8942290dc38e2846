"""HTTP plumbing: body limit, ETags and conditional requests, gzip, HEAD and CORS, query-string rules,
response classes, OpenAPI response tables. May import api.errors/deps/settings and models; no other room."""

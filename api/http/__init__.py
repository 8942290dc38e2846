"""HTTP plumbing: body limit, ETag caching, gzip, HEAD and CORS, query-string rules, response classes
and OpenAPI response tables. May import api.errors, api.settings and below; no routes, services or schemas."""

"""The JSON API's routes by resource, thin: read the request, call a query or a service, answer.
May import every plumbing room (services, writing, filtering, schemas, http) and api.hotpath."""

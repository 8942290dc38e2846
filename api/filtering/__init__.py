"""Request -> filter: query parameters read into the one `InterventionFilter` and the places it names.
May import api.http, api.errors, api.settings and models; never routes or services."""

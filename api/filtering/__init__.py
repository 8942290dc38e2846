"""Request -> filter: query parameters read into the one `InterventionFilter`, and the places it
names. May import api.schemas, api.http and the loose modules; never routes, services or writing."""

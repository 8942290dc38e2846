"""What a write or an export does beyond one query (submissions, imports, GeoPackage), kept out of
the routes. May import writing, filtering, schemas, http and models; never routes (import-linter)."""

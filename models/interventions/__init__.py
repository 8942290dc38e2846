"""Interventions: tables, the draft shape, the one filter and its CQL2 language (cql/), facets,
queries, records and venues. May import context, geography, typology, text (import-linter)."""

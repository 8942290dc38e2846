"""Interventions: tables, the draft shape, the one filter and its CQL2 language (cql/), facets, queries, records, venues.
May import context, geography, typology, text, cql."""

"""Interventions: tables, the draft shape, the one filter, facets, queries, records and venues.
May import context, geography, typology, text, cql."""

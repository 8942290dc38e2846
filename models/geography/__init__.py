"""Areas (LAs, regions), boundary loads, the geometry column, the in-memory catalogue and spatial
lookups. May import typology, text and geodata (import-linter)."""

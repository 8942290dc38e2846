"""Context indicators per LA (NEET, Not Known, deprivation): tables and loads.
May import geography, typology, text (import-linter)."""

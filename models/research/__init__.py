"""Research counts: cross-tabulations and per-area counts of matching interventions.
May import freshness, interventions and below (import-linter)."""

"""Research counts: cross-tabulations and per-area counts of matching interventions.
May import interventions and below."""

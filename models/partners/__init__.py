"""Partners: API keys, LA scope, record versions, submissions and moderation.
May import research, freshness, interventions and below; not tiles (import-linter)."""

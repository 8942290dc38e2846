"""Partners: API keys, LA scope, record versions, submissions and moderation.
May import research, interventions and below."""

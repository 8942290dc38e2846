"""The `neetmap` command line's command groups (boundaries, context, imports, keys, samples, ORUK).
May import any api room but the app (api.main)."""

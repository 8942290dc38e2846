"""Boundary vintages: replacing the stored boundaries and moving interventions off retired LA codes.
May import partners, tiles and below; not intake (import-linter)."""

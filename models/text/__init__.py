"""Text rules shared by every room: backend-neutral case folding and spreadsheet-formula safety.
Imports no other room (import-linter)."""

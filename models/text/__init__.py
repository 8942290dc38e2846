"""Text rules shared by every room: backend-neutral case folding and spreadsheet-formula safety.
Imports nothing else from models."""

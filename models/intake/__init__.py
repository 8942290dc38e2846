"""Intake: CSV/Excel columns, dates, text, readers, bulk insert, the seed and the national sample.
The top room of models: may import every room but vintages (import-linter)."""

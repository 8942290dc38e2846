"""Intake: CSV/Excel columns, dates, text, readers, bulk insert, the seed and the national sample.
May import partners and below (the top room of models)."""

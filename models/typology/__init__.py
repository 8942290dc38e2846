"""The intervention typology: controlled vocabularies and their everyday synonyms.
Imports nothing else from models (the bottom room)."""

"""The intervention typology: vocabularies (data), synonyms (advice) and values (reading what people
write). Imports no other room; inside, values > synonyms > vocabulary (import-linter)."""

"""What version of the public data and boundaries a worker serves, known without a query per
request (`DataVersions.current`): the one thing every in-process cache keys by, and those caches
(`caches`). May import interventions, context, geography and below (import-linter)."""

from models.freshness.versions import MAX_AGE_S, DataVersions, Versions, note_local_commit

__all__ = ["MAX_AGE_S", "DataVersions", "Versions", "note_local_commit"]

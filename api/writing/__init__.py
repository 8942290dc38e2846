"""Write-side concerns: API-key auth, write inputs, Idempotency-Key replays, retries of writes that lost a race.
May import api.filtering, api.schemas, api.http and the loose modules; never routes or services."""

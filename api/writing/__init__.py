"""Write-side concerns: API-key auth, write inputs, retries of writes that lost a race.
May import api.http, api.schemas, api.errors, api.deps and models; never routes."""

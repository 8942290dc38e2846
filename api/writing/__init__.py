"""Write-side concerns: API-key auth, write inputs, If-Match preconditions and retries.
May import api.http, api.schemas, api.errors, api.deps and models; never routes."""

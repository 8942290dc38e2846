"""How `neetmap serve` runs uvicorn: uvloop and httptools, and worker processes that each
accept on their own SO_REUSEPORT socket."""

"""The lean path of reads answered from memory: async dependencies that touch the database
only when the in-memory state is stale, and responses rendered once per data version."""

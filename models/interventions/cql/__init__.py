"""CQL2 filters as a small typed expression tree, compiled to SQL on `intervention`.

`parse` reads cql2-text or cql2-json with the maintained `cql2` parser; `translate` checks the
parsed expression against a collection's queryables and builds the tree (`tree`), resolving
spatial predicates to LA codes (and venue ids) up front; the tree compiles to one SQLAlchemy
condition (`sql`) that `InterventionFilter` ANDs with its other criteria, or is evaluated on
in-memory records (`evaluate`) for the area collections.
"""

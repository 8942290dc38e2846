"""The domain and its storage. Importing this package registers every table on the metadata."""

from models import base as _base  # noqa: F401  (sets the naming convention first)
from models.area import Area
from models.boundary import BoundaryLoad, DfeLACode
from models.intervention import Intervention, InterventionArea, InterventionTerm, Venue

__all__ = [
    "Area",
    "BoundaryLoad",
    "DfeLACode",
    "Intervention",
    "InterventionArea",
    "InterventionTerm",
    "Venue",
]

"""The domain and its storage. Importing this package registers every table on the metadata."""

from models import account, versioning  # noqa: F401  (registers the submission tables)
from models import base as _base  # noqa: F401  (sets the naming convention first)
from models.area import Area
from models.boundary import BoundaryLoad, DfeLACode
from models.context import AreaIndicator, ContextLoad  # noqa: F401  (registers the tables)
from models.intervention import Intervention, InterventionArea, InterventionTerm, Venue
from models.public_version import PublicVersion, watch_public_writes

watch_public_writes()

__all__ = [
    "Area",
    "BoundaryLoad",
    "DfeLACode",
    "Intervention",
    "InterventionArea",
    "InterventionTerm",
    "PublicVersion",
    "Venue",
]

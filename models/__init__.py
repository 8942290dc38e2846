"""The domain and its storage. Importing this package registers every table on the metadata."""

from models import base as _base  # noqa: F401  (sets the naming convention first)
from models.context.tables import AreaIndicator, ContextLoad  # noqa: F401  (registers the tables)
from models.geography.area import Area
from models.geography.boundary import BoundaryLoad, DfeLACode
from models.interventions.public_version import PublicVersion, watch_public_writes
from models.interventions.tables import Intervention, InterventionArea, InterventionTerm, Venue
from models.partners import accounts, record_versions  # noqa: F401  (registers the submission tables)

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

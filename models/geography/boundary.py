"""Records of boundary loads and the DfE three-digit LA codes that came with them.

Each load adds a `BoundaryLoad` row; its id is the boundary version that API workers compare
to decide when to rebuild their in-memory spatial index, so several workers stay consistent
without talking to each other.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class BoundaryLoad(SQLModel, table=True):
    __tablename__ = "boundary_load"

    id: int | None = Field(default=None, primary_key=True)
    vintage: str | None = Field(default=None, max_length=20)
    source: str = Field(max_length=500, description="File or URL the boundaries came from.")
    la_count: int
    region_count: int
    regions_from: str = Field(max_length=20, description="'file' or 'dissolved'.")
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DfeLACode(SQLModel, table=True):
    """DfE's three-digit "old LA code" and the GSS code it stood for (possibly superseded)."""

    __tablename__ = "dfe_la_code"

    code: str = Field(primary_key=True, max_length=3)
    gss_code: str = Field(max_length=9)

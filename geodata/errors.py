"""Geography errors that carry a message safe to show to users, with no HTTP knowledge."""


class GeodataError(Exception):
    """Base of every geography error; `message` is safe to show to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BoundaryFileError(GeodataError):
    """A boundary file is missing, unreadable, empty, or has no recognisable code column."""


class UnsupportedCRSError(GeodataError):
    """A dataset declares no CRS, or one that cannot be transformed to WGS84."""


class InvalidGeometryError(GeodataError):
    """A geometry is not polygonal, or cannot be repaired into a valid polygon."""

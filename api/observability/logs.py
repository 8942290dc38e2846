"""One JSON line per request on stdout, through python-json-logger (orjson-backed).

The access logger does not propagate: its lines are the record of traffic, in one shape,
and uvicorn's own plain access lines are switched off while it runs.
"""

from __future__ import annotations

import logging
import sys
from typing import Final

from pythonjsonlogger.orjson import OrjsonFormatter

ACCESS_LOGGER: Final = "neetmap.access"
_FIELDS: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"


def json_formatter() -> logging.Formatter:
    """The formatter of every JSON line: time (UTC ISO 8601), level, logger, then the fields."""
    return OrjsonFormatter(
        _FIELDS,
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        timestamp=False,
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def access_logger() -> logging.Logger:
    """The access logger, with its stdout handler attached once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(getattr(h, "neetmap_access", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(json_formatter())
        handler.neetmap_access = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def silence_uvicorn_access() -> None:
    """uvicorn's plain access lines would repeat ours without the request id or key."""
    logging.getLogger("uvicorn.access").disabled = True

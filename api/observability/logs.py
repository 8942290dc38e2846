"""One JSON line per request on stdout, in the shape python-json-logger (orjson) gives.

The access logger does not propagate: its lines are the record of traffic, in one shape,
and uvicorn's own plain access lines are switched off while it runs.

A line went through `logging` (a LogRecord, the formatter's field merging, a lock, a flush):
about as much CPU as a point lookup itself. `AccessLine` writes the same fields with one
`orjson.dumps` and one `os.write` while the access logger is as `access_logger` set it up;
when anyone attaches another handler to it (an operator's logging config, a test), or turns
it down, lines go through `logging` again so they reach that handler in the same shape.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any, Final

import orjson
from pythonjsonlogger.orjson import OrjsonFormatter

ACCESS_LOGGER: Final = "neetmap.access"
_FIELDS: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"
_DATEFMT: Final = "%Y-%m-%dT%H:%M:%S%z"


def json_formatter() -> logging.Formatter:
    """The formatter of every JSON line: time (UTC ISO 8601), level, logger, then the fields."""
    return OrjsonFormatter(
        _FIELDS,
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        timestamp=False,
        datefmt=_DATEFMT,
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


class AccessLine:
    """Writes access lines (see the module): `write(fields)` per request."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self._own = [h for h in logger.handlers if getattr(h, "neetmap_access", False)]
        self._fd: int | None = None
        if len(self._own) == 1 and isinstance(self._own[0], logging.StreamHandler):
            try:
                self._fd = self._own[0].stream.fileno()
            except (AttributeError, OSError, ValueError):  # a stream without a descriptor
                self._fd = None
        self._second = -1
        self._stamp = ""

    def write(self, fields: dict[str, Any]) -> None:
        logger = self.logger
        if self._fd is None or logger.handlers != self._own or logger.disabled:
            logger.info("request", extra=fields)
            return
        if not logger.isEnabledFor(logging.INFO):
            return
        now = int(time.time())
        if now != self._second:  # the timestamp has a resolution of a second
            self._second, self._stamp = now, time.strftime(_DATEFMT, time.localtime(now))
        line = {"time": self._stamp, "level": "INFO", "logger": ACCESS_LOGGER, "message": "request"}
        line.update(fields)
        data = orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)
        try:
            while data:  # one write but for a line longer than the pipe takes at once
                data = data[os.write(self._fd, data) :]
        except OSError:  # a non-blocking or closed stdout: logging reports it, as before
            logger.info("request", extra=fields)

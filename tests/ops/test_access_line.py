"""The access line written without `logging` has the shape the JSON formatter gives."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

from api.observability.logs import AccessLine, json_formatter

FIELDS = {
    "method": "GET",
    "path": "/api/v1/areas/at",
    "route": "/api/v1/areas/at",
    "status": 200,
    "duration_ms": 0.12,
    "request_id": "req-1",
    "key": None,
    "client": "127.0.0.1",
}


def _logger(name: str, stream: io.TextIOBase) -> logging.Logger:
    logger = logging.getLogger(name)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.neetmap_access = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def test_the_direct_line_matches_the_formatters(tmp_path: Path) -> None:
    direct_file = tmp_path / "direct.log"
    with direct_file.open("w") as stream:
        line = AccessLine(_logger("test.access.direct", stream))
        line.write(FIELDS)
        line.write({**FIELDS, "status": 304})
    formatted = io.StringIO()
    logging.getLogger("test.access.formatted").handlers.clear()
    _logger("test.access.formatted", formatted).info("request", extra=FIELDS)
    written = [json.loads(text) for text in direct_file.read_text().splitlines()]
    expected = json.loads(formatted.getvalue())
    assert len(written) == 2
    for stamp in (written[0].pop("time"), written[1].pop("time"), expected.pop("time")):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp)
    expected["logger"] = "neetmap.access"
    assert written[0] == expected
    assert written[1]["status"] == 304


def test_another_handler_gets_the_lines_through_logging(tmp_path: Path) -> None:
    with (tmp_path / "own.log").open("w") as stream:
        logger = _logger("test.access.shared", stream)
        line = AccessLine(logger)
        seen = io.StringIO()
        extra = logging.StreamHandler(seen)
        extra.setFormatter(json_formatter())
        logger.addHandler(extra)
        line.write(FIELDS)
    assert json.loads(seen.getvalue())["request_id"] == "req-1"

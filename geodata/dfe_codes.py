"""The DfE's three-digit LA codes, read from its LA list and mapped to GSS codes."""

import csv
import re
from pathlib import Path

from geodata.errors import GeodataError

GSS_CODE = re.compile(r"[ENSW]\d{8}")
DFE_CODE = re.compile(r"\d{3}")


class LACodeListError(GeodataError):
    """The DfE LA list cannot be read, or lacks the columns that link DfE and GSS codes."""


def load_dfe_la_codes(path: Path) -> dict[str, str]:
    """Map DfE three-digit LA codes to GSS codes; terminated rows too, so old codes still map.

    A live row wins over a terminated one reusing the same three digits (815 is both
    E10000023 and E06000065); either way the registry maps the GSS code forward.
    """
    codes: dict[str, str] = {}
    live: set[str] = set()
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            missing = {"old_la_code", "new_la_code", "status"} - set(reader.fieldnames or ())
            if missing:
                raise LACodeListError(
                    f"The DfE LA list {path.name} has no {', '.join(sorted(missing))} column."
                )
            for row in reader:
                old, new = row["old_la_code"].strip(), row["new_la_code"].strip().upper()
                if not (DFE_CODE.fullmatch(old) and GSS_CODE.fullmatch(new)) or old in live:
                    continue
                codes[old] = new
                if row["status"].strip().casefold() == "live":
                    live.add(old)
    except (OSError, UnicodeDecodeError) as exc:
        raise LACodeListError(f"Could not read the DfE LA list {path}: {exc}.") from exc
    return codes

"""`neetmap seed`'s second half: the national sample, which needs LA boundaries to check its
LA codes exactly as a partner import does (there is no back door around that check)."""

from __future__ import annotations

from api.commands.boundaries import boundaries_for_serving
from api.commands.common import database_session, fail, say, warn
from api.settings import Settings
from models.geography.catalogue import boundary_version, load_catalogue
from models.intake.national_sample import NationalSampleError, load_national_sample


def seed_national_sample(config: Settings) -> None:
    """Load NEETMAP_BOUNDARIES first if none are loaded (as `serve` would), then the sample."""
    boundaries_for_serving(config)
    with database_session() as session:
        version = boundary_version(session)
        if version is None:
            warn(
                "National sample not loaded: its LA codes are checked against the loaded "
                "boundaries. Load boundaries, then run `neetmap seed` again."
            )
            return
        try:
            added, present = load_national_sample(session, load_catalogue(session, version))
        except NationalSampleError as exc:
            lines = [f"{p.field} (row {p.row}): {p.message}" for p in exc.details]
            fail("\n".join([exc.message, *lines]))
        session.commit()
    say(f"National sample: {added} added, {present} already present.")

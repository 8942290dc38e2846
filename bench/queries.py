"""The query mix of issue 4 item 7, as request paths drawn from a seed (shared by the SQLite
and PostgreSQL benchmarks, so both time exactly the same requests)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bench import mix

# A few rectangles where maps are looked at: city regions and counties (about 0.3-1 degree).
ENGLAND = (-5.7, 50.0, 1.75, 55.8)
REGIONS = ("E12000001", "E12000002", "E12000003", "E12000004", "E12000005", "E12000006",
           "E12000007", "E12000008", "E12000009")  # fmt: skip
TARGETS = ("at_risk", "neet", "send", "care_experienced", "not_known", "young_parents")
TYPES = ("personal_adviser", "careers_guidance", "mentoring", "transition_support", "tracking")


def list_three_filters(rng: np.random.Generator) -> str:
    """target_group, intervention_type and region: a researcher's typical question."""
    return (
        f"/api/v1/interventions?target_group={rng.choice(TARGETS)}"
        f"&intervention_type={rng.choice(TYPES)}&region={rng.choice(REGIONS)}"
    )


def bbox(rng: np.random.Generator) -> str:
    """Interventions serving an LA touching a map viewport of about 0.2-1 degree."""
    size = rng.uniform(0.2, 1.0)
    lon = rng.uniform(-3.0, 1.2 - size)
    lat = rng.uniform(50.6, 54.6 - size)
    return f"/api/v1/interventions?bbox={lon:.4f},{lat:.4f},{lon + size:.4f},{lat + size * 0.6:.4f}"


def point(rng: np.random.Generator, points: np.ndarray) -> str:
    """Interventions serving the LA under a clicked point."""
    lon, lat = points[rng.integers(len(points))]
    return f"/api/v1/interventions?lat={lat:.5f}&lon={lon:.5f}"


def choropleth(rng: np.random.Generator) -> str:
    """The LA layer counting one target group: a ready choropleth."""
    return f"/api/v1/areas?level=la&target_group={rng.choice(list(mix.SHARES['target_group']))}"


def workload(points: np.ndarray, counts: dict[str, int], seed: int = 1) -> dict[str, list[str]]:
    """Paths per query kind, `counts[kind]` of each."""
    rng = np.random.default_rng(seed)
    makers: dict[str, Callable[[], str]] = {
        "list, 3 filters": lambda: list_three_filters(rng),
        "list, bbox": lambda: bbox(rng),
        "list, point": lambda: point(rng, points),
        "areas level=la + filter": lambda: choropleth(rng),
    }
    return {kind: [make() for _ in range(counts[kind])] for kind, make in makers.items()}

"""Synthetic intervention records, drawn a batch at a time with numpy (shares in bench/mix.py).

Each batch holds the rows of four tables, consistent by construction: ages agree with bands,
ESF-funded work has mostly ended, and every LA served exists in the loaded boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Engine
from sqlmodel import Session

from bench import mix
from models.geography.catalogue import boundary_version, load_catalogue
from models.typology.vocabulary import AGE_BAND_RANGES, VOCABULARIES, bands_for_ages

BANDS = tuple(AGE_BAND_RANGES)
REF_DAY = date(2026, 11, 1)  # a fixed "today", so a seed always gives the same data
REF_TIME = datetime(2026, 11, 1, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Geography:
    """The loaded LAs as arrays: names, regions, neighbours, activity and venue points."""

    codes: list[str]
    names: list[str]
    region_names: list[str]
    regions: list[np.ndarray]  # LA indexes of each region
    region_of_la: np.ndarray  # index into `regions`
    neighbours: np.ndarray  # (LAs, 4): nearest other LAs by centroid
    weights: np.ndarray  # how active each LA is; provision differs enormously
    venues: list[np.ndarray]  # (k, 2) lon/lat points inside each LA


def read_geography(engine: Engine, rng: np.random.Generator) -> Geography:
    with Session(engine) as session:
        version = boundary_version(session)
        if version is None:
            raise RuntimeError("No boundaries are loaded: run bench.harness.prepare(url) first.")
        catalogue = load_catalogue(session, version)
    codes = sorted(catalogue.las)
    geoms = [catalogue.geometries[c] for c in codes]
    region_codes = sorted(catalogue.regions)
    region_index = {code: i for i, code in enumerate(region_codes)}
    region_of_la = np.array([region_index[catalogue.las[c].region_code or ""] for c in codes])
    centroids = shapely.get_coordinates(shapely.centroid(np.array(geoms, dtype=object)))
    distances = np.linalg.norm(centroids[:, None, :] - centroids[None, :, :], axis=2)
    weights = rng.lognormal(0.0, 0.6, len(codes))
    return Geography(
        codes=codes,
        names=[catalogue.las[c].name for c in codes],
        region_names=[catalogue.regions[c].name for c in region_codes],
        regions=[np.flatnonzero(region_of_la == i) for i in range(len(region_codes))],
        region_of_la=region_of_la,
        neighbours=np.argsort(distances, axis=1)[:, 1:5],
        weights=weights / weights.sum(),
        venues=[_points_inside(g, rng) for g in geoms],
    )


def _points_inside(geom: Any, rng: np.random.Generator, wanted: int = 40) -> np.ndarray:
    minx, miny, maxx, maxy = geom.bounds
    found: list[np.ndarray] = []
    for _ in range(50):
        xy = rng.uniform((minx, miny), (maxx, maxy), (400, 2))
        found.append(xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])])
        if sum(len(f) for f in found) >= wanted:
            break
    return np.concatenate(found)[:wanted]


@dataclass
class Batch:
    interventions: list[dict[str, Any]]
    areas: list[tuple[int, str]]
    terms: list[tuple[int, str, str]]
    venues: list[tuple[int, str, Any]]


def _pick(rng: np.random.Generator, shares: dict[str, float], size: int) -> np.ndarray:
    p = np.array(list(shares.values()))
    return rng.choice(len(p), size, p=p / p.sum())


def _independent(rng: np.random.Generator, shares: dict[str, float], size: int) -> np.ndarray:
    """A (size, slugs) mask: each value by its own share, and at least the first one."""
    mask = rng.random((size, len(shares))) < np.array(list(shares.values()))
    mask[~mask.any(axis=1), 0] = True
    return mask


def _age_columns(rng: np.random.Generator, size: int) -> tuple[np.ndarray, ...]:
    """age_min, age_max (-1 for none) and the band mask, consistent with each other."""
    ranges = np.array([(low, high) for low, high, _ in mix.AGE_RANGES])
    range_index = _pick(rng, {str(i): w for i, (*_, w) in enumerate(mix.AGE_RANGES)}, size)
    picked = ranges[range_index]
    range_bands = np.array([[b in bands_for_ages(lo, hi) for b in BANDS] for lo, hi in ranges])
    set_bands = np.array([[b in bands for b in BANDS] for bands, _ in mix.BAND_SETS])
    with_ages = rng.random(size) < 0.7
    chosen_set = _pick(rng, {str(i): w for i, (_, w) in enumerate(mix.BAND_SETS)}, size)
    bands = np.where(with_ages[:, None], range_bands[range_index], set_bands[chosen_set])
    age_min = np.where(with_ages, picked[:, 0], -1)
    age_max = np.where(with_ages, picked[:, 1], -1)
    return age_min, age_max, bands


def _transitions(rng: np.random.Generator, bands: np.ndarray) -> np.ndarray:
    p = np.stack(
        [np.where(bands[:, BANDS.index(b)], p_in, p_out) for _, b, p_in, p_out in mix.TRANSITIONS],
        axis=1,
    )
    mask = rng.random(p.shape) < p
    first_likely = np.argmax(p, axis=1)
    empty = ~mask.any(axis=1)
    mask[empty, first_likely[empty]] = True
    mask[rng.random(len(mask)) < 0.10] = False  # some records say nothing on this dimension
    return mask


def _dates(
    rng: np.random.Generator, status: list[str], size: int
) -> tuple[list[date | None], list[date | None]]:
    starts: list[date | None] = []
    ends: list[date | None] = []
    u = rng.random((size, 4))
    for i, state in enumerate(status):
        if state == "active":
            start = REF_DAY - timedelta(days=int(100 + u[i, 0] * 4300)) if u[i, 1] < 0.75 else None
            end = REF_DAY + timedelta(days=int(60 + u[i, 2] * 840)) if u[i, 3] < 0.3 else None
        elif state == "ended":
            end = REF_DAY - timedelta(days=int(30 + u[i, 0] * 2000))
            start = end - timedelta(days=int(180 + u[i, 2] * 1300)) if u[i, 1] < 0.9 else None
        else:
            start = REF_DAY + timedelta(days=int(20 + u[i, 0] * 380)) if u[i, 1] < 0.7 else None
            end = None
        starts.append(start)
        ends.append(end)
    return starts, ends


def make_batch(rng: np.random.Generator, geo: Geography, first_id: int, size: int) -> Batch:
    """`size` interventions with ids from `first_id`, their areas, classifications and venues."""
    ids = np.arange(first_id, first_id + size)
    reach = rng.choice(3, size, p=mix.REACH)
    base = rng.choice(len(geo.codes), size, p=geo.weights)
    age_min, age_max, bands = _age_columns(rng, size)
    masks: dict[str, np.ndarray] = {"age_band": bands, "transition_point": _transitions(rng, bands)}
    for dimension, shares in mix.SHARES.items():
        masks[dimension] = _independent(rng, shares, size)
    targets = list(mix.SHARES["target_group"])
    only = np.array([t == "universal" for t in targets])
    universal = masks["target_group"][:, targets.index("universal")] & (rng.random(size) < 0.7)
    masks["target_group"][universal] = only  # "universal" mostly stands alone
    for dimension, shares in mix.ONE_OF.items():
        masks[dimension] = np.eye(len(shares), dtype=bool)[_pick(rng, shares, size)]
    masks["delivery_model"][rng.random(size) < 0.12, -1] = True  # also a partnership
    masks["evidence_level"][rng.random(size) < 0.08] = False  # evidence not stated
    esf = masks["funding_source"][:, list(mix.SHARES["funding_source"]).index("esf")]
    status_names = list(mix.STATUS)
    status_index = _pick(rng, mix.STATUS, size)
    status_index[esf & (rng.random(size) < 0.85)] = status_names.index("ended")  # ESF closed
    status = [status_names[i] for i in status_index]
    states = list(mix.PUBLICATION)
    state = _pick(rng, mix.PUBLICATION, size)
    starts, ends = _dates(rng, status, size)
    created = rng.uniform(0, 1000, size)
    updated = np.maximum(created - rng.uniform(0, 300, size), 0)

    batch = Batch([], [], [], [])
    type_slugs = list(mix.SHARES["intervention_type"])
    type_labels = {t.slug: t.label for t in VOCABULARIES["intervention_type"]}
    delivery = list(mix.ONE_OF["delivery_model"])
    primary_type = np.argmax(masks["intervention_type"], axis=1)
    primary_delivery = np.argmax(masks["delivery_model"], axis=1)
    words = rng.integers(0, 1 << 30, (size, 4))
    for row in range(size):
        i = int(ids[row])
        la = int(base[row])
        if reach[row] == 0:
            served = [la]
            place = geo.names[la]
        elif reach[row] == 1:
            served = [la, *geo.neighbours[la][: 1 + words[row, 0] % 4].tolist()]
            place = f"{geo.names[la]} and neighbours"
        else:
            region = int(geo.region_of_la[la])
            served = geo.regions[region].tolist()
            place = geo.region_names[region]
        batch.areas.extend((i, geo.codes[s]) for s in served)
        kind = type_labels[type_slugs[primary_type[row]]]
        provider = _provider(delivery[primary_delivery[row]], geo.names[la], words[row, 1])
        low, high = int(age_min[row]), int(age_max[row])
        ages = f"aged {low}-{high}" if low >= 0 else "of the ages it serves"
        name = (
            f"{mix.BRANDS[words[row, 2] % len(mix.BRANDS)]} {kind.lower()} "
            f"{mix.SUFFIXES[words[row, 3] % len(mix.SUFFIXES)].lower()} ({place})"
        )
        batch.interventions.append(
            {
                "id": i,
                "external_id": f"synthetic:{i}",
                "name": name,
                "description": (
                    f"{kind} for young people {ages} in {place}, run by {provider}. "
                    "It aims to keep young people in education, employment or training and "
                    "to bring those who are NEET back into learning or work."
                ),
                "provider": provider,
                "website": f"https://example.org/neet/{i}" if words[row, 0] % 2 else None,
                "contact_email": "neet.team@example.org" if words[row, 1] % 5 < 2 else None,
                "age_min": low if low >= 0 else None,
                "age_max": high if high >= 0 else None,
                "status": status[row],
                "start_date": starts[row],
                "end_date": ends[row],
                "outcome_measures": [
                    mix.OUTCOMES[(words[row, 2] + k) % len(mix.OUTCOMES)]
                    for k in range(int(words[row, 3] % 4))
                ],
                "source_document": "synthetic benchmark data",
                "source_quote": None,
                "source_url": None,
                "publication_state": states[state[row]],
                "created_at": REF_TIME - timedelta(days=float(created[row])),
                "updated_at": REF_TIME - timedelta(days=float(updated[row])),
            }
        )
        if words[row, 0] % 100 < 15:  # a venue or two for some records
            pool = geo.venues[la]
            for k in range(1 + int(words[row, 1] % 100 < 20)):
                lon, lat = pool[(words[row, 2] + k) % len(pool)]
                batch.venues.append((i, f"{geo.names[la]} centre {k + 1}", (lon, lat)))
    for dimension, mask in masks.items():
        rows, columns = np.nonzero(mask)
        slugs = np.array(_slugs_of(dimension), dtype=object)[columns].tolist()
        batch.terms.extend(zip(ids[rows].tolist(), repeat(dimension), slugs, strict=False))
    return batch


def _slugs_of(dimension: str) -> list[str]:
    if dimension == "age_band":
        return list(BANDS)
    if dimension == "transition_point":
        return [slug for slug, *_ in mix.TRANSITIONS]
    return list(mix.SHARES.get(dimension) or mix.ONE_OF[dimension])


def _provider(model: str, la_name: str, word: int) -> str:
    if model == "la_in_house":
        return f"{la_name} Council"
    if model == "school_led":
        return f"{la_name} schools partnership"
    if model == "college_led":
        return f"{la_name} College"
    return mix.CHARITIES[word % len(mix.CHARITIES)]

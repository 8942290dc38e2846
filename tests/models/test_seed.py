"""The embedded sample: real interventions from the seed documents, citing them faithfully."""

from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from models.intake.seed import load_samples, seed
from models.interventions.tables import Intervention


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_every_sample_quotes_its_seed_document_verbatim(shared_dir: Path) -> None:
    samples = load_samples()
    assert len(samples) >= 8
    for sample in samples:
        source = sample.draft.source
        assert source is not None, sample.key
        assert source.document, sample.key
        assert source.quote, sample.key
        document = (shared_dir / "seeds" / source.document).read_text(encoding="utf-8")
        assert _squash(source.quote) in _squash(document), sample.key
        assert len(source.quote.split()) >= 8, sample.key


def test_the_named_programmes_are_in_the_sample() -> None:
    text = " ".join(
        f"{s.draft.name} {s.draft.provider} {s.draft.description}" for s in load_samples()
    )
    for needle in (
        "Young People's Support Service",
        "Calderdale",
        "IPPS",
        "Career Connect",
        "CatZero",
    ):
        assert needle.lower() in text.replace("’", "'").lower(), needle
    las = {code for s in load_samples() for code in s.draft.la_codes}
    assert {"E06000012", "E08000033", "E08000035", "E08000014"} <= las


def test_seeding_twice_adds_nothing(session: Session) -> None:
    first = seed(session)
    session.commit()
    second = seed(session)
    session.commit()
    count = session.exec(select(func.count()).select_from(Intervention)).one()  # type: ignore[call-overload]
    assert first.added == len(load_samples())
    assert first.skipped == 0
    assert second.added == 0
    assert second.skipped == first.added
    assert count[0] == first.added

"""Share cards drawn while MkDocs runs (``cards.Later``, a build from clean's most expensive
part moved onto the core MkDocs leaves idle) give exactly the ``docs/`` and ``site/`` of cards
drawn before it, and a build that fails on the way leaves no worker behind."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from generator import build, cards, engine, workers
from generator.errors import BuildError
from generator.project import Project
from tests.bench.synth import make_project
from tests.conftest import tree

RECORDS = 40
"""About forty cards: over the threshold set below, and a quick MkDocs build."""


@pytest.fixture(autouse=True)
def own_cards(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Cards drawn by each project (not copied from the run's shared folder), two cores
    whatever the machine has, a threshold this story is over; and the number of cards each
    build left to draw beside the engine."""
    monkeypatch.delenv(cards.SHARED_ENV, raising=False)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    monkeypatch.setattr(cards, "PARALLEL_FROM", 10)
    deferred: list[int] = []
    start = cards.Later.start

    def noting(self: cards.Later) -> None:
        deferred.append(len(self.specs))
        start(self)

    monkeypatch.setattr(cards.Later, "start", noting)
    return deferred


def _built(root: Path) -> tuple[dict[str, bytes], dict[str, bytes], tuple[int, int, int]]:
    project = Project(root)
    _, result = build.build(project)
    counts = (len(result.written), len(result.removed), result.unchanged)
    return tree(project.docs), tree(project.site), counts


def _drawn_first(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    with monkeypatch.context() as patch:
        patch.setattr(cards, "PARALLEL_FROM", 10**9)
        return _built(root)


def test_cards_drawn_beside_the_engine_give_the_files_of_cards_drawn_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_cards: list[int]
) -> None:
    beside = _built(make_project(RECORDS, tmp_path / "beside"))
    assert len(own_cards) == 1
    assert own_cards[0] >= RECORDS, "every card was left to draw beside the engine"
    first = _drawn_first(make_project(RECORDS, tmp_path / "first"), monkeypatch)
    assert len(own_cards) == 1, "the second build drew its cards first"
    assert beside == first
    docs, site, _ = beside
    assert sum(path.startswith("cards/") for path in site) >= own_cards[0]
    assert {p for p in docs if p.startswith("cards/")} <= set(site)


def test_a_failed_engine_stops_the_card_workers_and_the_next_build_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_cards: list[int]
) -> None:
    root = make_project(RECORDS, tmp_path / "failed")
    with monkeypatch.context() as patch:

        def failing(*args: object) -> None:
            raise BuildError("mkdocs build failed: planted")

        patch.setattr(engine, "_run", failing)
        with pytest.raises(BuildError, match="planted"):
            build.build(Project(root))
    assert own_cards, "the failed build had started drawing"
    assert multiprocessing.active_children() == []
    docs, site, _ = _built(root)
    clean_docs, clean_site, _ = _drawn_first(make_project(RECORDS, tmp_path / "clean"), monkeypatch)
    assert (docs, site) == (clean_docs, clean_site)

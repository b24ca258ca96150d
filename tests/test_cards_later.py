"""Share cards drawn while MkDocs runs (``cards.Later``, a build from clean's most expensive
part moved onto the core MkDocs leaves idle) give exactly the ``docs/`` and ``site/`` of cards
drawn before it, and a build that fails on the way leaves no worker behind."""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
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

        def failing(*args: object, **kwargs: object) -> None:
            raise BuildError("mkdocs build failed: planted")

        patch.setattr(engine, "_run", failing)
        with pytest.raises(BuildError, match="planted"):
            build.build(Project(root))
    assert own_cards, "the failed build had started drawing"
    assert multiprocessing.active_children() == []
    docs, site, _ = _built(root)
    clean_docs, clean_site, _ = _drawn_first(make_project(RECORDS, tmp_path / "clean"), monkeypatch)
    assert (docs, site) == (clean_docs, clean_site)


def test_a_rebuild_whose_docs_have_cards_draws_them_first_and_keeps_docs_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_cards: list[int]
) -> None:
    """Cards are left for later only when ``docs/`` has none: a rebuild with every card to
    draw again (the cache deleted, or the drawing's version changed) draws them first, so its
    one write neither removes cards it would then add back nor leaves ``docs/`` without them."""
    root = make_project(RECORDS, tmp_path / "again")
    first = _built(root)
    assert len(own_cards) == 1
    shutil.rmtree(Project(root).cache / cards.CACHE_FOLDER)
    monkeypatch.setattr(cards, "VERSION", cards.VERSION + 1)
    cards.fingerprint.cache_clear()
    try:
        docs, site, counts = _built(root)
    finally:
        cards.fingerprint.cache_clear()
    assert len(own_cards) == 1, "nothing was left for later"
    assert (docs, site) == first[:2]
    assert counts == (0, 0, first[2][0]), "the same cards: nothing written again"


def test_workers_that_cannot_store_a_card_leave_it_to_the_build_and_print_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A worker that fails (a full disk) stops quietly; the build draws what is missing."""
    build_pid, store = os.getpid(), cards._store

    def full_in_workers(folder: Path, key: str, data: bytes) -> object:
        if os.getpid() != build_pid:
            raise OSError(errno.ENOSPC, "No space left on device", str(folder))
        return store(folder, key, data)

    monkeypatch.setattr(cards, "_store", full_in_workers)
    beside = _built(make_project(RECORDS, tmp_path / "full"))
    assert "Traceback" not in capfd.readouterr().err
    monkeypatch.setattr(cards, "_store", store)
    assert beside == _drawn_first(make_project(RECORDS, tmp_path / "first"), monkeypatch)

"""Work shared among forked processes gives what one process gives (``generator/workers.py``):
the same items in the same order, the same first error, the same rendered pages."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from generator import build, render, workers
from generator.errors import BuildError
from generator.project import Project
from tests.bench.synth import make_project


@pytest.fixture
def two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes whatever the machine has, so the forked path is the one tested."""
    monkeypatch.setattr(workers, "count", lambda items: 2)


def test_a_forked_map_keeps_order(two: None) -> None:
    assert workers.forked_map(lambda i: i * i, 1000) == [i * i for i in range(1000)]


def test_an_error_in_a_worker_is_raised_in_the_caller(two: None) -> None:
    def work(i: int) -> int:
        if i == 700:
            raise BuildError("template printed an unescaped str")
        return i

    with pytest.raises(BuildError, match="unescaped str"):
        workers.forked_map(work, 1000)


def test_few_items_stay_in_one_process() -> None:
    assert workers.count(10) == 1


def test_pages_rendered_by_two_processes_are_the_pages_one_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = build.check(Project(make_project(400, tmp_path / "p"))).story
    monkeypatch.setattr(workers, "count", lambda items: 1)
    alone = render.render_files(story)
    monkeypatch.setattr(workers, "count", lambda items: 2)
    shared = render.render_files(story)
    assert len(alone) > 300
    assert list(shared) == list(alone)
    assert shared == alone


def test_forked_work_answers_from_another_process_and_raises_its_error_here() -> None:
    assert workers.Forked(os.getpid).result() != os.getpid()
    assert workers.Forked(lambda: {"a": [1, 2]}).result() == {"a": [1, 2]}

    def failing() -> None:
        raise BuildError("history: planted")

    with pytest.raises(BuildError, match="planted"):
        workers.Forked(failing).result()


def test_forked_work_stopped_early_leaves_no_process() -> None:
    slow = workers.Forked(lambda: time.sleep(30))
    slow.stop()
    assert multiprocessing.active_children() == []


def test_a_process_with_another_thread_does_not_fork() -> None:
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        assert not workers.alone()
    finally:
        done.set()
        other.join()


def test_forked_work_killed_from_outside_is_a_build_error() -> None:
    doomed = workers.Forked(lambda: time.sleep(30))
    os.kill(doomed._process.pid or 0, signal.SIGKILL)
    with pytest.raises(BuildError, match="died before it answered"):
        doomed.result()

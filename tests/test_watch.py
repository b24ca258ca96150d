"""The preview sleeps until content/ changes: one regeneration per edit, addition, deletion or
rename (however many events a save makes), none for an editor's scratch files, and no listing
of the tree while idle."""

from __future__ import annotations

import fnmatch
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import build as pipeline
from generator import scratch, serve
from generator.errors import ContentError
from generator.incremental import Session
from generator.project import Project
from generator.scratch import ignored
from generator.watch import ContentWatcher
from tests.conftest import write_files

QUIET_WINDOW = 0.6
"""How long the tests watch for a second, unwanted regeneration (several debounce periods)."""


class FakeChild:
    """Stands for the MkDocs process: runs until the test stops it."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def poll(self) -> int | None:
        return 0 if self.stopped.is_set() else None


class Preview:
    """:func:`generator.serve.follow` on a thread, with regeneration counted instead of run
    and every listing of content/ recorded as a failure."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.project = Project(root)
        self.regenerations = 0
        self.listings: list[str] = []
        self.child = FakeChild()
        content = self.project.content.resolve()
        seen = serve.snapshot(self.project.content)
        real_rglob, real_iterdir = Path.rglob, Path.iterdir

        def count(*args: object) -> None:
            self.regenerations += 1

        def watched_rglob(path: Path, pattern: str) -> object:
            if path.resolve().is_relative_to(content):
                self.listings.append(f"rglob {path}")
            return real_rglob(path, pattern)

        def watched_iterdir(path: Path) -> object:
            if path.resolve().is_relative_to(content):
                self.listings.append(f"iterdir {path}")
            return real_iterdir(path)

        def startup_snapshot(folder: Path) -> dict[str, tuple[int, int]]:
            self.listings.append("snapshot")
            return seen

        monkeypatch.setattr(serve, "regenerate", count)
        monkeypatch.setattr(serve, "snapshot", startup_snapshot)
        monkeypatch.setattr(Path, "rglob", watched_rglob)
        monkeypatch.setattr(Path, "iterdir", watched_iterdir)
        self.thread = threading.Thread(
            target=serve.follow,
            args=(self.project, print, self.child, root / "tmp", seen),
        )

    def __enter__(self) -> Preview:
        self.thread.start()
        _wait_for(lambda: self.listings == ["snapshot"], "the watcher to start")
        self.listings.clear()  # the one listing at start-up, before idling
        return self

    def __exit__(self, *exc: object) -> None:
        self.child.stopped.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()

    def after(self, change: Callable[[], object], expected: int = 1) -> int:
        """Regenerations caused by ``change`` (a callable run now): waits for ``expected`` of
        them (the limit only guards against a hang), then a quiet window for any extra."""
        before = self.regenerations
        change()
        deadline = time.monotonic() + 10
        while self.regenerations < before + expected and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(QUIET_WINDOW)
        return self.regenerations - before


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def story(tmp_path: Path) -> Path:
    write_files(
        tmp_path / "content",
        {"people/ada.yml": "name: Ada\n", "people/bob.yml": "name: Bob\n"},
    )
    return tmp_path


def test_each_edit_addition_deletion_and_rename_regenerates_once(story, monkeypatch):
    people = story / "content" / "people"
    with Preview(story, monkeypatch) as preview:
        assert preview.after(lambda: (people / "ada.yml").write_text("name: Ada L\n")) == 1
        assert preview.after(lambda: (people / "cy.yml").write_text("name: Cy\n")) == 1
        assert preview.after((people / "bob.yml").unlink) == 1
        assert preview.after(lambda: (people / "cy.yml").rename(people / "cyd.yml")) == 1
        assert preview.after((story / "content" / "topics").mkdir) == 1
        assert preview.after((people / "ada.yml").touch) == 1  # a `touch` counts
        assert preview.regenerations == 6
        assert preview.listings == []  # nothing listed content/ after start-up


def test_a_save_that_makes_many_events_regenerates_once(story, monkeypatch):
    """Vim's default save: probe file, backup by rename, write anew, drop the backup."""
    people = story / "content" / "people"

    def vim_save() -> None:
        (people / "4913").write_text("")
        (people / "4913").unlink()
        (people / ".ada.yml.swp").write_bytes(b"swap")
        os.rename(people / "ada.yml", people / "ada.yml~")
        (people / "ada.yml").write_text("name: Ada Lovelace\n")
        os.chmod(people / "ada.yml", 0o644)
        (people / "ada.yml~").unlink()

    with Preview(story, monkeypatch) as preview:
        assert preview.after(vim_save) == 1
        assert preview.listings == []


@pytest.mark.parametrize("name", ["ada.yml~", ".#ada.yml", "x.swp", "#ada.yml#", "4913"])
def test_editors_scratch_files_regenerate_nothing(story, monkeypatch, name):
    people = story / "content" / "people"
    with Preview(story, monkeypatch) as preview:
        assert preview.after(lambda: (people / name).write_text("scratch"), 0) == 0
        assert preview.after((people / name).unlink, 0) == 0
        assert preview.after(lambda: (people / "ada.yml").write_text("name: A\n")) == 1


def test_reading_content_wakes_nothing(story, monkeypatch):
    """Regenerating reads every record: those opens and closes must not start another."""
    people = story / "content" / "people"
    with Preview(story, monkeypatch) as preview:
        assert preview.after(lambda: [p.read_bytes() for p in people.glob("*.yml")], 0) == 0


def test_the_watcher_waits_for_quiet_before_it_reports(tmp_path):
    """Events closer together than the quiet period are one change."""
    with ContentWatcher(tmp_path, quiet=0.3) as watcher:
        assert watcher.wait(0.2) is False
        for i in range(5):
            (tmp_path / f"r{i}.yml").write_text("x")
            time.sleep(0.05)
        assert watcher.wait(5) is True
        assert watcher.wait(0.5) is False


@pytest.mark.parametrize(
    ("name", "scratch"),
    [
        ("zoe.yml~", True),
        (".#zoe.yml", True),
        (".zoe.yml.swp", True),
        ("x.swp", True),
        ("#zoe.yml#", True),
        ("zoe.yml", False),
        ("zoe.txt", False),
        ("standfirst.md", False),
    ],
)
def test_scratch_names(name, scratch):
    assert ignored(name) is scratch


NEAR = ["4913", "49130", "Thumbs.db", "thumbs.db", "desktop.ini", "a___jb_tmp___", "a~b", "a.yml~"]
NEAR += ["x.swpx", "x.swo", "x.swx", ".", "a\n~", "a.swp\n", "#a", "a#", "#a#", "zoe.yaml"]


@pytest.mark.parametrize("name", NEAR)
def test_the_one_expression_says_what_each_pattern_says(name):
    """:func:`ignored` matches the patterns as one compiled expression, for speed; it must
    answer as matching each of them in turn would."""
    assert ignored(name) is any(fnmatch.fnmatchcase(name, p) for p in scratch.IGNORED)


def test_without_a_content_folder_the_preview_stops_as_check_does(tmp_path, monkeypatch):
    """Nothing to watch: the same error as ``check``, before MkDocs is started."""
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setattr(subprocess, "Popen", None)  # starting MkDocs would fail loudly
    with pytest.raises(ContentError) as caught:
        serve.serve(Project(tmp_path), "127.0.0.1:8000", print)
    assert [p.message for p in caught.value.problems] == ["content folder not found"]


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_settle_frees_the_cyclic_garbage_of_objects_it_had_set_aside() -> None:
    """The preview sets what a run leaves aside from the collector (``serve.settle``); the
    next call still frees what became garbage since, cycles included."""
    import gc  # noqa: PLC0415
    import weakref  # noqa: PLC0415

    cycle = _Cycle()
    gone = weakref.ref(cycle)
    try:
        serve.settle()
        assert gc.get_freeze_count() > 0
        del cycle
        gc.collect()
        assert gone() is not None, "frozen: the collector left it"
        serve.settle()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_a_regeneration_with_a_session_settles(story: Path) -> None:
    import gc  # noqa: PLC0415

    from generator.incremental import Session  # noqa: PLC0415

    gc.unfreeze()
    try:
        serve.regenerate(Project(story), lambda problems: None, None, Session())
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        serve.regenerate(Project(story), lambda problems: None, None, None)
        assert gc.get_freeze_count() == 0, "a one-off generate leaves the collector alone"
    finally:
        gc.unfreeze()


def test_the_watcher_says_which_paths_changed(story):
    """What the preview's session is told (:attr:`generator.loader.Memo.changed`): each path
    under content/ a change reached, both ends of a move, none of an editor's scratch files;
    and, after a change of unknown extent, None (look at everything)."""
    people = story / "content" / "people"
    with ContentWatcher(story / "content") as watcher:
        (people / "ada.yml").write_text("name: Ada L\n")
        (people / "ada.yml~").write_text("backup")
        (people / "bob.yml").rename(people / "rob.yml")
        (people / "cy.yml").write_text("name: Cy\n")
        (people / "cy.yml").unlink()
        (story / "content" / "topics").mkdir()
        assert watcher.wait(10)
        assert watcher.take() == frozenset(
            {"people/ada.yml", "people/bob.yml", "people/rob.yml", "people/cy.yml", "topics"}
        )
        assert watcher.take() == frozenset()
        watcher.poke()
        watcher.poke(["people/ada.yml"])
        assert watcher.take() is None
        assert watcher.take() == frozenset()


def test_the_preview_keeps_the_reported_paths_until_a_run_loads_them(story, monkeypatch):
    """A run stopped before loading (a broken ``mkdocs.yml``, say) has not looked at the
    paths the watcher reported: the next run is told them as well as its own."""
    session = Session()
    told: list[frozenset[str] | None] = []
    child = FakeChild()

    def regenerate(project, report, tmp, session):  # the first run stops before loading
        told.append(session.loaded.changed)
        if len(told) > 1:
            session.loaded.changed = None
            session.loaded.loads += 1
        if len(told) == 3:
            child.stopped.set()

    monkeypatch.setattr(serve, "regenerate", regenerate)
    project = Project(story)
    seen = serve.snapshot(project.content)
    thread = threading.Thread(
        target=serve.follow,
        args=(project, print, child, story / "tmp", seen),
        kwargs={"session": session},
    )
    thread.start()
    people = story / "content" / "people"
    time.sleep(0.3)  # the watcher is up
    for name in ("ada.yml", "bob.yml", "ada.yml"):
        (people / name).write_text("name: X\n")
        _wait_for(_grown(told), "a regeneration")
    thread.join(timeout=10)
    assert told == [
        frozenset({"people/ada.yml"}),
        frozenset({"people/ada.yml", "people/bob.yml"}),
        frozenset({"people/ada.yml"}),
    ]


def _grown(items: list[Any]) -> Callable[[], bool]:
    """A condition that holds once ``items`` is longer than it is now."""
    size = len(items)
    return lambda: len(items) > size


def test_a_saves_run_goes_without_the_collector_and_a_first_run_with_it(story, monkeypatch):
    """A run told what changed is short and settle() collects right after it; a first run
    makes the whole session, and its garbage is collected as it goes."""
    import gc  # noqa: PLC0415

    seen: list[bool] = []
    real = pipeline.generate

    def generate(project: Project, session: Session | None) -> object:
        seen.append(gc.isenabled())
        return real(project, session)

    monkeypatch.setattr(pipeline, "generate", generate)
    session, project = Session(), Project(story)
    try:
        serve.regenerate(project, lambda problems: None, None, session)
        session.loaded.changed = frozenset({"people/ada.yml"})
        serve.regenerate(project, lambda problems: None, None, session)
    finally:
        gc.unfreeze()
    assert seen == [True, False]
    assert gc.isenabled()

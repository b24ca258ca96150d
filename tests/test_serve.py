"""The live preview follows content/ edits with one regeneration per edit, never a loop,
and keeps the last good pages when an edit is invalid."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    FileAttribEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)

from generator import serve_child
from generator.serve import snapshot
from tests.conftest import EXPLAINER, ROOT, STORIES, copy_project, write_files
from tests.test_loader import EDITOR_FILES

pytestmark = pytest.mark.site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(condition, what: str, limit: float = 60.0) -> None:
    """Poll until ``condition()``; the limit only guards against a hang."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _served(project, rel: str) -> str:
    """What ``mkdocs serve`` built; it serves from a temporary folder, so ask over HTTP."""
    log = (project.root.parent / "serve.log").read_text()
    base = log.split("Serving on ")[1].split()[0]
    try:
        with urllib.request.urlopen(base + rel, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def test_serve_regenerates_once_per_edit_and_survives_bad_edits(tmp_path):
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    log_path = tmp_path / "serve.log"
    page = project.docs / "people" / "tom-berg.md"
    record = project.content / "people" / "tom-berg.yml"
    addr = f"127.0.0.1:{_free_port()}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                *EXPLAINER,
                "--root",
                str(project.root),
                "serve",
                "--addr",
                addr,
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: "Serving on" in log_path.read_text(), "the server to start")
        _wait_for(page.is_file, "the first generation")
        record.write_text(record.read_text().replace("Harbour master", "Port captain"))
        _wait_for(lambda: "Port captain" in page.read_text(), "the edit to reach docs/")
        _wait_for(
            lambda: "Port captain" in _served(project, "people/tom-berg/index.html"),
            "the edit to reach the served page",
        )
        builds = log_path.read_text().count("Building documentation")
        time.sleep(3)  # a quiet window: a rebuild loop would keep counting up
        log = log_path.read_text()
        assert log.count("regenerated in") == 2  # at start, then the first edit
        assert log.count("Building documentation") == builds <= 3
        record.write_text(record.read_text().replace("Port captain", "Harbour pilot"))
        _wait_for(
            lambda: "Harbour pilot" in _served(project, "people/tom-berg/index.html"),
            "the second edit to reach the served page",
        )
        log = log_path.read_text()  # each edit: the pages it rewrote, not MkDocs' own build
        assert log.count("Rebuilt the") == 2, log
        assert log.count("Documentation built") == 1, log  # the first build only
        good = page.read_bytes()
        record.write_text("name: [broken\n")
        _wait_for(
            lambda: "the preview keeps the last good pages" in log_path.read_text(),
            "the error report",
        )
        assert "content/people/tom-berg.yml:2:1: (file): YAML syntax" in log_path.read_text()
        assert page.read_bytes() == good
    except BaseException:
        print(log_path.read_text())
        raise
    finally:
        proc.terminate()  # SIGTERM, as an IDE or a service manager stops it
        proc.wait(timeout=30)
    _wait_for(lambda: not _mkdocs_serving(addr), "the MkDocs child to end with explainer")


def _mkdocs_serving(addr: str) -> bool:
    """Whether a ``mkdocs serve`` for ``addr`` (unique to this test) is still running."""
    found = subprocess.run(
        ["pgrep", "-f", f"{serve_child.__name__} serve .*{addr}"],
        capture_output=True,
        check=False,
    )
    return found.returncode == 0


def _server_probe(patch: str, show: str, folder: Path) -> dict[str, str]:
    """What ``show`` (an expression of ``server``) prints for a MkDocs live-reload server made
    in a fresh process as MkDocs makes it, plain and after ``serve_child.<patch>()``."""
    probe = (
        "import sys\n"
        "from generator import serve_child\n"
        "if sys.argv[1] == 'patched':\n"
        f"    serve_child.{patch}()\n"
        "from mkdocs.livereload import LiveReloadServer\n"
        "server = LiveReloadServer(lambda: None, '127.0.0.1', 0, sys.argv[2])\n"
        f"print({show})\n"
    )
    return {
        how: subprocess.run(
            [sys.executable, "-c", probe, how, str(folder)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for how in ("plain", "patched")
    }


def test_the_preview_mkdocs_watches_with_system_events_not_polling(tmp_path):
    """MkDocs' live-reload server asks for watchdog's polling observer, which lists and stats
    every watched file twice a second; the preview's child gets the system's observer."""
    show = "' '.join(kind.__name__ for kind in type(server.observer).__mro__)"
    kinds = _server_probe("use_system_events", show, tmp_path)
    assert kinds["plain"].startswith("PollingObserver ")
    assert "InotifyObserver" in kinds["patched"].split()
    assert "PollingObserver" not in kinds["patched"]


def test_the_preview_mkdocs_builds_without_waiting_a_tenth_of_a_second(tmp_path):
    """MkDocs waits 0.1 s for events to stop before each build; after a regeneration its only
    event is the touch of mkdocs.yml, so the preview's child waits 0.02 s."""
    delays = _server_probe("quicker_builds", "server.build_delay", tmp_path)
    assert delays == {"plain": "0.1", "patched": str(serve_child.BUILD_DELAY)}


def test_mkdocs_is_not_told_of_the_generators_own_writes_only_of_other_files():
    """The writer's swap is a burst of events; the preview touches mkdocs.yml once instead."""
    seen: list[str] = []

    class Inner(FileSystemEventHandler):
        def dispatch(self, event: FileSystemEvent) -> None:
            seen.append(os.fsdecode(event.src_path))

    docs = "/p/docs"
    handler = serve_child.OwnWritesIgnored(Inner(), docs)
    for event in (
        FileCreatedEvent("/p/docs/people/tom-berg.md"),
        FileModifiedEvent("/p/docs/index.md"),
        FileMovedEvent("/p/docs/cards/people/a.png", "/p/docs/cards/people/b.png"),
        DirDeletedEvent("/p/docs/people"),  # an entry swapped out, and in
        DirCreatedEvent("/p/docs/cards/people"),
        DirModifiedEvent("/p/docs/cards"),  # the folder holding the cards' entries
        DirCreatedEvent("/p/docs/editing"),
        FileModifiedEvent("/p/docs/methodology.md"),
        FileMovedEvent("/p/docs/people/a.md", "/p/docs/notes.md"),
        FileAttribEvent("/p/mkdocs.yml"),
        FileModifiedEvent("/p/theme/main.html"),
    ):
        handler.dispatch(event)
    assert seen == [
        "/p/docs/editing",
        "/p/docs/methodology.md",
        "/p/docs/people/a.md",
        "/p/mkdocs.yml",
        "/p/theme/main.html",
    ]


def test_serve_is_a_thin_adapter_the_core_never_imports_mkdocs():
    offenders = [
        p.name
        for p in (ROOT / "generator").glob("*.py")
        if "import mkdocs" in p.read_text() or "from mkdocs" in p.read_text()
    ]
    assert offenders == []


def test_importing_every_generator_module_loads_no_mkdocs():
    """The launchers (``serve_child``, ``build_child``) reach MkDocs by module name inside the
    child process only; importing any module of the generator, them included, loads none of
    MkDocs or Material."""
    names = sorted(p.stem for p in (ROOT / "generator").glob("*.py") if p.stem != "__main__")
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module('generator.' + name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "build_child" in names
    assert out.stdout.strip() == "[]"


def test_the_dirty_preview_drops_a_deleted_records_page_and_shows_an_added_one(tmp_path):
    """MkDocs' --dirty builds never delete: the preview removes a deleted record's page from
    the folder MkDocs serves. The preview has no Pagefind index (search says it is
    unavailable), as the README says."""
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    log_path = tmp_path / "serve.log"
    quote = project.content / "quotes" / "mayor-bridge.yml"
    addr = f"127.0.0.1:{_free_port()}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*EXPLAINER, "--root", str(project.root), "serve", "--addr", addr],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: "Serving on" in log_path.read_text(), "the server to start")
        page = "quotes/mayor-bridge/index.html"
        _wait_for(lambda: "two halves" in _served(project, page), "the quote's page")
        assert _served(project, "pagefind/pagefind.js") == ""
        added = project.content / "quotes" / "mayor-bridge-again.yml"
        added.write_text(quote.read_text().replace("closing speech", "second reading"))
        _wait_for(
            lambda: "second reading" in _served(project, "quotes/mayor-bridge-again/index.html"),
            "the added quote's page",
        )
        quote.unlink()
        _wait_for(lambda: _served(project, page) == "", "the deleted quote's page to go")
        assert "second reading" in _served(project, "quotes/mayor-bridge-again/index.html")
    except BaseException:
        print(log_path.read_text())
        raise
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_editors_backup_and_swap_files_do_not_trigger_a_regeneration(tmp_path):
    """Saving in Vim or Emacs makes and deletes such files around the real write: the preview
    must see only the record's own change (one regeneration), as the loader does."""
    content = tmp_path / "content"
    write_files(content, {"people/ada.yml": "name: Ada\n"})
    before = snapshot(content)
    write_files(content, dict(EDITOR_FILES))
    assert snapshot(content) == before
    write_files(content, {"people/ada.yml": "name: Ada Lovelace\n"})
    assert snapshot(content) != before

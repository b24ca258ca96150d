"""Live preview: regenerate ``docs/`` when ``content/`` changes, while MkDocs serves it.

This is the thin adapter between the generator and MkDocs: MkDocs runs as a child process
watching ``docs/`` and ``theme/``; this loop sleeps until the system reports a change in
``content/`` (:mod:`generator.watch`: nothing is listed or polled while nobody edits) and
regenerates. The writer touches nothing when nothing changed, so a rebuild never triggers
another: there is no loop. Invalid content is reported and the last good pages stay up.

MkDocs runs with ``--dirty``: it rebuilds only the pages whose Markdown the writer rewrote (the
writer keeps unchanged files' mtimes): one saved record costs MkDocs a second or two rather
than a whole-site build (the README's "Live preview" has the numbers). What that leaves
stale, and what we remove ourselves (a deleted record's page), is in :mod:`generator.preview`
and the README. ``explainer build`` always builds clean.

MkDocs' watcher ignores directory events, and the writer swaps whole folders in by renaming
them, which produces mostly directory events. So after a regeneration that changed pages, the
adapter lists the files it wrote and removed for MkDocs' next build
(:func:`generator.preview.tell`: that build makes only those, :mod:`generator.targeted`) and
touches ``mkdocs.yml``'s modification time: a file event MkDocs always rebuilds on.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from stat import S_ISREG
from typing import Protocol

from generator import build as pipeline
from generator import lock, preview, writer
from generator.engine import DEATH_HOOK
from generator.errors import BuildError, ContentError, Problem, file_error
from generator.incremental import Session
from generator.loader import discover, stale
from generator.outputs import OWNED
from generator.project import Project
from generator.scratch import ignored
from generator.watch import ContentWatcher

WAKE_SECONDS = 1.0
"""How often the idle loop checks that MkDocs still runs (one ``waitpid``: nothing else)."""


def snapshot(content: Path) -> dict[str, tuple[int, int]]:
    """Path → (mtime_ns, size) for every file under ``content``, except the backup and swap
    files editors' programs leave there (the loader ignores them, so must the preview)."""
    found: dict[str, tuple[int, int]] = {}
    for path in sorted(content.rglob("*")):
        if any(ignored(part) for part in path.relative_to(content).parts):
            continue
        try:
            stat = path.stat()
        except OSError:  # gone since the listing: the next poll sees it gone
            continue
        if S_ISREG(stat.st_mode):
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


Report = Callable[[Sequence[Problem]], None]
"""Prints problems; the command line passes its own, so the preview reads like ``check``."""


def regenerate(
    project: Project,
    report: Report,
    tmp: Path | None = None,
    session: Session | None = None,
) -> None:
    """Write ``docs/`` anew; ``tmp`` is the MkDocs child's ``TMPDIR``, where its site is (to
    drop removed pages from) and where it takes the list of changed files from; ``session``
    what the last regeneration made, so that only what an edit reaches is made again
    (:mod:`generator.incremental`), and then :func:`settle`. Python's collector is off
    during a run told what changed (a save's): settle collects right after, and the
    collections of the young generations during it cost 0.07 s of a 1.9-s save at 10,000
    records. A first run, which makes the whole session, keeps it.

    With a session, the run may have looked only at the files the watcher reported changed
    (:attr:`generator.loader.Memo.changed`), and taken ``docs/`` to hold what it last wrote.
    So, while MkDocs rebuilds, both are compared with what the run left (:func:`_unreported`):
    a change the system's events missed, or a page edited by hand, regenerates again from
    every file."""
    if session is None:
        _regenerate(project, report, tmp, session)
        return
    told = session.loaded.changed is not None  # a save's run, not a first or a full one
    if told:  # settle() collects right after: collections during the run only cost time
        gc.disable()
    try:
        _regenerate(project, report, tmp, session)
    finally:
        gc.enable()
    settle()
    if _unreported(project, session):
        print("files changed unreported: regenerating from every file", file=sys.stderr)
        _regenerate(project, report, tmp, session)
        settle()


def _unreported(project: Project, session: Session) -> bool:
    """Whether the last run, told only what the watcher reported, may have missed a change:
    a name or file state under ``content/``, or a file under ``docs/``, that is not what the
    run left (:func:`generator.loader.stale`, :func:`generator.writer.stale`)."""
    if not session.loaded.trusted:
        return False  # it looked at everything
    return stale(project.root, project.content, session.loaded) or writer.stale(
        project.docs, OWNED, session.written
    )


def _regenerate(
    project: Project, report: Report, tmp: Path | None, session: Session | None
) -> None:
    started = time.perf_counter()
    try:
        with lock.held(project.work, _say):  # a `make site` meanwhile waits, and we for it
            checked, result = pipeline.generate(project, session)
    except ContentError as exc:
        report(exc.problems)
        print("content has errors; the preview keeps the last good pages", file=sys.stderr)
        return
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return
    except OSError as exc:
        print(f"error: {file_error(project.root, exc)}", file=sys.stderr)
        return
    report(checked.warnings)
    if tmp is not None:
        preview.hand_over(tmp, result.written, result.removed)
    if result.changed:
        os.utime(project.config)  # a file event for MkDocs: see the module docstring
    made = f" ({len(session.computed)} pages and outputs made again)" if session else ""
    print(
        f"regenerated in {time.perf_counter() - started:.2f} s: "
        f"{len(result.written)} written, {len(result.removed)} removed{made}",
        file=sys.stderr,
    )


def settle() -> None:
    """Collect the last run's cyclic garbage, then set everything left aside from Python's
    collector until the next call.

    The session keeps a big story's records, pages, cards and what each read: millions of
    objects, and each collection of the oldest generation during the next run walked them
    all. At 10,000 records a saved record took 1.9 s to regenerate, and 1.5 s after this; a
    save that changes nothing, 1.2 s and 0.8 s. It costs about 0.4 s, after MkDocs has been
    told (so beside MkDocs' rebuild, on the other core). Freezing never keeps garbage for
    long: each call unfreezes first, and memory freed by reference counts is freed anyway."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM (an IDE's or a service manager's stop) ends the loop like Ctrl-C does."""
    raise SystemExit(0)


def serve(project: Project, addr: str, report: Report) -> int:
    """Serve until interrupted or terminated; the MkDocs child never outlives us."""
    signal.signal(signal.SIGTERM, _stop)
    if not project.content.is_dir():  # nothing to watch: say so as `check` does, and stop
        raise ContentError(discover(project.root, project.content)[1])
    seen = snapshot(project.content)  # once, to notice edits made while we start up
    session = Session()
    regenerate(project, report, session=session)
    tmp = preview.scratch(project.work)
    command = [
        sys.executable,
        "-P",  # the installed code, never a same-named folder where it runs
        "-m",
        "generator.serve_child",  # `python -m mkdocs`, on the system's file events
        "serve",
        "--livereload",
        "--dirty",
        "--no-strict",  # --dirty logs a warning on every build; `explainer build` stays strict
        "--dev-addr",
        addr,
        "--config-file",
        str(project.config),
    ]
    child = subprocess.Popen(
        command,
        cwd=project.root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)},
        # the child starts before the watcher's thread does: no threads here yet
        preexec_fn=DEATH_HOOK,  # noqa: PLW1509
    )
    try:
        follow(project, report, child, tmp, seen, session=session)
    except KeyboardInterrupt:
        pass
    finally:
        child.terminate()
        child.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _told(pending: frozenset[str] | None, paths: frozenset[str] | None) -> frozenset[str] | None:
    """The paths changed since content was last loaded: ``pending`` and the watcher's new
    ``paths``; None (look at everything) if either is."""
    return None if pending is None or paths is None else pending | paths


class Child(Protocol):
    """What :func:`follow` needs of the MkDocs process: whether it still runs."""

    def poll(self) -> int | None: ...


def follow(
    project: Project,
    report: Report,
    child: Child,
    tmp: Path,
    seen: dict[str, tuple[int, int]],
    *,
    session: Session | None = None,
) -> None:
    """Regenerate after each settled change to ``content/`` while ``child`` runs. ``seen`` is
    the snapshot taken before the first generation; once the watcher listens, one more listing
    catches an edit made in between, and from then on nothing lists the tree."""
    with ContentWatcher(project.content) as watcher:
        if snapshot(project.content) != seen:
            regenerate(project, report, tmp, session)
        pending: frozenset[str] | None = frozenset()
        while child.poll() is None:
            if not watcher.wait(WAKE_SECONDS):
                continue
            if session is None:
                regenerate(project, report, tmp)
                continue
            pending = _told(pending, watcher.take())
            session.loaded.changed, loads = pending, session.loaded.loads
            regenerate(project, report, tmp, session)
            if session.loaded.loads > loads:  # a run that stopped before loading keeps them
                pending = frozenset()

"""Live preview: regenerate ``docs/`` when ``content/`` changes, while MkDocs serves it.

This is the thin adapter between the generator and MkDocs: MkDocs runs as a child process
watching ``docs/`` and ``theme/``; this loop polls ``content/`` (a few dozen ``stat`` calls
every quarter second) and regenerates on change. The writer touches nothing when nothing
changed, so a rebuild never triggers another: there is no loop. Invalid content is reported and
the last good pages stay up.

MkDocs' watcher ignores directory events, and the writer swaps whole folders in by renaming
them, which produces mostly directory events. So after a regeneration that changed pages, the
adapter touches ``mkdocs.yml``'s modification time: a file event MkDocs always rebuilds on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from stat import S_ISREG

from generator import build as pipeline
from generator import lock
from generator.engine import die_with_parent
from generator.errors import BuildError, ContentError, Problem, file_error
from generator.loader import ignored

POLL_SECONDS = 0.25


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


def regenerate(project: pipeline.Project, report: Report) -> None:
    started = time.perf_counter()
    try:
        with lock.held(project.work, _say):  # a `make site` meanwhile waits, and we for it
            checked, result = pipeline.generate(project)
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
    if result.changed:
        os.utime(project.config)  # a file event for MkDocs: see the module docstring
    print(
        f"regenerated in {time.perf_counter() - started:.2f} s: "
        f"{len(result.written)} written, {len(result.removed)} removed",
        file=sys.stderr,
    )


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM (an IDE's or a service manager's stop) ends the loop like Ctrl-C does."""
    raise SystemExit(0)


def serve(project: pipeline.Project, addr: str, report: Report) -> int:
    """Serve until interrupted or terminated; the MkDocs child never outlives us."""
    signal.signal(signal.SIGTERM, _stop)
    regenerate(project, report)
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "--livereload",
        "--dev-addr",
        addr,
        "--config-file",
        str(project.config),
    ]
    child = subprocess.Popen(
        command,
        cwd=project.root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        preexec_fn=die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509 - no threads here
    )
    seen = snapshot(project.content)
    try:
        while child.poll() is None:
            time.sleep(POLL_SECONDS)
            now = snapshot(project.content)
            if now != seen:
                seen = now
                regenerate(project, report)
    except KeyboardInterrupt:
        pass
    finally:
        child.terminate()
        child.wait(timeout=10)
    return 0

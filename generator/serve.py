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
import subprocess
import sys
import time
from pathlib import Path

from generator import build as pipeline
from generator.errors import BuildError, ContentError

POLL_SECONDS = 0.25


def snapshot(content: Path) -> dict[str, tuple[int, int]]:
    """Path → (mtime_ns, size) for every file under ``content``."""
    return {
        str(p): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }


def regenerate(project: pipeline.Project) -> None:
    started = time.perf_counter()
    try:
        _, result = pipeline.generate(project)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("content has errors; the preview keeps the last good pages", file=sys.stderr)
        return
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return
    if result.changed:
        os.utime(project.config)  # a file event for MkDocs: see the module docstring
    print(
        f"regenerated in {time.perf_counter() - started:.2f} s: "
        f"{len(result.written)} written, {len(result.removed)} removed",
        file=sys.stderr,
    )


def serve(project: pipeline.Project, addr: str) -> int:
    regenerate(project)
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--livereload",
            "--dev-addr",
            addr,
            "--config-file",
            str(project.config),
        ],
        cwd=project.root,
    )
    seen = snapshot(project.content)
    try:
        while child.poll() is None:
            time.sleep(POLL_SECONDS)
            now = snapshot(project.content)
            if now != seen:
                seen = now
                regenerate(project)
    except KeyboardInterrupt:
        pass
    finally:
        child.terminate()
        child.wait(timeout=10)
    return 0

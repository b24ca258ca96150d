"""One build at a time per project: a lock on ``.explainer/lock`` held for generate and build.

Two runs at once (a preview regenerating while someone types ``make site``) would share the
staging folders in ``.explainer/`` and could swap half of one run's pages in with the other's.
So every run that writes takes this lock first and holds it until ``docs/`` and ``site/`` are
committed; a second run waits for it, saying once which process it waits for, and gives up with
a :class:`~generator.errors.BuildError` after :data:`WAIT_SECONDS`.

The lock is ``flock`` on a file that is never deleted (deleting it would let a waiter and a
newcomer lock two different files). The kernel releases it when its holder dies, however it
dies, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import BuildError

LOCK = "lock"
WAIT_SECONDS = 3600.0
"""Long enough for a whole build of a large story (50,000 records took 20 minutes on a 2-core
machine, so ten minutes was not); a preview's regenerations take seconds."""
_POLL_SECONDS = 0.1


def _holder(handle: int) -> str:
    """The pid the holder wrote into the lock file, or "unknown" if it has not yet."""
    data = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
    return data if data.isdigit() else "unknown"


@contextmanager
def held(work: Path, on_wait: Callable[[str], None], wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the project's build lock for the ``with`` block; wait up to ``wait`` seconds,
    calling ``on_wait`` once with a line to show if the lock is taken (only the command line
    prints)."""
    work.mkdir(parents=True, exist_ok=True)
    handle = os.open(work / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(handle, wait, on_wait)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _acquire(handle: int, wait: float, on_wait: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise BuildError(
                f"another build is running (pid {_holder(handle)}); waited {wait:.0f} s "
                "for it to finish (stop it, or wait and run again)"
            )
        if not told:
            on_wait(f"waiting: another build is running (pid {_holder(handle)})")
            told = True
        time.sleep(_POLL_SECONDS)

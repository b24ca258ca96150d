"""Sharing independent work among processes, one per core: pages to render, pages to harden.

Both are pure per item (the same bytes whichever process makes them), so a big site is split
and a small one is not: starting a process costs more than a few dozen pages.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from generator.errors import BuildError

T = TypeVar("T")

ITEMS_PER_WORKER = 150
"""Below this many items per process, starting processes costs more than it saves."""


def cores() -> int:
    """The cores this process may run on."""
    found = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return found or 1


def count(items: int) -> int:
    """How many processes ``items`` pieces of work are worth on this machine."""
    return max(1, min(cores(), items // ITEMS_PER_WORKER))


_JOB: Callable[[int], object] | None = None
"""The work of :func:`forked_map`, as the forked workers inherit it (a closure over the
story and the pages cannot be pickled, and need not be: a forked process has it already)."""


def _run(index: int) -> object:
    assert _JOB is not None
    return _JOB(index)


def forked_map(
    work: Callable[[int], T],
    size: int,
    workers: int | None = None,
    setup: Callable[[], None] | None = None,
) -> list[T]:
    """``[work(0), …, work(size - 1)]``, shared among forked processes when that pays (or
    among ``workers``, each running ``setup`` first); in order, and an exception in any item
    is raised here as it would be in one process."""
    workers = count(size) if workers is None else workers
    if workers <= 1:
        return [work(i) for i in range(size)]
    global _JOB  # noqa: PLW0603 - what the forked workers inherit
    _JOB = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=setup) as pool:
            chunk = max(1, size // (workers * 8))
            return list(pool.map(_run, range(size), chunksize=chunk))  # type: ignore[arg-type]
    finally:
        _JOB = None


class Forked(Generic[T]):
    """``work()`` begun in a forked process now, its result collected later (:meth:`result`):
    work that would share the interpreter with what this process does meanwhile if it ran in
    a thread (a build's git history, parsed while the records load). Only from a process with
    no other thread (:func:`alone`); ``setup`` runs first in the child (the build's
    die-with-parent hook). The result and any exception come back pickled."""

    def __init__(self, work: Callable[[], T], setup: Callable[[], None] | None = None) -> None:
        context = multiprocessing.get_context("fork")
        self._reader, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_send, args=(work, sender, setup), daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> T:
        """What ``work()`` returned, or its exception raised here."""
        try:
            done, value = self._reader.recv()
        except EOFError:  # killed from outside (the out-of-memory killer): one line, no trace
            raise BuildError("a process of the build died before it answered; run again") from None
        finally:
            self.stop()
        if done:
            return value  # type: ignore[no-any-return]
        raise value

    def stop(self) -> None:
        """End the process (after a failure here, or once it has answered)."""
        self._reader.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def _send(work: Callable[[], object], sender: Connection, setup: Callable[[], None] | None) -> None:
    if setup is not None:
        setup()
    try:
        answer: tuple[bool, object] = (True, work())
    except BaseException as exc:  # raised again in the parent
        answer = (False, exc)
    sender.send(answer)
    sender.close()


def alone() -> bool:
    """Whether this process has no other thread, so that it may fork (a thread holding a lock
    when the process forks leaves that lock held forever in the copy)."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()

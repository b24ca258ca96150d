"""Sharing independent work among processes, one per core: pages to render, pages to harden.

Both are pure per item (the same bytes whichever process makes them), so a big site is split
and a small one is not: starting a process costs more than a few dozen pages.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

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

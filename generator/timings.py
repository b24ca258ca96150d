"""Stage durations for ``make bench``: with ``EXPLAINER_TIMINGS=<path>`` set, a command writes
how long each stage took as JSON. Off unless asked; nothing in the pipeline reads it back, so
it cannot change what a build produces."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "EXPLAINER_TIMINGS"
_stages: dict[str, float] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the time spent inside the block to ``name`` (a stage may run more than once)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _stages[name] = _stages.get(name, 0.0) + time.perf_counter() - started


def write() -> None:
    """Write the stages timed so far to the file ``EXPLAINER_TIMINGS`` names, if it is set."""
    path = os.environ.get(ENV)
    if path:
        stages = {name: round(seconds, 4) for name, seconds in sorted(_stages.items())}
        Path(path).write_text(json.dumps(stages, indent=2) + "\n", encoding="utf-8")

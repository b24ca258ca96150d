"""How long the real story's share cards take, without and with their cache (not a test: run
``.venv/bin/python -m tests.bench_cards``). One card per record of ``content/`` (30 at most
unless ``--all``): name or title, then role or summary, under the story's name."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

from generator import cards
from generator.writer import Stored
from tests.conftest import ROOT

STORY = "Peace talks explained: US, Russia, Ukraine, early 2026"


def specs() -> list[cards.CardSpec]:
    found = []
    for path in sorted((ROOT / "content").glob("*/*.yml")):
        record = yaml.safe_load(path.read_text("utf-8"))
        title = record.get("name") or record.get("title") or path.stem
        subtitle = record.get("role") or record.get("summary") or record.get("text") or ""
        where = f"assets/cards/{path.parent.name}/{path.stem}.png"
        found.append(cards.CardSpec(where, str(title), str(subtitle), STORY))
    return found


def main() -> None:
    todo = specs() if "--all" in sys.argv else specs()[:30]
    start = time.perf_counter()
    cards.fingerprint()
    setup = time.perf_counter() - start
    start = time.perf_counter()
    out = {path: made for path, made in cards.cards(todo, None).items() if isinstance(made, bytes)}
    assert len(out) == len(todo), "without a cache every card is drawn bytes"
    uncached = time.perf_counter() - start
    cache = Path(tempfile.mkdtemp())
    try:
        start = time.perf_counter()
        cards.cards(todo, cache)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        kept = cards.cards(todo, cache)
        assert {p: m.read() if isinstance(m, Stored) else m for p, m in kept.items()} == out
        warm = time.perf_counter() - start
    finally:
        shutil.rmtree(cache)
    size = sum(map(len, out.values()))
    print(
        f"{len(todo)} cards, {size / 1024:.0f} KiB; font hashes {setup:.2f} s; "
        f"no cache {uncached:.2f} s; empty cache {cold:.2f} s; full cache {warm:.3f} s"
    )


if __name__ == "__main__":
    main()

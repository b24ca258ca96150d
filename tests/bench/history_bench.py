"""Benchmark of the change log: a repository of 1,000 records and 1,000 commits, its history
read cold (nothing cached) and warm (every commit cached), as a build reads it.

Run: ``.venv/bin/python -m tests.bench.history_bench [--commits N] [--records N]``. It prints
the figures; it asserts nothing about time (machines differ), only that the cache changes
nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generator import history
from generator.build import generate
from generator.project import Project
from tests.conftest import STORIES

ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _person(i: int, role: str = "Envoy") -> str:
    return f"name: Person {i}\nrole: {role}\ncountry: GB\n"


def _meeting(i: int, people: list[int], location: str = "Town hall") -> str:
    ids = ", ".join(f"person-{p}" for p in people)
    return (
        f"title: Meeting {i}\ndate: 2026-01-{1 + i % 28:02d}\nlocation: {location}\n"
        f"participants: [{ids}]\nsummary: They met.\nsources: [source-{i % 10}]\n"
    )


def _source(i: int) -> str:
    return f"title: Source {i}\npublisher: Desk\n"


def _initial(records: int) -> dict[str, str]:
    """Half people, four tenths meetings, a tenth sources."""
    people, meetings = records // 2, records * 4 // 10
    files = {f"content/people/person-{i}.yml": _person(i) for i in range(people)}
    files |= {
        f"content/meetings/meeting-{i}.yml": _meeting(i, [i % people, (i + 1) % people])
        for i in range(meetings)
    }
    sources = records - people - meetings
    files |= {f"content/sources/source-{i}.yml": _source(i) for i in range(sources)}
    return files


def _edit(n: int, files: dict[str, str], records: int) -> tuple[dict[str, str], str]:
    """The n-th commit's files and message: value changes of several kinds, comment-only
    commits, and a Change-note on every third."""
    people, meetings = records // 2, records * 4 // 10
    kind = n % 4
    changed: dict[str, str] = {}
    if kind == 0:
        i = n % people
        changed[f"content/people/person-{i}.yml"] = _person(i, f"Envoy {n}")
    elif kind == 1:
        i = n % meetings
        changed[f"content/meetings/meeting-{i}.yml"] = _meeting(
            i, [i % people, (i + 1) % people], f"Hall {n}"
        )
    elif kind == 2:
        i = n % meetings
        changed[f"content/meetings/meeting-{i}.yml"] = _meeting(
            i, [i % people, (i + 1) % people, (i + 7) % people]
        )
    else:
        path = f"content/people/person-{n % people}.yml"
        changed[path] = f"# checked {n}\n" + files[path]
    note = f"\n\nChange-note: Correction number {n}." if n % 3 == 0 else ""
    return changed, f"Commit {n}{note}"


def _stream(commits: int, records: int) -> bytes:
    """A ``git fast-import`` stream: much faster than one ``git commit`` per commit."""
    files = _initial(records)
    out: list[bytes] = []
    for n in range(commits):
        changed, message = (files, "Import") if n == 0 else _edit(n, files, records)
        files = files | changed
        when = 1_767_225_600 + n * 3600
        data = message.encode()
        out.append(
            b"commit refs/heads/main\n"
            + f"committer Editor <e@example.org> {when} +0000\n".encode()
            + f"data {len(data)}\n".encode()
            + data
            + b"\n"
        )
        for path, text in changed.items():
            blob = text.encode()
            out.append(f"M 100644 inline {path}\ndata {len(blob)}\n".encode() + blob + b"\n")
    return b"".join(out)


def make_repository(root: Path, commits: int, records: int) -> Project:
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=ENV, check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=root,
        env=ENV,
        input=_stream(commits, records),
        check=True,
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, env=ENV, check=True)
    shutil.copy2(STORIES / "harbour" / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs").mkdir()
    return Project(root)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(commits: int, records: int, repeats: int = 5) -> dict[str, float]:
    """Build the repository, then time reading its history cold and warm."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        project = make_repository(Path(tmp) / "repo", commits, records)
        made = time.perf_counter() - started
        uncached = history.read(project.root)
        cold = _timed(lambda: history.read(project.root, project.cache))
        warm_runs = [
            _timed(lambda: history.read(project.root, project.cache)) for _ in range(repeats)
        ]
        cached = history.read(project.root, project.cache)
        if cached != uncached:
            raise AssertionError("the cache changed the history")
        generate_first = _timed(lambda: generate(project))
        generate_again = _timed(lambda: generate(project))
        return {
            "record changes": len(uncached.changes),
            "make repository (s)": made,
            "history cold (s)": cold,
            "history warm, median (s)": statistics.median(warm_runs),
            "history warm, max (s)": max(warm_runs),
            "generate, first (writes every page; history cached) (s)": generate_first,
            "generate, again (nothing to write) (s)": generate_again,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    print(f"{args.commits} commits over {args.records} records")
    for name, value in run(args.commits, args.records).items():
        print(f"  {name}: {value:.3f}" if isinstance(value, float) else f"  {name}: {value}")


if __name__ == "__main__":
    main()

"""A build reuses what the last build made (:mod:`generator.unit_cache`), and only that.

``tests/test_incremental.py`` holds the bytes to a clean run's after edits, additions,
deletions and renames (its "runs" cases keep the cache from run to run). These hold the cache
to its purpose (a second build makes nothing again, an edit makes again only what it reaches,
in a new process with another hash seed) and to its safety (another generator, a damaged or
foreign file, an unkeepable unit: a build from nothing, never a wrong page).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from generator import build as pipeline
from generator import incremental, memo, outputs, unit_cache, workers
from generator.incremental import ALL, Session
from generator.link import Story
from tests.conftest import EXPLAINER, ROOT, STORIES, copy_project
from tests.test_incremental import _differences, _tree, edit

MADE = re.compile(r"made (\d+) pages and outputs, reused (\d+) from the cache")


def _generate(root: Path, seed: str) -> tuple[int, int]:
    """``explainer generate`` in a process of its own; what it made and what it reused."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run(
        [*EXPLAINER, "--root", str(root), "generate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = MADE.search(proc.stdout)
    assert found, proc.stdout
    return int(found[1]), int(found[2])


@pytest.fixture
def project(tmp_path: Path) -> pipeline.Project:
    return copy_project(STORIES / "harbour", tmp_path / "kept")


def _clean_docs(project: pipeline.Project, target: Path) -> dict[str, bytes]:
    """What a first generate, with no cache, writes for the same content."""
    fresh = copy_project(project.root, target)
    shutil.rmtree(fresh.cache, ignore_errors=True)
    pipeline.generate(fresh)
    return _tree(fresh.docs)


def test_a_second_build_in_another_process_makes_nothing_again(project, tmp_path):
    made, reused = _generate(project.root, "1")
    assert made > 50
    assert reused == 0
    first = _tree(project.docs)
    shutil.rmtree(project.docs / "people")  # what CI has: a fresh checkout, the cache restored
    made, reused = _generate(project.root, "2")
    assert made == 0
    assert reused > 50
    assert _tree(project.docs) == first


def test_an_edit_makes_again_only_what_it_reaches_and_gives_a_clean_build(project, tmp_path):
    everything, _ = _generate(project.root, "3")
    edit(project.content)
    made, reused = _generate(project.root, "4")
    assert 0 < made < everything / 2
    assert reused > 0
    assert _differences(_tree(project.docs), _clean_docs(project, tmp_path / "clean")) == []


def test_another_generator_reuses_nothing(project, monkeypatch):
    pipeline.generate(project)
    _, result = pipeline.generate(project)
    assert result.made_again == 0
    monkeypatch.setattr(memo, "code_version", lambda packages=(): b"another generator")
    _, result = pipeline.generate(project)
    assert result.made_again
    assert result.reused == 0


def _header(change: Callable[[dict[str, Any]], object]) -> Callable[[bytes], bytes]:
    """A damage to the file's header: ``change`` edits it as JSON; the results stay."""

    def damage(data: bytes) -> bytes:
        start = len(unit_cache.MAGIC)
        end = data.index(b"\n", start) + 1
        size = int(data[start:end])
        header = json.loads(data[end : end + size])
        change(header)
        text = json.dumps(header).encode()
        return unit_cache.MAGIC + b"%d\n" % len(text) + text + data[end + size :]

    return damage


def _first(header: dict[str, Any], field_: int, value: object) -> None:
    header["units"][0][field_] = value


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # cut short in the results
        lambda data: data[:40],  # cut short in the header
        lambda data: b"not the file\n" + data,
        lambda data: data.replace(b"\n", b"\n7", 2).replace(b"\n7", b"\n", 1),  # size
        _header(lambda h: _first(h, 3, "pickle")),  # a kind it does not know
        _header(lambda h: _first(h, 2, [10**8])),  # a read that is not listed
        _header(lambda h: _first(h, 4, 10**9)),  # a result past the end
        _header(lambda h: h["reads"][0].append(1)),  # a read of four parts
        _header(lambda h: _first(h, 0, {"a": 1})),  # an ident that is not one
    ],
    ids=["empty", "short", "header", "foreign", "size", "kind", "read", "past", "parts", "ident"],
)
def test_a_damaged_file_means_a_build_from_nothing(project, tmp_path, damage):
    pipeline.generate(project)
    kept = project.cache / unit_cache.FILE
    data = kept.read_bytes()
    assert damage(data) != data
    kept.write_bytes(damage(data))
    edit(project.content)
    _, result = pipeline.generate(project)
    assert result.reused == 0
    assert _differences(_tree(project.docs), _clean_docs(project, tmp_path / "clean")) == []


def test_a_forged_result_is_only_used_under_the_key_it_was_kept_with(project):
    """The key is a fingerprint of code, packages and surroundings; a file under another key
    (another checkout's, a hand-made one) is never read past its header."""
    pipeline.generate(project)
    kept = project.cache / unit_cache.FILE
    data = kept.read_bytes()
    forged = re.sub(rb'"key": "[0-9a-f]+:', b'"key": "0000:', data, count=1)
    assert forged != data
    kept.write_bytes(forged)
    _, result = pipeline.generate(project)
    assert result.reused == 0


@dataclass
class _Record:
    id: str
    tags: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def test_fingerprints_are_equal_exactly_when_values_are():
    name = "".join(["Ines", " Alm"])  # another object with the same value
    shared = _Record("a", ("x", "y"))
    assert incremental.digest([shared, shared]) == incremental.digest(
        [_Record("a", ("x", "y")), _Record("a", ("x", "y"))]
    )
    assert incremental.digest({"n": "Ines Alm"}) == incremental.digest({"n": name})
    assert incremental.digest(_Record("a")) != incremental.digest(_Record("b"))
    assert incremental.digest(1) != incremental.digest(True)
    assert incremental.digest("1") != incremental.digest(1)
    assert incremental.digest(incremental.MISSING) != incremental.digest(None)
    unpicklable = _Record("a", extra={"f": lambda: 1})
    assert incremental.digest(unpicklable) != incremental.digest(unpicklable)


def test_kept_results_and_reads_come_back_as_they_were(tmp_path):
    session = Session(build=True)
    view = session.begin(_story(), ())
    results: dict[Hashable, object] = {
        ("page", "a.md"): b"# A\n",
        ("subtitle", "a.md"): "Mayor · 2026",
        ("output", "data"): {"data/a.csv": b"id\na\n", "data/b.json": b"{}"},
        ("n", 3, ("x", 4)): b"",
    }
    for ident, result in results.items():
        session.unit(ident, _last(ident), partial(_read_all, view, result))
    session.unit(("object",), None, lambda: _read_all(view, object()))  # not kept
    session.end()
    unit_cache.keep(session, tmp_path, "k")
    again = Session(build=True)
    unit_cache.restore(again, tmp_path, "k")
    assert again.kept is not None
    assert set(again.kept.units) == set(results)
    for ident, (_, ids, result) in again.kept.units.items():
        assert result == results[ident]
        assert type(result) is type(results[ident])
        keys = {again.kept.reads[i][0] for i in ids}
        assert keys == {("people", "a"), ("people", ALL), ("timeline", ALL)}
    view = again.begin(_story(), ())
    for ident, result in results.items():
        assert again.unit(ident, _last(ident), _never) == result
    assert again.reused == len(results)
    assert not again.computed
    other = Session(build=True)
    unit_cache.restore(other, tmp_path, "another key")
    assert other.kept is None


def test_a_unit_reads_what_it_read_whether_made_in_a_worker_or_here(tmp_path, monkeypatch):
    """Pages made in forked workers send back what they read; the reads must be those the
    page makes in this process, or an edit would leave it stale."""
    project = copy_project(STORIES / "harbour", tmp_path / "forked")
    checked = pipeline.check(project)
    reads: dict[bool, dict[object, frozenset[object]]] = defaultdict(dict)
    for forked in (False, True):
        monkeypatch.setattr(workers, "count", lambda items, forked=forked: 2 if forked else 1)
        session = Session(build=True)
        inputs = outputs.Inputs(story=checked.story, site=checked.site)
        pipeline._produce(inputs, session)
        reads[forked] = {
            ident: unit.reads
            for ident, unit in session._units.items()  # what each page read
            if _first_of(ident) == "page"
        }
    assert len(reads[True]) > 20
    assert reads[True] == reads[False]


def _story() -> Story:
    story = Story()
    story.people["a"] = _Record("a")  # type: ignore[assignment]
    return story


def _read_all(view: Story, result: object) -> object:
    _ = view.people["a"], list(view.people), len(view.timeline)
    return result


def _last(ident: Hashable) -> object:
    assert isinstance(ident, tuple)
    return ident[-1]


def _first_of(ident: Hashable) -> object:
    assert isinstance(ident, tuple)
    return ident[0]


def _never() -> object:
    raise AssertionError("made again")

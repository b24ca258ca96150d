"""A build reuses what the last build made (:mod:`generator.unit_cache`), and only that.

``tests/test_incremental.py`` holds the bytes to a clean run's after edits, additions,
deletions and renames (its "runs" cases keep the cache from run to run). These hold the cache
to its purpose (a second build makes nothing again, an edit makes again only what it reaches,
in a new process with another hash seed) and to its safety (another generator, a damaged or
foreign file, an unkeepable unit: a build from nothing, never a wrong page).
"""

from __future__ import annotations

import hashlib
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
from generator.project import Project
from generator.writer import Stored
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
def project(tmp_path: Path) -> Project:
    return copy_project(STORIES / "harbour", tmp_path / "kept")


def _clean_docs(project: Project, target: Path) -> dict[str, bytes]:
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
    """A damage to ``units.json``: ``change`` edits it as JSON."""

    def damage(data: bytes) -> bytes:
        header = json.loads(data)
        change(header)
        return json.dumps(header).encode()

    return damage


def _first(header: dict[str, Any], *changes: Any) -> None:
    """Set fields of the first unit kept: ``index, value, index, value…``."""
    for at, value in zip(changes[::2], changes[1::2], strict=True):
        header["units"][0][at] = value


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"not the file\n" + data,
        _header(lambda h: h.update(version=1)),  # another format
        _header(lambda h: _first(h, 3, "pickle")),  # a kind it does not know
        _header(lambda h: _first(h, 2, [10**8])),  # a read that is not listed
        _header(lambda h: h["reads"][0].append(1)),  # a read of four parts
        _header(lambda h: _first(h, 0, {"a": 1})),  # an ident that is not one
        _header(lambda h: _first(h, 3, "file", 4, "../../content/a.yml")),  # not a hash
        _header(lambda h: _first(h, 3, "str", 4, ["a list"])),  # not a text
        _header(lambda h: _first(h, 3, "bytes", 4, "not base64!")),
        _header(lambda h: _first(h, 3, "texts", 4, ["a", 1])),
    ],
    ids=[
        *("empty", "short", "foreign", "version", "kind", "read", "parts", "ident"),
        *("path", "text", "base64", "texts"),
    ],
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


def _kept_page(project: Project, src: str) -> Path:
    """The kept file of a page, which ``docs/`` links to."""
    page = project.docs / src
    (found,) = (
        f
        for f in (project.cache / unit_cache.FOLDER).iterdir()
        if f.samefile(page) and f.name == hashlib.sha256(page.read_bytes()).hexdigest()
    )
    return found


@pytest.mark.parametrize("how", ["edited", "removed"])
def test_a_kept_page_edited_or_lost_is_made_again(project, tmp_path, how):
    """``docs/`` links to the kept pages: a page edited in ``docs/`` by hand edits its kept
    file too. It no longer hashes to its name, so it is made again, never published."""
    pipeline.generate(project)
    kept = _kept_page(project, "people/tom-berg.md")
    if how == "edited":
        with (project.docs / "people/tom-berg.md").open("a", encoding="utf-8") as page:
            page.write("A line added by hand.\n")
    else:
        kept.unlink()
    _, result = pipeline.generate(project)
    assert result.made_again == 1
    assert _differences(_tree(project.docs), _clean_docs(project, tmp_path / "clean")) == []


def test_pages_are_linked_from_the_cache_and_earlier_texts_are_swept(project):
    """A second build on a fresh checkout makes no new file for a page: each is a link to its
    kept file. An edit replaces the kept files of the pages it reaches."""
    pipeline.generate(project)
    shutil.rmtree(project.docs / "people")
    pipeline.generate(project)
    kept = project.cache / unit_cache.FOLDER
    page = project.docs / "people/tom-berg.md"
    assert page.stat().st_nlink == 2
    assert _kept_page(project, "people/tom-berg.md").samefile(page)
    before = {f.name for f in kept.iterdir()}
    edit(project.content)
    _, result = pipeline.generate(project)
    after = {f.name for f in kept.iterdir()}
    assert result.made_again
    assert before - after, "the old text of an edited page is gone"
    assert after - before, "and its new text is kept"
    named = json.loads((project.cache / unit_cache.FILE).read_bytes())
    files = {v for u in named["units"] if u[3] == "file" for v in [u[4]]}
    files |= {sha for u in named["units"] if u[3] == "files" for _, sha in u[4]}
    assert after == files


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
        assert _content(result) == results[ident]
        keys = {again.kept.reads[i][0] for i in ids}
        assert keys == {("people", "a"), ("people", ALL), ("timeline", ALL)}
    view = again.begin(_story(), ())
    for ident, result in results.items():
        assert _content(again.unit(ident, _last(ident), _never)) == result
    assert again.reused == len(results)
    assert not again.computed
    other = Session(build=True)
    unit_cache.restore(other, tmp_path, "another key")
    assert other.kept is None


def test_units_inside_another_come_back_as_their_code_uses_them(tmp_path):
    """An outer unit made again (its own input changed) reuses the units inside it: a changes
    feed's lines (a pair of texts) and a calendar's events (bytes) come back as such, never as
    files, since the outer unit's code joins them."""
    line = ("<li>a</li>", "https://x/a")

    def outer(session: Session, view: Story) -> bytes:
        pair = session.unit(("change", "a"), None, partial(_read_all, view, line))
        event = session.unit(("vevent", "a"), None, partial(_read_all, view, b"EV"))
        assert isinstance(pair, tuple)
        assert isinstance(event, bytes)
        return " ".join(pair).encode() + event

    session = Session(build=True)
    view = session.begin(_story(), ())
    session.unit(("feed",), "v1", partial(outer, session, view))
    session.end()
    unit_cache.keep(session, tmp_path, "k")
    again = Session(build=True)
    unit_cache.restore(again, tmp_path, "k")
    view = again.begin(_story(), ())
    made = again.unit(("feed",), "v2", partial(outer, again, view))
    assert made == b"<li>a</li> https://x/a" + b"EV"
    assert again.computed == {("feed",)}, "the lines inside it were reused"


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


def _content(result: object) -> object:
    """A kept result as it was made: a kept file's bytes, for each file."""
    if isinstance(result, Stored):
        return result.read()
    if isinstance(result, dict):
        return {path: _content(data) for path, data in result.items()}
    return result


def _last(ident: Hashable) -> object:
    assert isinstance(ident, tuple)
    return ident[-1]


def _first_of(ident: Hashable) -> object:
    assert isinstance(ident, tuple)
    return ident[0]


def _never() -> object:
    raise AssertionError("made again")

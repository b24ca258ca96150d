"""An incremental result is byte-identical to a clean one.

The preview regenerates ``docs/`` in place after every save, reusing what the last run left
(unchanged files, the manifest, the history cache in ``.explainer/``). After a run of edits,
additions, deletions and renames, committed or not, and an invalid save in between, ``docs/``
must hold exactly the bytes a first run in a fresh folder writes for the same content and the
same git history: every file, of any type, whatever the registry of outputs produces.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import build as pipeline
from generator import loader, serve, writer
from generator.errors import ContentError
from generator.incremental import Session
from generator.outputs import OWNED
from generator.project import Project
from generator.watch import ContentWatcher
from tests.conftest import EXPLAINER, ROOT, STORIES, copy_project
from tests.test_history import git

Step = Callable[[Path], None]


def _commit(root: Path, message: str, day: int) -> None:
    when = f"2026-02-{day:02d}T09:00:00Z"
    git(root, "add", "-A", when=when)
    git(root, "commit", "-q", "-m", message, when=when)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit(content: Path) -> None:
    _replace(content / "people/tom-berg.yml", "Harbour master", "Port captain")


def add(content: Path) -> None:
    text = (content / "people/tom-berg.yml").read_text(encoding="utf-8")
    (content / "people/ines-alm.yml").write_text(text.replace("Tom Berg", "Ines Alm"))
    _replace(content / "meetings/site-visit.yml", "[tom-berg,", "[ines-alm, tom-berg,")


def delete(content: Path) -> None:
    (content / "quotes/mayor-bridge.yml").unlink()


def rename(content: Path) -> None:
    """A person's id changes: the file is renamed and the records that name it follow."""
    (content / "people/lena-fischer.yml").rename(content / "people/lena-fischer-alm.yml")
    _replace(content / "meetings/site-visit.yml", "lena-fischer]", "lena-fischer-alm]")


def undo_addition(content: Path) -> None:
    (content / "people/ines-alm.yml").unlink()
    _replace(content / "meetings/site-visit.yml", "[ines-alm, tom-berg,", "[tom-berg,")


def edit_standfirst(content: Path) -> None:
    path = content / "standfirst.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA line added in the preview.\n")


STEPS: list[tuple[Step, bool]] = [
    (edit, True),
    (add, True),
    (delete, False),  # not committed: the history ends at HEAD, the pages follow the files
    (rename, True),
    (edit_standfirst, False),
    (undo_addition, True),
]
"""Each step, and whether it is committed before the next generation."""


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _fresh(project: Project, target: Path) -> Project:
    """The same content, hand-written files and git history in a new folder: no docs/ output,
    no manifest, no cache."""
    shutil.rmtree(target, ignore_errors=True)
    fresh = copy_project(project.root, target)
    shutil.copytree(project.root / ".git", target / ".git")
    return fresh


def _differences(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    return sorted(
        [f"only incremental: {p}" for p in got.keys() - want.keys()]
        + [f"only clean: {p}" for p in want.keys() - got.keys()]
        + [f"differs: {p}" for p in got.keys() & want.keys() if got[p] != want[p]]
    )


@pytest.fixture(params=["runs", "session"])
def session(request: pytest.FixtureRequest) -> Session | None:
    """Separate runs (``explainer generate``), or one preview's session, which re-renders only
    what an edit reaches (:mod:`generator.incremental`)."""
    return Session() if request.param == "session" else None


@pytest.fixture
def project(tmp_path: Path, session: Session | None) -> Project:
    """The harbour story in its own git repository, generated once."""
    project = copy_project(STORIES / "harbour", tmp_path / "incremental")
    git(project.root, "init", "-q", "-b", "main")
    _commit(project.root, "The harbour story", 1)
    pipeline.generate(project, session)
    return project


def test_generate_after_each_change_writes_what_a_clean_generate_writes(project, session, tmp_path):
    for day, (step, committed) in enumerate(STEPS, start=2):
        step(project.content)
        if committed:
            _commit(project.root, step.__name__, day)
        pipeline.generate(project, session)
        fresh = _fresh(project, tmp_path / "clean")
        pipeline.generate(fresh)
        assert _differences(_tree(project.docs), _tree(fresh.docs)) == [], step.__name__


def test_a_session_told_what_changed_looks_at_nothing_else_and_writes_the_same(
    tmp_path, monkeypatch
):
    """The preview tells its session which files the system reported changed, and the loader
    lists and examines no others (:attr:`generator.loader.Memo.changed`). Fed by the real
    watcher, through every step, the bytes are a clean run's, and the audit finds nothing."""
    session = Session()
    project = copy_project(STORIES / "harbour", tmp_path / "told")
    git(project.root, "init", "-q", "-b", "main")
    _commit(project.root, "The harbour story", 1)
    pipeline.generate(project, session)
    examined: list[Path] = []
    listed: list[Path] = []
    real_state, real_listing, real_existing = loader._state, loader.listing, writer._existing

    def state(path: Path, collection: str) -> object:
        examined.append(path)
        return real_state(path, collection)

    def listing(root: Path, content: Path) -> loader.Listing:
        listed.append(content)
        return real_listing(root, content)

    def existing(docs: Path, *args: Any) -> dict[str, str]:  # the writer trusts its memo
        listed.append(docs)
        return real_existing(docs, *args)

    monkeypatch.setattr(loader, "_state", state)
    monkeypatch.setattr(loader, "listing", listing)
    monkeypatch.setattr(writer, "_existing", existing)
    records = sum(1 for _ in project.content.rglob("*.yml"))
    with ContentWatcher(project.content) as watcher:
        for day, (step, committed) in enumerate(STEPS, start=2):
            step(project.content)
            if committed:
                _commit(project.root, step.__name__, day)
            assert watcher.wait(10), step.__name__
            told = watcher.take()
            assert told, step.__name__
            session.loaded.changed, examined[:], listed[:] = told, [], []
            pipeline.generate(project, session)
            assert listed == [], step.__name__
            assert len(examined) <= len(told) < records / 2, step.__name__
            fresh = _fresh(project, tmp_path / "clean")
            pipeline.generate(fresh)
            assert _differences(_tree(project.docs), _tree(fresh.docs)) == [], step.__name__
            assert not loader.stale(project.root, project.content, session.loaded)
            assert not writer.stale(project.docs, OWNED, session.written)


def test_a_change_the_events_missed_is_found_and_regenerated(project, tmp_path, capsys):
    """Told that nothing changed after an edit (an event lost), the preview's run reuses the
    old record; the audit after it (:func:`generator.loader.stale`) sees the file's new state
    and regenerates from every file, so the pages end as a clean run's."""
    session = Session()
    serve.regenerate(project, print, None, session)
    edit(project.content)
    session.loaded.changed = frozenset()
    pipeline.generate(project, session)
    assert "Port captain" not in (project.docs / "people/tom-berg.md").read_text()
    assert loader.stale(project.root, project.content, session.loaded)
    session.loaded.changed = frozenset()
    serve.regenerate(project, print, None, session)
    assert "regenerating from every file" in capsys.readouterr().err
    assert not loader.stale(project.root, project.content, session.loaded)
    fresh = _fresh(project, tmp_path / "clean")
    pipeline.generate(fresh)
    assert _differences(_tree(project.docs), _tree(fresh.docs)) == []


def test_a_page_edited_by_hand_during_the_preview_is_put_back(project, tmp_path, capsys):
    """A run told what changed takes ``docs/`` to hold what it last wrote; the audit after it
    (:func:`generator.writer.stale`) finds a generated page edited, or a file added, behind
    its back, and the run made again without trust puts the page back."""
    session = Session()
    serve.regenerate(project, print, None, session)
    page = project.docs / "people/tom-berg.md"
    page.write_text(page.read_text() + "\nEdited by hand.\n")
    assert writer.stale(project.docs, OWNED, session.written)
    edit(project.content)
    session.loaded.changed = frozenset({"people/tom-berg.yml"})
    serve.regenerate(project, print, None, session)
    assert "regenerating from every file" not in capsys.readouterr().err  # it was rewritten
    page = project.docs / "topics/bridge.md"  # a page the next edit does not reach
    page.write_text(page.read_text() + "\nEdited by hand.\n")
    _replace(project.content / "people/tom-berg.yml", "Port captain", "Harbour pilot")
    session.loaded.changed = frozenset({"people/tom-berg.yml"})
    serve.regenerate(project, print, None, session)
    assert "regenerating from every file" in capsys.readouterr().err
    assert not writer.stale(project.docs, OWNED, session.written)
    fresh = _fresh(project, tmp_path / "clean")
    pipeline.generate(fresh)
    assert _differences(_tree(project.docs), _tree(fresh.docs)) == []


def test_an_invalid_save_between_changes_leaves_no_trace(project, session, tmp_path):
    """The preview keeps the last good pages; the next good save lands as if it never was."""
    record = project.content / "people/tom-berg.yml"
    good = record.read_bytes()
    before = _tree(project.docs)
    record.write_text("name: [broken\n")
    with pytest.raises(ContentError):
        pipeline.generate(project, session)
    assert _tree(project.docs) == before
    record.write_bytes(good)
    edit(project.content)
    pipeline.generate(project, session)
    fresh = _fresh(project, tmp_path / "clean")
    pipeline.generate(fresh)
    assert _differences(_tree(project.docs), _tree(fresh.docs)) == []


def test_a_session_makes_again_only_what_an_edit_reaches(tmp_path):
    """The identity tests above would pass with a session that re-renders everything: this
    one holds it to its purpose. One person's role reaches their page and card, the pages that
    show their role, and the outputs that list people, not the whole site."""
    session = Session()
    project = copy_project(STORIES / "harbour", tmp_path / "reach")
    pipeline.generate(project, session)
    everything = set(session.computed)
    pipeline.generate(project, session)
    assert session.computed == set()
    assert session.reused == len(everything)
    edit(project.content)
    pipeline.generate(project, session)
    assert ("page", "people/tom-berg.md") in session.computed
    assert ("subtitle", "people/tom-berg.md") in session.computed
    assert ("page", "people/lena-fischer.md") not in session.computed
    assert ("page", "topics/bridge.md") not in session.computed
    assert len(session.computed) < len(everything) / 2


@pytest.mark.site
def test_build_after_changes_gives_the_site_a_clean_build_gives(project, tmp_path):
    """``explainer build`` always starts from an empty site folder; this holds it to that,
    search indexes included (Material's ``search/search_index.json`` and ``pagefind/``)."""

    def build(root: Path) -> None:
        subprocess.run([*EXPLAINER, "--root", str(root), "build"], cwd=ROOT, check=True)

    build(project.root)
    for day, (step, committed) in enumerate(STEPS[:4], start=2):
        step(project.content)
        if committed:
            _commit(project.root, step.__name__, day)
    build(project.root)
    fresh = _fresh(project, tmp_path / "clean")
    build(fresh.root)
    got, want = _tree(project.site), _tree(fresh.site)
    assert "search/search_index.json" in want
    assert any(p.startswith("pagefind/") for p in want)
    assert _differences(got, want) == []

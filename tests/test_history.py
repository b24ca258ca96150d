"""Change history from git: the "last changed" line on record pages and the "What changed"
page, read with one ``git log`` per build, reproducible, and quiet outside a checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator import history
from generator.build import Project, generate
from tests.conftest import MINIMAL, ROOT, copy_project, run_explainer, tree, write_files

BOB = "name: Bob Example\nrole: Envoy\ncountry: US\n"
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) {: onclick=x } *y* `z`"


def git(root: Path, *args: str, when: str = "2026-01-01T12:00:00Z") -> str:
    """Run git with a fixed identity and date and no user configuration."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


def commit(root: Path, message: str, when: str) -> None:
    git(root, "add", "-A", when=when)
    git(root, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    """A project in its own git repository with three commits on three days, and one record
    written since the last commit."""
    root = tmp_path / "repo"
    write_files(root / "content", dict(MINIMAL))
    (root / "docs").mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, "Add Ada and the notes", "2026-01-01T09:00:00Z")
    write_files(
        root / "content",
        {"people/ada-lovelace.yml": MINIMAL["people/ada-lovelace.yml"] + "aliases: [Ada]\n"},
    )
    commit(root, "Ada's alias", "2026-01-05T23:30:00Z")
    write_files(root / "content", {"people/bob-example.yml": BOB})
    commit(root, HOSTILE, "2026-01-10T08:00:00+05:00")
    write_files(root / "content", {"people/carl-draft.yml": BOB.replace("Bob", "Carl")})
    return Project(root)


def page(project: Project, rel: str) -> str:
    return (project.docs / rel).read_text("utf-8")


# -- reading git -----------------------------------------------------------------------------


def test_parse_log() -> None:
    output = (
        "\x1ec3\x1f300\x1fc2\x1fRemove bob\0\nD\0content/people/bob.yml\0"
        "\x1ec2\x1f200\x1fc1\x1fSource text\0\nM\0content/sources/notes.txt\0"
        "M\0content/sources/notes.yml\0M\0docs/about.md\0A\0content/people/Bad_Name.yml\0"
        "A\0content/stray/x.yml\0"
        "\x1ec1\x1f100\x1f\x1fFirst\0\nA\0content/people/ada.yml\0"
    )
    changes = history.parse_log(output)
    assert [(c.commit, c.status, c.collection, c.record_id) for c in changes] == [
        ("c3", "removed", "people", "bob"),
        ("c2", "changed", "sources", "notes"),
        ("c1", "added", "people", "ada"),
    ]
    assert changes[0].subject == "Remove bob"
    shallow = history.parse_log(output, shallow=True)
    assert [c.commit for c in shallow] == ["c3", "c2"], "a parentless commit is the cut-off"


def test_read_finds_the_last_change_of_each_record(repo: Project) -> None:
    found = history.read(repo.root)
    assert found.available
    ada = found.last_changed("people", "ada-lovelace")
    assert ada is not None
    assert (ada.subject, ada.status, str(ada.date)) == ("Ada's alias", "changed", "2026-01-05")
    bob = found.last_changed("people", "bob-example")
    assert bob is not None
    assert str(bob.date) == "2026-01-10"  # 08:00 at +05:00 is 03:00 UTC, same day
    assert found.last_changed("people", "carl-draft") is None  # not committed yet
    assert [c.subject for c in found.changes][:2] == [HOSTILE, "Ada's alias"]


def test_outside_git_history_is_empty(tmp_path: Path) -> None:
    assert history.read(tmp_path) == history.History()


def test_git_is_read_once_per_build(repo: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(repo.content, {f"people/p{i}.yml": BOB for i in range(25)})
    commit(repo.root, "Many people", "2026-01-11T00:00:00Z")
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: Any) -> Any:
        calls.append(list(args))
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    generate(repo)
    assert [a[:2] for a in calls] == [["git", "rev-parse"], ["git", "-c"]]
    assert sum("log" in a for a in calls) == 1


# -- the pages -------------------------------------------------------------------------------


def test_record_pages_say_when_they_last_changed(repo: Project) -> None:
    generate(repo)
    assert page(repo, "people/ada-lovelace.md").endswith(
        'Last changed on <time datetime="2026-01-05">5 January 2026</time> '
        "([what changed](../changes/index.md)).\n"
    )
    assert "Last changed" not in page(repo, "people/carl-draft.md")


def test_what_changed_lists_changes_newest_first_with_links(repo: Project) -> None:
    generate(repo)
    text = page(repo, "changes/index.md")
    days = [line for line in text.splitlines() if line.startswith("## ")]
    assert days == ["## 10 January 2026", "## 5 January 2026", "## 1 January 2026"]
    assert "    - Added person: [Bob Example](../people/bob-example.md)\n" in text
    assert "    - Changed person: [Ada Lovelace](../people/ada-lovelace.md)\n" in text
    assert "    - Added source: [Notes](../sources/notes.md)\n" in text
    assert "carl" not in text


def test_commit_messages_are_text(repo: Project) -> None:
    generate(repo)
    text = page(repo, "changes/index.md")
    for raw in ("<script>", "](javascript", "{:", "*y*", "`z`"):
        assert raw not in text
    assert "&#60;script&#62;alert&#40;1&#41;" in text


def test_removed_records_are_named_without_a_link(repo: Project) -> None:
    (repo.content / "people/bob-example.yml").unlink()
    commit(repo.root, "Remove Bob", "2026-01-12T00:00:00Z")
    generate(repo)
    text = page(repo, "changes/index.md")
    assert "- Removed person: people&#47;bob&#45;example (no longer published)" in text
    assert "bob-example.md" not in text


def test_outside_git_pages_say_nothing_about_changes(content: Any) -> None:
    project = content(dict(MINIMAL))
    generate(project)
    assert "Last changed" not in page(project, "people/ada-lovelace.md")
    assert "No change history is available for this build" in page(project, "changes/index.md")


def test_a_shallow_clone_does_not_invent_dates(repo: Project, tmp_path: Path) -> None:
    commit(repo.root, "Carl", "2026-01-12T00:00:00Z")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.root}", str(shallow))
    (shallow / "docs").mkdir()
    project = Project(shallow)
    found = history.read(shallow)
    assert [c.record_id for c in found.changes] == ["carl-draft"]
    generate(project)
    assert "Last changed on" in page(project, "people/carl-draft.md")
    assert "Last changed" not in page(project, "people/ada-lovelace.md")


# -- reproducibility -------------------------------------------------------------------------


def _explainer(root: Path, *args: str, tz: str) -> None:
    env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": str(len(tz))}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = run_explainer(Project(root), *args, env=env)
    assert proc.returncode == 0, proc.stderr


def _clone_of_real_project(tmp_path: Path, name: str) -> Path:
    """The real explainer committed in a fresh repository, then cloned to ``name``."""
    origin = tmp_path / "origin"
    if not origin.exists():
        copy_project(ROOT, origin)
        git(origin, "init", "-q", "-b", "main")
        commit(origin, "The story", "2026-02-01T10:00:00Z")
        write_files(origin / "content", {"people/bob-example.yml": BOB})
        commit(origin, "Bob", "2026-02-03T10:00:00Z")
    clone = tmp_path / name
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    return clone


def test_same_commit_same_docs(tmp_path: Path) -> None:
    one = _clone_of_real_project(tmp_path, "one")
    two = _clone_of_real_project(tmp_path, "elsewhere/two")
    _explainer(one, "generate", tz="UTC")
    _explainer(two, "generate", tz="Pacific/Kiritimati")
    assert tree(one / "docs") == tree(two / "docs")
    assert "Last changed on" in (one / "docs/people/bob-example.md").read_text("utf-8")


@pytest.mark.site
def test_same_commit_same_site(tmp_path: Path) -> None:
    one = _clone_of_real_project(tmp_path, "one")
    two = _clone_of_real_project(tmp_path, "elsewhere/two")
    _explainer(one, "build", tz="UTC")
    _explainer(two, "build", tz="America/Los_Angeles")
    assert tree(one / "site") == tree(two / "site")
    html = (one / "site/changes/index.html").read_text("utf-8")
    assert 'href="../people/bob-example/"' in html
    shutil.rmtree(one / "site")

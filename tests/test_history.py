"""Change history from git: the "last changed" line on record pages and the "What changed"
page, read with one ``git log`` per build, reproducible, and quiet outside a checkout."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from generator import changes, escape, history, history_cache
from generator.build import check, generate
from generator.errors import BuildError
from generator.project import Project
from generator.render import country_name, render
from tests.conftest import (
    MINIMAL,
    ROOT,
    SITE_YML,
    STORIES,
    copy_project,
    run_explainer,
    tree,
    write_files,
)

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
    """Commit everything at ``when`` (a day alone means midnight UTC)."""
    when = f"{when}T00:00:00Z" if len(when) == 10 else when
    git(root, "add", "-A", when=when)
    git(root, "commit", "-q", "--allow-empty", "-m", message, when=when)


MEETING = """\
title: Talks
date: 2026-01
location: Warsaw
participants: [ada-lovelace]
summary: They talked.
sources: [notes]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Project:
    """A project in its own git repository with three commits on three days, and one record
    written since the last commit."""
    root = tmp_path / "repo"
    write_files(root / "content", dict(MINIMAL))
    write_files(root, {"mkdocs.yml": SITE_YML})
    (root / "docs").mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, "Add Ada and the notes", "2026-01-01T09:00:00Z")
    write_files(
        root / "content",
        {"people/ada-lovelace.yml": MINIMAL["people/ada-lovelace.yml"] + "aliases: [Ada]\n"},
    )
    commit(root, "Ada's alias\n\nChange-note: Ada is also known as Ada.", "2026-01-05T23:30:00Z")
    write_files(root / "content", {"people/bob-example.yml": BOB})
    commit(root, f"Bob\n\nChange-note: {HOSTILE}", "2026-01-10T08:00:00+05:00")
    write_files(root / "content", {"people/carl-draft.yml": BOB.replace("Bob", "Carl")})
    return Project(root)


def page(project: Project, rel: str) -> str:
    return (project.docs / rel).read_text("utf-8")


def edit(project: Project, rel: str, text: str, message: str, when: str) -> None:
    """Commit ``text`` as ``content/rel`` (or delete it when text is empty)."""
    path = project.content / rel
    if text:
        write_files(project.content, {rel: text})
    else:
        path.unlink()
    when = f"{when}T00:00:00Z" if len(when) == 10 else when
    git(project.root, "add", "-A", "--", path.as_posix(), when=when)
    git(project.root, "commit", "-q", "-m", message, when=when)


def changes_of(project: Project) -> list[tuple[str, str, str, list[str]]]:
    """(status, record id, note, field lines) of every change, newest first."""
    found = history.read(project.root)
    story = check(project).story
    return [
        (c.status, c.record_id, c.note, changes.field_lines(story, c, country_name))
        for c in found.changes
    ]


# -- reading git -----------------------------------------------------------------------------

A, B, C = "a" * 40, "b" * 40, "c" * 40
Z = "0" * 40


def test_parse_log_reads_by_position() -> None:
    """Fields are read by position, so a note that looks like a file line stays a note."""
    output = "\0".join(
        [
            *(C, "300", B, f"\n:100644 100644 {A} {B} M\n"),
            *(f"\n:100644 000000 {A} {Z} D", "content/people/bob.yml"),
            *(B, "200", A, "note one\x1f  note\ttwo \u202e\x1b[31m"),
            *(f"\n:100644 100644 {A} {B} M", "content/sources/notes.txt"),
            *(f":100644 100644 {A} {B} M", "docs/about.md"),
            *(f":100644 120000 {A} {B} T", "content/people/link.yml"),
            *(f":000000 120000 {Z} {B} A", "content/people/link2.yml"),
            *(f":000000 100644 {Z} {B} A", "content/people/index.yml"),
            *(f":000000 100644 {Z} {B} A", "content/people/x.txt"),
            *(A, "100", "", ""),
            *(f"\n:000000 100644 {Z} {A} A", "content/people/ada.yml"),
        ]
    )
    commits = history.parse_log(output)
    assert [(c.sha, c.time, c.parents, c.note) for c in commits] == [
        (C, 300, (B,), f":100644 100644 {A} {B} M"),
        (B, 200, (A,), "note one note two [31m"),
        (A, 100, (), ""),
    ]
    assert [[(t.path, t.old, t.new, t.is_text) for t in c.touches] for c in commits] == [
        [("content/people/bob.yml", A, "", False)],
        [
            ("content/sources/notes.txt", A, B, True),
            ("content/people/link.yml", A, "", False),  # a symlink is not a record
        ],
        [("content/people/ada.yml", "", A, False)],
    ]


def test_parse_log_refuses_what_it_cannot_read() -> None:
    with pytest.raises(BuildError, match="unexpected output from git log"):
        history.parse_log(f"{A}\0100\0\0\0\n:x\0content/people/a.yml\0garbage\0")


def test_read_finds_the_last_change_of_each_record(repo: Project) -> None:
    found = history.read(repo.root)
    assert found.available
    ada = found.last_changed("people", "ada-lovelace")
    assert ada is not None
    assert (ada.note, ada.status, str(ada.date)) == (
        "Ada is also known as Ada.",
        "changed",
        "2026-01-05",
    )
    bob = found.last_changed("people", "bob-example")
    assert bob is not None
    assert str(bob.date) == "2026-01-10"  # 08:00 at +05:00 is 03:00 UTC, same day
    assert found.last_changed("people", "carl-draft") is None  # not committed yet
    assert [c.note for c in found.changes][:2] == [HOSTILE, "Ada is also known as Ada."]


def test_outside_git_history_is_empty(tmp_path: Path) -> None:
    assert history.read(tmp_path) == history.History()


def test_git_is_read_once_per_build_and_not_at_all_per_commit_once_cached(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(repo.content, {f"people/p{i}.yml": BOB for i in range(25)})
    commit(repo.root, "Many people", "2026-01-11T00:00:00Z")
    noted = repo.root.parent / "git-calls.jsonl"  # a build reads git in a forked process
    real = subprocess.run

    def counting(args: list[str], **kwargs: Any) -> Any:
        if args and args[0] == "git":
            with noted.open("a", encoding="utf-8") as out:
                out.write(json.dumps(list(args)) + "\n")
        return real(args, **kwargs)

    def calls() -> list[list[str]]:
        lines = noted.read_text(encoding="utf-8").splitlines() if noted.exists() else []
        noted.unlink(missing_ok=True)
        return [json.loads(line) for line in lines]

    monkeypatch.setattr(subprocess, "run", counting)
    generate(repo)
    commands = [
        next(a for a in args[1:] if not a.startswith("-") and "=" not in a) for args in calls()
    ]
    assert commands == ["rev-parse", "log", "cat-file", "cat-file"], "one batch for all files"
    generate(repo)
    assert [a[:2] for a in calls()] == [["git", "rev-parse"], ["git", "-c"]], "warm: log only"


# -- what counts as a change -----------------------------------------------------------------


def test_comment_and_layout_only_commits_are_not_changes(repo: Project) -> None:
    ada = MINIMAL["people/ada-lovelace.yml"] + "aliases: [Ada]\n"
    edit(repo, "people/ada-lovelace.yml", "# Checked\n" + ada, "Comment", "2026-01-11T00:00:00Z")
    relaid = 'name: "Ada Lovelace"\nrole:   Analyst\ncountry: GB\naliases:\n  - Ada\n'
    edit(repo, "people/ada-lovelace.yml", relaid, "Layout", "2026-01-12T00:00:00Z")
    git(repo.root, "commit", "-q", "--allow-empty", "-m", "Empty\n\nChange-note: nothing at all")
    assert [c[:2] for c in changes_of(repo)][:2] == [
        ("added", "bob-example"),
        ("changed", "ada-lovelace"),
    ]
    generate(repo)
    assert "5 January 2026" in page(repo, "people/ada-lovelace.md").split("Last changed on")[1]
    for day in ("11 January", "12 January", "13 January"):
        assert day not in page(repo, "changes/index.md")


def test_field_level_changes(repo: Project) -> None:
    edit(repo, "meetings/talks.yml", MEETING, "Talks", "2026-01-11T00:00:00Z")
    moved = MEETING.replace("Warsaw", "Kraków").replace("2026-01", "2026-01-31")
    moved = moved.replace("[ada-lovelace]", "[ada-lovelace, bob-example, gone]")
    message = "Fix things\n\nChange-note: The talks were in Kraków, on the 31st."
    edit(repo, "meetings/talks.yml", moved, message, "2026-01-12T00:00:00Z")
    fewer = moved.replace("[ada-lovelace, bob-example, gone]", "[bob-example]")
    edit(repo, "meetings/talks.yml", fewer + "approximate: true\n", "x", "2026-01-13T00:00:00Z")
    assert changes_of(repo)[:3] == [
        (
            "changed",
            "talks",
            "",
            ["approximate: no → yes", "participants: − Ada Lovelace, − gone"],
        ),
        (
            "changed",
            "talks",
            "The talks were in Kraków, on the 31st.",
            [
                "date: January 2026 → 31 January 2026",
                "location: Warsaw → Kraków",
                "participants: + Bob Example, + gone",  # an id with no record stays an id
            ],
        ),
        ("added", "talks", "", []),
    ]


def test_removing_any_list_item_shows(repo: Project) -> None:
    links = "links:\n  - {title: Archive, url: 'https://example.org/a'}\n"
    ada = MINIMAL["people/ada-lovelace.yml"]
    edit(repo, "people/ada-lovelace.yml", ada + links, "Link", "2026-01-11T00:00:00Z")
    edit(
        repo,
        "people/ada-lovelace.yml",
        ada + "aliases: [Ada, A. L.]\n",
        "x",
        "2026-01-12T00:00:00Z",
    )
    lines = [c[3] for c in changes_of(repo)[:2]]
    assert lines == [
        ["aliases: + Ada, + A. L.", "links: − Archive: https://example.org/a"],
        ["aliases: − Ada", "links: + Archive: https://example.org/a"],
    ]


def test_long_texts_show_the_changed_words(repo: Project) -> None:
    long = "They talked about the bridge for a long time, then about the harbour, and then left."
    edit(repo, "meetings/talks.yml", MEETING.replace("They talked.", long), "x", "2026-01-11")
    edit(
        repo,
        "meetings/talks.yml",
        MEETING.replace("They talked.", long.replace("bridge", "ferry")),
        "y",
        "2026-01-12",
    )
    assert changes_of(repo)[0][3] == [
        "summary: “… talked about the bridge for a long …” → "
        "“… talked about the ferry for a long …”"
    ]


def test_a_source_text_change_never_shows_the_text(repo: Project) -> None:
    secret = "Every word of someone else's article."
    edit(repo, "sources/notes.txt", secret, "Text", "2026-01-11T00:00:00Z")
    edit(repo, "sources/notes.txt", secret + " More.\n", "Text", "2026-01-12T00:00:00Z")
    edit(repo, "sources/notes.txt", secret + " More.\r\n", "CRLF", "2026-01-13T00:00:00Z")
    assert [c[3] for c in changes_of(repo)[:2]] == [
        ["text: stored copy changed"],
        ["text: stored copy added"],
    ]
    generate(repo)
    assert "article" not in page(repo, "changes/index.md")


def test_added_and_removed_records(repo: Project) -> None:
    edit(repo, "people/bob-example.yml", "", "Remove Bob", "2026-01-12T00:00:00Z")
    assert changes_of(repo)[0][:2] == ("removed", "bob-example")
    generate(repo)
    text = page(repo, "changes/index.md")
    assert "- Removed person: Bob Example (no longer published)\n" in text
    assert "bob-example.md" not in text


def test_an_unreadable_version_is_skipped_and_bridged(repo: Project) -> None:
    ada = MINIMAL["people/ada-lovelace.yml"] + "aliases: [Ada]\n"
    broken = ada.replace("Analyst", "Analyst  # hm").replace("GB", "FR")
    edit(repo, "people/ada-lovelace.yml", broken, "x\n\nChange-note: lost", "2026-01-11")
    edit(repo, "people/ada-lovelace.yml", ada.replace("GB", "FR"), "y", "2026-01-12")
    edit(repo, "people/new-one.yml", "name: [", "z", "2026-01-13")
    edit(repo, "people/new-one.yml", BOB.replace("Bob", "Dee"), "z", "2026-01-14")
    assert changes_of(repo)[:2] == [
        ("added", "new-one", "", []),
        ("changed", "ada-lovelace", "", ["country: United Kingdom → France"]),
    ]


def test_a_file_version_git_cannot_give_fails_the_build_instead_of_being_cached(
    repo: Project,
) -> None:
    blob = git(repo.root, "rev-parse", "HEAD~1:content/people/ada-lovelace.yml").strip()
    (repo.root / ".git/objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(BuildError, match=f"git cannot read file version {blob}"):
        history.read(repo.root, repo.cache)
    assert not repo.cache.exists()


# -- the pages -------------------------------------------------------------------------------


def test_record_pages_end_with_their_own_history(repo: Project) -> None:
    generate(repo)
    assert page(repo, "people/ada-lovelace.md").endswith(
        "## Change history\n\n"
        'Last changed on <time datetime="2026-01-05">5 January 2026</time> '
        "([what changed](../changes/index.md)).\n\n"
        '- <time datetime="2026-01-05">5 January 2026</time> · aliases&#58; &#43; Ada · '
        "Editor’s note&#58; Ada is also known as Ada&#46;\n"
        '- <time datetime="2026-01-01">1 January 2026</time> · added\n'
    )
    assert "Last changed" not in page(repo, "people/carl-draft.md")
    assert "Change history" not in page(repo, "people/carl-draft.md")
    assert page(repo, "sources/notes.md").endswith(
        '- <time datetime="2026-01-01">1 January 2026</time> · added\n'
    ), "every record with a page has its history, sources too"


def test_what_changed_lists_notes_then_records_then_fields(repo: Project) -> None:
    generate(repo)
    text = page(repo, "changes/index.md")
    days = [line for line in text.splitlines() if line.startswith("## ")]
    assert days == ["## 10 January 2026", "## 5 January 2026", "## 1 January 2026"]
    assert (
        "## 5 January 2026\n\n"
        "- Ada is also known as Ada&#46;\n"
        "    - Changed person: [Ada Lovelace](../people/ada-lovelace.md)\n"
        "        - aliases&#58; &#43; Ada\n"
    ) in text
    assert (
        "## 1 January 2026\n\n"
        "- Added person: [Ada Lovelace](../people/ada-lovelace.md)\n"
        "- Added source: [Notes](../sources/notes.md)\n"
    ) in text
    assert "carl" not in text


def test_commit_subjects_are_never_shown(repo: Project) -> None:
    generate(repo)
    subjects = ["Add Ada and the notes", "Ada's alias", "Bob"]
    for rel in ("changes/index.md", "people/ada-lovelace.md", "people/bob-example.md"):
        text = page(repo, rel)
        for subject in subjects[:2]:
            assert subject not in text
            assert escape.inline(subject) not in text


def test_notes_are_text(repo: Project) -> None:
    generate(repo)
    text = page(repo, "changes/index.md")
    for raw in ("<script>", "](javascript", "{:", "*y*", "`z`"):
        assert raw not in text
    assert "&#60;script&#62;alert&#40;1&#41;" in text


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
    assert not (project.cache / "history").exists(), "no cache from a partial history"


# -- the cache -------------------------------------------------------------------------------


def _with_edits(repo: Project) -> Project:
    edit(repo, "meetings/talks.yml", MEETING, "Talks\n\nChange-note: New.", "2026-01-11")
    moved = MEETING.replace("Warsaw", "Kraków").replace("[ada-lovelace]", "[bob-example]")
    edit(repo, "meetings/talks.yml", moved, "Move\n\nChange-note: Moved.", "2026-01-12")
    edit(repo, "people/bob-example.yml", "", "Gone", "2026-01-13")
    write_files(repo.content, {"meetings/talks.yml": MEETING})
    commit(repo.root, "Back", "2026-01-14")
    (repo.content / "people/carl-draft.yml").unlink()
    return repo


def _cache_file(project: Project) -> Path:
    return project.cache / "history" / f"{history_cache.key()}.json"


def test_the_cache_gives_the_same_pages_as_no_cache(repo: Project) -> None:
    project = _with_edits(repo)
    story = check(project).story
    uncached = render(story, history.read(project.root))
    cold = render(story, history.read(project.root, project.cache))
    entries = json.loads(_cache_file(project).read_text("utf-8"))["commits"]
    assert len(entries) == 7
    warm = render(story, history.read(project.root, project.cache))
    assert uncached == cold == warm
    generate(project)
    first = tree(project.docs)
    shutil.rmtree(project.cache)
    generate(project)
    assert tree(project.docs) == first


@pytest.mark.parametrize(
    "corrupt",
    [
        None,
        [],
        {"commit": "other", "changes": []},
        {"commit": "SHA", "changes": {}},
        {"commit": "SHA", "changes": [{"status": "changed"}]},
        {
            "commit": "SHA",
            "changes": [
                {
                    "status": "changed",
                    "collection": "people",
                    "id": "../x",
                    "label": "",
                    "fields": [],
                }
            ],
        },
        {
            "commit": "SHA",
            "changes": [
                {
                    "status": "changed",
                    "collection": "people",
                    "id": "bob",
                    "label": "",
                    "fields": [{"field": 1}],
                }
            ],
        },
    ],
    ids=["null", "list", "commit", "changes", "keys", "id", "field"],
)
def test_a_corrupt_cache_entry_is_ignored_and_replaced(repo: Project, corrupt: object) -> None:
    project = _with_edits(repo)
    story = check(project).story
    expected = render(story, history.read(project.root))
    history.read(project.root, project.cache)
    sha = git(project.root, "log", "-1", "--format=%H", "--", "content/meetings").strip()
    good = _cache_file(project).read_text("utf-8")
    data = json.loads(good)
    assert data["commits"][sha]["changes"], "the entry under test holds a change"
    data["commits"][sha] = json.loads(json.dumps(corrupt).replace("SHA", sha))
    _cache_file(project).write_text(json.dumps(data), "utf-8")
    assert render(story, history.read(project.root, project.cache)) == expected
    assert _cache_file(project).read_text("utf-8") == good, "computed again from git and kept"


@pytest.mark.parametrize("corrupt", ["{not json", "[]", '{"key": "other", "commits": {}}'])
def test_a_corrupt_cache_file_is_ignored_and_replaced(repo: Project, corrupt: str) -> None:
    project = _with_edits(repo)
    story = check(project).story
    expected = render(story, history.read(project.root))
    history.read(project.root, project.cache)
    good = _cache_file(project).read_text("utf-8")
    _cache_file(project).write_text(corrupt, "utf-8")
    assert render(story, history.read(project.root, project.cache)) == expected
    assert _cache_file(project).read_text("utf-8") == good


def test_an_unwritable_cache_only_costs_time(repo: Project) -> None:
    repo.cache.mkdir(parents=True)
    (repo.cache / "history").write_text("a file where the folder should be", "utf-8")
    story = check(repo).story
    assert render(story, history.read(repo.root, repo.cache)) == render(
        story, history.read(repo.root)
    )


# -- the second story ------------------------------------------------------------------------


def _harbour_with_a_corrected_vote(tmp_path: Path) -> Project:
    """The harbour story in its own repository, then an editor's correction with a note: the
    council voted in the harbour office, and Lena Fischer took part instead of Tom Berg."""
    project = copy_project(STORIES / "harbour", tmp_path / "harbour")
    git(project.root, "init", "-q", "-b", "main")
    commit(project.root, "Import the harbour story", "2025-03-07T09:00:00Z")
    vote = project.content / "meetings/council-vote.yml"
    text = vote.read_text("utf-8").replace("location: Town hall", "location: Harbour office")
    text = text.replace("[maria-papadopoulou, tom-berg]", "[maria-papadopoulou, lena-fischer]")
    vote.write_text("# Corrected from the minutes\n" + text, "utf-8")
    message = (
        "Fix council-vote.yml per minutes p. 2\n\n"
        "Internal: checked with the desk.\n\n"
        "Change-note: The council met in the harbour office, and Lena Fischer, not Tom Berg,\n"
        "  took part, as the minutes say.\n"
    )
    commit(project.root, message, "2025-03-08T10:00:00Z")
    return project


def test_harbour_a_corrected_value_with_a_note(tmp_path: Path) -> None:
    project = _harbour_with_a_corrected_vote(tmp_path)
    generate(project)
    note = escape.inline(
        "The council met in the harbour office, and Lena Fischer, not Tom Berg, took part, as "
        "the minutes say."
    )
    changes_page = page(project, "changes/index.md")
    assert (
        f"## 8 March 2025\n\n- {note}\n"
        "    - Changed meeting: [Council votes on the bridge](../meetings/council-vote.md)\n"
        "        - location&#58; Town hall → Harbour office\n"
        "        - participants&#58; − Tom Berg&#44; &#43; Lena Fischer\n"
    ) in changes_page
    assert "Added meeting: [Council votes on the bridge]" in changes_page
    for hidden in ("Fix council", "Internal", "Import the harbour", "Corrected from"):
        assert hidden not in changes_page
    vote = page(project, "meetings/council-vote.md")
    assert (
        "## Change history\n\n"
        'Last changed on <time datetime="2025-03-08">8 March 2025</time> '
        "([what changed](../changes/index.md)).\n\n"
        '- <time datetime="2025-03-08">8 March 2025</time> · location&#58; Town hall → '
        "Harbour office&#59; participants&#58; − Tom Berg&#44; &#43; Lena Fischer · "
        f"Editor’s note&#58; {note}\n"
        '- <time datetime="2025-03-07">7 March 2025</time> · added\n'
    ) in vote
    assert "8 March 2025" not in page(project, "people/tom-berg.md"), "his file did not change"


@pytest.mark.site
def test_harbour_change_log_in_the_built_site(tmp_path: Path) -> None:
    project = _harbour_with_a_corrected_vote(tmp_path)
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    html = (project.site / "changes/index.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    items = [li for li in soup.select("article li") if "harbour office" in li.get_text()]
    assert items, "the note is on the page"
    note = items[0]
    record = note.select_one("ul > li")
    assert record is not None
    link = record.find("a")
    assert link is not None
    assert link["href"] == "../meetings/council-vote/"
    fields = [li.get_text() for li in record.select("ul > li")]
    assert fields == [
        "location: Town hall → Harbour office",
        "participants: − Tom Berg, + Lena Fischer",
    ]
    vote = BeautifulSoup(
        (project.site / "meetings/council-vote/index.html").read_text("utf-8"), "html.parser"
    )
    history_items = [li.get_text() for li in vote.select("article h2#change-history ~ ul > li")]
    assert history_items[1] == "7 March 2025 · added"
    assert history_items[0].startswith("8 March 2025 · location: Town hall → Harbour office")


def _imports(name: str) -> set[str]:
    """The generator modules a module imports (``from generator import x``, ``generator.x``)."""
    tree = ast.parse((ROOT / "generator" / name).read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "generator":
            found |= {f"{alias.name}.py" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            found.add(f"{str(node.module).split('.')[1]}.py")
    return found


def test_the_cache_key_covers_all_the_code_that_decides_a_change() -> None:
    seen, todo = set(), ["history.py"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += sorted(_imports(name))
    assert seen <= set(history_cache.CODE), (
        f"add to history_cache.CODE: {seen - set(history_cache.CODE)}"
    )


# -- the command line ------------------------------------------------------------------------


def test_changes_since_prints_what_readers_will_see(repo: Project) -> None:
    base = git(repo.root, "rev-parse", "HEAD").strip()
    (repo.content / "people/carl-draft.yml").unlink()
    edit(repo, "meetings/talks.yml", MEETING, "Dev words\n\nChange-note: New talks.", "2026-01-11")
    moved = MEETING.replace("Warsaw", "Kraków")
    edit(repo, "meetings/talks.yml", moved, "More\n\nChange-note: \x1b[31mRed", "2026-01-12")
    proc = run_explainer(repo, "changes", "--since", base)
    assert proc.returncode == 0, proc.stderr
    sha = git(repo.root, "rev-parse", "HEAD").strip()[:12]
    assert proc.stdout.splitlines() == [
        f"commit {sha} (12 January 2026), note: [31mRed",
        "  Changed meeting: Talks (talks)",
        "    location: Warsaw → Kraków",
        "",
        f"commit {git(repo.root, 'rev-parse', 'HEAD~1').strip()[:12]} (11 January 2026), "
        "note: New talks.",
        "  Added meeting: Talks (talks)",
    ]
    assert "dev words" not in proc.stdout.lower()
    head = run_explainer(repo, "changes", "--since", "HEAD")
    assert head.stdout == "no change to any value readers see\n"
    bad = run_explainer(repo, "changes", "--since=--output=/tmp/x")
    assert bad.returncode == 3
    assert "'--output=/tmp/x' is not a commit of this repository" in bad.stderr


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


@pytest.mark.site
def test_same_commit_same_docs_and_site(tmp_path: Path) -> None:
    """Two clones of one commit, built in time zones 22 hours apart (the commits' local dates
    differ by a day): the same ``docs/`` and the same ``site/``."""
    one = _clone_of_real_project(tmp_path, "one")
    two = _clone_of_real_project(tmp_path, "elsewhere/two")
    _explainer(one, "build", tz="America/Los_Angeles")
    _explainer(two, "build", tz="Pacific/Kiritimati")
    assert tree(one / "docs") == tree(two / "docs")
    assert "Last changed on" in (one / "docs/people/bob-example.md").read_text("utf-8")
    assert tree(one / "site") == tree(two / "site")
    html = (one / "site/changes/index.html").read_text("utf-8")
    assert 'href="../people/bob-example/"' in html
    shutil.rmtree(one / "site")

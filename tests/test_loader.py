"""Stage 1: strict YAML loading. Each case asserts the exact line an editor sees."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from generator import limits, loader
from generator.project import Project
from tests.conftest import MINIMAL, ROOT, STORIES, problems_of

SOURCE = MINIMAL["sources/notes.yml"]

P = "content/people/ada-lovelace.yml"


def person(text: str | bytes) -> dict[str, str | bytes]:
    return {**MINIMAL, "people/ada-lovelace.yml": text}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "name: !!python/object/apply:os.system ['id']\nrole: x\ncountry: GB\n",
            f"{P}:1:7: (file): explicit tags are not allowed (tag:yaml.org,2002:python/object/"
            "apply:os.system) (remove the tag; quote the value if it is text)",
            id="python-tag",
        ),
        pytest.param(
            "name: Ada\nrole: x\ncountry: GB\nbio: !include /etc/passwd\n",
            f"{P}:4:6: (file): explicit tags are not allowed (!include) (remove the tag; quote "
            "the value if it is text)",
            id="custom-tag",
        ),
        pytest.param(
            "name: Ada Lovelace\nrole: Analyst\nname: Ada Byron\ncountry: GB\n",
            f"{P}:3:1: (file): duplicate key 'name' (first at line 1) (keep one of them)",
            id="duplicate-key",
        ),
        pytest.param(
            "name: &n Ada\nrole: *n\ncountry: GB\n",
            f"{P}:1:7: (file): anchors and aliases are not allowed (write the value out in full)",
            id="anchor",
        ),
        pytest.param(
            "name: Ada\nrole: x\ncountry: GB\n<<: {bio: x}\n",
            f"{P}:4:1: (file): merge keys (<<) are not allowed (write the fields out in full)",
            id="merge-key",
        ),
        pytest.param(
            "name: Ada\nrole: x\ncountry: GB\n---\nname: Bob\n",
            f"{P}:4:1: (file): a file holds one record, found a second document (remove the "
            "'---' and what follows)",
            id="two-documents",
        ),
        pytest.param(
            "# TODO\n",
            f"{P}:1:1: (file): expected a mapping of fields, found nothing (write one "
            "'field: value' per line)",
            id="empty",
        ),
        pytest.param(
            "- alice\n- bob\n",
            f"{P}:1:1: (file): expected a mapping of fields, found sequence (write one "
            "'field: value' per line)",
            id="list",
        ),
        pytest.param(
            "name: Ada\nrole: He said: no\ncountry: GB\n",
            f"{P}:2:14: (file): YAML syntax: mapping values are not allowed here (quote the value)",
            id="unquoted-colon",
        ),
        pytest.param(
            "name: Ada\nrole:\n\tx\ncountry: GB\n",
            f"{P}:3:1: (file): YAML syntax: found character '\\t' that cannot start any token "
            "(indent with spaces, not tabs)",
            id="tab-indent",
        ),
        pytest.param(
            b"name: Jos\xe9\nrole: x\ncountry: GB\n",
            f"{P}:1:10: (file): file is not valid UTF-8 (save the file as UTF-8)",
            id="latin-1",
        ),
        pytest.param(
            "name: Ada\n".encode("utf-16"),
            f"{P}:1:1: (file): file is UTF-16, not UTF-8 (save the file as UTF-8)",
            id="utf-16",
        ),
        pytest.param(
            "name: Ada\nrole: a\x00b\ncountry: GB\n",
            f"{P}:2:8: (file): control character U+0000 is not allowed (delete it; it is "
            "invisible and changes meaning)",
            id="nul",
        ),
        pytest.param(
            "name: Ada\nrole: a\x85b\ncountry: GB\n",
            f"{P}:2:8: (file): control character U+0085 is not allowed (delete it; it is "
            "invisible and changes meaning)",
            id="next-line",
        ),
        pytest.param(
            "a: " + "[" * 30_000 + "]" * 30_000 + "\n",
            f"{P}:1:11: (file): nesting deeper than 8 levels (records are flat; check the "
            "indentation)",
            id="deep-nesting",
        ),
    ],
)
def test_load_errors(content, text, expected):
    assert problems_of(content(person(text))) == [expected]


def test_oversized_file_is_refused_before_parsing(content):
    project = content(person("name: Ada\nrole: x\ncountry: GB\nbio: " + "x" * 300_000 + "\n"))
    assert problems_of(project) == [
        f"{P}:1:1: (file): file is 300036 bytes, over the 262144 limit (split it or shorten it)"
    ]


def test_bom_and_crlf_are_accepted(content):
    project = content(person(b"\xef\xbb\xbfname: Ada\r\nrole: x\r\ncountry: GB\r\n"))
    assert problems_of(project) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Ada.yml",
            "content/people/Ada.yml:1:1: id: invalid id 'Ada' (use lowercase letters, "
            "digits and single hyphens in the file name)",
        ),
        (
            "ada--b.yml",
            "content/people/ada--b.yml:1:1: id: invalid id 'ada--b' (use lowercase "
            "letters, digits and single hyphens in the file name)",
        ),
        (
            "index.yml",
            "content/people/index.yml:1:1: id: id 'index' is reserved for an index "
            "page (choose another name)",
        ),
        (
            "ada.yaml",
            "content/people/ada.yaml:1:1: (file): unexpected file 'ada.yaml' (rename it to .yml)",
        ),
    ],
)
def test_bad_file_names(content, name, expected):
    assert problems_of(
        content({**MINIMAL, f"people/{name}": "name: A\nrole: x\ncountry: GB\n"})
    ) == [expected]


def test_unknown_collection_and_orphan_text(content):
    project = content({**MINIMAL, "persons/a.yml": "name: A\n", "sources/lost.txt": "text"})
    assert problems_of(project) == [
        "content/persons:1:1: (collection): unknown collection 'persons' (expected one of "
        "claims, events, meetings, people, quotes, sources, topics)",
        "content/sources/lost.txt:1:1: (file): source text without a record (add lost.yml "
        "beside it)",
    ]


def test_symlinked_record_is_refused(content, tmp_path):
    project = content(MINIMAL)
    (project.content / "people" / "link.yml").symlink_to(
        project.content / "people" / "ada-lovelace.yml"
    )
    assert problems_of(project) == [
        "content/people/link.yml:1:1: (file): not a regular file (symlinks and folders are not "
        "records)"
    ]


def test_every_error_of_a_run_is_reported_sorted(content):
    project = content(
        {
            **MINIMAL,
            "people/zed.yml": "name: Zed\nrole: x\ncountry: XX\n",
            "people/bob.yml": "name: [Bob]\nrole: x\ncountry: GB\nsoruce: x\n",
        }
    )
    assert problems_of(project) == [
        "content/people/bob.yml:1:7: name: expected text, got a list (quote the value)",
        "content/people/bob.yml:4:1: soruce: unknown field 'soruce' (did you mean 'sources'?)",
        "content/people/zed.yml:3:10: country: 'XX' is not an ISO 3166-1 alpha-2 country code "
        "(use an ISO 3166-1 alpha-2 code such as US or UA)",
    ]


EDITOR_FILES: dict[str, str | bytes] = {
    "people/ada-lovelace.yml~": "name: [broken",  # Emacs, Vim with 'backup', gedit, nano
    "people/.#ada-lovelace.yml": "x",  # Emacs lock
    "people/#ada-lovelace.yml#": "name: [broken",  # Emacs auto-save
    "people/.ada-lovelace.yml.swp": b"b0VIM 9.0\x00\x00",  # Vim swap
    "people/ada-lovelace.yml.swp": b"b0VIM 9.0\x00\x00",  # Vim swap, 'directory' option
    "people/4913": "",  # Vim's probe of the folder
    "people/ada-lovelace.yml___jb_tmp___": "name: [broken",  # JetBrains safe write
    "sources/notes.txt~": "old text",
    "sources/.DS_Store": b"\x00\x00\x00\x01Bud1",  # macOS Finder
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
    "people/Thumbs.db": b"\xd0\xcf\x11\xe0",  # Windows Explorer
}


def test_editors_backup_and_swap_files_are_ignored_as_git_does(content):
    """Files editors' programs leave beside a record: not records, not errors, not ids."""
    project = content({**MINIMAL, **EDITOR_FILES})
    assert problems_of(project) == []
    assert loader.known_ids(project.content)["people"] == {"ada-lovelace"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ada.yaml", "unexpected file 'ada.yaml' (rename it to .yml)"),
        ("README.md", "unexpected file 'README.md' (move it out of content/)"),
        ("ada.yml.bak", "unexpected file 'ada.yml.bak' (move it out of content/)"),
        ("ada.yml.orig", "unexpected file 'ada.yml.orig' (move it out of content/)"),
    ],
)
def test_files_a_person_made_are_still_reported(content, name, expected):
    """Only what programs make on their own is ignored; a stray file someone saved is not."""
    project = content({**MINIMAL, **EDITOR_FILES, f"people/{name}": "name: A\n"})
    assert problems_of(project) == [f"content/people/{name}:1:1: (file): {expected}"]


def test_a_lone_carriage_return_breaks_a_line_as_in_yaml():
    """Found by the byte-mutation property test: old Mac line ends made the comment check read
    past the last line."""
    mapping = loader.parse("a: b\rc: d #x\r")
    values = {k: v[1] for k, v in mapping.items.items()}
    assert all(isinstance(v, loader.Scalar) for v in values.values())
    assert {k: v.value for k, v in values.items() if isinstance(v, loader.Scalar)} == {
        "a": "b",
        "c": "d",
    }
    c = values["c"]
    assert isinstance(c, loader.Scalar)
    assert c.comment_after


def _same_listing(got: loader.Listing, project: Project) -> None:
    want = loader.listing(project.root, project.content)
    assert got.names == want.names
    assert list(got.names) == list(want.names)  # in order too
    assert got.folders == want.folders
    assert got.known() == want.known()
    assert got.found(limits.MAX_FILES) == want.found(limits.MAX_FILES)


def test_a_listing_mended_from_reported_changes_is_a_fresh_listing(content):
    """The preview mends its listing of content/ with the paths the system reports changed
    (:func:`loader.relist`) instead of listing 10,000 files again. After each change it must
    be exactly the listing a fresh look gives: problems, ids and order included."""
    project = content({**MINIMAL, "sources/memo.yml": SOURCE, "sources/memo.txt": "Text."})
    folder = project.content
    found = loader.listing(project.root, folder)
    steps: list[tuple[Callable[[], object], list[str]]] = [
        (lambda: (folder / "people/bob.yml").write_text("name: Bob\n"), ["people/bob.yml"]),
        (lambda: (folder / "people/Bad_Name.yml").write_text("x: 1\n"), ["people/Bad_Name.yml"]),
        (lambda: (folder / "people/README.md").write_text("notes"), ["people/README.md"]),
        ((folder / "people/sub").mkdir, ["people/sub"]),
        (lambda: (folder / "people/sub/x.yml").write_text("x"), ["people/sub/x.yml"]),
        ((folder / "sources/memo.yml").unlink, ["sources/memo.yml"]),  # its text is orphaned
        (lambda: (folder / "sources/memo.yml").write_text(SOURCE), ["sources/memo.yml"]),
        ((folder / "sources/memo.txt").unlink, ["sources/memo.txt"]),
        (
            lambda: (folder / "people/bob.yml").rename(folder / "people/bo.yml"),
            ["people/bob.yml", "people/bo.yml"],
        ),
        (
            lambda: (folder / "people/ab.yml").symlink_to(folder / "people/bo.yml"),
            ["people/ab.yml"],
        ),
        ((folder / "people/README.md").unlink, ["people/README.md"]),
        (lambda: (folder / "standfirst.md").write_text("Hello.\n"), ["standfirst.md"]),
    ]
    for change, paths in steps:
        change()
        assert loader.relist(found, paths), paths
        _same_listing(found, project)


@pytest.mark.parametrize(
    "change",
    ["new-folder", "folder-removed", "content-itself"],
)
def test_a_change_to_content_or_its_folders_asks_for_a_whole_listing(content, change):
    project = content({**MINIMAL, "topics/peace.yml": "title: Peace\n"})
    found = loader.listing(project.root, project.content)
    if change == "new-folder":
        (project.content / "events").mkdir()
        paths = ["events"]
    elif change == "folder-removed":
        for path in (project.content / "topics").iterdir():
            path.unlink()
        (project.content / "topics").rmdir()
        paths = ["topics"]
    else:
        paths = ["."]
    assert loader.relist(found, paths) is False


def test_a_symlinked_collection_folder_is_never_mended_from_events(content, tmp_path):
    """The watcher does not follow links: events from a linked folder never come."""
    project = content(MINIMAL)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project.content / "topics").symlink_to(elsewhere)
    found = loader.listing(project.root, project.content)
    assert found.followed is False
    assert loader.relist(found, ["people/ada-lovelace.yml"]) is False


TRICKY_BUT_VALID = [
    "name: Ada  # a comment\nrole: 'single ''quoted'''\ncountry: \"GB\\u00e9\"\n",
    "bio: |\n  kept\n   lines\n\n  and a gap\nsummary: >-\n  folded\n  text\n",
    "name: plain text that\n  goes on the next line\nempty:\nlist: [a, 'b', \"c\"]\n",
    "map: {a: 1, b: [x, y]}\nseq:\n- one\n-   two\n- - nested\n",
    "name: Володимир Зеленський\nnative: 習近平 and العربية\nquote: “curly” — dash\n",
    "a: line\rb: a lone carriage return breaks a line\rc: as in YAML\n",
    "key with spaces: 'value: quoted'\n",
    "? explicit key\n: explicit value\nnull: ~\nbool: no\ntime: 1:30\n",
    "a: 'x'   # after a quoted value\nb: x # after a plain one\nc: \"#not\"\n",
]


def _records_of_the_repository() -> list[str]:
    found = [*ROOT.joinpath("content").rglob("*.yml"), *STORIES.rglob("*.yml")]
    return [path.read_text(encoding="utf-8") for path in sorted(found)]


def test_libyamls_parser_and_the_pure_one_give_the_same_trees(monkeypatch) -> None:
    """The loader reads with libyaml's parser when it can (:func:`generator.loader.parse`):
    for every record of the repository and some tricky documents, the tree is the pure
    parser's, locations and styles included, and libyaml's was the one kept."""
    texts = [*_records_of_the_repository(), *TRICKY_BUT_VALID]
    assert len(texts) > 40
    fast = [loader.parse(loader.decode(text.encode("utf-8"))) for text in texts]
    calls: list[str] = []
    pure = loader._Events

    def noting(text: str) -> object:
        calls.append(text)
        return pure(text)

    monkeypatch.setattr(loader, "_Events", noting)
    again = [loader.parse(loader.decode(text.encode("utf-8"))) for text in texts]
    assert calls == [], "libyaml's parser read every one of them"
    monkeypatch.setattr(loader, "CParser", None)
    slow = [loader.parse(loader.decode(text.encode("utf-8"))) for text in texts]
    assert len(calls) == len(texts)
    assert fast == slow == again


def test_whatever_libyaml_complains_of_is_read_again_by_the_pure_parser(monkeypatch) -> None:
    """An error is always the pure parser's: libyaml's own message (here its nesting cap) is
    never the one an editor sees."""
    deep = "a: " + "[" * 2000 + "]" * 2000 + "\n"
    with pytest.raises(loader.LoadError, match="nesting deeper than 8 levels"):
        loader.parse(deep)
    broken = "name: Ada\nrole: He said: no\n"
    with pytest.raises(loader.LoadError) as fast:
        loader.parse(broken)
    monkeypatch.setattr(loader, "CParser", None)
    with pytest.raises(loader.LoadError) as slow:
        loader.parse(broken)
    assert str(fast.value) == str(slow.value)
    assert fast.value.args == slow.value.args

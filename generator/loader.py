"""Stage 1, load: files on disk become located YAML trees, or problems.

PyYAML's scanner and parser give us events; we build the tree ourselves so that nothing is ever
typed implicitly (``NO`` stays the text "NO", ``1:30`` stays "1:30", a date stays what the editor
wrote) and so that tags, anchors, aliases, merge keys, duplicate keys, several documents and deep
nesting are refused with the line and column where they appear.

The pure-Python parser is the authority (:func:`parse`). libyaml's, twenty times faster, reads a
file first, and its tree is kept only when it read the whole file without a complaint of its own
or of ours; anything else is read again by the pure one, so every error is the pure one's, word
for word. The C *loader* is never used: it composes nodes recursively and crashes the process on
deep nesting; libyaml's parser alone caps nesting with an error. It disagrees with the pure one
on tabs, so a file with a tab goes to the pure one directly.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from generator import workers
from generator.errors import Problem
from generator.limits import (
    MAX_DEPTH,
    MAX_FILES,
    MAX_FILES_SETTING,
    MAX_RECORD_BYTES,
    MAX_TEXT_BYTES,
)
from generator.schema import COLLECTIONS, ID_PATTERN, RESERVED_IDS
from generator.scratch import ignored

CParser: Any
"""libyaml's event parser; None in a PyYAML built without libyaml (the pure parser alone is as
correct)."""
try:
    from yaml._yaml import CParser
except ImportError:
    CParser = None

_LINE_BREAKS = re.compile("\r\n|\r|\n")
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_COMMENT_AFTER = re.compile(r"^[ \t]+#")
_FORBIDDEN_IN_VALUES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
"""What a quoted scalar's escapes (``"\\0"``, ``"\\r"``, ``"\\N"``, ``"\\ud800"``) can produce
that the raw file may not hold: control characters, carriage returns, line separators and lone
surrogates (which cannot even be written out as UTF-8)."""


@dataclass
class Scalar:
    """A YAML scalar exactly as written (never typed), with where it starts."""

    value: str
    line: int
    col: int
    plain: bool = True
    comment_after: bool = False
    """A plain scalar followed by `` #`` on its line: YAML cut the rest off as a comment."""


@dataclass
class Mapping:
    line: int
    col: int
    items: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)


@dataclass
class Sequence:
    line: int
    col: int
    items: list[Node] = field(default_factory=list)


Node = Scalar | Mapping | Sequence


@dataclass
class LoadedFile:
    """One record file, parsed but not yet checked against the schema."""

    path: str
    collection: str
    id: str
    root: Mapping
    text: str | None = None
    """For sources: the contents of the ``<id>.txt`` beside the record, if any."""


class LoadError(Exception):
    """A located fault in one file: what the loader raises internally, and what other readers
    of editors' files (the home page's standfirst) reuse to report the same way."""

    def __init__(
        self, line: int, col: int, message: str, hint: str = "", path: Path | None = None
    ) -> None:
        super().__init__(message)
        self.line, self.col, self.message, self.hint = line, col, message, hint
        self.path = path
        """The file at fault when it is not the record itself (a source's ``.txt``)."""


class _Events(Reader, Scanner, Parser):
    """PyYAML's pure-Python reader, scanner and parser, without composer or constructor."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)


def _position(mark: Any) -> tuple[int, int]:
    """PyYAML marks count from 0; editors count from 1."""
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) to text; raise LoadError at the first bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(1, 1, "file is UTF-16, not UTF-8", "save the file as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError(line, col, "file is not valid UTF-8", "save the file as UTF-8") from None
    match = _FORBIDDEN_CHARS.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        raise LoadError(
            line,
            col,
            f"control character U+{ord(match.group()):04X} is not allowed",
            "delete it; it is invisible and changes meaning",
        )
    return text.replace("\r\n", "\n")


class _TreeBuilder:
    """Builds the located tree from parser events, refusing what records must not hold."""

    def __init__(self, text: str) -> None:
        self.lines = _LINE_BREAKS.split(text)  # as YAML counts lines: "\r" alone breaks one
        self.stack: list[Mapping | Sequence] = []
        self.keys: list[Scalar | None] = []
        self.root: Node | None = None
        self.documents = 0

    def feed(self, event: yaml.Event) -> None:
        line, col = _position(event.start_mark)
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise LoadError(
                    line,
                    col,
                    "a file holds one record, found a second document",
                    "remove the '---' and what follows",
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = self.stack.pop()
            self.keys.pop()
            if not self.stack:
                self.root = done
        elif isinstance(event, (yaml.AliasEvent, yaml.NodeEvent)):
            self._node(event, line, col)

    def _node(self, event: yaml.NodeEvent, line: int, col: int) -> None:
        if isinstance(event, yaml.AliasEvent) or event.anchor:
            raise LoadError(
                line, col, "anchors and aliases are not allowed", "write the value out in full"
            )
        tag = getattr(event, "tag", None)
        if tag:
            raise LoadError(
                line,
                col,
                f"explicit tags are not allowed ({tag})",
                "remove the tag; quote the value if it is text",
            )
        if len(self.stack) >= MAX_DEPTH:
            raise LoadError(
                line,
                col,
                f"nesting deeper than {MAX_DEPTH} levels",
                "records are flat; check the indentation",
            )
        node: Node
        if isinstance(event, yaml.ScalarEvent):
            _check_value(event.value, line, col)
            plain = not event.style  # None from the pure parser, "" from libyaml's
            end = event.end_mark
            inside = plain and end is not None and end.line < len(self.lines)
            rest = self.lines[end.line][end.column :] if inside and end else ""
            node = Scalar(event.value, line, col, plain, bool(_COMMENT_AFTER.match(rest)))
        elif isinstance(event, yaml.MappingStartEvent):
            node = Mapping(line, col)
        else:
            node = Sequence(line, col)
        _attach(self.stack, self.keys, node)
        if isinstance(node, Mapping | Sequence):
            self.stack.append(node)
            self.keys.append(None)
        elif not self.stack:
            self.root = node


def _check_value(value: str, line: int, col: int) -> None:
    """Refuse a scalar whose escapes spell a character the file itself may not contain."""
    match = _FORBIDDEN_IN_VALUES.search(value)
    if match:
        raise LoadError(
            line,
            col,
            f"escaped character U+{ord(match.group()):04X} is not allowed",
            "control characters, line separators and lone surrogates break the text; delete it",
        )


def parse(text: str) -> Mapping:
    """Build the located tree of one YAML document whose top level must be a mapping: with
    libyaml's parser if it reads the file without a complaint (the same events, so the same
    tree: ``tests/test_loader.py``), else with the pure parser, whose errors are the ones
    reported (see the module's docstring)."""
    if CParser is not None and "\t" not in text:
        with contextlib.suppress(Exception):  # whatever it was, the pure parser says it properly
            return _parse(text, CParser(text))
    return _parse(text, _Events(text))


def _parse(text: str, events: Any) -> Mapping:
    """The tree of one document from ``events`` (a parser of ``text``)."""
    builder = _TreeBuilder(text)
    try:
        while not events.check_event(yaml.StreamEndEvent):
            builder.feed(events.get_event())
    except yaml.MarkedYAMLError as exc:
        line, col = _position(exc.problem_mark or exc.context_mark)
        raise LoadError(line, col, f"YAML syntax: {exc.problem}", _syntax_hint(exc)) from None
    except yaml.YAMLError as exc:
        raise LoadError(1, 1, f"YAML syntax: {exc}") from None
    finally:
        events.dispose()  # its states refer back to it: a cycle the disabled GC would keep
    root = builder.root
    if not isinstance(root, Mapping):
        kind = "nothing" if root is None else type(root).__name__.lower()
        raise LoadError(
            1, 1, f"expected a mapping of fields, found {kind}", "write one 'field: value' per line"
        )
    return root


def _attach(stack: list[Mapping | Sequence], keys: list[Scalar | None], node: Node) -> None:
    """Put ``node`` into its parent: as a sequence item, a mapping key, or a key's value."""
    if not stack:
        return
    parent = stack[-1]
    if isinstance(parent, Sequence):
        parent.items.append(node)
        return
    key = keys[-1]
    if key is not None:
        parent.items[key.value] = (key, node)
        keys[-1] = None
        return
    if not isinstance(node, Scalar):
        raise LoadError(node.line, node.col, "a key must be plain text")
    if node.value == "<<":
        raise LoadError(
            node.line, node.col, "merge keys (<<) are not allowed", "write the fields out in full"
        )
    if node.value in parent.items:
        first = parent.items[node.value][0]
        raise LoadError(
            node.line,
            node.col,
            f"duplicate key '{node.value}' (first at line {first.line})",
            "keep one of them",
        )
    keys[-1] = node


def _syntax_hint(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return "quote the value"
    if "tab" in problem or "\\t" in problem or "\t" in problem:
        return "indent with spaces, not tabs"
    return "check quotes and indentation"


def load_file(
    root: Path, path: Path, collection: str, cache: TreeCache | None = None
) -> LoadedFile:
    """Read and parse one record file (or take its tree from ``cache`` when the same bytes
    were parsed before); raise LoadError for any fault in it."""
    size = path.stat().st_size
    if size > MAX_RECORD_BYTES:
        raise LoadError(
            1,
            1,
            f"file is {size} bytes, over the {MAX_RECORD_BYTES} limit",
            "split it or shorten it",
        )
    data = path.read_bytes()
    tree = cache.get(data) if cache else None
    if tree is None:
        tree = parse(decode(data))
        if cache:
            cache.put(data, tree)
    record = LoadedFile(_rel(root, path), collection, path.stem, tree)
    sidecar = path.with_suffix(".txt")
    if collection == "sources" and sidecar.is_file():
        record.text = _read_text(sidecar)
    return record


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise LoadError(1, 1, f"source text is over the {MAX_TEXT_BYTES} byte limit")
        return decode(path.read_bytes())
    except LoadError as exc:
        exc.path = path
        raise


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


Named = tuple[str, bool, "Problem | None"]
"""A name in a collection folder: its collection, whether it is a record file to load, and
what is wrong with it (None when nothing is)."""


@dataclass
class Listing:
    """What :func:`discover` found under ``content/``: every name in the collection folders
    that is not an editor's file, and the problems of ``content/`` and its folders. The
    preview keeps it between runs and mends it name by name from the system's events
    (:func:`relist`): listing 10,000 files took a tenth of a second of every save."""

    root: Path
    content: Path
    folders: dict[Path, Problem] = field(default_factory=dict)
    """Problems of ``content/`` itself and of its entries (an unknown collection)."""
    names: dict[Path, Named] = field(default_factory=dict)
    """By path, in order."""
    followed: bool = True
    """Whether the system's events reach every name: not when a collection folder is a
    symlink (the preview's watcher does not follow links)."""
    _known: dict[str, set[str]] | None = None

    def found(self, max_files: int) -> tuple[list[tuple[Path, str]], list[Problem]]:
        """The record files to load, with their collections, and every problem, in order."""
        found = [(path, named[0]) for path, named in self.names.items() if named[1]]
        problems = [
            problem
            for _, problem in sorted(
                [*self.folders.items(), *((p, n[2]) for p, n in self.names.items() if n[2])]
            )
        ]
        if len(found) > max_files:
            problems.append(
                Problem(
                    _rel(self.root, self.content),
                    1,
                    1,
                    "(content)",
                    f"{len(found)} records, over the {max_files} limit",
                    f"raise {MAX_FILES_SETTING} in mkdocs.yml if the story is meant to be this big",
                )
            )
            found = []
        return found, problems

    def known(self) -> dict[str, set[str]]:
        """The id of every ``.yml`` file by collection, loadable or not (:func:`known_ids`)."""
        if self._known is None:
            self._known = {name: set() for name in COLLECTIONS}
            for path, (collection, _, _) in self.names.items():
                if path.name.endswith(".yml"):
                    self._known[collection].add(path.stem)
        return self._known


def discover(
    root: Path, content: Path, max_files: int = MAX_FILES
) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Find record files under ``content/<collection>/``, sorted; flag strays and bad ids."""
    return listing(root, content).found(max_files)


def listing(root: Path, content: Path) -> Listing:
    """Every name under ``content/<collection>/`` (:class:`Listing`), from one listing."""
    found = Listing(root, content)
    if not content.is_dir():
        found.folders[content] = Problem(
            _rel(root, content) if content.is_relative_to(root) else str(content),
            1,
            1,
            "(content)",
            "content folder not found",
            "run explainer from the project root, or pass --root",
        )
        return found
    for folder in sorted(content.iterdir()):
        if ignored(folder.name) or not folder.is_dir():
            continue
        found.followed = found.followed and not folder.is_symlink()
        if folder.name not in COLLECTIONS:
            found.folders[folder] = Problem(
                _rel(root, folder),
                1,
                1,
                "(collection)",
                f"unknown collection '{folder.name}'",
                "expected one of " + ", ".join(sorted(COLLECTIONS)),
            )
            continue
        with os.scandir(folder) as entries:  # entries know their type: no stat per file
            names = sorted((e.name, e.is_file(follow_symlinks=False)) for e in entries)
        for name, regular in names:
            if not ignored(name):
                path = folder / name
                found.names[path] = _named(root, path, folder.name, regular)
    return found


def _named(root: Path, path: Path, collection: str, regular: bool) -> Named:
    """What a name in a collection folder is: a record to load, a problem, or neither (a
    source's text)."""
    if regular and path.name.endswith(".yml") and _plain_record(path.name):
        return (collection, True, None)
    problem = _check_name(root, path, collection)
    return (collection, problem is None and path.suffix == ".yml", problem)


def relist(found: Listing, changed: Iterable[str]) -> bool:
    """Mend ``found`` for the paths under ``content/`` (relative, as the preview's watcher
    reports them) that changed since it was made: each name and its sibling (a source's
    ``.yml`` and ``.txt`` read each other). False when a change is one only a whole listing
    can follow: ``content/`` itself, or a folder in it."""
    if not found.followed:
        return False
    added = False
    for rel in changed:
        parts = PurePosixPath(rel).parts
        if not parts or ".." in parts or (len(parts) == 1 and _folder(found, parts[0])):
            return False
        if len(parts) == 1:
            continue  # a file beside the folders (standfirst.md): not a name of the listing
        if len(parts) > 2 or parts[0] not in COLLECTIONS or ignored(parts[0]):
            continue  # inside a folder that is itself a problem, or not a collection
        folder = found.content / parts[0]
        for name in dict.fromkeys((parts[1], _sibling(parts[1]))):
            if ignored(name):
                continue
            path = folder / name
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                found.names.pop(path, None)
                found._known = None
                continue
            added = added or path not in found.names
            found.names[path] = _named(found.root, path, parts[0], stat.S_ISREG(mode))
            found._known = None
    if added:
        found.names = dict(sorted(found.names.items()))
    return True


def _folder(found: Listing, name: str) -> bool:
    """Whether ``name`` directly in ``content/`` is, or was, a folder."""
    path = found.content / name
    return name in COLLECTIONS or path in found.folders or path.is_dir()


def _sibling(name: str) -> str:
    """A source's record for its text, and its text for its record."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return name
    return f"{stem}.txt" if suffix == "yml" else f"{stem}.yml" if suffix == "txt" else name


def _plain_record(name: str) -> bool:
    """A regular file named ``<id>.yml`` with a valid, unreserved id: the common case, told
    from the name alone (anything else goes through :func:`_name_problem`)."""
    stem = name[:-4]
    return bool(ID_PATTERN.match(stem)) and stem not in RESERVED_IDS


def _check_name(root: Path, path: Path, collection: str) -> Problem | None:
    """A record file must be a regular ``<id>.yml`` (sources may add ``<id>.txt``)."""
    message, hint, name = _name_problem(path, collection)
    return Problem(_rel(root, path), 1, 1, name, message, hint) if message else None


def _name_problem(path: Path, collection: str) -> tuple[str, str, str]:
    """(problem, hint, field) for a badly named or placed file; empty strings if fine."""
    allowed = {".yml", ".txt"} if collection == "sources" else {".yml"}
    if path.is_symlink() or not path.is_file():
        return "not a regular file", "symlinks and folders are not records", "(file)"
    if path.suffix not in allowed:
        hint = "rename it to .yml" if path.suffix == ".yaml" else "move it out of content/"
        return f"unexpected file '{path.name}'", hint, "(file)"
    if path.suffix == ".txt" and not path.with_suffix(".yml").is_file():
        return "source text without a record", f"add {path.stem}.yml beside it", "(file)"
    if not ID_PATTERN.match(path.stem):
        return (
            f"invalid id '{path.stem}'",
            "use lowercase letters, digits and single hyphens in the file name",
            "id",
        )
    if path.stem in RESERVED_IDS:
        return f"id '{path.stem}' is reserved for an index page", "choose another name", "id"
    return "", "", ""


def known_ids(content: Path, memo: Memo | None = None) -> dict[str, set[str]]:
    """The id of every record file by collection, loadable or not, so that a broken file
    does not also turn every reference to it into an error; from the ``memo``'s listing when
    the run that loaded has one (:meth:`Listing.known`)."""
    if memo is not None and memo.listing is not None and memo.listing.content == content:
        return memo.listing.known()
    known: dict[str, set[str]] = {name: set() for name in COLLECTIONS}
    for name, ids in known.items():
        if (content / name).is_dir():
            ids.update(p.stem for p in (content / name).glob("*.yml") if not ignored(p.name))
    return known


@dataclass
class Memo:
    """What a long-running process (the preview) loaded, kept from run to run."""

    files: dict[Path, tuple[Hashable, LoadedFile]] = field(default_factory=dict)
    """Each record file loaded, with the state it was in (:func:`_state`)."""
    listing: Listing | None = None
    """What the last run found in ``content/``."""
    changed: frozenset[str] | None = None
    """The paths under ``content/`` (relative, ``people/ada.yml``) that changed since the last
    run, as the system reported them to the preview's watcher; set before a run, consumed by
    it. None, always the case outside the preview, means not known: every name is listed
    and every file's state looked at."""
    loads: int = 0
    """How many runs loaded with this memo (each consumes :attr:`changed`)."""
    trusted: bool = False
    """Whether the last run looked only at the files reported changed. Its caller then
    compares what the run left with the files (:func:`stale`; the preview does, and the
    writer trusts its own memo of ``docs/`` in such a run: :func:`generator.writer.write`)."""


def load(
    root: Path,
    content: Path,
    max_files: int = MAX_FILES,
    cache_dir: Path | None = None,
    memo: Memo | None = None,
) -> tuple[list[LoadedFile], list[Problem]]:
    """Load every record under ``content``; collect one problem per unreadable file. With
    ``cache_dir``, files whose bytes were parsed before are not parsed again. With ``memo``
    (kept by the caller between runs), a file whose size, times and inode, and those of its
    text beside it, are what they were is not even read again; and when the memo says which
    paths changed (:attr:`Memo.changed`), the others are neither listed nor looked at."""
    collecting = gc.isenabled()
    gc.disable()  # every node made here lives as long as the story: scanning them is waste
    try:
        return _load(root, content, max_files, cache_dir, memo)
    finally:
        if collecting:
            gc.enable()


def _state(path: Path, collection: str) -> Hashable:
    """What changes whenever a file is written, renamed over or touched; for a source, its
    stored text's too."""
    files = (path, path.with_suffix(".txt")) if collection == "sources" else (path,)
    found: list[tuple[int, ...]] = []
    for each in files:
        try:
            st = each.stat()
        except FileNotFoundError:
            found.append(())
            continue
        found.append((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
    return tuple(found)


def _load(
    root: Path, content: Path, max_files: int, cache_dir: Path | None, memo: Memo | None
) -> tuple[list[LoadedFile], list[Problem]]:
    if memo is None:
        paths, problems = discover(root, content, max_files)
        cache = TreeCache.open(cache_dir) if cache_dir else None
        loaded = _load_all(root, paths, cache, problems)
        if cache:
            cache.save()
        return loaded, problems
    changed, memo.changed = memo.changed, None
    memo.loads += 1
    # the tree cache keeps only the trees a run parsed: a run with a memo's files skips it
    cache = TreeCache.open(cache_dir) if cache_dir and not memo.files else None
    try:
        found = _load_again(root, content, max_files, memo, changed=changed, cache=cache)
    except BaseException:
        memo.listing = None  # the changes are consumed: the next run must look at everything
        raise
    if cache:
        cache.save()
    return found


def _load_all(
    root: Path, paths: list[tuple[Path, str]], cache: TreeCache | None, problems: list[Problem]
) -> list[LoadedFile]:
    """Every file loaded, in order, with its problems added to ``problems``; shared among
    processes when there are many (:func:`generator.workers.forked_map`).

    Parsing with the pure-Python parser is nearly all of a cold check (10,000 records: 4 to
    8 s in one process, by the hour), and each file's is independent of the others'. A forked
    worker's additions to the tree cache would stay in the worker, so each file is loaded with
    a cache of its own (:meth:`TreeCache.fork`) whose entries come back with the record. Only the
    command line's runs come here: the preview keeps a memo (:func:`_load_again`). And only
    a process with no other thread forks (a thread holding a lock when the process forks
    leaves it held forever in the copy): ``explainer check``, and a build, whose git history
    is read meanwhile by a forked process rather than a thread (:func:`generator.build.generate`).
    """

    def one(index: int) -> tuple[list[LoadedFile], list[Problem], dict[str, Any]]:
        path, collection = paths[index]
        own = cache.fork() if cache else None
        found: list[LoadedFile] = []
        trouble: list[Problem] = []
        _load_one(root, path, collection, own, keep=found.append, problems=trouble)
        return found, trouble, own.used() if own else {}

    loaded: list[LoadedFile] = []
    alone = workers.alone()  # fork copies no other thread: see the docstring
    for found, trouble, entries in workers.forked_map(one, len(paths), None if alone else 1):
        loaded += found
        problems += trouble
        if cache:
            cache.merge(entries)
    return loaded


def _load_again(
    root: Path,
    content: Path,
    max_files: int,
    memo: Memo,
    *,
    changed: frozenset[str] | None,
    cache: TreeCache | None,
) -> tuple[list[LoadedFile], list[Problem]]:
    """:func:`load` with the last run's memo: a file is read again only when its state
    differs, and its state is looked at only when the system reported it changed (or when
    nobody said what changed)."""
    found = memo.listing
    if found is None or changed is None or found.content != content or not relist(found, changed):
        found, changed = listing(root, content), None
    memo.listing, memo.trusted = found, changed is not None
    paths, problems = found.found(max_files)
    suspects = None if changed is None else _suspects(content, changed)
    loaded: list[LoadedFile] = []
    seen: dict[Path, tuple[Hashable, LoadedFile]] = {}
    for path, collection in paths:
        known = memo.files.get(path)
        unreported = suspects is not None and path not in suspects
        state = None if known is not None and unreported else _state(path, collection)
        if known is not None and (state is None or known[0] == state):
            seen[path] = known
            loaded.append(known[1])
            continue

        def keep(record: LoadedFile, state: Hashable = state, path: Path = path) -> None:
            seen[path] = (state, record)
            loaded.append(record)

        _load_one(root, path, collection, cache, keep=keep, problems=problems)
    memo.files = seen
    return loaded, problems


def _suspects(content: Path, changed: frozenset[str]) -> set[Path]:
    """The record files whose state may differ: those reported, and a source's record when
    its text was."""
    paths = {content / rel for rel in changed}
    return paths | {path.with_suffix(".yml") for path in paths if path.suffix == ".txt"}


def _load_one(
    root: Path,
    path: Path,
    collection: str,
    cache: TreeCache | None,
    *,
    keep: Callable[[LoadedFile], None],
    problems: list[Problem],
) -> None:
    """Load one file and ``keep`` it, or add the problem that stopped it."""
    try:
        keep(load_file(root, path, collection, cache))
    except LoadError as exc:
        problems.append(
            Problem(
                _rel(root, exc.path or path), exc.line, exc.col, "(file)", exc.message, exc.hint
            )
        )
    except OSError as exc:
        problems.append(Problem(_rel(root, path), 1, 1, "(file)", f"cannot read: {exc.strerror}"))


def stale(root: Path, content: Path, memo: Memo) -> bool:
    """Whether a run told only of the reported changes could have missed one: the names
    under ``content/`` or a record file's state differ from what the memo holds. The preview
    asks after each regeneration, while MkDocs rebuilds, and regenerates again if so."""
    if memo.listing is None or not memo.trusted:
        return False  # the last run looked at everything, or the next one will
    found = listing(root, content)
    if found.names != memo.listing.names or found.folders != memo.listing.folders:
        return True
    for path, (collection, record, _) in found.names.items():
        known = memo.files.get(path)
        if record and known is not None and known[0] != _state(path, collection):
            return True
    return False


class TreeCache:
    """Parsed trees by the SHA-256 of their file's bytes, kept in one file between runs.

    Parsing with PyYAML's pure-Python parser is most of a check's time; an unchanged file
    gives the same tree, so its tree is read back instead. The key also covers this module's
    own source and PyYAML's version, so a change to the loader drops every entry. The cache
    file carries the SHA-256 of its body and every entry is rebuilt with its types checked: a
    damaged, truncated or foreign cache is ignored (the files are parsed again), never
    trusted. Only files that loaded cleanly are kept, and only those this run saw, so the
    cache holds one entry per record and every error is found afresh. Writes go through a
    temporary file and a rename, so a crash or a second build never leaves half a cache.
    """

    FILE = "trees.json"

    def __init__(self, path: Path, entries: dict[str, Any]) -> None:
        self.path = path
        self._old = entries
        self._new: dict[str, Any] = {}

    @classmethod
    def open(cls, folder: Path) -> TreeCache:
        path = folder / cls.FILE
        try:
            head, _, body = path.read_bytes().partition(b"\n")
            meta = json.loads(head)
            if meta != {"version": _CACHE_VERSION, "sha256": hashlib.sha256(body).hexdigest()}:
                return cls(path, {})
            entries = json.loads(body)
        except (OSError, ValueError):
            return cls(path, {})
        return cls(path, entries if isinstance(entries, dict) else {})

    @staticmethod
    def key(data: bytes) -> str:
        return hashlib.sha256(_CACHE_VERSION.encode() + b"\0" + data).hexdigest()

    def get(self, data: bytes) -> Mapping | None:
        """The tree parsed from exactly these bytes before, or None."""
        key = self.key(data)
        entry = self._old.get(key)
        if entry is None:
            return None
        try:
            tree = _decode_node(entry)
        except (_BadEntry, TypeError, ValueError, KeyError, IndexError):
            return None
        if not isinstance(tree, Mapping):
            return None
        self._new[key] = entry
        return tree

    def put(self, data: bytes, tree: Mapping) -> None:
        self._new[self.key(data)] = _encode_node(tree)

    def fork(self) -> TreeCache:
        """The same entries to read, and none used yet: for one file's load (:func:`_load_all`)."""
        return TreeCache(self.path, self._old)

    def used(self) -> dict[str, Any]:
        """The entries this run read or made, by key."""
        return self._new

    def merge(self, entries: dict[str, Any]) -> None:
        """Count another cache's used entries (:meth:`used`) as used here."""
        self._new.update(entries)

    def save(self) -> None:
        """Write the entries this run used, if they differ from what was read."""
        if self._new == self._old:
            return
        body = json.dumps(self._new, ensure_ascii=False, separators=(",", ":")).encode()
        meta = {"version": _CACHE_VERSION, "sha256": hashlib.sha256(body).hexdigest()}
        temporary = self.path.with_name(f".{self.FILE}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(json.dumps(meta).encode() + b"\n" + body)
            os.replace(temporary, self.path)
        except OSError:  # a read-only or full disk costs speed next time, nothing else
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


_CACHE_VERSION = hashlib.sha256(
    Path(__file__).read_bytes()
    + (Path(__file__).parent / "limits.py").read_bytes()
    + yaml.__version__.encode()
).hexdigest()[:16]
"""Changes whenever this module or its limits (how trees are built and what is refused) or
PyYAML does."""


def _encode_node(node: Node) -> list[Any]:
    if isinstance(node, Scalar):
        return ["s", node.value, node.line, node.col, node.plain, node.comment_after]
    if isinstance(node, Mapping):
        items = [[_encode_node(key), _encode_node(value)] for key, value in node.items.values()]
        return ["m", node.line, node.col, items]
    return ["q", node.line, node.col, [_encode_node(item) for item in node.items]]


class _BadEntry(Exception):
    """A cache entry :func:`_encode_node` did not make: never shown, only means "parse"."""


def _decode_node(entry: Any) -> Node:
    """A node from its cache entry; _BadEntry (or the TypeError, ValueError, KeyError or
    IndexError of unpacking something else) on anything not made by :func:`_encode_node`."""
    kind = entry[0]
    if kind == "s":
        _, value, line, col, plain, after = entry
        if not (isinstance(value, str) and type(plain) is bool and type(after) is bool):
            raise _BadEntry
        return Scalar(value, _int(line), _int(col), plain, after)
    if kind == "m":
        _, line, col, items = entry
        mapping = Mapping(_int(line), _int(col))
        for key_entry, value_entry in items:
            key = _decode_node(key_entry)
            if not isinstance(key, Scalar) or key.value in mapping.items:
                raise _BadEntry
            mapping.items[key.value] = (key, _decode_node(value_entry))
        return mapping
    if kind == "q":
        _, line, col, items = entry
        return Sequence(_int(line), _int(col), [_decode_node(item) for item in items])
    raise _BadEntry


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _BadEntry
    return value

"""Change history of the records, read from git: what each commit changed in their *values*.

Readers trust a change log only if it tells them what changed in what they read, so each commit
that touched ``content/`` is judged by the records it left behind, not by its text: both
versions of each record file are read with the strict loader and validator and compared field
by field (:mod:`generator.diffs`). A commit that changes no value (a comment, the layout of a
file) is not a change. The note readers see comes only from a ``Change-note:`` trailer in the
commit message; a developer's commit subject is never shown.

Git is read with one ``git log --raw`` over ``content/`` per build (plus one question: is this
a shallow clone?). Git history only grows and a commit never changes, so what was computed for a
commit is cached in ``.explainer/cache/history/`` (see :mod:`generator.history_cache`); only
new commits cost a ``git cat-file --batch`` and a parse. The same commit always gives the same
history, with or without the cache, so builds stay reproducible.

Unreadable versions (decided here, explained in ``docs/editing/publishing.md``):

- a commit whose new version of a record does not load or validate is skipped for that record:
  no site could have been built from it;
- when the old version does not load or validate, the new one is compared with the newest
  earlier version that does (one extra ``git log`` for that file); when none does, the record
  counts as added by this commit, the first time readers could have seen it.

Outside a git checkout, or when git is missing, the history is empty and pages simply say
nothing about changes. In a shallow clone the oldest fetched commit looks as if it added every
file; changes it reports are unknown, not facts, so they are left out (CI fetches full history:
``fetch-depth: 0``), and so are steps that would need history the clone does not have.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator import diffs, history_cache, limits, loader, validate
from generator.diffs import FieldChange, NotCached
from generator.errors import BuildError
from generator.loader import LoadedFile, LoadError
from generator.schema import COLLECTIONS, ID_PATTERN, RESERVED_IDS, Record

_RECORD_FILE = re.compile(r"^content/([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)\.(yml|txt)$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_RAW = re.compile(r"^:(\d{6}) (\d{6}) ([0-9a-f]{40}) ([0-9a-f]{40}) ([A-Z])\d*$")
_REGULAR_FILES = ("100644", "100755")
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
NOTE_KEY = "Change-note"
TIMEOUT_SECONDS = 60


def _log(*revisions_and_paths: str) -> list[str]:
    """``git log`` with, per commit: hash, time, parents, the ``Change-note:`` trailers, then
    the files it changed with their old and new blob ids, all NUL-separated (``-z``)."""
    return [
        "git",
        "-c",
        "log.showSignature=false",
        "-c",
        "log.showRoot=true",
        "-c",
        "core.quotePath=false",
        "log",
        "--no-color",
        "--no-renames",
        "--no-abbrev",
        "--relative",
        "-z",
        "--raw",
        f"--format=%H%x00%ct%x00%P%x00%(trailers:key={NOTE_KEY},valueonly,unfold,separator=%x1f)",
        *revisions_and_paths,
    ]


@dataclass(frozen=True)
class Change:
    """One commit's change to one record's values."""

    commit: str
    time: int
    """Commit time, seconds since the epoch (the committer's, as ``SOURCE_DATE_EPOCH`` uses)."""
    status: str
    """``added``, ``changed`` or ``removed``."""
    collection: str
    record_id: str
    note: str = ""
    """The commit's ``Change-note:`` for readers, or empty."""
    fields: tuple[FieldChange, ...] = ()
    """What changed, field by field (for ``changed``)."""
    label: str = ""
    """How the record was named in its last readable version (for ``removed``)."""

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.time, tz=dt.UTC).date()

    def to_json(self) -> dict[str, object]:
        """What the cache keeps: the commit's time and note come from the log each build."""
        return {
            "status": self.status,
            "collection": self.collection,
            "id": self.record_id,
            "label": self.label,
            "fields": [f.to_json() for f in self.fields],
        }

    @classmethod
    def from_json(cls, commit: Commit, data: object) -> Change:
        """Read back what :meth:`to_json` wrote; raise NotCached on anything else."""
        if not isinstance(data, dict) or set(data) != _CHANGE_KEYS:
            raise NotCached("not a change")
        status, collection, record_id, label = (
            data[k] for k in ("status", "collection", "id", "label")
        )
        if (
            status not in _STATUSES
            or collection not in COLLECTIONS
            or not isinstance(record_id, str)
            or not ID_PATTERN.match(record_id)
            or not isinstance(label, str)
            or not isinstance(data["fields"], list)
        ):
            raise NotCached("not a change")
        fields = tuple(FieldChange.from_json(f) for f in data["fields"])
        return cls(
            commit.sha, commit.time, status, collection, record_id, commit.note, fields, label
        )


_CHANGE_KEYS = {"status", "collection", "id", "label", "fields"}
_STATUSES = ("added", "changed", "removed")


@dataclass
class History:
    """Every known change to a record's values, newest first."""

    changes: list[Change] = field(default_factory=list)
    available: bool = False
    """False when the project is not a git checkout (or git is missing)."""
    by_record: dict[tuple[str, str], list[Change]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for change in self.changes:
            self.by_record.setdefault((change.collection, change.record_id), []).append(change)

    def of(self, collection: str, record_id: str) -> list[Change]:
        """The record's own changes, newest first."""
        return self.by_record.get((collection, record_id), [])

    def last_changed(self, collection: str, record_id: str) -> Change | None:
        """The newest change to the record's values, or None when history does not know it."""
        own = self.of(collection, record_id)
        return own[0] if own else None


@dataclass(frozen=True)
class Touch:
    """One record file changed by a commit: its blob before and after ("" when absent)."""

    path: str
    collection: str
    record_id: str
    is_text: bool
    """The ``.txt`` of a source rather than a ``.yml``."""
    old: str
    new: str


@dataclass(frozen=True)
class Commit:
    sha: str
    time: int
    parents: tuple[str, ...]
    note: str
    touches: tuple[Touch, ...]


def git(root: Path, args: list[str], stdin: bytes | None = None) -> str | None:
    """Output of a git command in ``root``, or None outside a checkout or when git fails."""
    out = git_bytes(root, args, stdin)
    return None if out is None else out.decode("utf-8", errors="replace")


def git_bytes(root: Path, args: list[str], stdin: bytes | None = None) -> bytes | None:
    try:
        proc = subprocess.run(
            args, cwd=root, input=stdin, capture_output=True, check=False, timeout=TIMEOUT_SECONDS
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def parse_log(output: str) -> list[Commit]:
    """The commits in the output of :func:`_log`, in git's order (newest first).

    Tokens are read by position (four header fields, then pairs of a ``:`` line and a path),
    so neither a note nor a file name can pass for the start of another commit.
    """
    tokens = output.split("\0")
    commits: list[Commit] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].strip():
            i += 1
            continue
        if i + 3 >= len(tokens) or not _SHA.match(tokens[i].lstrip("\n")):
            raise BuildError(f"unexpected output from git log near {tokens[i][:60]!r}")
        sha, time, parents, note = tokens[i].lstrip("\n"), *tokens[i + 1 : i + 4]
        i += 4
        touches = []
        while i + 1 < len(tokens) and tokens[i].lstrip("\n").startswith(":"):
            touch = _touch(tokens[i].lstrip("\n"), tokens[i + 1])
            if touch:
                touches.append(touch)
            i += 2
        commits.append(Commit(sha, int(time), tuple(parents.split()), _note(note), tuple(touches)))
    return commits


def _note(trailers: str) -> str:
    """Several ``Change-note:`` trailers read as one note, on one line, without the control,
    bidirectional and invisible characters that a record's one-line text may not hold either."""
    note = " ".join(" ".join(part.split()) for part in trailers.split("\x1f") if part.strip())
    return _HIDDEN.sub("", note)


def _touch(raw: str, path: str) -> Touch | None:
    """A ``--raw`` line for a record file; None for other files. A symlink or submodule is
    not a record, so such a version counts as absent."""
    raw_match, path_match = _RAW.match(raw), _RECORD_FILE.match(path)
    if not raw_match or not path_match:
        return None
    collection, record_id, suffix = path_match.groups()
    if collection not in COLLECTIONS or record_id in RESERVED_IDS:
        return None
    if suffix == "txt" and collection != "sources":
        return None
    old_mode, new_mode, old, new, _ = raw_match.groups()
    old = old if old_mode in _REGULAR_FILES else ""
    new = new if new_mode in _REGULAR_FILES else ""
    return Touch(path, collection, record_id, suffix == "txt", old, new) if old or new else None


class Blobs:
    """File versions by blob id, fetched in batches with ``git cat-file``, within the size
    limits the loader applies to files on disk (a bigger one reads as None). A blob git cannot
    give is an error, not an unreadable version: what is computed from it is cached for good."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data: dict[str, bytes | None] = {}

    def fetch(self, shas: Iterable[str]) -> None:
        wanted = sorted({sha for sha in shas if sha and sha not in self.data})
        if not wanted:
            return
        sizes = self._sizes(wanted)
        small = [sha for sha in wanted if sizes[sha] <= limits.MAX_TEXT_BYTES]
        self.data.update(dict.fromkeys(wanted))
        out = git_bytes(self.root, ["git", "cat-file", "--batch"], "\n".join(small).encode())
        if out is None:
            raise BuildError("git cat-file failed while reading the history of content/")
        pos = 0
        while out and pos < len(out):
            header_end = out.index(b"\n", pos)
            sha, _kind, size = out[pos:header_end].decode().split(" ")
            start = header_end + 1
            self.data[sha] = out[start : start + int(size)]
            pos = start + int(size) + 1

    def _sizes(self, shas: list[str]) -> dict[str, int]:
        out = git(self.root, ["git", "cat-file", "--batch-check"], "\n".join(shas).encode())
        sizes = {}
        for line in (out or "").splitlines():
            parts = line.split(" ")
            if len(parts) == 3 and parts[1] == "blob":
                sizes[parts[0]] = int(parts[2])
        missing = sorted(set(shas) - set(sizes))
        if missing:
            raise BuildError(f"git cannot read file version {missing[0]} of content/")
        return sizes

    def get(self, sha: str) -> bytes | None:
        self.fetch([sha])
        return self.data.get(sha)


class Versions:
    """Record versions read from blobs with the strict loader and validator, each once."""

    def __init__(self, blobs: Blobs) -> None:
        self.blobs = blobs
        self.records: dict[tuple[str, str], Record | None] = {}

    def record(self, touch: Touch, blob: str) -> Record | None:
        """The record in ``blob``, or None when it does not load or validate."""
        key = (touch.collection, blob)
        if key not in self.records:
            self.records[key] = _read_record(touch, self.blobs.get(blob))
        return self.records[key]

    def text(self, blob: str) -> str | None:
        """A source's stored text, or None when it is unreadable."""
        data = self.blobs.get(blob)
        if data is None or len(data) > limits.MAX_TEXT_BYTES:
            return None
        try:
            return loader.decode(data)
        except LoadError:
            return None


def _read_record(touch: Touch, data: bytes | None) -> Record | None:
    if data is None or len(data) > limits.MAX_RECORD_BYTES:
        return None
    try:
        tree = loader.parse(loader.decode(data))
    except LoadError:
        return None
    loaded = LoadedFile(touch.path, touch.collection, touch.record_id, tree)
    result, _ = validate.validate_file(loaded)
    return result if isinstance(result, Record) else None


_ABSENT = "absent"
_UNKNOWN = "unknown"


@dataclass
class Reader:
    """Computes the changes of commits from their files' versions."""

    root: Path
    shallow: bool
    versions: Versions

    def changes(self, commit: Commit) -> list[Change]:
        """The value changes a commit made, one per record, in path order."""
        by_record: dict[tuple[str, str], list[Touch]] = {}
        for touch in commit.touches:
            by_record.setdefault((touch.collection, touch.record_id), []).append(touch)
        found = []
        for (collection, record_id), touches in sorted(by_record.items()):
            change = self._record_change(commit, collection, record_id, touches)
            if change:
                found.append(change)
        return found

    def _record_change(
        self, commit: Commit, collection: str, record_id: str, touches: list[Touch]
    ) -> Change | None:
        status, label = "changed", ""
        fields: tuple[FieldChange, ...] = ()
        for touch in touches:
            if touch.is_text:
                fields += self._text_change(touch)
                continue
            step = self._record_step(commit, touch)
            if step is None:
                return None
            status, found, label = step
            fields = found + fields
        if status == "changed" and not fields:
            return None
        kept = fields if status == "changed" else ()
        return Change(
            commit.sha, commit.time, status, collection, record_id, commit.note, kept, label
        )

    def _text_change(self, touch: Touch) -> tuple[FieldChange, ...]:
        old = self.versions.text(touch.old) if touch.old else ""
        new = self.versions.text(touch.new) if touch.new else ""
        if old is None or new is None:
            return ()
        before, after = diffs.text_value(old), diffs.text_value(new)
        return () if before == after else (FieldChange(diffs.TEXT, before, after),)

    def _record_step(
        self, commit: Commit, touch: Touch
    ) -> tuple[str, tuple[FieldChange, ...], str] | None:
        """(status, fields, label) of one ``.yml`` change, or None when it is not one."""
        new = self.versions.record(touch, touch.new) if touch.new else _ABSENT
        if new is None:
            return None
        old = self._old_version(commit, touch)
        if old == _UNKNOWN or old == new == _ABSENT:
            return None
        if isinstance(old, str):
            return "added", (), ""
        if isinstance(new, str):
            return "removed", (), old.label or old.id
        return "changed", diffs.compare(diffs.values_of(old), diffs.values_of(new)), ""

    def _old_version(self, commit: Commit, touch: Touch) -> Record | str:
        if not touch.old:
            return _ABSENT
        record = self.versions.record(touch, touch.old)
        if record is not None:
            return record
        if self.shallow or len(commit.parents) != 1:
            return _UNKNOWN
        return self._earlier_readable(commit.parents[0], touch)

    def _earlier_readable(self, parent: str, touch: Touch) -> Record | str:
        """The newest version of the file before ``parent`` (inclusive) that reads, or absent
        when it did not exist (deleted, or never readable) before."""
        out = git(self.root, _log(parent, "--", touch.path))
        if out is None:
            raise BuildError(f"git log failed while reading the history of {touch.path}")
        earlier = [t for c in parse_log(out) for t in c.touches if t.path == touch.path]
        self.versions.blobs.fetch(t.new for t in earlier)
        for version in earlier:
            if not version.new:
                return _ABSENT
            record = self.versions.record(version, version.new)
            if record is not None:
                return record
        return _ABSENT


def compute(root: Path, commits: list[Commit], shallow: bool) -> dict[str, list[Change]]:
    """The changes of each commit, read from git (one batch of ``cat-file`` for them all)."""
    blobs = Blobs(root)
    blobs.fetch(sha for c in commits for t in c.touches for sha in (t.old, t.new))
    reader = Reader(root, shallow, Versions(blobs))
    return {commit.sha: reader.changes(commit) for commit in commits}


Memo = dict[str, tuple[tuple[str, str], History]]
"""What a long-running process (the preview) read last, by ``since``: the same log gives the
same history, so the cache of every commit's changes is not read again after each save."""


def read(
    root: Path, cache: Path | None = None, since: str = "", memo: Memo | None = None
) -> History:
    """The history of ``root/content`` from git, or an empty one outside a git checkout.
    With ``cache`` (a folder), each commit's changes are kept there and reused; with
    ``since`` (a commit, branch or tag), only the commits after it up to HEAD count; with
    ``memo``, the history last read is given back while git's log is the same."""
    shallow_answer = git(root, ["git", "rev-parse", "--is-shallow-repository"])
    if shallow_answer is None:
        return History()
    output = git(root, _log(*_range(root, since), "--", "content"))
    if output is None:
        return History()
    known = memo.get(since) if memo is not None else None
    if known is not None and known[0] == (shallow_answer, output):
        return known[1]
    history = _read(root, cache, shallow_answer, output)
    if memo is not None:
        memo[since] = ((shallow_answer, output), history)
    return history


def _read(root: Path, cache: Path | None, shallow_answer: str, output: str) -> History:
    shallow = shallow_answer.strip() == "true"
    commits = [c for c in parse_log(output) if c.parents or not shallow]
    store = history_cache.Store(cache) if cache and not shallow else None
    if store:
        store.load()
    found = {c.sha: _cached(store, c) for c in commits} if store else {}
    missing = [c for c in commits if found.get(c.sha) is None]
    for sha, changes in compute(root, missing, shallow).items():
        found[sha] = changes
        if store:
            store.put(sha, [change.to_json() for change in changes])
    if store and missing:
        store.save()
    return History([change for c in commits for change in found[c.sha] or []], available=True)


def _range(root: Path, since: str) -> list[str]:
    """The revisions to read: HEAD's whole history, or what ``since`` does not have."""
    if not since:
        return []
    base = git(
        root, ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", since + "^{commit}"]
    )
    if base is None:
        raise BuildError(f"{since!r} is not a commit of this repository")
    return [f"{base.strip()}..HEAD"]


def _cached(store: history_cache.Store, commit: Commit) -> list[Change] | None:
    """The commit's changes from the cache, or None when the entry is missing or corrupt."""
    data = store.get(commit.sha)
    if not isinstance(data, list):
        return None
    try:
        return [Change.from_json(commit, item) for item in data]
    except (ValueError, KeyError, TypeError):
        return None

"""The history cache: what each commit changed, computed once and kept as JSON in
``.explainer/cache/history/<key>.json``.

A commit never changes, so its changes only depend on the code that reads and compares
records. The key is a digest of :data:`VERSION` (bumped by hand when the meaning of a change
changes), the source of the modules that read records and compare them (the schema included)
and the version of pycountry (which decides which country codes are valid); any change to them
starts a fresh file. An entry that is unreadable, or that does not say which commit it belongs
to, is ignored and computed again: the cache may make a build faster, never different. Deleting
the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import cache
from importlib import metadata
from pathlib import Path

VERSION = 1
CODE = (
    "dates.py",
    "diffs.py",
    "errors.py",
    "escape.py",
    "history.py",
    "history_cache.py",
    "limits.py",
    "loader.py",
    "schema.py",
    "scratch.py",
    "urls.py",
    "validate.py",
    "workers.py",
)
"""The modules (of this package) whose code decides what a commit changed: ``history.py`` and
every module it imports, directly or not (a test keeps the list whole)."""


@cache
def key() -> str:
    """Which code computed the entries: the same key reads them back, any other ignores them."""
    digest = hashlib.sha256(f"history cache {VERSION}\n".encode())
    digest.update(metadata.version("pycountry").encode())
    for name in CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:20]


class Store:
    """One file of entries, ``{commit: {"commit": commit, "changes": …}}``, for the current
    :func:`key`: read once and written once per build, so a warm build costs one file read."""

    def __init__(self, root: Path) -> None:
        self.path = root / "history" / f"{key()}.json"
        self.entries: dict[str, object] = {}

    def load(self) -> None:
        """Read the file; a missing or unreadable one is an empty cache."""
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("key") == key():
            entries = data.get("commits")
            self.entries = dict(entries) if isinstance(entries, dict) else {}

    def get(self, commit: str) -> object:
        """What was saved for ``commit``, or None when there is no entry that says it is."""
        entry = self.entries.get(commit)
        if not isinstance(entry, dict) or entry.get("commit") != commit:
            return None
        return entry.get("changes")

    def put(self, commit: str, changes: object) -> None:
        self.entries[commit] = {"commit": commit, "changes": changes}

    def save(self) -> None:
        """Write every entry back; a cache that cannot be written is only slower, so a failure
        to write is not an error."""
        data = {"key": key(), "commits": self.entries}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), "utf-8")
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

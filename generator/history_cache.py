"""The history cache: what each commit changed, computed once and kept as JSON under
``.explainer/cache/history/<key>/<commit>.json``.

A commit never changes, so its changes only depend on the code that reads and compares
records. The key is a digest of :data:`VERSION` (bumped by hand when the meaning of a change
changes), the source of the modules that read records and compare them (the schema included)
and the version of pycountry (which decides which country codes are valid); any change to them
starts a fresh folder. An entry that is unreadable, or that does not say which commit and key it
belongs to, is ignored and computed again: the cache may make a build faster, never different.
Deleting the folder is always safe.
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
    "escape.py",
    "history.py",
    "loader.py",
    "schema.py",
    "urls.py",
    "validate.py",
)
"""The modules (of this package) whose code decides what a commit changed."""


@cache
def key() -> str:
    """Which code computed the entries: the same key reads them back, any other ignores them."""
    digest = hashlib.sha256(f"history cache {VERSION}\n".encode())
    digest.update(metadata.version("pycountry").encode())
    for name in CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:20]


class Store:
    """One folder of entries for the current :func:`key`."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "history" / key()

    def load(self, commit: str) -> object:
        """What was saved for ``commit``, or None when there is no usable entry."""
        try:
            data = json.loads((self.folder / f"{commit}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("commit") != commit or data.get("key") != key():
            return None
        return data.get("changes")

    def save(self, commit: str, changes: object) -> None:
        """Keep ``changes`` (JSON data) for next time; a cache that cannot be written is only
        slower, so a failure to write is not an error."""
        data = {"commit": commit, "key": key(), "changes": changes}
        path = self.folder / f"{commit}.json"
        temporary = path.with_name(f".{commit}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), "utf-8")
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

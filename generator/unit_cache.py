"""What a build's pages and outputs made, kept on disk for the next build.

The preview reuses a page when nothing it read has changed (:mod:`generator.incremental`),
but only within its own process. ``explainer build`` and ``generate`` start afresh each time,
and at 10,000 records rendering every page again costs 4 s of the build (8 s of CPU), though a
pull request changes a few records. So a build keeps each unit (a page, an output) in
``.explainer/cache/units.json``: its ident, the fingerprint of its input, each value it read
with that value's fingerprint (:func:`generator.incremental.digest`), and its result. The next
build reuses a unit whose input and every value it read fingerprint the same now: the same
rule as the preview's, by fingerprint instead of by ``==``, so the bytes are the same as a
clean build's (``tests/test_unit_cache.py``, and every "runs" case of
``tests/test_incremental.py``, which keep the cache from run to run).

A result that is a file's bytes (a page, a feed) is kept as a file of its own in
``.explainer/cache/units/``, named by its SHA-256, and comes back as that file
(:class:`~generator.writer.Stored`): the writer links it into ``docs/`` rather than writing
10,000 pages again, and no build holds their bytes. On this machine's file system, creating a
file costs up to 0.5 ms soon after many were deleted (a clean checkout's ``rm``), so links
instead of new files save seconds. Each file is checked against its hash when it is read
back (a page edited through its link in ``docs/`` is made again, never published).

``units.json`` is written whole or not at all (beside, then renamed), and read only under a
key: a fingerprint of the generator's code and templates, of the Python and the packages that
shape what it makes, and of what every unit may read besides the story (history, settings,
standfirst). Anything else (another key, a damaged or foreign file) means a build from nothing.
It is JSON, never a pickle: CI restores the cache from the Actions cache, and reading it must
not run code.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

from generator import incremental, memo
from generator.incremental import ALL, Kept, Key, Session
from generator.writer import Stored

FILE = "units.json"
_SHA256 = re.compile(r"[0-9a-f]{64}")
FOLDER = "units"
VERSION = 2


class _Unkeepable(Exception):
    """An ident, key or result this format does not hold: the unit is made again next time."""


class _Damaged(Exception):
    """A file that is not whole: nothing in it is used."""


PACKAGES = (
    "Jinja2",
    "MarkupSafe",
    "markdown-it-py",
    "pycountry",
    "babel",
    "icalendar",
    "pillow",
    "fonttools",
    "arabic-reshaper",
    "python-bidi",
)
"""The packages whose behaviour or data goes into what units make (templates, escaping,
Markdown to HTML for feeds, countries, dates, calendars)."""


def key(around: Any) -> str:
    """The key a kept file must carry to be used: code, and what surrounds the story."""
    return f"{memo.code_version(PACKAGES).hex()}:{incremental.digest(around)}"


def restore(session: Session, folder: Path, wanted: str) -> None:
    """Give ``session`` the units kept in ``folder`` under the key ``wanted``, if any."""
    try:
        header = json.loads((folder / FILE).read_bytes())
        session.kept = _kept(header, wanted, folder / FOLDER)
    except (OSError, ValueError, KeyError, TypeError, IndexError, _Unkeepable, _Damaged):
        return


def _kept(header: dict[str, Any], wanted: str, files: Path) -> Kept | None:
    if header["version"] != VERSION or header["key"] != wanted:
        return None
    reads = [((str(name), _decode(k)), str(seen)) for name, k, seen in header["reads"]]
    good: dict[str, Stored | None] = {}
    units: dict[Hashable, tuple[str, tuple[int, ...], Any]] = {}
    for ident, given, ids, kind, value in header["units"]:
        if any(not 0 <= i < len(reads) for i in ids):
            return None
        result = _result(kind, value, files, good)
        if result is not None:
            units[_decode(ident)] = (str(given), tuple(ids), result)
    return Kept(units, reads)


def _result(kind: str, value: Any, files: Path, good: dict[str, Stored | None]) -> Any:
    """A kept result; None if a file it is made of is missing or not what it was."""
    if kind == "str":
        if not isinstance(value, str):
            raise _Damaged("not a text")
        return value
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    if kind == "texts":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Damaged("not texts")
        return tuple(value)
    if kind == "file":
        return _file(value, files, good)
    if kind == "files":
        found = {str(path): _file(sha256, files, good) for path, sha256 in value}
        return None if None in found.values() else found
    raise _Damaged(f"unknown kind {kind!r}")


def _file(sha256: Any, files: Path, good: dict[str, Stored | None]) -> Stored | None:
    """The kept file named ``sha256``, if its bytes still hash to it (checked once)."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise _Damaged("not a file's name")
    if sha256 not in good:
        path = files / sha256
        try:
            same = hashlib.sha256(path.read_bytes()).hexdigest() == sha256
        except OSError:
            same = False
        good[sha256] = Stored(str(path), sha256) if same else None
    return good[sha256]


def keep(
    session: Session,
    folder: Path,
    wanted: str,
    docs: Path | None = None,
    written: Mapping[int, tuple[str, str]] | None = None,
) -> None:
    """Keep this run's units in ``folder`` under the key ``wanted``; a failure to write costs
    the next build time, nothing else. ``written`` says, for each result object the writer
    has just put into ``docs`` (by ``id``: the session holds them all), where and with what
    SHA-256: its file is then a link to that page, and its bytes are not hashed again."""
    reads: dict[Key, int] = {}
    listed: list[list[Any]] = []
    units: list[list[Any]] = []
    try:
        files = _Files(folder / FOLDER, docs, written or {})
        for ident, given, read, result, nested in session.made():
            with contextlib.suppress(_Unkeepable):
                name, (kind, value) = _encode(ident), _stored(result, files, nested)
                ids = []
                for k in sorted(read, key=repr):
                    if k not in reads:
                        listed.append([k[0], _encode(k[1]), session.now(k)])
                        reads[k] = len(listed) - 1
                    ids.append(reads[k])
                units.append([name, given, ids, kind, value])
        header = {"version": VERSION, "key": wanted, "reads": listed, "units": units}
        temporary = folder / f".{FILE}.{os.getpid()}"
        temporary.write_text(json.dumps(header), encoding="utf-8")
        os.replace(temporary, folder / FILE)
        files.sweep()
    except OSError:
        with contextlib.suppress(OSError):
            (folder / f".{FILE}.{os.getpid()}").unlink(missing_ok=True)


class _Files:
    """The folder of kept files: each named by the SHA-256 of its bytes."""

    def __init__(
        self, folder: Path, docs: Path | None, written: Mapping[int, tuple[str, str]]
    ) -> None:
        self.folder, self.docs, self.written = folder, docs, written
        self.where = str(folder)  # a string: compared with 10,000 files' folders
        self.named: set[str] = set()
        folder.mkdir(parents=True, exist_ok=True)

    def put(self, data: bytes | Stored) -> str:
        """The name of ``data``'s file, made if this run has not: a link to the file the
        writer just wrote with these bytes, else written; beside, then renamed over."""
        if isinstance(data, Stored) and os.path.dirname(data.origin) == self.where:
            self.named.add(data.sha256)
            return data.sha256
        if isinstance(data, Stored):
            raise _Unkeepable("a file of another cache")
        rel, sha256 = self.written.get(id(data)) or (None, hashlib.sha256(data).hexdigest())
        if sha256 not in self.named:
            temporary = self.folder / f".{sha256}.{secrets.token_hex(4)}"
            if rel is None or self.docs is None or not _linked(self.docs / rel, temporary):
                temporary.write_bytes(data)
            os.replace(temporary, self.folder / sha256)
            self.named.add(sha256)
        return sha256

    def sweep(self) -> None:
        """Remove the files no kept unit names any more (pages of an earlier text)."""
        for entry in os.scandir(self.folder):
            if entry.name not in self.named:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _linked(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


def _stored(result: Any, files: _Files, nested: bool) -> tuple[str, Any]:
    """How a result is kept: its kind, and its text or the names of its files. The bytes of
    a unit inside another are part of that one's (an event of the calendar), which joins
    them: they are kept in ``units.json``, and come back as bytes."""
    if isinstance(result, str):
        return "str", result
    if nested and isinstance(result, bytes):
        return "bytes", base64.b64encode(result).decode("ascii")
    if nested and isinstance(result, tuple) and all(isinstance(v, str) for v in result):
        return "texts", list(result)  # a line of the changes feed and its record's address
    if nested:
        raise _Unkeepable(type(result).__name__)
    if isinstance(result, bytes | Stored):
        return "file", files.put(result)
    if isinstance(result, Mapping) and all(
        isinstance(p, str) and isinstance(d, bytes | Stored) for p, d in result.items()
    ):
        return "files", [[path, files.put(data)] for path, data in result.items()]
    raise _Unkeepable(type(result).__name__)


def _encode(value: Any) -> Any:
    """An ident or a key as JSON: strings and numbers as themselves, tuples as lists, the
    read of a whole mapping (:data:`~generator.incremental.ALL`) as null."""
    if value is ALL:
        return None
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    raise _Unkeepable(type(value).__name__)


def _decode(value: Any) -> Any:
    if value is None:
        return ALL
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _Unkeepable(type(value).__name__)

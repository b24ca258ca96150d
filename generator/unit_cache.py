"""What a build's pages and outputs made, kept on disk for the next build.

The preview reuses a page when nothing it read has changed (:mod:`generator.incremental`),
but only within its own process. ``explainer build`` and ``generate`` start afresh each time,
and at 10,000 records rendering every page again costs 4 s of the build (8 s of CPU), though a
pull request changes a few records. So a build keeps each unit (a page, an output) in
``.explainer/cache/units.bin``: its ident, the fingerprint of its input, each value it read
with that value's fingerprint (:func:`generator.incremental.digest`), and its result. The next
build reuses a unit whose input and every value it read fingerprint the same now: the same
rule as the preview's, by fingerprint instead of by ``==``, so the bytes are the same as a
clean build's (``tests/test_unit_cache.py``, and every "runs" case of
``tests/test_incremental.py``, which keep the cache from run to run).

The file is kept whole or not at all (written beside, then renamed), and read only under a
key: a fingerprint of the generator's code and templates, of the Python and every installed
package, and of what every unit may read besides the story (history, settings, standfirst).
Anything else (another key, a damaged or foreign file) means a build from nothing.

It holds JSON and raw bytes, never a pickle: CI restores the cache from the Actions cache,
and reading it must not run code.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from generator import incremental, memo
from generator.incremental import ALL, Kept, Key, Session

FILE = "units.bin"
MAGIC = b"explainer units 1\n"


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
        with (folder / FILE).open("rb") as data:
            session.kept = _read(data, wanted)
    except (OSError, ValueError, KeyError, TypeError, IndexError, _Unkeepable, _Damaged):
        return


def _read(data: BinaryIO, wanted: str) -> Kept | None:
    """The kept units, read in file order (the results one by one: the file is as big as the
    pages, and is never in memory whole)."""
    if data.read(len(MAGIC)) != MAGIC:
        return None
    header = json.loads(data.read(int(data.readline(20))))
    if header["key"] != wanted:
        return None
    reads = [((str(name), _decode(k)), str(seen)) for name, k, seen in header["reads"]]
    units: dict[Hashable, tuple[str, tuple[int, ...], Any]] = {}
    for ident, given, ids, kind, where in header["units"]:
        if any(not 0 <= i < len(reads) for i in ids):
            return None
        units[_decode(ident)] = (str(given), tuple(ids), _result(kind, where, data))
    return Kept(units, reads)


def _result(kind: str, where: Any, data: BinaryIO) -> Any:
    def part(size: int) -> bytes:
        found = data.read(size)
        if len(found) != size:
            raise _Damaged("the file ends early")
        return found

    if kind == "bytes":
        return part(where)
    if kind == "str":
        return part(where).decode("utf-8")
    if kind == "files":
        return {str(path): part(size) for path, size in where}
    raise _Damaged(f"unknown kind {kind!r}")


def keep(session: Session, folder: Path, wanted: str) -> None:
    """Write this run's units to ``folder`` under the key ``wanted``; a failure to write
    costs the next build time, nothing else."""
    reads: dict[Key, int] = {}
    listed: list[list[Any]] = []
    units: list[list[Any]] = []
    chunks: list[bytes] = []

    def put(data: bytes) -> int:
        chunks.append(data)
        return len(data)

    for ident, given, read, result in session.made():
        try:
            name = _encode(ident)
            ids = []
            for k in sorted(read, key=repr):
                if k not in reads:
                    listed.append([k[0], _encode(k[1]), session.now(k)])
                    reads[k] = len(listed) - 1
                ids.append(reads[k])
            kind, where = _stored(result, put)  # last: a unit not kept puts nothing
            units.append([name, given, ids, kind, where])
        except _Unkeepable:
            continue
    header = json.dumps({"key": wanted, "reads": listed, "units": units}).encode()
    temporary = folder / f".{FILE}.{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as out:
            out.write(MAGIC + b"%d\n" % len(header) + header)
            out.writelines(chunks)
        os.replace(temporary, folder / FILE)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _stored(result: Any, put: Any) -> tuple[str, Any]:
    """How a result goes into the file: its kind, and where its bytes are."""
    if isinstance(result, bytes):
        return "bytes", put(bytes(result))
    if isinstance(result, str):
        return "str", put(result.encode("utf-8"))
    if isinstance(result, Mapping) and all(
        isinstance(p, str) and isinstance(d, bytes) for p, d in result.items()
    ):
        return "files", [[path, put(bytes(data))] for path, data in result.items()]
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

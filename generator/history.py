"""Change history of the records, read from git: when each record last changed, and what
changed recently.

Readers trust a "last changed" date only if it is the date of the change, not of the build, so
it comes from the commits that touched the record's file. Git is read once per build, with one
``git log --name-status`` over ``content/`` (plus one question: is this a shallow clone?), never
once per file. The same commit always gives the same history, so builds stay reproducible.

Outside a git checkout, or when git is missing, the history is empty and pages simply say
nothing about changes. In a shallow clone the oldest fetched commit looks as if it added every
file; changes it reports are unknown, not facts, so they are left out (CI fetches full history:
``fetch-depth: 0``).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.schema import COLLECTIONS

_RECORD_FILE = re.compile(r"^content/([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)\.(?:yml|txt)$")
_STATUS = {"A": "added", "M": "changed", "D": "removed", "T": "changed"}
_RECORD, _FIELD = "\x1e", "\x1f"
_LOG = [
    "git",
    "-c",
    "log.showSignature=false",
    "-c",
    "core.quotePath=false",
    "log",
    "--no-color",
    "--no-renames",
    "--relative",
    "-z",
    f"--format={_RECORD}%H{_FIELD}%ct{_FIELD}%P{_FIELD}%s",
    "--name-status",
    "--",
    "content",
]
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Change:
    """One commit's change to one record."""

    commit: str
    time: int
    """Commit time, seconds since the epoch (the committer's, as ``SOURCE_DATE_EPOCH`` uses)."""
    status: str
    """``added``, ``changed`` or ``removed``."""
    collection: str
    record_id: str
    subject: str
    """The first line of the commit message."""

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.time, tz=dt.UTC).date()


@dataclass
class History:
    """Every known change to a record file, newest first."""

    changes: list[Change] = field(default_factory=list)
    available: bool = False
    """False when the project is not a git checkout (or git is missing)."""
    latest: dict[tuple[str, str], Change] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for change in self.changes:
            self.latest.setdefault((change.collection, change.record_id), change)

    def last_changed(self, collection: str, record_id: str) -> Change | None:
        """The newest change to the record's files, or None when history does not know it."""
        return self.latest.get((collection, record_id))


def git(root: Path, args: list[str]) -> str | None:
    """Output of a git command in ``root``, or None outside a checkout or when git fails."""
    try:
        proc = subprocess.run(
            args,
            cwd=root,
            capture_output=True,
            check=False,
            timeout=TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="replace")


def parse_log(output: str, shallow: bool = False) -> list[Change]:
    """The changes in the output of :data:`_LOG`, in git's order (newest first).

    With ``shallow``, commits without parents are the cut-off edge of a shallow clone, so their
    changes are dropped.
    """
    changes: list[Change] = []
    for chunk in output.split(_RECORD)[1:]:
        header, _, files = chunk.partition("\0")
        commit, time, parents, subject = header.split(_FIELD, 3)
        if shallow and not parents.strip():
            continue
        tokens = [token.strip() for token in files.split("\0")]
        tokens = [token for token in tokens if token]
        for status, path in zip(tokens[::2], tokens[1::2], strict=False):
            match = _RECORD_FILE.match(path)
            if not match or match.group(1) not in COLLECTIONS:
                continue
            changes.append(
                Change(
                    commit,
                    int(time),
                    _STATUS.get(status[:1], "changed"),
                    match.group(1),
                    match.group(2),
                    subject.strip(),
                )
            )
    return _one_per_commit(changes)


def _one_per_commit(changes: list[Change]) -> list[Change]:
    """A source's ``.yml`` and ``.txt`` changed in one commit are one change to the source."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for change in changes:
        key = (change.commit, change.collection, change.record_id)
        if key not in seen:
            seen.add(key)
            kept.append(change)
    return kept


def read(root: Path) -> History:
    """The history of ``root/content`` from git, or an empty one outside a git checkout."""
    shallow = git(root, ["git", "rev-parse", "--is-shallow-repository"])
    if shallow is None:
        return History()
    output = git(root, _LOG)
    if output is None:
        return History()
    return History(parse_log(output, shallow=shallow.strip() == "true"), available=True)

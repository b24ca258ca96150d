"""The small exception tree and the one shape every content problem takes.

Library code raises these; only :mod:`generator.cli` turns them into exit codes.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """An error stops the run; a warning is printed and the run goes on."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located for an editor.

    Ordered by place first so that a run's problems print sorted by file and line.
    """

    path: str
    line: int
    col: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.field}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.severity is Severity.WARNING:
            text = "warning: " + text
        return text


class GeneratorError(Exception):
    """Base of everything the generator raises on purpose."""


class ContentError(GeneratorError):
    """The content is invalid; ``problems`` holds every error found, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in content")


class BuildError(GeneratorError):
    """Something other than content failed: the site engine, the file system."""


_WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
)


def file_error(root: Path, exc: OSError) -> str:
    """One line for a file-system failure (a full disk, a read-only folder): the path, relative
    to the project when inside it, and the system's reason, so an editor knows what to free or
    unlock. The writer and the engine leave ``docs/`` and ``site/`` whole (old or new) and the
    next run finishes or drops what was staged, so for a refused write the fix is always: free
    space or make it writable, then run again."""
    name = exc.filename if exc.filename is not None else "a file"
    path = Path(os.fsdecode(name))
    if path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    reason = exc.strerror or str(exc)
    if exc.errno in _WRITE_ERRNOS:
        hint = "free some space or make it writable, then run again"
        return f"cannot write {path.as_posix()}: {reason} ({hint})"
    return f"cannot use {path.as_posix()}: {reason}"


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Name ``path`` in an OSError raised inside: a failed ``write()`` (a full disk) carries
    no file name of its own, and :func:`file_error` must say which file it was."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise

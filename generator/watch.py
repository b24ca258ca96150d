"""Wake the live preview when ``content/`` changes, from the system's file events.

Re-listing the tree to find a change costs in proportion to the story (at 10,000 records, polling
every quarter second took a third of a core while nobody typed). The kernel already knows what
changed (inotify on Linux, FSEvents on macOS, through ``watchdog``), so the preview sleeps until
it is told. What wakes it:

- a file created, modified, deleted, moved or touched under ``content/``, and a folder
  created, deleted or moved (a folder's own "modified" event only says a file in it came or
  went, which the file's event says better);
- not an editor's backup, swap or lock file (``zoe.yml~``, ``.#zoe.yml``, ``.zoe.yml.swp``,
  :func:`generator.scratch.ignored`): the loader ignores them, so the preview must too, or every
  save would regenerate twice;
- not a file being opened, read or closed unwritten: regenerating reads every record, and those
  reads must not wake the preview again.

One save often makes several events (a backup, a write, a rename over the original, a
metadata change). :meth:`ContentWatcher.wait` returns once the events have been quiet for
:data:`QUIET_SECONDS`, so one save gives one regeneration.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path, PurePath
from types import TracebackType

from watchdog.events import (
    EVENT_TYPE_ATTRIB,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from generator.scratch import ignored

QUIET_SECONDS = 0.05
"""How long events must stop before a change counts as one: long enough for an editor's
backup-write-rename sequence (Vim's takes a few milliseconds), short enough that nobody waits
for it (it was 0.1 s: a twentieth of the 2-second goal for a save to show)."""

CHANGES = {
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    EVENT_TYPE_ATTRIB,  # ``touch``, ``chmod``: the old poller saw those too
}


def changed_paths(event: FileSystemEvent, content: Path) -> list[str]:
    """The paths under ``content`` (relative, ``people/ada.yml``) whose change ``event``
    reports, the source and the target of a move; none for an event that changes nothing
    the generator reads."""
    if event.event_type not in CHANGES:
        return []  # opened, closed: our own reads while regenerating
    if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
        return []  # a file in it came or went: that file's own event decides
    paths = [event.src_path, getattr(event, "dest_path", "")]
    return [rel for path in paths if path and (rel := _content_path(os.fsdecode(path), content))]


def _content_path(path: str, content: Path) -> str:
    """``path`` relative to ``content`` if it is under it and no part of it is an editor's
    file (or hidden folder); an empty string if not. ``content`` itself is ``.``."""
    try:
        parts = PurePath(path).relative_to(content).parts
    except ValueError:
        return ""
    if any(ignored(part) for part in parts):
        return ""
    return "/".join(parts) or "."


class _Handler(FileSystemEventHandler):
    """Runs on watchdog's thread: records when the last event that changes what the generator
    reads came, and which paths it changed; nothing more."""

    def __init__(self, watcher: ContentWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = changed_paths(event, self.watcher.content)
        if paths:
            self.watcher.poke(paths)


class ContentWatcher:
    """Use as a context manager; :meth:`wait` blocks until ``content/`` changed and settled."""

    def __init__(self, content: Path, quiet: float = QUIET_SECONDS) -> None:
        self.content = content.resolve()
        self.quiet = quiet
        self._changed = threading.Event()
        self._last = 0.0
        self._lock = threading.Lock()
        self._paths: set[str] | None = set()
        self._observer = Observer()

    def poke(self, paths: Iterable[str] | None = None) -> None:
        """Note a change now (called by the event handler, or by a test), of ``paths`` under
        ``content/`` (relative); None for a change of unknown extent."""
        with self._lock:
            self._last = time.monotonic()
            if self._paths is not None and paths is not None:
                self._paths.update(paths)
            else:
                self._paths = None
        self._changed.set()

    def take(self) -> frozenset[str] | None:
        """The paths changed since the last call, or since the watcher started
        (:attr:`generator.loader.Memo.changed`); None when a change of unknown extent came."""
        with self._lock:
            paths, self._paths = self._paths, set()
        return None if paths is None else frozenset(paths)

    def wait(self, timeout: float) -> bool:
        """True once a change has been followed by :attr:`quiet` seconds without another;
        False if nothing changed within ``timeout`` (so the caller can check on its child)."""
        if not self._changed.wait(timeout):
            return False
        while True:
            with self._lock:
                left = self._last + self.quiet - time.monotonic()
                if left <= 0:
                    self._changed.clear()
                    return True
            time.sleep(left)

    def __enter__(self) -> ContentWatcher:
        self._observer.schedule(_Handler(self), str(self.content), recursive=True)
        self._observer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)

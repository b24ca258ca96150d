"""The preview's MkDocs process: ``python -m mkdocs serve``, told of changes by the system.

MkDocs 1.6's live-reload server watches ``docs/``, ``mkdocs.yml`` and the theme folders with
watchdog's *polling* observer: every half second it lists and stats every file it watches. At
10,000 records that is some 20,000 files, and the idle preview cost a quarter of a core while
nobody typed; it also added up to half a second before a saved page was rebuilt.

This launcher gives MkDocs watchdog's native observer (inotify on Linux, FSEvents on macOS)
under the polling observer's name, makes ``mkdocs serve`` build through
:mod:`generator.targeted` (after a regeneration, only the pages the generator rewrote), then
runs MkDocs as ``python -m mkdocs`` would. The generator itself never imports MkDocs: this
module runs only as the preview's child process (:func:`generator.serve.serve`), and it
reaches MkDocs by module name, as the command line does. Where the system has no native
observer, watchdog's ``Observer`` is the polling one, so the preview works as before.
"""

from __future__ import annotations

import os
import runpy
import sys
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import watchdog.observers
import watchdog.observers.polling
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import ObservedWatch

from generator import targeted
from generator.outputs import OWNED

DOCS = os.path.abspath("docs")
"""The project's ``docs/``: the preview starts MkDocs in the project's root."""

ENGINE = "mkdocs"
"""The module run as ``python -m``, after :func:`use_system_events`."""

CHANGES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileAttribEvent,  # touched: how the preview tells MkDocs a regeneration landed
    FileClosedEvent,  # closed after writing
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
"""The events that mean a file changed. The system also reports files being opened and closed
unwritten, which the polling observer never saw: MkDocs rebuilds on any event it is given, so
its own reads while building would start the next build, for ever."""


def generated(path: str | bytes, docs: str) -> bool:
    """Whether ``path`` is an entry of ``docs`` the generator owns
    (:data:`generator.outputs.OWNED`), a file under one, or a folder holding only entries
    (``cards/``): the writer swaps entries in and out whole."""
    text = os.fsdecode(path)
    if not text.startswith(docs + os.sep):
        return False
    rel = text[len(docs) + 1 :].replace(os.sep, "/")
    return OWNED.covers(rel)


class OwnWritesIgnored(FileSystemEventHandler):
    """Passes MkDocs every event except those of the generator's own files in ``docs/``.

    The preview writes those by swapping whole folders, file by file into a staging area
    first: a burst of events spread over as long as the write takes, each of which would start
    a build of a half-written site. After a regeneration that changed something, the preview
    touches ``mkdocs.yml`` instead (:func:`generator.serve.regenerate`): one event, one build.
    A hand-written page or the theme still rebuilds as soon as it is saved.
    """

    def __init__(
        self, inner: FileSystemEventHandler, docs: str, builds: targeted.Builds | None = None
    ) -> None:
        super().__init__()
        self.inner, self.docs, self.builds = inner, docs, builds

    def dispatch(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "") or event.src_path]
        if all(generated(path, self.docs) for path in paths):
            return
        if self.builds is not None:  # a change MkDocs' next build must see whole
            for path in paths:
                self.builds.event(os.fsdecode(path))
        self.inner.dispatch(event)


class ChangesObserver(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
    """The system's observer, reporting only :data:`CHANGES`, and none of the generator's own
    writes (:class:`OwnWritesIgnored`)."""

    builds: ClassVar[targeted.Builds | None] = None
    """The builds ``mkdocs serve`` runs in this process (:mod:`generator.targeted`), told of
    every event MkDocs is given; set by :func:`main`."""

    def schedule(
        self,
        event_handler: FileSystemEventHandler,
        path: str | Path,
        *,
        recursive: bool = False,
        event_filter: list[type[FileSystemEvent]] | None = None,
        follow_symlink: bool = False,
    ) -> ObservedWatch:
        return super().schedule(  # type: ignore[no-any-return]
            OwnWritesIgnored(event_handler, DOCS, self.builds),
            path,
            recursive=recursive,
            event_filter=event_filter or CHANGES,
            follow_symlink=follow_symlink,
        )


def native_observer(timeout: float = 1.0, **_: Any) -> Any:
    """What MkDocs gets when it asks for a polling observer: the system's own."""
    return ChangesObserver(timeout=timeout)


BUILD_DELAY = 0.02
"""How long MkDocs' live-reload server waits for events to stop before it builds (MkDocs 1.6
waits 0.1 s). After a regeneration its one event is the touch of ``mkdocs.yml`` (the
generator's own writes never reach it: :class:`OwnWritesIgnored`), so the wait only delayed
the page by a tenth of a second of every save; a burst of theme edits may build twice."""


def quicker_builds() -> None:
    """Give every live-reload server :data:`BUILD_DELAY` (MkDocs sets its own in
    ``__init__``, so the constructor is wrapped)."""
    server = targeted._mkdocs("mkdocs.livereload").LiveReloadServer
    init = server.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.build_delay = BUILD_DELAY

    server.__init__ = __init__


def use_system_events() -> None:
    """Replace the polling observer MkDocs asks for by name (it looks the name up when its
    server starts, so replacing the module attribute is enough)."""
    watchdog.observers.polling.PollingObserver = native_observer  # type: ignore[misc,assignment]


def main(argv: list[str]) -> None:
    use_system_events()
    quicker_builds()
    ChangesObserver.builds = targeted.install(Path(tempfile.gettempdir()))  # preview's TMPDIR
    sys.argv = [ENGINE, *argv]
    runpy.run_module(ENGINE, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

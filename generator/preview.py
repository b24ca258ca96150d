"""The preview's site folder: where ``mkdocs serve --dirty`` builds, and what to remove from it.

``mkdocs serve`` builds into a folder it makes with :func:`tempfile.mkdtemp` and never tells
anyone where. We give its process a ``TMPDIR`` of our own (:func:`scratch`), so the one
``mkdocs_*`` folder in it is the site being served (:func:`served_site`).

Why we need it: with ``--dirty``, MkDocs rebuilds only the pages whose Markdown is newer than
their HTML, and never deletes anything. So after each regeneration :func:`forget` removes what
MkDocs published for every file the writer removed from ``docs/`` (a deleted or renamed
record's old page would otherwise stay reachable until a restart), and :func:`expire` dates
what it published for every file the writer wrote back to 1970. Those would be rebuilt anyway
(the writer gives them a new mtime), but a MkDocs build already running while the writer
swapped folders in can write HTML newer than the new Markdown from what it read before; an
expired page is rebuilt by the next build whatever happened, and stays served until then. The
published build (``explainer build``) always starts from an empty folder and needs none of
this.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from generator.pages import page_url

FOLDER = "preview"
"""Under the work folder: one ``TMPDIR`` per running preview, named by its process id."""


def scratch(work: Path) -> Path:
    """An empty ``TMPDIR`` for this process's MkDocs child (left over by a killed one: emptied)."""
    folder = work / FOLDER / str(os.getpid())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def served_site(tmp: Path) -> Path | None:
    """The folder MkDocs serves from, once it has made it (None before, or if it is gone)."""
    found = sorted(tmp.glob("mkdocs_*"))
    return found[0] if len(found) == 1 and found[0].is_dir() else None


def published(src: str) -> str:
    """The file a site engine makes from ``src`` under ``docs/``: a page's ``index.html`` at
    its directory URL (:func:`generator.pages.page_url`), any other file under its own name."""
    return page_url(src) + "index.html" if src.endswith(".md") else src


def forget(site: Path | None, changed: Iterable[str]) -> list[str]:
    """Delete what MkDocs published for the ``docs/`` files in ``changed``, and the folders
    that leaves empty; returns the site paths deleted."""
    if site is None:
        return []
    gone = []
    for src in changed:
        target = site / published(src)
        if target.is_file():
            target.unlink()
            gone.append(published(src))
            _prune(target.parent, site)
    return gone


def _prune(folder: Path, site: Path) -> None:
    """Remove ``folder`` and its parents up to ``site`` while they are empty."""
    while folder != site and folder.is_relative_to(site):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty
        folder = folder.parent


def expire(site: Path | None, written: Iterable[str]) -> None:
    """Make what MkDocs published for ``written`` older than any source, so its next dirty
    build remakes it (it keeps being served meanwhile)."""
    if site is None:
        return
    for src in written:
        target = site / published(src)
        if target.is_file():
            os.utime(target, ns=(0, 0))

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

The same folder carries the other way the list of files each regeneration wrote and removed
(:func:`tell`, :func:`take`): MkDocs' next build makes only those (:mod:`generator.targeted`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.pages import page_url

FOLDER = "preview"
"""Under the work folder: one ``TMPDIR`` per running preview, named by its process id."""

CHANGES = "changes.json"
"""In the child's ``TMPDIR``: the ``docs/`` files the regenerations since MkDocs' last build
wrote and removed (:func:`tell`), so that its next build makes only those
(:mod:`generator.targeted`)."""


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


def hand_over(tmp: Path, written: Sequence[str], removed: Sequence[str]) -> None:
    """What a regeneration leaves for MkDocs' next build in the preview: the pages of removed
    files deleted from the served site (``--dirty`` never deletes), the rewritten ones made
    older than their sources, and the list of both for :mod:`generator.targeted`."""
    site = served_site(tmp)
    forget(site, removed)
    expire(site, written)
    if written or removed:
        tell(tmp, written, removed)


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


@dataclass(frozen=True)
class Changes:
    """What the generator changed in ``docs/`` since MkDocs last took the list."""

    written: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()


def tell(tmp: Path, written: Iterable[str], removed: Iterable[str]) -> None:
    """Add a regeneration's changes to the list MkDocs' next build takes (:func:`take`).

    Written beside and renamed over, so MkDocs reads a whole list or none. A list MkDocs has
    not taken yet is merged in; if it takes it meanwhile, its next build makes those files
    again, which is only wasted work."""
    before = _read(tmp / CHANGES) or Changes()
    data = {
        "written": sorted(before.written.union(written)),
        "removed": sorted(before.removed.union(removed)),
    }
    temp = tmp / f"{CHANGES}.{os.getpid()}"
    temp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temp, tmp / CHANGES)


def take(tmp: Path) -> Changes | None:
    """The changes told since the last call, and the list emptied; None when there is no
    list (MkDocs built because of something else: the theme, a hand-written page)."""
    taken = tmp / f"{CHANGES}.taken"
    try:
        os.replace(tmp / CHANGES, taken)
    except FileNotFoundError:
        return None
    found = _read(taken)
    taken.unlink(missing_ok=True)
    return found


def _read(path: Path) -> Changes | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Changes(frozenset(data["written"]), frozenset(data["removed"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None

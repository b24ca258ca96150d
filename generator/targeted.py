"""The preview's MkDocs builds: after a regeneration, only the pages the generator rewrote.

``mkdocs serve --dirty`` rebuilds only pages whose Markdown is newer than their HTML, but every
build still lists and stats the whole of ``docs/``, makes every page's object and canonical
URL, the navigation, the 404 page and the sitemap, and compiles the templates again (the
preview touches ``mkdocs.yml``, so MkDocs reloads its configuration). At 10,000 records that
fixed part was 1.2–1.3 s of the 3.2–3.5 s from a saved record to its page.

The generator knows exactly which files of ``docs/`` it wrote. It tells MkDocs' process
(:func:`generator.preview.tell`), and this module, in that process, replaces the build that
``mkdocs serve`` calls (:func:`install`):

- with a list, and nothing else changed since the last full build, it makes only those pages
  (read, convert, render through the theme, write) and copies only those other files, with
  the files, navigation and template environment that build left (:meth:`Builds.rebuild`);
- in every other case it runs MkDocs' own build unchanged, and keeps what that build made
  (:meth:`Builds.full`): the first build, a record added or removed, a file ``docs/`` holds
  that MkDocs did not list, ``mkdocs.yml`` edited, the theme or a hand-written page saved
  (any event but the preview's touch of ``mkdocs.yml``), a plugin beyond search, a build
  that failed.

Why a rewritten page needs nothing else: an edit that adds or removes no file changes no
entry of MkDocs' file list and no navigation entry (every list of records is a generated
page, and the sidebar lists only index pages with titles from ``mkdocs.yml``). What such a
build skips besides is what a dirty build would have redone identically (the 404 page, the
sitemap, the theme's assets) and Material's ``search_index.json``, which the preview leaves
stale anyway (README, "Live preview").

Like :mod:`generator.serve_child`, this runs only in the preview's MkDocs process and reaches
MkDocs by module name; importing it loads none of MkDocs.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from generator import preview

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("mkdocs.explainer")

PLUGINS = frozenset({"search", "material/search"})
"""Plugins whose build-wide events a rebuild of some pages may skip: search's collect the
index that the preview leaves stale. Any other plugin means MkDocs' own build, every time."""

RECORDER = "explainer-preview"
"""The name under which :meth:`Builds.full` adds the plugin that notes what a build made."""


@dataclass
class Built:
    """What MkDocs' last full build made, for the rebuilds after it."""

    config: Any
    files: Any
    nav: Any
    env: Any
    doc_files: Any
    source: bytes
    """``mkdocs.yml`` as that build read it: edited since, the next build is a full one."""


class Builds:
    """The build ``mkdocs serve`` calls, in MkDocs' process; see the module doc."""

    def __init__(self, build: Callable[..., None], tmp: Path) -> None:
        self._build, self.tmp = build, tmp
        self.built: Built | None = None
        self._lock = threading.Lock()
        self._foreign = True
        self._config_file = ""
        self.rebuilt = 0
        """How many builds were rebuilds of some pages (the tests read it)."""

    def event(self, path: str) -> None:
        """Called for each file event MkDocs is given: anything but ``mkdocs.yml`` (which the
        preview touches after each regeneration) means a full build next."""
        if os.path.abspath(path) != self._config_file:
            with self._lock:
                self._foreign = True

    def __call__(self, config: Any, *, serve_url: str | None = None, dirty: bool = False) -> None:
        changes = preview.take(self.tmp)
        built = self.built
        if changes is not None and built is not None and self._can_rebuild(built, changes):
            self.rebuild(built, changes.written)
        else:
            self.full(config, serve_url=serve_url, dirty=dirty)

    def _can_rebuild(self, built: Built, changes: preview.Changes) -> bool:
        with self._lock:
            if self._foreign:
                return False
        if changes.removed or set(built.config.plugins) - PLUGINS - {RECORDER}:
            return False
        if _read(built.config.config_file_path) != built.source:
            return False
        return all(_listed(built.files.get_file_from_path(rel)) for rel in changes.written)

    def full(self, config: Any, *, serve_url: str | None, dirty: bool) -> None:
        """MkDocs' own build, noting its files, navigation and environment."""
        self.built = None
        with self._lock:
            self._foreign = False  # events from here on are the next build's
        self._config_file = os.path.abspath(config.config_file_path or "")
        source = _read(config.config_file_path)
        noted: dict[str, Any] = {}
        config.plugins[RECORDER] = _recorder(noted)
        try:
            self._build(config, serve_url=serve_url, dirty=dirty)
        except BaseException:
            with self._lock:
                self._foreign = True
            raise
        if serve_url and {"files", "nav", "env"} <= set(noted):
            serving = _mkdocs("mkdocs.structure.files").InclusionLevel.is_in_serve
            doc_files = noted["files"].documentation_pages(inclusion=serving)
            files, nav, env = noted["files"], noted["nav"], noted["env"]
            self.built = Built(config, files, nav, env, doc_files, source)

    def rebuild(self, built: Built, written: frozenset[str]) -> None:
        """Make the pages of ``written`` and copy its other files, as a build would."""
        started = time.monotonic()
        steps = _mkdocs("mkdocs.commands.build")
        config, files = built.config, built.files
        pages = []
        for rel in sorted(written):
            file = files.get_file_from_path(rel)
            if file.is_documentation_page():
                pages.append(file.page)
            else:
                file.copy_file(dirty=False)
        try:
            for page in pages:
                steps._populate_page(page, config, files, dirty=False)
            for page in pages:
                excluded = page.file.inclusion.is_excluded()
                steps._build_page(
                    page, config, built.doc_files, built.nav, built.env, False, excluded
                )
            level = config.validation.links.anchors
            for page in pages:
                page.validate_anchor_links(files=files, log_level=level)
        except BaseException:
            self.built = None  # the next build is a full one
            raise
        self.rebuilt += 1
        log.info(
            f"Rebuilt the {len(pages)} pages and {len(written) - len(pages)} files the "
            f"generator wrote in {time.monotonic() - started:.2f} seconds"
        )


def _listed(file: Any) -> bool:
    """Whether the last full build listed ``file`` and, if a page, made it."""
    if file is None or not file.inclusion.is_in_serve():
        return False
    return not file.is_documentation_page() or file.page is not None


def _recorder(noted: dict[str, Any]) -> Any:
    """A plugin that notes the files, navigation and environment the build ends up with
    (its events run after every other plugin's)."""
    plugins = _mkdocs("mkdocs.plugins")

    class Recorder(plugins.BasePlugin):  # type: ignore[misc,name-defined]
        @_last
        def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
            noted["nav"] = nav
            return nav

        @_last
        def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
            noted["env"], noted["files"] = env, files
            return env

    return Recorder()


def _last(method: F) -> F:
    """MkDocs' ``event_priority(-100)``: the event runs after every other plugin's."""
    return cast(F, _mkdocs("mkdocs.plugins").event_priority(-100)(method))


def _mkdocs(name: str) -> Any:
    """A module of MkDocs, imported in MkDocs' process only."""
    return importlib.import_module(name)


def _read(path: str | None) -> bytes:
    try:
        return Path(path).read_bytes() if path else b""
    except OSError:
        return b""


def install(tmp: Path) -> Builds:
    """Make ``mkdocs serve`` build through :class:`Builds` (it calls the ``build`` its module
    imported, so replacing that name is enough)."""
    serve = _mkdocs("mkdocs.commands.serve")
    builds = Builds(serve.build, tmp)
    serve.build = builds
    return builds

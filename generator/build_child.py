"""The build's MkDocs process: ``python -m mkdocs build``, saying each page as it is written.

MkDocs renders pages one at a time on one core. Hardening (:mod:`generator.harden`) needs
only the finished page, so it can run on the other core while MkDocs writes the rest, instead
of after it: at 10,000 records that takes hardening's six seconds out of the build's wall time.
For that, the hardener must know when a page is complete. This launcher wraps MkDocs' one
function for writing a rendered file, ``mkdocs.utils.write_file``, so that after each ``.html``
file is written and closed its path goes down the pipe named by :data:`REPORT_FD`, one line
each; then it runs MkDocs exactly as ``python -m mkdocs`` would.

A report is only a hint. The pipe never blocks MkDocs (a full pipe drops the line), and the
hardener checks each page it hardened ahead is unchanged when MkDocs has finished
(:func:`generator.harden.harden_site`); anything else is hardened then, as before. So a lost
report, or a page written twice, costs time and never changes the site.

It also keeps the theme's templates compiled between builds (:data:`TEMPLATE_CACHE`), and
builds no ``search/search_index.json`` (:func:`skip_theme_index`).

Like :mod:`generator.serve_child`, this module runs only as a child process: the generator
itself never imports MkDocs.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import runpy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPORT_FD = "EXPLAINER_REPORT_FD"
"""The environment variable holding the file descriptor to report written pages to."""

TEMPLATE_CACHE = "EXPLAINER_TEMPLATE_CACHE"
"""The environment variable naming a folder for Jinja's bytecode cache of the theme's
templates. MkDocs compiles Material's forty templates afresh in every build: 0.45 s of a
2.2-s MkDocs run of the real story. The cache is keyed by each template's file and source
checksum, and its files are written aside and renamed in, so an edited template is compiled
again and a killed build leaves no half-written entry; the pages are the same either way.
``explainer build`` sets it to ``.explainer/cache/templates`` unless the environment already
names a folder (which projects may then share: the test suite's many small projects do)."""

ENGINE = "mkdocs"

REFUSED = "explainer-refused: "
"""How this process says that the system refused MkDocs a file (a full disk, a read-only
folder): the last line of its error output, this prefix and ``[errno, reason, path]`` as JSON,
with exit code :data:`REFUSED_EXIT`, instead of MkDocs' traceback. The build reads it back
(:func:`refused`) and reports it in one line, as it does for the generator's own writes."""

REFUSED_EXIT = 75


def templates_folder(own: Path) -> Path:
    """Where templates are kept compiled: the folder :data:`TEMPLATE_CACHE` names, else the
    project's ``own`` (``.explainer/cache/templates``)."""
    named = os.environ.get(TEMPLATE_CACHE)
    return Path(named) if named else own


def reporting(write_file: Callable[[bytes, str], None], fd: int) -> Callable[[bytes, str], None]:
    """``write_file``, then the path of an HTML page written, down ``fd`` (never waiting)."""

    def write_and_report(content: bytes, output_path: str) -> None:
        write_file(content, output_path)
        if output_path.endswith(".html"):
            # a full pipe, or a hardener gone: the page is hardened at the end instead
            with contextlib.suppress(OSError):
                os.write(fd, os.fsencode(output_path) + b"\n")

    return write_and_report


def cache_templates(directory: str) -> None:
    """Give every Jinja environment MkDocs makes for the theme a bytecode cache in
    ``directory``."""
    from generator.compiled import CompiledTemplates  # noqa: PLC0415 - Jinja, in the child only

    theme: Any = importlib.import_module(f"{ENGINE}.theme")  # in this child process only
    with contextlib.suppress(OSError):
        os.makedirs(directory, exist_ok=True)
    cache = CompiledTemplates(directory)
    get_env = theme.Theme.get_env

    def cached_env(self: Any) -> Any:
        env = get_env(self)
        env.bytecode_cache = cache
        return env

    theme.Theme.get_env = cached_env


THEME_SEARCH = "material.plugins.search.plugin"
"""Material's search plugin, whose index :func:`skip_theme_index` leaves out."""


def skip_theme_index() -> None:
    """Have Material's search plugin index nothing and write no ``search_index.json``.

    The plugin parses every page to build that index (36 MB at 10,000 records), and no
    reader ever fetches it: Pagefind answers the search box (:mod:`generator.search`,
    ``theme/assets/search.js``). It was a fifth of MkDocs' time, 12 s of a 61-s build at
    10,000 records. The plugin stays on, because Material draws the search box only with it,
    and still does everything else it does to a page (it strips its ``data-search-*``
    attributes): the pages are those of a bare ``mkdocs build``
    (``tests/test_build_child.py``). The preview's MkDocs (:mod:`generator.serve_child`)
    keeps the index: it is not the published site, and its pages are rebuilt few at a time.
    """
    try:
        plugin: Any = importlib.import_module(THEME_SEARCH)  # in this child process only
    except ImportError:  # another theme: its own plugin, if any, is left as it is
        return
    plugin.SearchIndex.add_entry_from_context = lambda self, page: None
    plugin.SearchPlugin.on_post_build = lambda self, *, config: None


def main(argv: list[str]) -> None:
    """Run MkDocs with ``argv``, reporting pages if :data:`REPORT_FD` is set, caching
    compiled templates if :data:`TEMPLATE_CACHE` is, and without Material's search index."""
    skip_theme_index()
    templates = os.environ.pop(TEMPLATE_CACHE, "")
    if templates:
        cache_templates(templates)
    fd = os.environ.pop(REPORT_FD, "")
    if fd:
        utils: Any = importlib.import_module(f"{ENGINE}.utils")  # in this child process only
        os.set_blocking(int(fd), False)
        os.set_inheritable(int(fd), False)  # nothing MkDocs starts holds the pipe
        utils.write_file = reporting(utils.write_file, int(fd))
    sys.argv = [ENGINE, *argv]
    try:
        runpy.run_module(ENGINE, run_name="__main__", alter_sys=True)
    except OSError as exc:
        if exc.errno is None:
            raise
        path = exc.filename2 if exc.filename2 is not None else exc.filename  # a copy's target
        name = os.fsdecode(path) if path is not None else None
        sys.stderr.write(REFUSED + json.dumps([exc.errno, exc.strerror, name]) + "\n")
        sys.exit(REFUSED_EXIT)


def refused(returncode: int, stderr: str) -> OSError | None:
    """The OSError this process said it met (:data:`REFUSED`), if it stopped on one."""
    lines = stderr.rstrip("\n").rsplit("\n", 1)
    if returncode != REFUSED_EXIT or not lines[-1].startswith(REFUSED):
        return None
    try:
        code, reason, name = json.loads(lines[-1][len(REFUSED) :])
        return OSError(int(code), str(reason), None if name is None else str(name))
    except (ValueError, TypeError):
        return None


if __name__ == "__main__":
    main(sys.argv[1:])

"""Where each page lives, and relative links between pages.

A page is named by its Markdown source path under ``docs/`` (``people/steve-witkoff.md``).
MkDocs and Zensical both publish it at a directory URL (``people/steve-witkoff/``), which is
what raw HTML links must point at; Markdown links point at the source file instead, so the site
engine checks them.
"""

from __future__ import annotations

import posixpath

HOME = "index.md"
"""The home page: generated (from ``content/standfirst.md`` and the story), so the generator
owns this one file of ``docs/`` too (see :mod:`generator.outputs`)."""


def record_page(collection: str, record_id: str) -> str:
    return f"{collection}/{record_id}.md"


def index_page(folder: str) -> str:
    return f"{folder}/index.md"


def page_url(src: str) -> str:
    """``people/x.md`` → ``people/x/``; ``people/index.md`` → ``people/``; ``index.md`` → ``''``."""
    stem = src[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def md_href(from_src: str, to_src: str, anchor: str = "") -> str:
    """A Markdown link target from one source file to another."""
    target = "" if to_src == from_src else _relative(posixpath.dirname(from_src), to_src)
    return target + (f"#{anchor}" if anchor else "")


def html_href(from_src: str, to_src: str, anchor: str = "") -> str:
    """A raw HTML link target between the published directory URLs of two pages."""
    suffix = f"#{anchor}" if anchor else ""
    if to_src == from_src:
        return suffix or "./"
    rel = _relative(page_url(from_src), page_url(to_src))
    return ("./" if rel == "." else rel + "/") + suffix


def _relative(here: str, there: str) -> str:
    """``posixpath.relpath`` from folder ``here`` to ``there`` (folder URLs such as ``a/b/``,
    ``''`` for the root, or a source file's path), without touching the file system's idea
    of a current folder: a site has 10,000 pages with some 30 links each, and ``relpath``
    was a tenth of the generator's time."""
    source = here.rstrip("/").split("/") if here else []
    target = there.rstrip("/").split("/") if there else []
    common = 0
    for a, b in zip(source, target, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(source) - common) + target[common:]
    return "/".join(parts) or "."

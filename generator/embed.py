"""The embeddable timeline: ``embed/timeline/``, for an iframe in another newsroom's article.

It is one HTML page of our own (not a Markdown page), so it carries none of the site's chrome:
no header, sidebar or search, only the story's entries and the timeline's filters, styled by
the site's stylesheet and driven by the site's one script. It works without JavaScript; with
it, the filters read the iframe's URL as on the timeline page, and the page tells its host its
height through ``postMessage`` (the optional host script ``assets/embed-resize.js`` uses it).
Links open in the top window (``<base target="_top">``), never inside the frame.

The timeline page offers the iframe code ("Embed this timeline"), its ``src`` carrying the
filters the reader chose. At scale the embed shows the latest :data:`LATEST` entries, and its
filters search the whole story from its own ``entries.json``.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator import indexes, render, routes

if TYPE_CHECKING:
    from generator.outputs import Inputs
    from generator.siteconfig import SiteConfig

FOLDER = "embed"
PAGE = "embed/timeline/index.html"
SRC = "embed/timeline/index.md"
"""The page's address as the link helpers name pages (it publishes at ``embed/timeline/``)."""
RESIZE = "assets/embed-resize.js"
"""The optional host script, shipped in ``theme/assets/``."""
LATEST = 50
"""Entries the embed shows at most, the latest: it sits inside someone else's article, and
its filters still search the whole story."""
HEIGHT = 640
"""The iframe's height before the host script fits it to the content."""


@dataclass(frozen=True)
class Snippet:
    """The iframe code for a host page, and the ``src`` the timeline's script extends."""

    src: str
    code: str


def snippet(site: SiteConfig) -> Snippet | None:
    """The code newsrooms paste; None when the story has no ``site_url`` to point at."""
    if not site.url:
        return None
    src = site.absolute(SRC)
    title = html.escape(f"Timeline: {site.name}", quote=True)
    code = (
        f'<iframe src="{src}" title="{title}" loading="lazy" width="100%" height="{HEIGHT}" '
        f'style="border:0" data-explainer-embed></iframe>\n'
        f'<script src="{site.absolute(RESIZE)}" async></script>'
    )
    return Snippet(src, code)


def _asset(name: str) -> str:
    return posixpath.relpath(f"assets/{name}", posixpath.dirname(SRC))


def produce(inputs: Inputs) -> dict[str, bytes]:
    """The embed page, rendered through the same escaping environment as every page."""
    story = inputs.story
    limit = LATEST
    truncated = len(story.timeline) > limit
    entries_url = indexes.ENTRIES if truncated else ""
    more = (
        f"The latest {limit} of {len(story.timeline)} entries; the whole timeline"
        if truncated
        else "The whole story, on its site"
    )
    page = (
        render.environment()
        .get_template("embed.html.j2")
        .render(
            story=story,
            page_src=SRC,
            lang=inputs.site.language,
            heading_text=f"Timeline: {inputs.site.name}",
            shown=story.timeline[-limit:],
            entries_url=entries_url,
            more=more,
            asset=_asset,
            history=inputs.history,
        )
    )
    files = {PAGE: (page.rstrip("\n") + "\n").encode("utf-8")}
    if truncated:  # the filters search every entry, not only those shown
        files[f"{posixpath.dirname(PAGE)}/{indexes.ENTRIES}"] = indexes.entries(
            story, routes.html_link, SRC, inputs.session
        )
    return files

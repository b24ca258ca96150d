"""Where each record lives: the one declaration of routes, and every link derived from it.

A collection either gives each record **its own page** (rendered from a template) or shows its
records as **anchors on an index page** (events on the timeline, quotes and sources on their
lists). Templates, charts, the change log, feeds, share cards and structured data all ask this
module for a record's place, so the rule is written once: :data:`ROUTES`.

Two kinds of link come out of a place: relative links between pages of the site (Markdown links
to the source file, which the site engine checks, or raw-HTML links to the published directory
URL), and absolute URLs from ``site_url`` (:mod:`generator.siteconfig`) for what leaves the site:
feeds, cards, the calendar and JSON-LD.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.pages import html_href, index_page, md_href, record_page
from generator.schema import COLLECTIONS, Record


@dataclass(frozen=True)
class Route:
    """Where a collection's records are published.

    ``folder`` is the folder of ``docs/`` whose index page lists the collection; ``template``
    names the template of a record's own page, or is empty when records are anchors on that
    index page (their id is the anchor).
    """

    folder: str
    template: str = ""

    @property
    def own_page(self) -> bool:
        return bool(self.template)


ROUTES: dict[str, Route] = {
    "people": Route("people", "person.md.j2"),
    "meetings": Route("meetings", "meeting.md.j2"),
    "topics": Route("topics", "topic.md.j2"),
    "claims": Route("claims", "claim.md.j2"),
    "events": Route("timeline"),
    "quotes": Route("quotes"),
    "sources": Route("sources"),
}
"""Every collection's route. A new collection is a schema class, a line here and (for its own
pages) a template."""

if set(ROUTES) != set(COLLECTIONS):  # pragma: no cover - a programming error, caught at import
    raise RuntimeError(f"routes {sorted(ROUTES)} do not match collections {sorted(COLLECTIONS)}")


@dataclass(frozen=True, order=True)
class Place:
    """A record's canonical place: the page's source path under ``docs/`` and an anchor."""

    src: str
    anchor: str = ""


def place(record: Record) -> Place:
    """Where ``record`` is shown: its own page, or its anchor on its collection's index."""
    return place_of(record.collection, record.id)


def place_of(collection: str, record_id: str) -> Place:
    route = ROUTES[collection]
    if route.own_page:
        return Place(record_page(collection, record_id))
    return Place(index_page(route.folder), record_id)


def html_link(from_src: str, record: Record) -> str:
    """A raw-HTML link target from page ``from_src`` to ``record`` (not yet escaped)."""
    where = place(record)
    return html_href(from_src, where.src, where.anchor)


def md_link(from_src: str, record: Record) -> str:
    """A Markdown link target from page ``from_src`` to ``record``; the engine checks it."""
    where = place(record)
    return md_href(from_src, where.src, where.anchor)


def own_pages() -> dict[str, str]:
    """Collections whose records have their own page, with the template of that page."""
    return {name: route.template for name, route in ROUTES.items() if route.own_page}


def folders() -> tuple[str, ...]:
    """The folders of ``docs/`` that hold the collections' pages, in declaration order."""
    return tuple(dict.fromkeys(route.folder for route in ROUTES.values()))

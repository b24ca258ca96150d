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

from generator import indexes
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
    "events": Route("events", "event.md.j2"),
    "quotes": Route("quotes", "quote.md.j2"),
    "sources": Route("sources", "source.md.j2"),
    "claims": Route("claims", "claim.md.j2"),
}
"""Every collection's route. A new collection is a schema class, a line here and (for its own
pages) a template.

Every record of the real story has its own page: one canonical address that does not move as
the story grows (an index page may split, :mod:`generator.indexes`; a record page never moves),
and a page a reader can share. ``Route(folder)`` without a template would put a collection's
records as anchors on the folder's index page instead."""

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
    return html_link_of(from_src, record.collection, record.id)


def html_link_of(from_src: str, collection: str, record_id: str) -> str:
    """:func:`html_link` by collection and id, for a caller that has not looked the record up."""
    where = place_of(collection, record_id)
    return html_href(from_src, where.src, where.anchor)


def md_link(from_src: str, record: Record) -> str:
    """A Markdown link target from page ``from_src`` to ``record``; the engine checks it."""
    where = place(record)
    return md_href(from_src, where.src, where.anchor)


def own_pages() -> dict[str, str]:
    """Collections whose records have their own page, with the template of that page."""
    return {name: route.template for name, route in ROUTES.items() if route.own_page}


SPLIT_PAGES = f"/*/{indexes.PARTS}/*.md"
"""The pages of split indexes (:mod:`generator.indexes`), kept out of the sidebar too."""


def unlisted_record_pages(not_in_nav: str) -> list[str]:
    """Own-page collections whose pages ``mkdocs.yml``'s ``not_in_nav`` does not keep out of
    the sidebar (as ``/people/*.md``): with a ``nav``, MkDocs would warn about each page, and
    without ``not_in_nav`` every page would embed every other (README, "Decisions")."""
    patterns = {line.strip() for line in not_in_nav.splitlines()}
    wanted = [f"/{route.folder}/*.md" for route in ROUTES.values() if route.own_page]
    wanted.append(SPLIT_PAGES)
    return [pattern for pattern in dict.fromkeys(wanted) if pattern not in patterns]


def folders() -> tuple[str, ...]:
    """The folders of ``docs/`` that hold the collections' pages, in declaration order."""
    return tuple(dict.fromkeys(route.folder for route in ROUTES.values()))

"""Structured data: each page's JSON-LD (schema.org), as plain dicts built from the story.

**One node per record across the whole site.** A record's ``@id`` is the absolute URL of its
canonical place (:func:`generator.routes.place`) plus a fragment: its kind on its own page
(``…/people/steve-witkoff/#person``, ``…/events/cabinet-meeting/#event``,
``…/quotes/trump-extreme-cold/#quote``), or its id when its route makes it an anchor on an index
page (``…/<folder>/#<id>``). The site is ``…/#website`` and each page is its own URL without a
fragment. A record is described in full only at its place; index pages list it by ``@id``,
and every page that refers to it adds a stub (type and name) so that each page reads on its
own.

**Event status.** schema.org has no "held": ``EventScheduled`` means "is taking place or has
taken place on the startDate as scheduled", so held and scheduled meetings are both
``EventScheduled`` (the date tells them apart) and cancelled ones ``EventCancelled``.

Dates keep the precision the editors wrote (``2026-01`` stays ``2026-01``, valid ISO 8601);
whether a date is approximate is not expressible in schema.org and is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator import routes
from generator.escape import json_script, prose_text
from generator.home import Standfirst
from generator.indexes import Listing
from generator.link import Story
from generator.pages import HOME, index_page
from generator.render import Page
from generator.schema import Claim, Event, Meeting, Person, Quote, Record, Source, Topic
from generator.siteconfig import SiteConfig

Node = dict[str, Any]
CONTEXT = "https://schema.org"
SCHEDULED = "https://schema.org/EventScheduled"
CANCELLED = "https://schema.org/EventCancelled"


@dataclass(frozen=True)
class Site:
    """What every page's graph needs: the story, the site, and the title of every page."""

    story: Story
    config: SiteConfig
    titles: Mapping[str, str]
    """Page titles by source path, for breadcrumbs."""
    parents: Mapping[str, str] = field(default_factory=dict)
    """The page above each page in its breadcrumb trail (:func:`parents`)."""
    standfirst: Standfirst = field(default_factory=Standfirst)
    country_name: Callable[[str], str] = str
    """Readers' country names ('Russia'), from the renderer."""


def node_id(record: Record, config: SiteConfig) -> str:
    """The record's ``@id``: its canonical place plus its anchor, or its kind on its own page."""
    where = routes.place(record)
    return config.absolute(where.src, where.anchor or record.singular)


def website_id(config: SiteConfig) -> str:
    return config.absolute(HOME, "website")


class _Graph:
    """The nodes of one page; remembers every record it refers to, to add stubs for them."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.nodes: dict[str, Node] = {}
        self.referred: dict[str, Record] = {}

    def ref(self, record: Record) -> Node:
        ident = node_id(record, self.site.config)
        self.referred[ident] = record
        return {"@id": ident}

    def refs(self, records: Iterable[Record]) -> list[Node]:
        return [self.ref(r) for r in records]

    def add(self, node: Node) -> None:
        self.nodes[node["@id"]] = node

    def describe(self, record: Record) -> None:
        """Add the full node of ``record`` (this page is its canonical place)."""
        self.add(_DESCRIBE[type(record)](self, record))

    def finish(self) -> Node:
        for ident, record in sorted(self.referred.items()):
            if ident not in self.nodes:
                self.add(_stub(self.site.story, ident, record))
        return {"@context": CONTEXT, "@graph": [self.nodes[k] for k in sorted(self.nodes)]}


def _compact(node: Node) -> Node:
    """Leave out empty values: an absent property says less than an empty one."""
    return {k: v for k, v in node.items() if v not in ("", None, [], {})}


_TYPES: dict[type[Record], str] = {
    Person: "Person",
    Meeting: "Event",
    Event: "Event",
    Quote: "Quotation",
    Topic: "DefinedTerm",
    Claim: "Claim",
}


def _type(record: Record) -> str:
    if isinstance(record, Source):
        return "NewsArticle" if record.kind == "article" else "CreativeWork"
    return _TYPES[type(record)]


def _stub(story: Story, ident: str, record: Record) -> Node:
    return {"@id": ident, "@type": _type(record), "name": story.label_of(record)}


def _url(g: _Graph, record: Record) -> str:
    where = routes.place(record)
    return g.site.config.absolute(where.src, where.anchor)


def _person(g: _Graph, p: Record) -> Node:
    assert isinstance(p, Person)
    story = g.site.story
    return _compact(
        {
            "@id": node_id(p, g.site.config),
            "@type": "Person",
            "name": p.name,
            "url": _url(g, p),
            "alternateName": [*p.aliases, *([p.native_name] if p.native_name else [])],
            "jobTitle": p.role,
            "affiliation": {"@type": "Organization", "name": p.affiliation}
            if p.affiliation
            else None,
            "nationality": {
                "@type": "Country",
                "name": g.site.country_name(p.country),
                "identifier": p.country,
            },
            "description": prose_text(p.bio),
            "sameAs": [link.url for link in p.links],
            "subjectOf": g.refs(story.sources[s] for s in p.sources),
        }
    )


def _entry(g: _Graph, e: Record) -> Node:
    assert isinstance(e, Meeting | Event)
    story = g.site.story
    node: Node = {
        "@id": node_id(e, g.site.config),
        "@type": "Event",
        "name": e.title,
        "url": _url(g, e),
        "startDate": e.date.iso(),
        "endDate": e.end_date.iso() if e.end_date else None,
        "description": prose_text(e.summary),
        "about": g.refs(story.topics[t] for t in e.topics),
        "subjectOf": g.refs(story.sources[s] for s in e.sources),
    }
    if isinstance(e, Meeting):
        node["eventStatus"] = CANCELLED if e.status == "cancelled" else SCHEDULED
        node["location"] = {"@type": "Place", "name": e.location}
        node["attendee"] = g.refs(story.people[p] for p in e.participants)
    else:
        node["eventStatus"] = SCHEDULED
        node["about"] = [*g.refs(story.people[p] for p in e.people), *node["about"]]
    return _compact(node)


def _quote(g: _Graph, q: Record) -> Node:
    assert isinstance(q, Quote)
    story = g.site.story
    said_at = story.entry(q.meeting or q.event)
    return _compact(
        {
            "@id": node_id(q, g.site.config),
            "@type": "Quotation",
            "url": _url(g, q),
            "text": q.text,
            "spokenByCharacter": g.ref(story.people[q.speaker]),
            "dateCreated": q.date.iso(),
            "isBasedOn": g.ref(story.sources[q.source]),
            "recordedAt": g.ref(said_at) if said_at else None,
            "about": g.refs(story.topics[t] for t in q.topics),
        }
    )


def _source(g: _Graph, s: Record) -> Node:
    assert isinstance(s, Source)
    return _compact(
        {
            "@id": node_id(s, g.site.config),
            "@type": _type(s),
            "name": s.title,
            "headline": s.title if s.kind == "article" else None,
            "publisher": {"@type": "Organization", "name": s.publisher},
            "url": s.url,
            "archivedAt": s.archive_url,
            "datePublished": s.published.iso() if s.published else None,
        }
    )


def _topic(g: _Graph, t: Record) -> Node:
    assert isinstance(t, Topic)
    return _compact(
        {
            "@id": node_id(t, g.site.config),
            "@type": "DefinedTerm",
            "name": t.title,
            "url": _url(g, t),
            "description": prose_text(t.summary),
        }
    )


def _claim(g: _Graph, c: Record) -> Node:
    """A claim (schema.org ``Claim``): what it is about, and the sources its accounts appear
    in; the accounts themselves are on the page, side by side."""
    assert isinstance(c, Claim)
    story = g.site.story
    about = story.entry(c.meeting or c.event)
    sources = dict.fromkeys(p.source for p in c.positions)
    return _compact(
        {
            "@id": node_id(c, g.site.config),
            "@type": "Claim",
            "name": c.title,
            "url": _url(g, c),
            "description": prose_text(c.summary),
            "about": g.ref(about) if about else None,
            "appearance": g.refs(story.sources[s] for s in sources),
        }
    )


_DESCRIBE: dict[type[Record], Callable[[_Graph, Record], Node]] = {
    Person: _person,
    Meeting: _entry,
    Event: _entry,
    Quote: _quote,
    Source: _source,
    Topic: _topic,
    Claim: _claim,
}


def parents(pages: Sequence[Page]) -> dict[str, str]:
    """The page above each page in the breadcrumb trail (the home page is above them all):
    an index's group page sits under its first page, a record's own page under the index page
    that lists it, the index of its own folder when several do (meetings are also on the
    timeline)."""
    above: dict[str, str] = {}
    for page in pages:
        listing = page.context.get("listing")
        if not isinstance(listing, Listing):
            continue
        folder = page.src.split("/", maxsplit=1)[0]
        if listing.part is not None:
            above[page.src] = index_page(folder)
        for item in listing.items:
            where = routes.place(item).src
            if where not in above or where.startswith(f"{folder}/"):
                above[where] = page.src
    return above


def _breadcrumb(site: Site, src: str, title: str) -> Node:
    """The home page (named after the site), the pages above this one, then this one."""
    trail = [src]
    while trail[0] in site.parents:
        trail.insert(0, site.parents[trail[0]])
    names = {HOME: site.config.name, src: title}  # the others looked up one by one
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "name": names[page] if page in names else site.titles[page],
                "item": site.config.absolute(page),
            }
            for n, page in enumerate([HOME, *trail], start=1)
        ],
    }


def _item_list(entries: list[Node]) -> Node:
    return {
        "@type": "ItemList",
        "numberOfItems": len(entries),
        "itemListElement": [
            {"@type": "ListItem", "position": n, "item": item}
            for n, item in enumerate(entries, start=1)
        ],
    }


_PAGE_TYPES = {Person: "ProfilePage", Topic: "CollectionPage"}


def graph(site: Site, page: Page) -> Node:
    """The JSON-LD of a generated page: the site on the home page; on a record's own page the
    record in full; on an index page the list of what it shows (records, or its group pages)."""
    config = site.config
    g = _Graph(site)
    node: Node = {
        "@id": config.absolute(page.src),
        "@type": "WebPage",
        "url": config.absolute(page.src),
        "name": page.title,
        "isPartOf": {"@id": website_id(config)},
    }
    record = page.context.get("record")
    listing = page.context.get("listing")
    if page.src == HOME:
        g.add(
            _compact(
                {
                    "@id": website_id(config),
                    "@type": "WebSite",
                    "url": config.url,
                    "name": config.name,
                    "description": config.description,
                }
            )
        )
        node["description"] = prose_text(site.standfirst.text)
    else:
        node["breadcrumb"] = _breadcrumb(site, page.src, page.title)
    if isinstance(record, Record):
        g.describe(record)
        node["@type"] = _PAGE_TYPES.get(type(record), "ItemPage")
        node["mainEntity"] = g.ref(record)
    elif isinstance(listing, Listing):
        node["@type"] = "CollectionPage"
        entries = [g.ref(item) for item in listing.items]
        entries += [{"@id": config.absolute(part.src)} for part in listing.parts]
        node["mainEntity"] = _item_list(entries)
    g.add(_compact(node))
    return g.finish()


def script(site: Site, page: Page) -> str:
    """The page's JSON-LD, serialized for a ``<script type="application/ld+json">`` block."""
    return str(json_script(graph(site, page)))

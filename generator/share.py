"""What each generated page says about itself in its ``<head>``: share-card meta (OpenGraph,
Twitter), the page description, and the JSON-LD of :mod:`generator.jsonld`.

The generator cannot write into the head directly: the site engine does. So each generated
page carries these values in its front matter, and ``theme/main.html`` (block ``extrahead``)
prints them, escaped, in both MkDocs and Zensical. Hand-written pages have no such front matter;
the theme gives them the site's own values (see the README, "Structured data and share cards").

Front matter keys:

- ``description``: readers' summary of the page, HTML-escaped, because the theme prints it
  unescaped into ``<meta name="description">`` (as it prints ``title``);
- ``explainer``: ``title``, ``type``, ``url``, ``image`` (plain text; the theme escapes them);
- ``jsonld``: the page's structured data, already safe inside ``<script>``
  (:func:`generator.escape.json_script`).

Each page's share card is a 1200×630 PNG at ``cards/<page source path without .md>.png``
(``cards/people/steve-witkoff.png``, ``cards/index.png``); :func:`card_specs` lists them with
their words for the drawing module.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from generator import jsonld
from generator.cards import CardSpec
from generator.dates import display_range
from generator.escape import prose_text
from generator.indexes import Listing
from generator.pages import HOME
from generator.render import Head, Page, country_name
from generator.schema import Claim, Event, Meeting, Person, Quote, Record, Source, Topic

if TYPE_CHECKING:
    from generator.outputs import Inputs

CARD_FOLDER = "cards"
DESCRIPTION_LENGTH = 200
"""Characters of a description; search engines and share cards cut around there anyway."""
SUBTITLE_LENGTH = 120

HeadMatter = dict[str, str | dict[str, str]]


def card_path(src: str) -> str:
    """``people/steve-witkoff.md`` → ``cards/people/steve-witkoff.png``."""
    return f"{CARD_FOLDER}/{src.removesuffix('.md')}.png"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than limit."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.–—") + "…"


def _record(page: Page) -> Record | None:
    record = page.context.get("record")
    return record if isinstance(record, Record) else None


def description(page: Page, inputs: Inputs) -> str:
    """The page in a sentence or two, from what it shows: a person's role, an entry's date and
    summary, a quote's words, a source's publisher, an index's items."""
    record = _record(page)
    story = inputs.story
    listing = page.context.get("listing")
    if record is not None:
        text = f"{subtitle(page, inputs)}. {_about(record, inputs)}"
    elif page.src == HOME:
        text = prose_text(inputs.standfirst.text) or inputs.site.description
    elif isinstance(listing, Listing) and (listing.items or listing.parts):
        labels = [story.label_of(r) for r in listing.items] or [p.label for p in listing.parts]
        text = "; ".join(labels)
    else:
        text = f"{page.title} · {inputs.site.name}"
    return shorten(text, DESCRIPTION_LENGTH)


def _about(record: Record, inputs: Inputs) -> str:
    """A record's own words after its subtitle: a bio, a summary, a quote."""
    if isinstance(record, Person):
        return prose_text(record.bio)
    if isinstance(record, Meeting | Event | Topic | Claim):
        return prose_text(record.summary) or record.label
    if isinstance(record, Quote):
        return f"“{' '.join(record.text.split())}”"
    return record.label


def _when(record: Meeting | Event | Quote) -> str:
    """'About 31 January 2026', 'January 2026': the date as readers see it, capitalised."""
    when = display_range(record.date, getattr(record, "end_date", None), record.approximate)
    return when[:1].upper() + when[1:]


def _subtitle(record: Record, inputs: Inputs) -> str:
    if isinstance(record, Person):
        role = ", ".join(p for p in (record.role, record.affiliation) if p)
        return f"{role} · {country_name(record.country)}"
    if isinstance(record, Meeting):
        status = "" if record.status == "held" else f" ({record.status})"
        return f"{_when(record)}, {record.location}{status}"
    if isinstance(record, Event):
        return _when(record)
    if isinstance(record, Quote):
        return f"{inputs.story.names[record.speaker]} · {_when(record)}"
    if isinstance(record, Source):
        published = f" · {record.published.display()}" if record.published else ""
        return f"{record.publisher}{published}"
    return _claim_subtitle(record) if isinstance(record, Claim) else f"Topic · {inputs.site.name}"


def _claim_subtitle(claim: Claim) -> str:
    """'Disputed claim · about 29 January 2026': its status, then its date on the timeline."""
    when = display_range(claim.date, None, claim.approximate) if claim.date else ""
    return " · ".join(p for p in (f"{claim.status.capitalize()} claim", when) if p)


def subtitle(page: Page, inputs: Inputs) -> str:
    """The card's second line, shorter than the description: who a person is, when and where
    an entry happened, who said a quote and when, who published a source."""
    record = _record(page)
    if record is not None:
        return shorten(_subtitle(record, inputs), SUBTITLE_LENGTH)
    return shorten(description(page, inputs), SUBTITLE_LENGTH)


def og_type(page: Page) -> str:
    record = _record(page)
    if isinstance(record, Person):
        return "profile"
    return "article" if record is not None else "website"


def head(inputs: Inputs) -> Head:
    """What fills each generated page's ``<head>``, given every page (for breadcrumbs).
    Without a ``site_url`` there is no absolute address to give, so pages get none of it."""
    site = inputs.site

    def front_matter(pages: list[Page]) -> Callable[[Page], HeadMatter]:
        if not site.url:
            return lambda page: {}
        titles: Mapping[str, str] = {p.src: p.title for p in pages}
        parents: Mapping[str, str] = jsonld.parents(pages)
        if inputs.session is not None:  # a page's head depends on the titles it names
            titles = inputs.session.watch("titles", titles)
            parents = inputs.session.watch("parents", parents)
        graph_site = jsonld.Site(
            inputs.story,
            site,
            titles=titles,
            parents=parents,
            standfirst=inputs.standfirst,
            country_name=country_name,
        )
        return lambda page: _meta(page, inputs, graph_site)

    return front_matter


def _meta(page: Page, inputs: Inputs, graph_site: jsonld.Site) -> HeadMatter:
    site = inputs.site
    return {
        "description": html.escape(description(page, inputs), quote=True),
        "explainer": {
            "title": page.title,
            "type": og_type(page),
            "url": site.absolute(page.src),
            "image": site.absolute(card_path(page.src)),
        },
        "jsonld": jsonld.script(graph_site, page),
    }


def card_specs(inputs: Inputs) -> list[CardSpec]:
    """Every generated page's share card, in page order, for :func:`generator.cards.cards`."""
    session = inputs.session
    return [
        CardSpec(
            card_path(page.src),
            page.title,
            subtitle(page, inputs)
            if session is None
            else session.unit(("subtitle", page.src), page, partial(subtitle, page, inputs)),
            inputs.site.name,
        )
        for page in inputs.pages
    ]

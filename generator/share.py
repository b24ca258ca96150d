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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator import jsonld
from generator.dates import display_range
from generator.escape import prose_text
from generator.pages import HOME
from generator.render import Page, country_name, plan
from generator.schema import Meeting, Person, Record, Topic

if TYPE_CHECKING:
    from generator.outputs import Inputs

CARD_FOLDER = "cards"
CARD_WIDTH = 1200
CARD_HEIGHT = 630
DESCRIPTION_LENGTH = 200
"""Characters of a description; search engines and share cards cut around there anyway."""
SUBTITLE_LENGTH = 120

Head = Callable[[Page], dict[str, Any]]
"""Front matter to add to a page (see :func:`generator.render.render`)."""


@dataclass(frozen=True)
class Card:
    """One share card to draw: where it goes under ``docs/``, and its words."""

    path: str
    title: str
    subtitle: str


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
    """The page in a sentence or two: a person's role, an entry's date, place and summary."""
    record = _record(page)
    story = inputs.story
    if isinstance(record, Person):
        return shorten(f"{_role(record)}. {prose_text(record.bio)}", DESCRIPTION_LENGTH)
    if isinstance(record, Meeting):
        return shorten(f"{_when_where(record)}. {prose_text(record.summary)}", DESCRIPTION_LENGTH)
    if isinstance(record, Topic):
        text = prose_text(record.summary) or f"Meetings, events and quotes on {record.title}."
        return shorten(text, DESCRIPTION_LENGTH)
    if page.src == HOME:
        text = prose_text(inputs.standfirst.text) or inputs.site.description
    elif listed := jsonld.listed(story, page.src):
        text = "; ".join(story.label_of(r) for r in listed)
    else:
        text = f"{page.title} · {inputs.site.name}"
    return shorten(text, DESCRIPTION_LENGTH)


def _role(person: Person) -> str:
    return ", ".join(p for p in (person.role, person.affiliation) if p)


def _when_where(meeting: Meeting) -> str:
    when = display_range(meeting.date, meeting.end_date, meeting.approximate)
    status = "" if meeting.status == "held" else f" ({meeting.status})"
    return f"{when[:1].upper()}{when[1:]}, {meeting.location}{status}"


def subtitle(page: Page, inputs: Inputs) -> str:
    """The card's second line: shorter than the description."""
    record = _record(page)
    if isinstance(record, Person):
        return shorten(f"{_role(record)} · {country_name(record.country)}", SUBTITLE_LENGTH)
    if isinstance(record, Meeting):
        return shorten(_when_where(record), SUBTITLE_LENGTH)
    return shorten(description(page, inputs), SUBTITLE_LENGTH)


def og_type(page: Page) -> str:
    record = _record(page)
    if isinstance(record, Person):
        return "profile"
    return "article" if record is not None else "website"


def head(inputs: Inputs) -> Head:
    """The front matter that fills each generated page's ``<head>``. Without a ``site_url``
    there is no absolute address to give, so pages get none of it."""
    site = inputs.site
    if not site.url:
        return lambda page: {}
    graph_site = jsonld.Site(
        inputs.story,
        site,
        {p.src: p.title for p in plan(inputs.story, inputs.standfirst)},
        inputs.standfirst,
        country_name,
    )

    def meta(page: Page) -> dict[str, Any]:
        return {
            "description": html.escape(description(page, inputs), quote=True),
            "explainer": {
                "title": page.title,
                "type": og_type(page),
                "url": site.absolute(page.src),
                "image": site.absolute(card_path(page.src)),
            },
            "jsonld": jsonld.script(graph_site, page.src, page.title, _record(page)),
        }

    return meta


def card_specs(inputs: Inputs) -> list[Card]:
    """Every generated page's share card, in page order."""
    return [
        Card(card_path(page.src), page.title, subtitle(page, inputs))
        for page in plan(inputs.story, inputs.standfirst)
    ]

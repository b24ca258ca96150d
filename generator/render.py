"""Stage 4, render: the linked story becomes Markdown pages, as text in memory.

Templates are Jinja2, but record text is never a template: it reaches a page only through one
of the escaping filters of :mod:`generator.escape`. The environment's ``finalize`` refuses any
plain string, so a template that forgets to escape fails loudly instead of publishing markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator import (
    changes,
    charts,
    escape,
    excerpts,
    home,
    incremental,
    indexes,
    routes,
    views,
    workers,
)
from generator.compiled import CompiledTemplates
from generator.dates import PartialDate, display_range
from generator.errors import BuildError
from generator.history import History
from generator.link import Dating, Entry, Story
from generator.pages import HOME, html_href, index_page, md_href, record_page
from generator.schema import (
    Claim,
    Correction,
    Event,
    Meeting,
    Position,
    Quote,
    Record,
    Source,
)
from generator.writer import MARKER, File, Stored

if TYPE_CHECKING:
    from generator.embed import Snippet
    from generator.incremental import Session

TOPIC_QUOTES = 20
"""Quotes a topic's page shows in full, the latest; a big story's topic gathers hundreds
(every quote is on the quotes pages), and a page must stay small enough for a phone."""

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Page:
    """One page to render: its source path, its template and what the template needs."""

    src: str
    template: str
    title: str
    context: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    """More front matter, e.g. ``hide: [toc]`` for Material."""
    head: dict[str, str | dict[str, str]] = field(default_factory=dict)
    """Front matter for the page's ``<head>`` (:mod:`generator.share`): texts, or mappings of
    texts, written by :func:`head_lines`."""


def _require_escaped(value: object) -> object:
    """Jinja ``finalize``: only Markup and numbers may be printed, never a raw string."""
    if isinstance(value, (Markup, int)):
        return value
    raise BuildError(f"template printed an unescaped {type(value).__name__}: {value!r:.60}")


def keep_compiled(folder: Path) -> None:
    """Keep the generator's templates compiled in ``folder`` from run to run: compiling the
    twenty-two of them took 0.1 s of every ``explainer build`` and ``generate``, loading them
    0.03 s. An edited template is compiled again (:mod:`generator.compiled`); the folder is
    the one MkDocs keeps the theme's templates in (:data:`generator.build_child.TEMPLATE_CACHE`)."""
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    environment().bytecode_cache = CompiledTemplates(str(folder))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_require_escaped,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        inline=escape.inline,
        block=escape.block,
        attr=escape.attr,
        prose=_prose,
        country=country_name,
        topic=_topic,
    )
    env.globals.update(
        link=_link,
        href=_href,
        when=when,
        country=country_name,
        quote=_quote,
        facts=facts,
        entry=_entry,
        heading=heading,
        months=months,
        by_name=indexes.people_sorted,
        listing_nav=_listing_nav,
        index=index_page,
        href_to=_href_to,
        link_to=_link_to,
        source=_source,
        plural=plural,
        topic_quotes=TOPIC_QUOTES,
        latest=views.latest,
        upcoming=views.upcoming,
        initials=views.initials,
        neighbours=views.neighbours,
        by_country=views.by_country,
        own_timeline=views.own_timeline,
        timeline_people=views.timeline_people,
        timeline_countries=_countries_by_name,
        kind_of=views.kind_of,
        status_of=views.status_of,
        room_chart=_room_chart,
        network_chart=_network_chart,
        corrections_of=corrections_of,
        timeline_items=views.timeline_items,
        timeline_item=_timeline_item,
        positions=_positions,
        claim_list=_claim_list,
        party=party_name,
        status_badge=lambda claim: Markup(_status_badge(claim)),
        links_to=_links_to,
        claim_sources=_claim_sources,
        claims_in_order=views.claims_in_order,
        corrections_list=views.corrections,
    )
    env.globals.update(
        last_changed=changes.last_changed,
        own_history=changes.own_history,
        recent_changes=changes.recent_changes,
    )
    return env


def _countries_by_name(story: Story) -> list[str]:
    return sorted(views.timeline_countries(story), key=country_name)


@pass_context
def _room_chart(ctx: Context) -> Markup:
    return charts.room_chart(ctx["story"], ctx["page_src"])


@pass_context
def _network_chart(ctx: Context) -> Markup:
    """Delegations sit together round the circle: by country name, then by name."""
    return charts.network_chart(
        ctx["story"], ctx["page_src"], lambda p: (country_name(p.country), p.name)
    )


@pass_context
def _listing_nav(ctx: Context) -> Markup:
    """Where an index page sits among its pages: on a split index's first page, the list of
    its group pages (and the map that sends old ``#id`` links on); on a group page, previous
    and next. Nothing on an index that is one page."""
    listing: indexes.Listing = ctx["listing"]
    src = ctx["page_src"]
    if listing.parts:
        rows = "".join(
            f'<li><a href="{escape.attr(html_href(src, p.src))}">{escape.block(p.label)}</a> '
            f'<span class="explainer-meta">{plural(len(p.items), "item")}</span></li>'
            for p in listing.parts
        )
        return Markup(
            '<nav class="explainer-parts" aria-label="Pages of this list" '
            f'data-explainer-anchors="{indexes.ANCHORS}"><ol>{rows}</ol></nav>'
        )
    if listing.part is None:
        return Markup("")
    links = [
        f'<a class="explainer-pager__{side}" href="{escape.attr(html_href(src, p.src))}">'
        f'<span class="explainer-meta">{word}</span><span>{escape.block(p.label)}</span></a>'
        for side, word, p in (("prev", "Previous", listing.before), ("next", "Next", listing.after))
        if p is not None
    ]
    home = escape.attr(html_href(src, src.split("/")[0] + "/index.md"))
    return Markup(
        f'<p class="explainer-more"><a href="{home}">{escape.block(ctx["index_title"])}: all pages'
        f'</a></p><nav class="explainer-pager" aria-label="Previous and next page">'
        + "".join(links)
        + "</nav>"
    )


def _prose(text: str) -> Markup:
    return (
        Markup(f'<div class="explainer-prose">{escape.prose(text)}</div>') if text else Markup("")
    )


@pass_context
def _link(ctx: Context, text: str, to_src: str, anchor: str = "") -> Markup:
    """A Markdown link with escaped words; the site engine checks the target exists."""
    return Markup(f"[{escape.inline(text)}]({md_href(ctx['page_src'], to_src, anchor)})")


@pass_context
def _href(ctx: Context, to_src: str, anchor: str = "") -> Markup:
    """A link target for raw HTML, at the page's published URL."""
    return escape.attr(html_href(ctx["page_src"], to_src, anchor))


@pass_context
def _href_to(ctx: Context, record: Record) -> Markup:
    """A raw-HTML link target to a record's place (:mod:`generator.routes`)."""
    return escape.attr(routes.html_link(ctx["page_src"], record))


@pass_context
def _link_to(ctx: Context, record: Record, text: str = "") -> Markup:
    """A Markdown link to a record's place, named by ``text`` or the record's label."""
    target = routes.md_link(ctx["page_src"], record)
    label = text or ctx["story"].label_of(record)
    return Markup(f"[{escape.inline(label)}]({target})")


def when(record: Meeting | Event | Quote | Dating | Claim) -> Markup:
    """The record's date as a ``<time>`` element at the precision the editor gave."""
    end: PartialDate | None = getattr(record, "end_date", None)
    date = record.date
    if date is None:  # a claim the checker could not date: refused before rendering
        raise BuildError(f"{record.id if isinstance(record, Claim) else record} has no date")
    label = display_range(date, end, record.approximate)
    return Markup(f'<time datetime="{date.iso()}">{escape.block(label)}</time>')


@cache
def country_name(code: str) -> str:
    """English short name from CLDR ('Russia', not 'Russian Federation'); plain text."""
    return str(Locale("en").territories.get(code, code))


def facts(pairs: Iterable[tuple[str, str | Markup]]) -> Markup:
    """A one-line ``<dl>``: labels are ours, values are escaped unless already Markup. A space
    parts each term from its value (the grid ignores it; search excerpts and text extraction
    would otherwise read "Native nameКирилл ДмитриевRole")."""
    items = " ".join(
        f"<dt>{escape.block(label)}</dt> <dd>{_escaped(value)}</dd>"
        for label, value in pairs
        if value
    )
    return Markup(f'<dl class="explainer-facts">{items}</dl>')


def _escaped(value: str | Markup) -> Markup:
    return value if isinstance(value, Markup) else escape.block(value)


def plural(count: int, noun: str) -> Markup:
    """'1 meeting', '2 meetings' (our own words, so no escaping needed beyond the number)."""
    return Markup(f"{count} {noun}{'' if count == 1 else 's'}")


def heading(level: int, text: str, anchor: str = "") -> Markup:
    """A raw HTML heading. Pages that anchor records by id use these, because Markdown
    headings get slug ids that could equal a record id; ``_`` never occurs in an id."""
    ident = f' id="{escape.attr(anchor)}"' if anchor else ""
    return Markup(f"<h{level}{ident}>{escape.block(text)}</h{level}>")


def months(entries: Iterable[Entry | Claim]) -> list[tuple[str, str, list[Entry | Claim]]]:
    """Timeline items grouped by month (or year, when that is all that is known)."""
    groups: dict[tuple[int, int], list[Entry | Claim]] = {}
    for entry in entries:
        date = entry.date or PartialDate(0)  # claims on the timeline are dated
        groups.setdefault((date.year, date.month or 0), []).append(entry)
    return [
        (PartialDate(y, m or None).display(), f"month_{y}_{m:02d}", items)
        for (y, m), items in groups.items()
    ]


@pass_context
def _quote(
    ctx: Context, quote: Quote, speaker: bool = True, date: bool = True, where: bool = True
) -> Markup:
    """A quote as one raw HTML figure, anchored by its id on the quotes page; ``speaker``,
    ``date`` and ``where`` (the meeting or event) are left out where the page already says
    them, so that a quote never links to the entry it is shown in."""
    story: Story = ctx["story"]
    src = ctx["page_src"]
    person = story.people[quote.speaker]
    parts = []
    if speaker:
        parts.append(f'<a href="{_to(src, person)}">{escape.block(person.name)}</a>')
    if date:
        parts.append(str(when(quote)))
    if quote.context:
        parts.append(str(escape.block(quote.context)))
    said_at = story.entry(quote.meeting or quote.event) if where else None
    if said_at:
        parts.append(f'at <a href="{_to(src, said_at)}">{escape.block(said_at.title)}</a>')
    source = story.sources[quote.source]
    parts.append(f'source: <a href="{_to(src, source)}">{escape.block(source.title)}</a>')
    if routes.place(quote).src != src:
        parts.append(f'<a class="explainer-permalink" href="{_to(src, quote)}">permalink</a>')
    anchor = f' id="{escape.attr(quote.id)}"' if ctx.get("anchor_quotes") else ""
    return Markup(
        f'<figure class="explainer-quote"{anchor}><blockquote><p>'
        f"{excerpts.quote_text(story, quote)}</p></blockquote><figcaption>"
        + " · ".join(parts)
        + str(excerpts.context(story, quote, src))
        + "</figcaption></figure>"
    )


def _to(src: str, record: Record) -> Markup:
    """An escaped raw-HTML link target from page ``src`` to a record's place."""
    return escape.attr(routes.html_link(src, record))


@pass_context
def _entry(ctx: Context, entry: Entry, compact: bool = False) -> Markup:
    """A timeline entry as one raw HTML article carrying ``id="<record id>"`` (so that old
    ``timeline/#<id>`` links still land on it), its title linking to the record's own page.
    ``compact`` (a timeline split into pages) counts the quotes instead of showing them."""
    story: Story = ctx["story"]
    src = ctx["page_src"]
    kind = "meeting" if isinstance(entry, Meeting) else "event"
    people = entry.participants if isinstance(entry, Meeting) else entry.people
    status = entry.status if isinstance(entry, Meeting) else "held"
    names = ", ".join(
        f'<a href="{escape.attr(routes.html_link_of(src, "people", p))}">'
        f"{escape.block(story.names[p])}</a>"
        for p in people
    )
    countries = views.countries_of(story, entry)
    title = Markup(f'<a href="{_to(src, entry)}">{escape.block(entry.title)}</a>')
    meta = [
        str(when(entry)),
        f'<span class="explainer-badge explainer-badge--{kind}">{kind}</span>',
    ]
    if isinstance(entry, Meeting):
        meta.append(str(escape.block(entry.location)))
    if status != "held":
        meta.append(
            f'<strong class="explainer-badge explainer-badge--{status}">{escape.block(status)}'
            "</strong>"
        )
    meta.append(f'<a class="explainer-permalink" href="{_to(src, entry)}">permalink</a>')
    said = story.quotes_at.get(entry.id, [])
    if compact and said:
        quotes = (
            f'<p class="explainer-meta"><a href="{_to(src, entry)}">'
            f"{plural(len(said), 'quote')}</a></p>"
        )
    else:
        quotes = "".join(str(_quote(ctx, q, where=False)) for q in said)
    sources = ", ".join(
        f'<a href="{_to(src, story.sources[s])}">{escape.block(story.sources[s].title)}</a>'
        for s in entry.sources
    )
    findable = views.findable_people(story, entry)
    return Markup(
        f'<article class="explainer-entry explainer-entry--{kind} explainer-status--{status}" '
        f'id="{escape.attr(entry.id)}" data-kind="{kind}" data-status="{status}" '
        f'data-people="{escape.attr(" ".join(findable))}" '
        f'data-countries="{escape.attr(" ".join(countries))}">'
        f"<h3>{title}</h3>{corrections_of(entry)}"
        f'<p class="explainer-meta">{" · ".join(meta)}</p>'
        + (f'<p class="explainer-people">With {names}</p>' if names else "")
        + str(_prose(entry.summary))
        + quotes
        + _claims_line(ctx, story.claims_at.get(entry.id, []))
        + f'<p class="explainer-sources">Sources: {sources}</p></article>'
    )


@pass_context
def _links_to(ctx: Context, records: Iterable[Record]) -> Markup:
    """Raw-HTML links to records, by label, separated by commas (for a facts list)."""
    return Markup(
        ", ".join(
            f'<a href="{_to(ctx["page_src"], r)}">{escape.block(r.label)}</a>' for r in records
        )
    )


@pass_context
def _topic(ctx: Context, topic_id: str) -> Record:
    return ctx["story"].topics[topic_id]  # type: ignore[no-any-return]


@pass_context
def _claim_sources(ctx: Context, claim: Claim) -> list[Source]:
    """The sources of a claim's positions, each once, in the order of the positions."""
    story: Story = ctx["story"]
    return [story.sources[s] for s in dict.fromkeys(p.source for p in claim.positions)]


def _claims_line(ctx: Context, claims: list[Claim]) -> str:
    """The claims about a timeline entry, each with its status, in one line."""
    if not claims:
        return ""
    links = ", ".join(
        f'<a href="{_to(ctx["page_src"], c)}">{escape.block(c.title)}</a> {_status_badge(c)}'
        for c in claims
    )
    return f'<p class="explainer-claims">Claims: {links}</p>'


def _status_badge(claim: Claim) -> str:
    status = escape.attr(claim.status)
    return f'<strong class="explainer-badge explainer-badge--{status}">{status}</strong>'


@pass_context
def _timeline_item(ctx: Context, item: Entry | Claim, compact: bool = False) -> Markup:
    """A meeting or event (:func:`_entry`), or a claim, as an article of the timeline."""
    if isinstance(item, Claim):
        return _claim_entry(ctx, item)
    return _entry(ctx, item, compact)


def _claim_entry(ctx: Context, claim: Claim) -> Markup:
    """A claim on the timeline: its question, its status and each side in a line; the
    positions in full are on its own page, which its title and permalink lead to. Anchored
    ``claim_<id>`` (``_`` never occurs in a record id), so it cannot collide with the anchor of
    a meeting or an event."""
    story: Story = ctx["story"]
    src = ctx["page_src"]
    anchor = escape.attr(views.anchor_of(claim))
    status = escape.attr(claim.status)
    meta = [
        str(when(claim)),
        '<span class="explainer-badge explainer-badge--claim">claim</span>',
        _status_badge(claim),
        f'<a class="explainer-permalink" href="{_to(src, claim)}">permalink</a>',
    ]
    sides = "".join(
        f"<li><strong>{_side(src, story, p)}</strong>: {escape.block(p.says)}</li>"
        for p in claim.positions
    )
    return Markup(
        f'<article class="explainer-entry explainer-entry--claim explainer-claim--{status}" '
        f'id="{anchor}" data-kind="claim" data-status="{status}" '
        f'data-people="{escape.attr(" ".join(views.findable_people(story, claim)))}" '
        f'data-countries="{escape.attr(" ".join(views.countries_of(story, claim)))}">'
        f'<h3><a href="{_to(src, claim)}">{escape.block(claim.title)}</a></h3>'
        f"{corrections_of(claim)}"
        f'<p class="explainer-meta">{" · ".join(meta)}</p>'
        f'<ul class="explainer-claim-sides">{sides}</ul></article>'
    )


def _side(src: str, story: Story, position: Position) -> str:
    """Who takes a position: a person (linked), a country or an organisation."""
    if position.by:
        person = story.people[position.by]
        return f'<a href="{_to(src, person)}">{escape.block(person.name)}</a>'
    return str(escape.block(party_name(position.party)))


def party_name(party: str) -> str:
    """A country's name for its code; an organisation's name as written."""
    return country_name(party) if views.is_country_code(party) else party


@pass_context
def _positions(ctx: Context, claim: Claim) -> Markup:
    """The positions side by side (a CSS grid: columns on wide screens, stacked on phones),
    each with what it says, its verified quote and its source."""
    story: Story = ctx["story"]
    src = ctx["page_src"]
    cards = []
    for position in claim.positions:
        dated = Dating(position.date, position.approximate) if position.date else None
        meta = [str(when(dated))] if dated else []
        if position.by:
            meta.append(str(escape.block(story.people[position.by].role)))
        source = story.sources[position.source]
        quote = story.quotes.get(position.quote)
        cards.append(
            '<section class="explainer-position">'
            f'<h3 class="explainer-position__by">{_side(src, story, position)}</h3>'
            + (f'<p class="explainer-meta">{" · ".join(meta)}</p>' if meta else "")
            + f'<p class="explainer-position__says">{escape.block(position.says)}</p>'
            + (str(_quote(ctx, quote, speaker=False, date=not position.date)) if quote else "")
            + f'<p class="explainer-sources">Source: <a href="{_to(src, source)}">'
            f"{escape.block(source.title)}</a></p></section>"
        )
    return Markup(f'<div class="explainer-positions">{"".join(cards)}</div>')


@pass_context
def _claim_list(ctx: Context, claims: Iterable[Claim]) -> Markup:
    """Claims as a short list: date, status and question, linked to each claim's page."""
    items = "".join(
        f'<li class="explainer-brief__item explainer-claim--{escape.attr(c.status)}">'
        f'<span class="explainer-meta">{when(c)} · {_status_badge(c)}'
        f'</span> <a href="{_to(ctx["page_src"], c)}">{escape.block(c.title)}</a></li>'
        for c in claims
    )
    return Markup(f'<ul class="explainer-brief explainer-claim-list">{items}</ul>')


def corrections_of(record: Record) -> Markup:
    """A record's corrections, newest first, for the top of its page or its entry:
    "Corrected on 2 February 2026: …"."""
    if not record.corrections:
        return Markup("")
    newest = sorted(record.corrections, key=lambda c: c.date.earliest, reverse=True)
    items = "".join(correction(c) for c in newest)
    return Markup(f'<aside class="explainer-corrections" aria-label="Corrections">{items}</aside>')


def correction(item: Correction) -> Markup:
    """One correction: its date in bold, then its text (light Markdown)."""
    label = (
        f'<strong>Corrected on <time datetime="{item.date.iso()}">'
        f"{escape.block(item.date.display())}</time>:</strong> "
    )
    text = str(escape.prose(item.text))
    body = text.replace("<p>", "<p>" + label, 1) if text.startswith("<p>") else label + text
    return Markup(f'<div class="explainer-correction">{body}</div>')


@pass_context
def _source(ctx: Context, source: Source, own: bool = False) -> Markup:
    """A source as one raw HTML section anchored by its id (so old ``sources/#<id>`` links
    land on it), with what cites it: every record on its ``own`` page, a count on a list."""
    story: Story = ctx["story"]
    src = ctx["page_src"]
    meta = [source.publisher, source.kind]
    if source.published:
        meta.append(source.published.display())
    heading = (
        "" if own else f'<h2><a href="{_to(src, source)}">{escape.block(source.title)}</a></h2>'
    )
    parts = [heading, f'<p class="explainer-meta">{escape.block(" · ".join(meta))}</p>']
    if source.url:
        archived = (
            f' · <a class="explainer-archive" href="{escape.attr(source.archive_url)}" '
            'rel="noopener noreferrer">archived copy</a>'
            if source.archive_url
            else ""
        )
        parts.append(
            f'<p><a href="{escape.attr(source.url)}" rel="noopener noreferrer">'
            f"{escape.block(source.url)}</a>{archived}</p>"
        )
    if source.text:
        parts.append(
            '<p class="explainer-meta">Its text is kept with the content; every quote '
            "citing it was checked word for word against it.</p>"
        )
    cited = story.cited_by.get(source.id, [])
    if cited and own:
        links = ", ".join(
            f'<a href="{_to(src, r)}">{escape.block(story.label_of(r))}</a>' for r in cited
        )
        parts.append(
            f'<p class="explainer-cited">Cited by {plural(len(cited), "record")}: {links}</p>'
        )
    elif cited:
        parts.append(
            f'<p class="explainer-cited"><a href="{_to(src, source)}">Cited by '
            f"{plural(len(cited), 'record')}</a></p>"
        )
    if own:
        parts.append(excerpts.public_text(story, source))
    return Markup(
        f'<section class="explainer-source" id="{escape.attr(source.id)}">'
        + "".join(parts)
        + "</section>"
    )


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml for front matter when PyYAML has it: only our own flat data passes through here
(records are read by :mod:`generator.loader`, never by libyaml), and the pure-Python emitter
and parser took a tenth of the generator's time at 10,000 pages."""


def front_matter(
    title: str, *, head: dict[str, str | dict[str, str]] | None = None, **extra: Any
) -> Markup:
    """YAML front matter written by ``safe_dump`` and read back to prove the round trip, then
    the ``head`` entries (:func:`head_lines`).

    The title is HTML-escaped because MkDocs themes print page titles unescaped.
    """
    data = {"title": html.escape(title, quote=False), **extra}
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=True, width=10_000)
    if yaml.load(text, Loader=_Loader) != data:  # noqa: S506 - a safe loader
        raise BuildError(f"front matter for {title!r} does not round-trip")
    if head and set(head) & set(data):
        raise BuildError(f"front matter for {title!r} names {sorted(set(head) & set(data))} twice")
    return Markup(f"---\n{text}{head_lines(head or {})}---\n")


def head_lines(head: dict[str, str | dict[str, str]]) -> str:
    """One YAML line per entry, every text double-quoted by :func:`escape.yaml_quoted`, whose
    round trip its tests prove: share meta and JSON-LD, on every page and megabytes over a big
    story, cost no YAML emitter time and give the same bytes with or without libyaml."""
    lines = []
    for key, value in sorted(head.items()):
        if not key.isidentifier():
            raise BuildError(f"front matter key {key!r} is not a plain name")
        if isinstance(value, dict):
            pairs = ", ".join(f"{k}: {escape.yaml_quoted(v)}" for k, v in sorted(value.items()))
            if not all(k.isidentifier() for k in value):
                raise BuildError(f"front matter key in {key!r} is not a plain name")
            lines.append(f"{key}: {{{pairs}}}\n")
        else:
            lines.append(f"{key}: {escape.yaml_quoted(value)}\n")
    return "".join(lines)


def plan(
    story: Story,
    standfirst: home.Standfirst | None = None,
    limit: int = indexes.INDEX_LIMIT,
    embed: Snippet | None = None,
    session: Session | None = None,
) -> list[Page]:
    """Every page of the site, in a stable order: the home page, each index (one page, or a
    first page and a page per group: :mod:`generator.indexes`), What changed, and a page for
    every record whose route gives it one (:mod:`generator.routes`).

    In the preview's ``session``, an index's pages are listed again only when something its
    list read has changed (a unit of :mod:`generator.incremental`): grouping and sorting
    7,000 quotes took a tenth of a second of each save at 10,000 records. Not in a build's
    session: its units come from disk, where a list of records is not kept."""
    standfirst = standfirst or home.Standfirst()
    pages = [
        Page(
            HOME,
            "home.md.j2",
            standfirst.title,
            {"standfirst": standfirst, "key_people": home.key_people(story, standfirst)},
            {"hide": ["toc"]},
        ),
    ]
    lists = session if session is not None and not session.build else None
    for index in indexes.INDEXES:
        made = partial(indexes.listings, index, story, limit)
        for listing in incremental.unit(lists, ("listings", index.folder), limit, made):
            title = f"{index.title}: {listing.part.label}" if listing.part else index.title
            context = {
                **index.context,
                "listing": listing,
                "index_title": index.title,
                "embed": embed if index.folder == "timeline" and not listing.part else None,
            }
            pages.append(Page(listing.src, index.template, title, context, index.meta))
    pages.append(Page(changes.CHANGES_PAGE, "changes.md.j2", "What changed", {}))
    for collection, template in routes.own_pages().items():
        records = story.collection(collection)
        pages += [
            Page(
                record_page(collection, rid),
                template,
                story.label_of(records[rid]),
                {"record": records[rid]},
            )
            for rid in sorted(records)
        ]
    return pages


def render_page(page: Page, story: Story, history: History | None = None) -> str:
    template = environment().get_template(page.template)
    front = Markup(f"{front_matter(page.title, head=page.head, **page.meta)}{MARKER}\n")
    text = template.render(
        story=story,
        page_src=page.src,
        title=page.title,
        front=front,
        history=history or History(),
        **page.context,
    )
    return text.rstrip("\n") + "\n"


Head = Callable[[list[Page]], Callable[[Page], dict[str, str | dict[str, str]]]]
"""Given every page, what gives each its front matter for the ``<head>``
(:func:`generator.share.head`)."""


def render(
    story: Story,
    history: History | None = None,
    standfirst: home.Standfirst | None = None,
    limit: int = indexes.INDEX_LIMIT,
    embed: Snippet | None = None,
    *,
    head: Head | None = None,
) -> dict[str, str]:
    """All generated pages: source path under ``docs/`` → Markdown text. ``history`` (from
    git, see :mod:`generator.history`) adds "last changed" lines and the "What changed" page;
    ``standfirst`` (``content/standfirst.md``) opens the home page; ``limit`` is the most
    items an index page holds before it splits; ``embed`` (:func:`generator.embed.snippet`)
    the code the timeline page offers for embedding it; ``head``, given every page, says what
    more front matter each one carries for its ``<head>`` (share meta and JSON-LD,
    :func:`generator.share.head`)."""
    pages = render_files(story, history, standfirst, limit, embed, head=head)
    return {
        src: (data.read() if isinstance(data, Stored) else data).decode("utf-8")
        for src, data in pages.items()
    }


def render_files(
    story: Story,
    history: History | None = None,
    standfirst: home.Standfirst | None = None,
    limit: int = indexes.INDEX_LIMIT,
    embed: Snippet | None = None,
    *,
    head: Head | None = None,
    session: Session | None = None,
    pages: list[Page] | None = None,
) -> dict[str, File]:
    """:func:`render`, as the UTF-8 bytes written to ``docs/``. With a ``session`` (the
    preview's, or a build's with its cache), a page is rendered again only when something it
    read has changed (:mod:`generator.incremental`); it keeps the bytes, one copy of each
    page, or a build's the file the last build kept them in. ``pages``, when given, is the
    :func:`plan` already made for these arguments."""
    pages = plan(story, standfirst, limit, embed) if pages is None else pages
    meta_of = head(pages) if head is not None else None

    def one(page: Page) -> bytes:
        if meta_of is not None:
            page = replace(page, head=meta_of(page))
        return render_page(page, story, history).encode("utf-8")

    if session is None:  # a whole site: shared among the cores (workers.py)
        made = workers.forked_map(lambda i: one(pages[i]), len(pages))
        return {page.src: data for page, data in zip(pages, made, strict=True)}
    if session.build:  # the pages to make again, shared among the cores
        todo = [page for page in pages if not session.ready(("page", page.src), page)]
        fresh = workers.forked_map(lambda i: session.record(partial(one, todo[i])), len(todo))
        for page, (data, reads) in zip(todo, fresh, strict=True):
            session.add(("page", page.src), page, reads, data)
    return {page.src: session.unit(("page", page.src), page, partial(one, page)) for page in pages}

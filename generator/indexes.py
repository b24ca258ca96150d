"""The index pages readers browse (timeline, people, meetings, quotes, sources, topics), and how
each one splits into pages when the story grows.

A record's canonical address is its own page (:mod:`generator.routes`), which never moves.
Index pages only lead to records, so they may split: while an index holds at most
``index_limit`` items (a setting, :data:`INDEX_LIMIT` by default) it is one page, as a small
story reads best; beyond that, its items are grouped by **period** (the timeline, meetings and
quotes, by month: a reader's "what happened in January") or by **letter** (people by surname,
sources and topics by title), each group on a page of its own at ``<folder>/pages/<key>/``,
with previous and next links. A group larger than the limit continues on numbered pages
(``2026-01``, ``2026-01-2``). Group pages have stable URLs: a month's page stays where it is as
later months are added. ``pages`` is a reserved id, so these never clash with a record's page.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from generator import incremental, views
from generator.dates import PartialDate, display_range
from generator.link import Entry, Story, sort_key
from generator.pages import index_page
from generator.schema import Claim, Meeting, Person, Record

if TYPE_CHECKING:
    from generator.incremental import Session

INDEX_LIMIT = 100
"""Items on one index page before it splits (``extra: {explainer: {index_limit: N}}``)."""

QUOTES_PER_PAGE = 50
"""Quotes on one page of a split quotes index: 100 of them with their context ran to 164 KB
at 10,000 records, over the 150 KB a page may weigh."""

ANCHORS = "anchors.json"
"""Beside a split index's first page: record id → its page, so an old link to
``timeline/#<id>`` still reaches the record (the site's script follows it)."""

ENTRIES = "entries.json"
"""Beside a split timeline's first page: every entry's date, kind, people and countries, which
its filters fetch (only once a reader chooses a filter) to search the whole story."""

PARTS = "pages"
"""The sub-folder of an index's folder that holds its group pages (a reserved id)."""


def _month(record: Record) -> tuple[str, str]:
    date: PartialDate = getattr(record, "date")  # noqa: B009 - every dated record has one
    return _month_of(date.year, date.month)


@cache  # asked for each of 10,000 dated items by every plan of the pages (a save's, 0.05 s)
def _month_of(year: int, month: int | None) -> tuple[str, str]:
    """The group of a date in ``year`` and ``month`` (or the year alone): key and label."""
    if month is None:
        return f"{year}", str(year)
    return f"{year}-{month:02d}", PartialDate(year, month).display()


def _letter_of(text: str) -> tuple[str, str]:
    """Group by first letter, folded to ASCII where it has a base letter (É → e); anything
    else (Cyrillic, CJK, digits) goes under "other"."""
    base = unicodedata.normalize("NFKD", text.strip()[:1]).encode("ascii", "ignore").decode()
    letter = base.lower()
    if len(letter) == 1 and "a" <= letter <= "z":
        return letter, letter.upper()
    return "other", "Other"


def surname(person: Person) -> str:
    return person.name.split()[-1] if person.name.split() else person.name


def people_sorted(people: Sequence[Person] | Any) -> list[Person]:
    """By surname, then full name: how readers look people up."""
    return sorted(people, key=lambda p: (surname(p).casefold(), p.name))


@dataclass(frozen=True)
class Index:
    """One browsable list of records: where it lives, what it lists, how it groups."""

    folder: str
    title: str
    template: str
    items: Callable[[Story], list[Any]]
    group: Callable[[Any], tuple[str, str]]
    meta: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    most: int | None = None
    """At most this many items on one of its pages, below ``index_limit``, for lists whose
    items are long (a quote with its context runs to 1.6 KB)."""


INDEXES: tuple[Index, ...] = (
    Index(
        "timeline",
        "Timeline",
        "timeline.md.j2",
        views.timeline_items,
        _month,
        {"hide": ["toc"]},
        {"entries_file": ENTRIES},
    ),
    Index(
        "people",
        "People",
        "people.md.j2",
        lambda story: people_sorted(story.people.values()),
        lambda person: _letter_of(surname(person)),
    ),
    Index(
        "meetings",
        "Meetings",
        "meetings.md.j2",
        lambda story: [e for e in story.timeline if isinstance(e, Meeting)],
        _month,
    ),
    Index(
        "claims",
        "Claims",
        "claims.md.j2",
        views.claims_in_order,
        _month,
    ),
    Index(
        "quotes",
        "Quotes",
        "quotes.md.j2",
        lambda story: sorted(story.quotes.values(), key=sort_key),
        _month,
        context={"anchor_quotes": True},
        most=QUOTES_PER_PAGE,
    ),
    Index(
        "sources",
        "Sources",
        "sources.md.j2",
        lambda story: sorted(story.sources.values(), key=lambda s: (s.title.casefold(), s.id)),
        lambda source: _letter_of(source.title),
    ),
    Index(
        "topics",
        "Topics",
        "topics.md.j2",
        lambda story: sorted(story.topics.values(), key=lambda t: (t.title.casefold(), t.id)),
        lambda topic: _letter_of(topic.title),
    ),
)
"""Every index page of the site, in the sidebar's order."""


@dataclass(frozen=True)
class Part:
    """One page of a split index: a group (or a numbered piece of one)."""

    key: str
    label: str
    src: str
    items: list[Any]


@dataclass(frozen=True)
class Listing:
    """What one index page shows: its items, and where it sits among the index's pages."""

    src: str
    items: list[Any]
    parts: list[Part] = field(default_factory=list)
    """On a split index's first page: every group page, in order."""
    part: Part | None = None
    before: Part | None = None
    after: Part | None = None

    @property
    def split(self) -> bool:
        return bool(self.parts) or self.part is not None


def part_src(folder: str, key: str) -> str:
    return f"{folder}/{PARTS}/{key}.md"


def parts(index: Index, items: list[Any], limit: int) -> list[Part]:
    """The index's items grouped, each group cut into pages of at most ``limit`` items.

    Groups keep the order of ``items`` (chronological, or alphabetical by letter).
    """
    groups: dict[str, tuple[str, list[Any]]] = {}
    for item in items:
        key, label = index.group(item)
        groups.setdefault(key, (label, []))[1].append(item)
    found: list[Part] = []
    for key in sorted(groups, key=lambda k: (k == "other", k)):  # months sort as dates
        label, members = groups[key]
        for n, start in enumerate(range(0, len(members), limit), start=1):
            piece_key = key if n == 1 else f"{key}-{n}"
            piece_label = label if n == 1 else f"{label} ({n})"
            found.append(
                Part(
                    piece_key,
                    piece_label,
                    part_src(index.folder, piece_key),
                    members[start : start + limit],
                )
            )
    return found


def listings(index: Index, story: Story, limit: int = INDEX_LIMIT) -> list[Listing]:
    """The pages of one index: a single page, or a first page of groups and a page each."""
    items = index.items(story)
    home = index_page(index.folder)
    size = page_size(index, limit)
    if len(items) <= size:
        return [Listing(home, items)]
    pieces = parts(index, items, size)
    pages = [Listing(home, [], parts=pieces)]
    for i, piece in enumerate(pieces):
        before = pieces[i - 1] if i > 0 else None
        after = pieces[i + 1] if i + 1 < len(pieces) else None
        pages.append(Listing(piece.src, piece.items, part=piece, before=before, after=after))
    return pages


def page_size(index: Index, limit: int) -> int:
    """The most items one page of ``index`` holds: ``index_limit``, or less for long items."""
    return min(limit, index.most or limit)


def anchors(index: Index, story: Story, limit: int, href: Callable[[str, Any], str]) -> bytes:
    """The :data:`ANCHORS` map of a split index (empty bytes for one that is one page):
    each record's id → a link to its own page, relative to the index's first page."""
    items = index.items(story)
    if len(items) <= page_size(index, limit):
        return b""
    home = index_page(index.folder)
    found = {_anchor(item): href(home, item) for item in items}
    return (json.dumps(found, ensure_ascii=False, sort_keys=True, indent=0) + "\n").encode()


def _anchor(item: Any) -> str:
    """The anchor an item had on a one-page index: its id (a claim's: ``claim_<id>``)."""
    return views.anchor_of(item) if isinstance(item, Claim) else str(item.id)


def entries(
    story: Story,
    href: Callable[[str, Any], str],
    home: str = index_page("timeline"),
    session: Session | None = None,
) -> bytes:
    """The :data:`ENTRIES` file of a split timeline (or of the embed): what its filters need
    of each entry, links relative to the page ``home``. Plain data: the script sets it as
    text. Written as ``json.dumps(rows, indent=0)`` writes a list, one row at a time, so that
    in the preview's ``session`` a row is written again only when its entry changed."""
    rows = [
        incremental.unit(
            session, ("entry", home, entry.id), entry, partial(_entry_row, story, href, home, entry)
        )
        for entry in views.timeline_items(story)
    ]
    return (("[\n" + ",\n".join(rows) + "\n]") if rows else "[]").encode() + b"\n"


def _entry_row(
    story: Story, href: Callable[[str, Any], str], home: str, entry: Entry | Claim
) -> str:
    row = {
        "id": views.anchor_of(entry),
        "title": entry.title,
        "when": display_range(entry.date, getattr(entry, "end_date", None), entry.approximate)
        if entry.date
        else "",
        "kind": views.kind_of(entry),
        "status": views.status_of(entry),
        "people": views.findable_people(story, entry),
        "countries": views.countries_of(story, entry),
        "url": href(home, entry),
    }
    return json.dumps(row, ensure_ascii=False, indent=0)

"""The record schema: the one place that says which collections and fields exist.

Each collection is a frozen dataclass; each field carries a :class:`FieldSpec` in its metadata.
Validation (:mod:`generator.validate`), the JSON Schema and the editors' field reference are all
derived from these classes, so a field is added here once and nowhere else.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from generator.dates import PartialDate
from generator.urls import ARCHIVE_HOSTS

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Ids are file names and URL segments, so only lowercase ASCII, digits and single hyphens."""

RESERVED_IDS = frozenset({"index", "pages"})
"""Ids that would clash with a generated index page (``people/index.md``) or the folder of a
split index's pages (``people/pages/``)."""


class Kind(StrEnum):
    """What a field holds; decides how it is checked and how it is escaped on a page."""

    TEXT = "text"  # one line of plain text
    LONGTEXT = "longtext"  # plain text that may span lines (a quote)
    PROSE = "prose"  # light Markdown: emphasis and http(s) links
    REF = "ref"  # the id of another record
    REFS = "refs"  # a list of ids
    TEXTS = "texts"  # a list of one-line texts
    DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD
    BOOL = "bool"  # true or false
    CHOICE = "choice"  # one of a fixed set of words
    COUNTRY = "country"  # ISO 3166-1 alpha-2
    COUNTRIES = "countries"  # a list of those
    URL = "url"  # an absolute http(s) URL
    PARTY = "party"  # an ISO country code (two capitals) or an organisation's name
    ITEMS = "items"  # a list of nested records, each a mapping with fields of its own


@dataclass(frozen=True)
class FieldSpec:
    """How one field is checked and documented."""

    kind: Kind
    doc: str
    required: bool = False
    ref: str | None = None  # collection a REF/REFS field points into
    choices: tuple[str, ...] = ()
    max_length: int = 200
    min_items: int = 0
    example: str = ""
    hosts: frozenset[str] = frozenset()  # for a URL field: the only hosts allowed, if any
    item: type[Any] | None = None
    """For an ITEMS field: the dataclass of one item, whose fields carry their own specs."""
    day: bool = False
    """For a DATE field: the day must be given (``YYYY-MM-DD``)."""


_EMPTY: dict[Kind, Any] = {
    Kind.TEXT: "",
    Kind.LONGTEXT: "",
    Kind.PROSE: "",
    Kind.REF: "",
    Kind.URL: "",
    Kind.COUNTRY: "",
    Kind.PARTY: "",
    Kind.CHOICE: "",
    Kind.REFS: (),
    Kind.TEXTS: (),
    Kind.COUNTRIES: (),
    Kind.ITEMS: (),
    Kind.DATE: None,
    Kind.BOOL: False,
}


def spec(kind: Kind, doc: str, *, required: bool = False, **options: Any) -> Any:
    """Declare a schema field: ``name: str = spec(Kind.TEXT, "Full name", required=True)``."""
    meta = FieldSpec(kind, doc, required=required, **options)
    if required:
        return field(metadata={"spec": meta})
    return field(default=empty(meta), metadata={"spec": meta})


def empty(spec: FieldSpec) -> Any:
    """The value of a field left out: what an optional field holds by default."""
    return spec.choices[0] if spec.kind is Kind.CHOICE and not spec.required else _EMPTY[spec.kind]


def build(cls: type[Any], values: dict[str, Any]) -> Any:
    """An item of ``cls`` from the values that could be read; missing fields are empty, so
    that an item with errors can still be looked at by later checks."""
    return cls(**{name: values.get(name, empty(s)) for name, s in fields_of(cls)})


@dataclass(frozen=True)
class Link:
    """A titled external link on a person's profile."""

    title: str = spec(Kind.TEXT, "What the link is, as readers see it.", required=True)
    url: str = spec(Kind.URL, "Where it goes: http or https only.", required=True, max_length=2000)


@dataclass(frozen=True)
class Correction:
    """A correction the newsroom made to a record, shown on top of it and on the
    Corrections page."""

    date: PartialDate = spec(
        Kind.DATE,
        "The day the correction was made.",
        required=True,
        day=True,
        example="2026-02-02",
    )
    text: str = spec(
        Kind.PROSE,
        "What was wrong and what is right now (light Markdown).",
        required=True,
        max_length=1000,
        example="An earlier version gave the date as 30 January.",
    )


@dataclass(frozen=True, kw_only=True)
class Record:
    """Fields every record has; ``id`` comes from the file name, never from the YAML."""

    collection: ClassVar[str]
    singular: ClassVar[str]
    doc: ClassVar[str]

    id: str
    path: str = field(default="", compare=False)
    """The file it came from, relative to the project root, for error messages."""
    marks: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)
    """Line and column of each field in that file, for errors found after loading."""
    corrections: tuple[Correction, ...] = spec(
        Kind.ITEMS,
        "Corrections made to this record, each with `date` and `text`; shown on top of it and "
        "on the Corrections page. Never delete one: a correction stays on record.",
        item=Correction,
    )

    @property
    def label(self) -> str:
        """How readers name the record: its title, or a person's name."""
        return str(getattr(self, "title", ""))

    def mark(self, name: str) -> tuple[int, int]:
        """Where ``name`` was written, or the top of the file if it was not."""
        return self.marks.get(name, (1, 1))


@dataclass(frozen=True, kw_only=True)
class Person(Record):
    collection = "people"
    singular = "person"
    doc = "Someone the story names. One file per person: `content/people/<id>.yml`."

    name: str = spec(
        Kind.TEXT,
        "Name as readers know it.",
        required=True,
        max_length=120,
        example="Steve Witkoff",
    )
    role: str = spec(
        Kind.TEXT, "Role at the time of the story.", required=True, example="U.S. Special Envoy"
    )
    country: str = spec(
        Kind.COUNTRY,
        "ISO 3166-1 alpha-2 code of the country the person acts for.",
        required=True,
        example="US",
    )
    native_name: str = spec(
        Kind.TEXT,
        "Name in the person's own script, e.g. Cyrillic.",
        max_length=120,
        example="Кирилл Дмитриев",
    )
    affiliation: str = spec(Kind.TEXT, "Organisation or government.", example="Kremlin")
    bio: str = spec(Kind.PROSE, "A short biography (light Markdown).", max_length=4000)
    aliases: tuple[str, ...] = spec(
        Kind.TEXTS,
        "Other spellings readers may search for.",
        max_length=120,
        example="Kirill Dmitriyev",
    )
    links: tuple[Link, ...] = spec(
        Kind.ITEMS, "External links, each with `title` and `url`.", item=Link
    )
    sources: tuple[str, ...] = spec(Kind.REFS, "Ids of sources about this person.", ref="sources")

    @property
    def label(self) -> str:
        return self.name


def _summary() -> Any:
    return spec(Kind.PROSE, "What happened (light Markdown).", required=True, max_length=4000)


def _topics() -> Any:
    return spec(Kind.REFS, "Ids of topics.", ref="topics")


def _reported_by() -> Any:
    return spec(
        Kind.REFS, "Ids of the sources that report it.", required=True, ref="sources", min_items=1
    )


@dataclass(frozen=True, kw_only=True)
class Entry(Record):
    """What meetings and events share: they are the entries of the timeline."""

    title: str = spec(Kind.TEXT, "Short headline.", required=True)
    date: PartialDate = spec(
        Kind.DATE, "When it happened or began.", required=True, example="2026-01-31"
    )
    approximate: bool = spec(Kind.BOOL, "True when the date is inferred, not stated.")
    end_date: PartialDate | None = spec(Kind.DATE, "Last day, when it lasted several days.")
    after: str = spec(
        Kind.REF,
        "Id of a meeting that came before this one, for when the dates "
        "cannot tell (both known only as January 2026).",
        ref="meetings",
        example="moscow-putin",
    )


@dataclass(frozen=True, kw_only=True)
class Meeting(Entry):
    collection = "meetings"
    singular = "meeting"
    doc = "A meeting between people of the story, held, scheduled or cancelled."

    location: str = spec(
        Kind.TEXT, "Where it took place.", required=True, example="Florida, United States"
    )
    participants: tuple[str, ...] = spec(
        Kind.REFS,
        "Ids of the named people who took part; may be `[]` when only `parties` are known.",
        required=True,
        ref="people",
    )
    parties: tuple[str, ...] = spec(
        Kind.COUNTRIES,
        "Countries taking part, as ISO codes, when the people are not named.",
        example="[RU, UA]",
    )
    status: str = spec(
        Kind.CHOICE, "Whether it happened.", choices=("held", "scheduled", "cancelled")
    )
    summary: str = _summary()
    topics: tuple[str, ...] = _topics()
    sources: tuple[str, ...] = _reported_by()


@dataclass(frozen=True, kw_only=True)
class Event(Entry):
    collection = "events"
    singular = "event"
    doc = "A timeline item that is not a meeting: an announcement, a pause in strikes."

    people: tuple[str, ...] = spec(Kind.REFS, "Ids of the people involved.", ref="people")
    summary: str = _summary()
    topics: tuple[str, ...] = _topics()
    sources: tuple[str, ...] = _reported_by()


@dataclass(frozen=True, kw_only=True)
class Quote(Record):
    collection = "quotes"
    singular = "quote"
    doc = "Words a person said or wrote, verbatim, with where they were said and the source."

    speaker: str = spec(Kind.REF, "Id of the person quoted.", required=True, ref="people")
    text: str = spec(
        Kind.LONGTEXT,
        "The words, exactly as the source gives them.",
        required=True,
        max_length=2000,
    )
    date: PartialDate = spec(Kind.DATE, "When they were said.", required=True)
    approximate: bool = spec(Kind.BOOL, "True when the date is inferred, not stated.")
    meeting: str = spec(Kind.REF, "Id of the meeting where it was said.", ref="meetings")
    event: str = spec(Kind.REF, "Id of the event where it was said.", ref="events")
    context: str = spec(Kind.TEXT, "How it was said.", example="post on X")
    source: str = spec(
        Kind.REF, "Id of the source that reports the quote.", required=True, ref="sources"
    )
    topics: tuple[str, ...] = _topics()


@dataclass(frozen=True, kw_only=True)
class Source(Record):
    collection = "sources"
    singular = "source"
    doc = (
        "Where facts come from. An optional `<id>.txt` beside the record holds the source's "
        "text; every quote citing the source must then appear in it word for word."
    )

    title: str = spec(Kind.TEXT, "Headline or title.", required=True)
    publisher: str = spec(Kind.TEXT, "Outlet or organisation.", required=True)
    url: str = spec(Kind.URL, "Where to read it: http or https only.", max_length=2000)
    archive_url: str = spec(
        Kind.URL,
        "A copy in a web archive (web.archive.org, archive.today, perma.cc) whose address "
        "contains `url`; shown beside it.",
        max_length=2500,
        example="https://web.archive.org/web/2026/https://example.com/story",
        hosts=ARCHIVE_HOSTS,
    )
    published: PartialDate | None = spec(Kind.DATE, "Publication date.")
    kind: str = spec(
        Kind.CHOICE,
        "What sort of source it is.",
        choices=("article", "social-post", "statement", "transcript", "other"),
    )
    text_public: bool = spec(
        Kind.BOOL,
        "True when the licence of the saved text (`<id>.txt`) allows publishing it: the "
        "source's page then shows the whole text with every quote marked. Otherwise readers "
        "see only the sentences around each quote.",
    )
    text: str = ""
    """The source's own text from ``<id>.txt``, when there is one (not a YAML field)."""


@dataclass(frozen=True, kw_only=True)
class Topic(Record):
    collection = "topics"
    singular = "topic"
    doc = "A theme that groups meetings, events and quotes; each gets a page."

    title: str = spec(Kind.TEXT, "Name of the topic.", required=True, example="Energy strikes")
    summary: str = spec(Kind.PROSE, "What the topic covers (light Markdown).", max_length=4000)


@dataclass(frozen=True, kw_only=True)
class Position:
    """One side's answer to a claim: who says what, where they said it, and the source."""

    one_of: ClassVar[tuple[str, str]] = ("by", "party")
    """A position is taken by a person or by a party: exactly one of the two."""

    by: str = spec(
        Kind.REF,
        "Id of the person who takes this position; give `by` or `party`, not both.",
        ref="people",
    )
    party: str = spec(
        Kind.PARTY,
        "Who takes it when it is not a person of the story: a country as its ISO code (two "
        "capitals, `RU`) or an organisation by its name (`The Associated Press`).",
        max_length=120,
        example="The Associated Press",
    )
    says: str = spec(
        Kind.TEXT,
        "What they say, as a short paraphrase.",
        required=True,
        max_length=300,
        example="Putin agreed not to strike Kyiv for a week.",
    )
    quote: str = spec(
        Kind.REF, "Id of a quote that shows it; it must be by the person in `by`.", ref="quotes"
    )
    source: str = spec(
        Kind.REF, "Id of the source that reports this position.", required=True, ref="sources"
    )
    date: PartialDate | None = spec(Kind.DATE, "When they said it.", example="2026-01-29")
    approximate: bool = spec(Kind.BOOL, "True when the date is inferred, not stated.")


@dataclass(frozen=True, kw_only=True)
class Claim(Record):
    collection = "claims"
    singular = "claim"
    doc = (
        "A question the sources answer differently, or leave open, with each side's position "
        "side by side."
    )

    title: str = spec(
        Kind.TEXT,
        "The question, as readers would ask it.",
        required=True,
        example="How long was the pause in strikes on Kyiv to last?",
    )
    status: str = spec(
        Kind.CHOICE,
        "`disputed` when the accounts on record cannot all be right, `unconfirmed` when only "
        "one side speaks or the sources leave it open, `confirmed` when independent accounts "
        "agree and none contradicts them.",
        required=True,
        choices=("disputed", "unconfirmed", "confirmed"),
    )
    summary: str = spec(
        Kind.PROSE,
        "What is at stake and what the sources leave open (light Markdown).",
        max_length=4000,
    )
    positions: tuple[Position, ...] = spec(
        Kind.ITEMS,
        "Each side's position; at least two when the claim is disputed.",
        required=True,
        min_items=1,
        item=Position,
    )
    topics: tuple[str, ...] = _topics()
    meeting: str = spec(Kind.REF, "Id of the meeting the claim is about.", ref="meetings")
    event: str = spec(Kind.REF, "Id of the event the claim is about.", ref="events")
    date: PartialDate | None = field(default=None, compare=False)
    """Where the claim stands on the timeline, set when the story is linked (not a YAML field):
    the date of its earliest dated position, or else of the meeting or event it is about."""
    approximate: bool = field(default=False, compare=False)
    """Whether that date is inferred (as the position's or the entry's is)."""


RECORD_TYPES: tuple[type[Record], ...] = (
    Person,
    Meeting,
    Event,
    Quote,
    Source,
    Topic,
    Claim,
)
COLLECTIONS: dict[str, type[Record]] = {cls.collection: cls for cls in RECORD_TYPES}


def fields_of(cls: type[Any]) -> Iterator[tuple[str, FieldSpec]]:
    """The schema fields of a record type (or of an item of an ITEMS field), in declaration
    order; the fields every record has (``corrections``) come last, after the collection's own."""
    common = {f.name for f in dataclasses.fields(Record)}
    specced = [f for f in dataclasses.fields(cls) if "spec" in f.metadata]
    for f in sorted(specced, key=lambda f: f.name in common):
        yield f.name, f.metadata["spec"]

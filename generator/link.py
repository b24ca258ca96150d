"""Stage 3, link: records become one story, with every reference resolved or reported.

After this stage templates never look anything up by id: a meeting knows its participants,
a person knows the meetings they attended, whom they met and what they said.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.dates import PartialDate
from generator.errors import Problem
from generator.schema import (
    COLLECTIONS,
    ID_PATTERN,
    Claim,
    Event,
    Kind,
    Meeting,
    Person,
    Quote,
    Record,
    Source,
    Topic,
    fields_of,
)
from generator.validate import Partial, did_you_mean
from generator.verbatim import (
    Match,
    Mismatch,
    verify,
)

Entry = Meeting | Event
"""A timeline entry."""


@dataclass(frozen=True)
class Dating:
    """Where a claim stands on the timeline: the date of its earliest dated position, or,
    when no position is dated, the date of its meeting or event."""

    date: PartialDate
    approximate: bool = False


@dataclass
class Story:
    """Every record of one explainer, linked. Built by :func:`link`; read by the renderer."""

    people: dict[str, Person] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)

    timeline: list[Entry] = field(default_factory=list)
    """Meetings and events, oldest first."""
    timeline_at: dict[str, int] = field(default_factory=dict)
    """Where each meeting and event is in :attr:`timeline`, by id (ids are unique across
    both): finding an entry's neighbours by searching the list cost a second at 1,500
    entries."""
    meetings_of: dict[str, list[Meeting]] = field(default_factory=lambda: defaultdict(list))
    events_of: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    quotes_of: dict[str, list[Quote]] = field(default_factory=lambda: defaultdict(list))
    quotes_at: dict[str, list[Quote]] = field(default_factory=lambda: defaultdict(list))
    """Quotes by the id of the meeting or event where they were said."""
    met_with: dict[str, list[tuple[Person, int]]] = field(default_factory=dict)
    """For each person, the people they met and in how many meetings, most first."""
    tagged: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    """Meetings, events and quotes by topic id."""
    cited_by: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    """Records by the id of a source they cite."""
    claims_of: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    """Claims by the id of a person who takes a position in them."""
    claims_at: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    """Claims by the id of the meeting or event they are about."""
    names: dict[str, str] = field(default_factory=dict)
    """Each person's name, by id: what a list, a label or a calendar entry shows of a person
    reads only this, so the preview does not make it again when another field of the person
    changes (:mod:`generator.incremental` notes reads per key, not per field)."""
    countries: dict[str, str] = field(default_factory=dict)
    """Each person's country, by id: what the timeline's filters and entries read of them."""
    corrected: list[Record] = field(default_factory=list)
    """Every record with a correction, by collection and id: what the Corrections page and
    feed go through, rather than every record of the story (for the same reason)."""
    verified: dict[str, Match] = field(default_factory=dict)
    """Where each quote checked against a stored source text is in that text, by quote id."""
    methodology: str = ""
    """The hand-written page (under ``docs/``) that explains the checks, when the story has
    one; quotes link to it. Set by :func:`generator.build.check`, not by the content."""

    def collection(self, name: str) -> dict[str, Record]:
        return getattr(self, name)  # type: ignore[no-any-return]

    def label_of(self, record: Record) -> str:
        """How a record is named in a list: its name or title; a quote by its speaker and its
        first words, so that two quotes by one person can be told apart."""
        if isinstance(record, Quote):
            return _quote_label(self.names.get(record.speaker, "Quote"), record.text)
        return record.label or record.id

    def entry(self, entry_id: str) -> Entry | None:
        return self.meetings.get(entry_id) or self.events.get(entry_id)


@functools.lru_cache(maxsize=1 << 16)  # 7,000 quotes at 10,000 records, named by each plan
def _quote_label(speaker: str, text: str) -> str:
    """A quote's label (:meth:`Story.label_of`): its speaker and its first six words."""
    words = text.split()
    opening = " ".join(words[:6]) + (" …" if len(words) > 6 else "")
    return f"{speaker}: “{opening}”"


def sort_key(record: Meeting | Event | Quote) -> tuple[tuple[int, int, int], str]:
    """Chronological, then by id so that equal dates have a stable order."""
    date: PartialDate = record.date
    return (date.earliest, record.id)


@dataclass
class Memo:
    """What a long-running process (the preview) found last, for each record object: its view
    for the checks (:func:`_partial`), and its reference problems, valid while the ids that
    have a file (``known``) are the same."""

    known: dict[str, set[str]] = field(default_factory=dict)
    records: dict[int, tuple[Record, Partial, list[Problem]]] = field(default_factory=dict)


def link(
    records: Iterable[Record],
    partials: Iterable[Partial],
    known: dict[str, set[str]],
    memo: Memo | None = None,
) -> tuple[Story, list[Problem]]:
    """Resolve references and derive the indexes. ``partials`` are records with errors, whose
    references are checked all the same; ``known`` lists every id that has a file, valid or
    not, so that one broken record does not also report all references to it. With ``memo``,
    a record object checked last time against the same ids is not checked again."""
    story = Story()
    records = list(records)
    for record in records:
        story.collection(record.collection)[record.id] = record
    partials = list(partials)
    checks, problems = _checked(records, known, memo)
    problems += [p for partial in partials for p in _check_refs(partial, known)]
    checks += partials
    problems += _check_meetings(checks) + _check_quotes(story, checks)
    problems += _check_claims(story, checks)
    problems += _check_sources(story)
    problems += _check_timeline_ids(story)
    depths, found = _after_depths(story)
    problems += found
    _derive(story, depths)
    return story, problems


def _checked(
    records: list[Record], known: dict[str, set[str]], memo: Memo | None
) -> tuple[list[Partial], list[Problem]]:
    """Each record's view for the checks, and the reference problems of them all. With
    ``memo``, a record object seen last time keeps its view (10,000 made again per save cost
    0.04 s), and its problems too when the ids that have a file are the same."""
    kept = memo.records if memo is not None else {}
    same_ids = memo is not None and memo.known == known
    found: dict[int, tuple[Record, Partial, list[Problem]]] = {}
    checks: list[Partial] = []
    problems: list[Problem] = []
    for record in records:
        old = kept.get(id(record))
        seen = old is not None and old[0] is record
        check = old[1] if old and seen else _partial(record)
        mine = old[2] if old and seen and same_ids else _check_refs(check, known)
        found[id(record)] = (record, check, mine)
        checks.append(check)
        problems += mine
    if memo is not None:
        memo.known, memo.records = known, found
    return checks, problems


def _partial(record: Record) -> Partial:
    return Partial(type(record), record.path, vars(record), record.marks)


def _after_depths(story: Story) -> tuple[dict[str, int], list[Problem]]:
    """How many ``after`` links lead back from each entry: the tie-break between entries whose
    dates are equally vague. A loop, or an entry said to come after a later one, is an error."""
    depths: dict[str, int] = {}
    problems: list[Problem] = []
    entries: list[Entry] = [*story.meetings.values(), *story.events.values()]
    for entry in entries:
        chain: list[Entry] = []
        current: Entry | None = entry
        while current is not None and current.id not in depths:
            if current in chain:
                problems.append(
                    Problem(
                        current.path,
                        *current.mark("after"),
                        "after",
                        f"'{current.after}' leads back to '{current.id}'",
                        "remove one of the after fields in the loop",
                    )
                )
                current = None
                break
            chain.append(current)
            current = story.meetings.get(current.after) if current.after else None
        depth = depths[current.id] if current is not None else -1
        for node in reversed(chain):
            depth += 1
            depths[node.id] = depth
    for entry in entries:
        before = story.meetings.get(entry.after) if entry.after else None
        if before is not None and before.date.earliest > entry.date.earliest:
            problems.append(
                Problem(
                    entry.path,
                    *entry.mark("after"),
                    "after",
                    f"comes after '{before.id}', which is dated later ({before.date})",
                    "fix the dates or remove after",
                )
            )
    return depths, sorted(set(problems))


def _references(
    cls: type[object], values: dict[str, Any], prefix: str = ""
) -> Iterable[tuple[str, str, str, str]]:
    """Every reference in a record, nested items included, as ``(field, label, collection,
    id)``: ``participants[1]``, ``positions[0].quote``."""
    for name, spec in fields_of(cls):
        value = values.get(name, ())
        if spec.kind is Kind.ITEMS and spec.item is not None and isinstance(value, tuple):
            for index, item in enumerate(value):
                yield from _references(spec.item, vars(item), f"{prefix}{name}[{index}].")
        if spec.kind not in (Kind.REF, Kind.REFS) or spec.ref is None:
            continue
        targets = (value,) if isinstance(value, str) else value
        for index, target in enumerate(targets):
            label = name if isinstance(value, str) else f"{name}[{index}]"
            yield prefix + name, prefix + label, spec.ref, str(target)


def _check_refs(record: Partial, known: dict[str, set[str]]) -> list[Problem]:
    problems = []
    for name, label, ref, target in _references(record.cls, record.values):
        if not target or not ID_PATTERN.match(target) or target in known[ref]:  # bad: reported
            continue
        noun = COLLECTIONS[ref].singular
        hint = did_you_mean(target, known[ref]) or f"add content/{ref}/{target}.yml"
        problems.append(
            Problem(
                record.path,
                *record.marks.get(label, record.marks.get(name, (1, 1))),
                label,
                f"unknown {noun} '{target}'",
                hint,
            )
        )
    return problems


def _check_meetings(checks: list[Partial]) -> list[Problem]:
    return [
        Problem(
            m.path,
            *m.marks.get("participants", (1, 1)),
            "participants",
            "a meeting needs at least one participant or party",
            "list people in participants or countries in parties",
        )
        for m in checks
        if m.cls is Meeting
        and m.usable("participants", "parties")
        and "participants" in m.values
        and not m.values.get("participants")
        and not m.values.get("parties")
    ]


def _check_timeline_ids(story: Story) -> list[Problem]:
    """Meetings and events share the timeline page, where each is anchored by its id."""
    problems = []
    for record_id in sorted(story.meetings.keys() & story.events.keys()):
        pair = (story.meetings[record_id], story.events[record_id])
        for record, other in (pair, pair[::-1]):
            problems.append(
                Problem(
                    record.path,
                    1,
                    1,
                    "id",
                    f"id '{record_id}' is also used by {other.path}; the timeline anchors both",
                    "rename one of the two files",
                )
            )
    return problems


def _check_quotes(story: Story, checks: list[Partial]) -> list[Problem]:
    problems = []
    for quote in (c for c in checks if c.cls is Quote):
        if quote.values.get("meeting") and quote.values.get("event"):
            problems.append(
                Problem(
                    quote.path,
                    *quote.marks.get("event", (1, 1)),
                    "event",
                    "a quote is said at a meeting or an event, not both",
                    "keep one of meeting and event",
                )
            )
        problems += _check_verbatim(story, quote)
    return problems


def _check_claims(story: Story, checks: list[Partial]) -> list[Problem]:
    problems = []
    for claim in (c for c in checks if c.cls is Claim):
        if claim.values.get("meeting") and claim.values.get("event"):
            problems.append(
                Problem(
                    claim.path,
                    *claim.marks.get("event", (1, 1)),
                    "event",
                    "a claim is about a meeting or an event, not both",
                    "keep one of meeting and event",
                )
            )
        if claim.usable("positions"):
            problems += _check_positions(story, claim)
    return problems


def _check_positions(story: Story, claim: Partial) -> list[Problem]:
    """A position's quote must be its person's words; a claim must have a date to stand at on
    the timeline."""
    problems = []
    positions = claim.values.get("positions", ())
    for index, position in enumerate(positions):
        quote = story.quotes.get(position.quote)
        if quote is None or quote.speaker == position.by or quote.speaker not in story.people:
            continue  # fine, or an unknown quote or speaker, reported already
        label = f"positions[{index}].quote"
        if position.by:
            message = f"quote '{quote.id}' is by '{quote.speaker}', not by '{position.by}'"
            hint = "cite a quote of theirs, or correct by"
        else:
            message = f"quote '{quote.id}' is by '{quote.speaker}', but the position has no by"
            hint = f"write by: {quote.speaker} instead of party"
        problems.append(Problem(claim.path, *claim.marks.get(label, (1, 1)), label, message, hint))
    if positions and claim.usable("meeting", "event") and _dating(story, claim) is None:
        problems.append(
            Problem(
                claim.path,
                *claim.marks.get("positions", (1, 1)),
                "positions",
                "a claim needs a date to stand on the timeline",
                "give a position a date, or name the claim's meeting or event",
            )
        )
    return problems


def _dating(story: Story, claim: Partial) -> Dating | None:
    """Where a claim stands on the timeline: when the question first arose, that is the
    earliest dated position; failing that, the date of the meeting or event it is about."""
    dated = [p for p in claim.values.get("positions", ()) if p.date is not None]
    if dated:
        first = min(dated, key=lambda p: p.date.earliest)
        return Dating(first.date, first.approximate)
    entry = story.entry(claim.values.get("meeting", "") or claim.values.get("event", ""))
    return Dating(entry.date, entry.approximate) if entry else None


def _check_verbatim(story: Story, quote: Partial) -> list[Problem]:
    """A quote citing a source with a stored text must be in it word for word
    (:mod:`generator.verbatim`); where it is, is kept for the excerpt readers see."""
    source = story.sources.get(quote.values.get("source", ""))
    text = quote.values.get("text", "")
    if not (source and source.text and text and quote.usable("text")):
        return []
    found = _verify(text, source.text, source.id)
    if isinstance(found, Match):
        if quote.values.get("id") in story.quotes:
            story.verified[quote.values["id"]] = found
        return []
    return [_mismatch(quote, found)]


@functools.lru_cache(maxsize=1 << 16)
def _verify(text: str, source_text: str, source_id: str) -> Match | Mismatch:
    """:func:`~generator.verbatim.verify`, once per quote and text: the preview checks the same
    quotes after every save, and a search through a source's text is the costliest check."""
    return verify(text, source_text, source_id)


def _mismatch(quote: Partial, found: Mismatch) -> Problem:
    return Problem(quote.path, *quote.marks.get("text", (1, 1)), "text", found.message, found.hint)


def _check_sources(story: Story) -> list[Problem]:
    """``text_public`` promises a text to publish: there must be one."""
    return [
        Problem(
            source.path,
            *source.mark("text_public"),
            "text_public",
            "text_public is true but the source has no stored text",
            f"save the text as {source.path.removesuffix('.yml')}.txt, or remove text_public",
        )
        for source in story.sources.values()
        if source.text_public and not source.text
    ]


def _derive(story: Story, depths: dict[str, int]) -> None:
    story.timeline = sorted(
        [*story.meetings.values(), *story.events.values()],
        key=lambda e: (e.date.earliest, depths.get(e.id, 0), e.id),
    )
    story.timeline_at = {entry.id: at for at, entry in enumerate(story.timeline)}
    story.names = {pid: person.name for pid, person in story.people.items()}
    story.countries = {pid: person.country for pid, person in story.people.items()}
    story.corrected = [
        record
        for name in COLLECTIONS
        for record in sorted(
            (record for record in story.collection(name).values() if record.corrections),
            key=lambda r: r.id,
        )
    ]
    _derive_people(story)
    quotes = sorted(story.quotes.values(), key=sort_key)
    for quote in quotes:
        story.quotes_of[quote.speaker].append(quote)
        if quote.meeting or quote.event:
            story.quotes_at[quote.meeting or quote.event].append(quote)
    claims = _derive_claims(story)
    for record in [*story.timeline, *quotes, *claims]:
        for topic in record.topics:
            story.tagged[topic].append(record)
    for collection in ("people", "meetings", "events", "quotes", "claims"):
        for cited in story.collection(collection).values():
            for source_id in _sources_of(cited):
                story.cited_by[source_id].append(cited)


def _derive_people(story: Story) -> None:
    """Who attended what, and who met whom how often. Only held meetings count as having
    met: a scheduled or cancelled meeting is not a meeting that happened."""
    pairs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for meeting in story.timeline:
        if isinstance(meeting, Event):
            for person in meeting.people:
                story.events_of[person].append(meeting)
            continue
        for person in meeting.participants:
            story.meetings_of[person].append(meeting)
            for other in meeting.participants if meeting.status == "held" else ():
                if other != person:
                    pairs[person][other] += 1
    story.met_with = {
        pid: sorted(
            ((story.people[o], n) for o, n in others.items() if o in story.people),
            key=lambda pair: (-pair[1], pair[0].name),
        )
        for pid, others in pairs.items()
    }


def _derive_claims(story: Story) -> list[Claim]:
    """Each claim dated on the timeline (:attr:`Claim.date`), then listed by date with its
    people and its meeting or event."""
    for claim_id, claim in story.claims.items():
        dating = _dating(story, Partial(Claim, claim.path, vars(claim), claim.marks))
        if dating is not None:
            story.claims[claim_id] = dataclasses.replace(
                claim, date=dating.date, approximate=dating.approximate
            )
    claims = sorted(
        (c for c in story.claims.values() if c.date is not None),  # others: reported
        key=lambda c: (c.date.earliest if c.date else (0, 0, 0), c.id),
    )
    for claim in claims:
        for person in dict.fromkeys(p.by for p in claim.positions if p.by):
            story.claims_of[person].append(claim)
        if claim.meeting or claim.event:
            story.claims_at[claim.meeting or claim.event].append(claim)
    return claims


def _sources_of(record: Record) -> tuple[str, ...]:
    if isinstance(record, Quote):
        return (record.source,)
    if isinstance(record, Claim):
        return tuple(dict.fromkeys(p.source for p in record.positions))
    return tuple(getattr(record, "sources", ()))

"""Views of the linked story that readers' pages need: what is new, what is next, who is
where. Plain data for the templates (no markup here: templates escape what they print).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from generator.link import sort_key
from generator.schema import Claim, Correction, Meeting, Quote

if TYPE_CHECKING:
    from generator.link import Entry, Story
    from generator.schema import Person, Record

LATEST = 5
"""How many entries "latest developments" shows."""


def people_of(entry: Entry) -> tuple[str, ...]:
    """Ids of the people on a timeline entry: a meeting's participants, an event's people."""
    return entry.participants if isinstance(entry, Meeting) else entry.people


def status_of(entry: Entry | Claim) -> str:
    """An event has no status field: it happened. A claim's status says how it stands."""
    return entry.status if isinstance(entry, Meeting | Claim) else "held"


def kind_of(entry: Entry | Claim) -> str:
    if isinstance(entry, Claim):
        return "claim"
    return "meeting" if isinstance(entry, Meeting) else "event"


def latest(story: Story, count: int = LATEST) -> list[Entry]:
    """The most recent entries that have happened (or were called off), newest first.
    Scheduled meetings are the future: they go under "what's next" instead."""
    done = [e for e in story.timeline if status_of(e) != "scheduled"]
    return list(reversed(done[-count:]))


def upcoming(story: Story) -> list[Meeting]:
    """Scheduled meetings, soonest first."""
    return [e for e in story.timeline if isinstance(e, Meeting) and e.status == "scheduled"]


def initials(name: str) -> str:
    """'Steve Witkoff' → 'SW'; 'Madonna' → 'M'. Shown on people cards instead of a photo."""
    words = [w for w in name.split() if w[:1].isalpha()]
    if not words:
        return name[:1].upper()
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def neighbours(story: Story, entry: Entry) -> tuple[Entry | None, Entry | None]:
    """The timeline entries just before and just after ``entry``."""
    index = story.timeline_at[entry.id]
    before = story.timeline[index - 1] if index > 0 else None
    after = story.timeline[index + 1] if index + 1 < len(story.timeline) else None
    return before, after


@dataclass(frozen=True)
class CountryGroup:
    """A meeting's participants from one country (``people`` may be empty for a party that
    took part without named people)."""

    code: str
    people: list[Person]


def by_country(story: Story, meeting: Meeting) -> list[CountryGroup]:
    """Participants grouped by country, countries in the order they first appear; parties
    without a named participant follow."""
    groups: dict[str, list[Person]] = {}
    for pid in meeting.participants:
        person = story.people[pid]
        groups.setdefault(person.country, []).append(person)
    for code in meeting.parties:
        groups.setdefault(code, [])
    return [CountryGroup(code, people) for code, people in groups.items()]


def own_timeline(story: Story, person_id: str) -> list[Entry | Quote]:
    """A person's meetings, events and quotes, in date order."""
    items: list[Entry | Quote] = [
        *story.meetings_of.get(person_id, []),
        *story.events_of.get(person_id, []),
        *story.quotes_of.get(person_id, []),
    ]
    return sorted(items, key=sort_key)


class Named(NamedTuple):
    """A person as a filter offers them: an id and a name (:attr:`Story.names`)."""

    id: str
    name: str


def timeline_people(story: Story) -> list[Named]:
    """Everyone on at least one timeline entry or claim, by name: the person filter's choices."""
    ids = {pid for item in timeline_items(story) for pid in item_people(item)}
    return sorted((Named(pid, story.names[pid]) for pid in ids), key=lambda p: p.name.casefold())


def item_people(item: Entry | Claim) -> tuple[str, ...]:
    """Ids of the people on a timeline item: a claim's people are those who take a position."""
    if isinstance(item, Claim):
        return tuple(dict.fromkeys(p.by for p in item.positions if p.by))
    return people_of(item)


def findable_people(story: Story, entry: Entry | Claim) -> list[str]:
    """The people the person filter finds an entry by: its own, then the people quoted there."""
    own = list(item_people(entry))
    quoted = {q.speaker for q in story.quotes_at.get(entry.id, [])}
    return [*own, *sorted(quoted - set(own))]


def countries_of(story: Story, entry: Entry | Claim) -> list[str]:
    """Country codes of a timeline item: its people's countries, a meeting's parties, and
    the countries that take a position in a claim."""
    codes = {story.countries[pid] for pid in item_people(entry)}
    if isinstance(entry, Claim):
        codes |= {p.party for p in entry.positions if is_country_code(p.party)}
    codes |= set(getattr(entry, "parties", ()))
    return sorted(codes)


def is_country_code(party: str) -> bool:
    """A party is a country when written as its code (two capitals, checked on load); any
    other party names an organisation."""
    return len(party) == 2 and party.isascii() and party.isupper()


def timeline_countries(story: Story) -> list[str]:
    """Every country on the timeline: the country filter's choices."""
    items = timeline_items(story)
    return sorted({code for item in items for code in countries_of(story, item)})


def anchor_of(item: Record) -> str:
    """An item's anchor on the timeline: its id, or ``claim_<id>`` for a claim (``_`` never
    occurs in an id, so a claim cannot take a meeting's or an event's anchor)."""
    return f"claim_{item.id}" if isinstance(item, Claim) else item.id


def claims_in_order(story: Story) -> list[Claim]:
    """Claims by their date on the timeline (:attr:`generator.schema.Claim.date`), then id."""
    dated = [c for c in story.claims.values() if c.date is not None]
    return sorted(dated, key=lambda c: (_earliest(c), c.id))


def timeline_items(story: Story) -> list[Entry | Claim]:
    """Meetings, events and claims in timeline order: a claim comes after the entries that
    begin on or before its date, so that it follows what it is about."""
    items: list[Entry | Claim] = []
    claims = claims_in_order(story)
    for entry in story.timeline:
        while claims and _earliest(claims[0]) < entry.date.earliest:
            items.append(claims.pop(0))
        items.append(entry)
    return items + claims


def _earliest(claim: Claim) -> tuple[int, int, int]:
    return claim.date.earliest if claim.date else (0, 0, 0)


@dataclass(frozen=True)
class Listed:
    """One correction on the Corrections page, with the record it corrects."""

    record: Record
    correction: Correction


def corrections(story: Story) -> list[Listed]:
    """Every correction of every record, newest first (then by kind of record and id, so
    that one day's corrections keep a stable order)."""
    found = [
        Listed(record, correction)
        for record in story.corrected
        for correction in record.corrections
    ]
    return sorted(
        found,
        key=lambda c: (
            tuple(-n for n in c.correction.date.earliest),
            c.record.collection,
            c.record.id,
        ),
    )

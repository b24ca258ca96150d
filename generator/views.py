"""Views of the linked story that readers' pages need: what is new, what is next, who is
where. Plain data for the templates (no markup here: templates escape what they print).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.link import sort_key
from generator.schema import Meeting, Quote

if TYPE_CHECKING:
    from generator.link import Entry, Story
    from generator.schema import Person

LATEST = 5
"""How many entries "latest developments" shows."""


def people_of(entry: Entry) -> tuple[str, ...]:
    """Ids of the people on a timeline entry: a meeting's participants, an event's people."""
    return entry.participants if isinstance(entry, Meeting) else entry.people


def status_of(entry: Entry) -> str:
    """An event has no status field: it happened."""
    return entry.status if isinstance(entry, Meeting) else "held"


def kind_of(entry: Entry) -> str:
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
    index = story.timeline.index(entry)
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


def timeline_people(story: Story) -> list[Person]:
    """Everyone on at least one timeline entry, by name: the person filter's choices."""
    ids = {pid for entry in story.timeline for pid in people_of(entry)}
    return sorted((story.people[pid] for pid in ids), key=lambda p: p.name.casefold())


def findable_people(story: Story, entry: Entry) -> list[str]:
    """The people the person filter finds an entry by: its own, then the people quoted there."""
    own = list(people_of(entry))
    quoted = {q.speaker for q in story.quotes_at.get(entry.id, [])}
    return [*own, *sorted(quoted - set(own))]


def countries_of(story: Story, entry: Entry) -> list[str]:
    """Country codes of an entry: its people's countries and a meeting's parties."""
    codes = {story.people[pid].country for pid in people_of(entry)}
    codes |= set(getattr(entry, "parties", ()))
    return sorted(codes)


def timeline_countries(story: Story) -> list[str]:
    """Every country on the timeline: the country filter's choices."""
    return sorted({code for entry in story.timeline for code in countries_of(story, entry)})

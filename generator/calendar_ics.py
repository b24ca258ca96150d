"""``calendar.ics``: the story's meetings as an iCalendar feed (RFC 5545) readers subscribe to,
so that the next round appears in their calendar when it is announced.

Written with the ``icalendar`` library, which escapes text (commas, semicolons, backslashes,
newlines) and folds lines at 75 octets without splitting a UTF-8 character. (The module is not
called ``calendar``, which would shadow the standard library's.)

- **Status**: scheduled → ``TENTATIVE``, cancelled → ``CANCELLED``, held → ``CONFIRMED``.
- **Dates** are all-day (``DTSTART;VALUE=DATE``); ``DTEND`` is the day after the last day
  (exclusive, as RFC 5545 says), from ``end_date`` when there is one.
- **A month-only date** (``2026-01``) becomes an all-day span over the whole month, and the
  title says so: "… (January 2026, day not known)". A subscriber then sees the meeting in the
  right month, cannot mistake it for a dated one, and the span is marked free
  (``TRANSP:TRANSPARENT``, like every event here) so it blocks nothing.
- **A year-only date** is left out: a year-long bar would sit on every day of the subscriber's
  calendar. The calendar's description says so; the meeting appears once its month is known.
- **UID** ``meetings/<id>@<host of site_url>``: from the id, never the title.
- **DTSTAMP** is the time of the last commit that changed the meeting's file, **SEQUENCE** the
  number of commits that changed it since it was added (both from git, so reproducible). When
  history does not know the meeting, DTSTAMP is the start of its date and SEQUENCE 0.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import partial
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, vDuration

from generator import escape, incremental, routes
from generator.dates import PartialDate, display_range
from generator.feeds import changed_at, host_of, start_of
from generator.history import History
from generator.link import Story
from generator.render import country_name
from generator.schema import Meeting
from generator.siteconfig import SiteConfig

if TYPE_CHECKING:
    from generator.incremental import Session
    from generator.outputs import Inputs

CALENDAR = "calendar.ics"
STATUS = {"scheduled": "TENTATIVE", "cancelled": "CANCELLED", "held": "CONFIRMED"}
REFRESH = dt.timedelta(hours=12)
"""How often calendar applications are asked to fetch the file again (``PT12H``)."""
LEFT_OUT = "Meetings known only to the year are left out until their month is known."


def produce(inputs: Inputs) -> dict[str, bytes]:
    return {CALENDAR: calendar(inputs.story, inputs.history, inputs.site, inputs.session)}


def _last_day(date: PartialDate) -> dt.date:
    """The last day a month- or day-precise date may stand for."""
    assert date.month is not None
    if date.day is not None:
        return dt.date(date.year, date.month, date.day)
    following = dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def span(meeting: Meeting) -> tuple[dt.date, dt.date, bool] | None:
    """First day, the day after the last (exclusive end), and whether the day is unknown;
    None when the date (or end date) is known only to the year."""
    end = meeting.end_date or meeting.date
    if meeting.date.month is None or end.month is None:
        return None
    first = dt.date(meeting.date.year, meeting.date.month, meeting.date.day or 1)
    imprecise = meeting.date.day is None or end.day is None
    return first, _last_day(end) + dt.timedelta(days=1), imprecise


def revisions(history: History) -> Counter[tuple[str, str]]:
    """How many commits changed each record: counted once, not once per meeting."""
    return Counter((change.collection, change.record_id) for change in history.changes)


def _description(story: Story, meeting: Meeting, when: str, url: str) -> str:
    people = [story.names[p] for p in meeting.participants if p in story.names]
    sides = [country_name(code) for code in meeting.parties]
    lines = [f"{when} · {meeting.location} · {meeting.status}"]
    lines += ["", escape.prose_paragraphs(meeting.summary)]
    if people:
        lines += ["", "Participants: " + ", ".join(people)]
    if sides:
        lines += ["", "Parties: " + ", ".join(sides)]
    return "\n".join([*lines, "", url])


def event(
    story: Story, history: History, site: SiteConfig, meeting: Meeting, changes: int = 0
) -> Event | None:
    """The VEVENT of one meeting, or None when its date is known only to the year.
    ``changes`` is how many commits changed it: SEQUENCE counts those after the first."""
    dates = span(meeting)
    if dates is None:
        return None
    first, after, imprecise = dates
    when = display_range(meeting.date, meeting.end_date, meeting.approximate)
    where = routes.place(meeting)
    url = site.absolute(where.src, where.anchor)
    item = Event()
    item.add("uid", f"{meeting.collection}/{meeting.id}@{host_of(site)}")
    item.add("dtstamp", changed_at(history, meeting, start_of(meeting.date)))
    item.add("sequence", max(changes - 1, 0))
    item.add("dtstart", first)
    item.add("dtend", after)
    title = f"{meeting.title} ({when}, day not known)" if imprecise else meeting.title
    item.add("summary", title)
    item.add("location", meeting.location)
    item.add("description", _description(story, meeting, when, url))
    item.add("status", STATUS[meeting.status])
    item.add("transp", "TRANSPARENT")
    item.add("url", url)
    return item


def calendar(
    story: Story, history: History, site: SiteConfig, session: Session | None = None
) -> bytes:
    """Every meeting the calendar can place, in timeline order. Each VEVENT is written out on
    its own and put in before ``END:VCALENDAR``, which is where the library writes a
    calendar's components; in the preview's ``session``, a meeting nothing changed for is
    not written again."""
    cal = Calendar()
    cal.add("prodid", "-//explainer//calendar of meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = f"{site.name}: meetings"
    about = f"{site.description} {LEFT_OUT}".strip()
    for key, value in (("name", name), ("x-wr-calname", name)):
        cal.add(key, value)
    for key, value in (("description", about), ("x-wr-caldesc", about)):
        cal.add(key, value)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    counts = revisions(history)
    events = [
        incremental.unit(
            session,
            ("vevent", entry.id),
            entry,
            partial(_vevent, story, history, site, entry, counts[(entry.collection, entry.id)]),
        )
        for entry in story.timeline
        if isinstance(entry, Meeting)
    ]
    ical: bytes = cal.to_ical()
    assert ical.endswith(_END)
    return ical[: -len(_END)] + b"".join(events) + _END


_END = b"END:VCALENDAR\r\n"


def _vevent(
    story: Story, history: History, site: SiteConfig, meeting: Meeting, changes: int
) -> bytes:
    item = event(story, history, site, meeting, changes)
    return b"" if item is None else bytes(item.to_ical())

"""``calendar.ics``: the meetings as RFC 5545, read back with the icalendar library."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from icalendar import Calendar, Component

from generator import calendar_ics, siteconfig
from generator.build import check
from generator.dates import PartialDate
from generator.history import Change, History
from generator.link import Story
from generator.project import Project
from generator.siteconfig import SiteConfig
from tests.conftest import MINIMAL, ROOT, STORIES

SITE = SiteConfig(
    name="Test", url="https://news.example.org/story/", extra={"explainer": {"id_year": 2024}}
)


@pytest.fixture(scope="module")
def harbour() -> Story:
    return check(Project(STORIES / "harbour")).story


@pytest.fixture(scope="module")
def real() -> Story:
    return check(Project(ROOT)).story


def events(data: bytes) -> dict[str, Component]:
    cal = Calendar.from_ical(data)
    found = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(found) == len(cal.walk("VEVENT"))  # unique UIDs
    return found


def test_statuses_and_all_day_dates_of_the_harbour_story(harbour):
    site = siteconfig.read(STORIES / "harbour" / "mkdocs.yml")
    found = events(calendar_ics.calendar(harbour, History(), site))
    assert set(found) == {
        "meetings/council-vote@example.org",
        "meetings/site-visit@example.org",
    }  # the opening is dated 2026 only: left out
    vote = found["meetings/council-vote@example.org"]
    assert vote["status"] == "CONFIRMED"
    assert vote.decoded("dtstart") == dt.date(2025, 3, 4)
    assert vote.decoded("dtend") == dt.date(2025, 3, 6)  # end_date 5 March, exclusive
    assert str(vote["summary"]) == "Council votes on the bridge"
    assert str(vote["url"]) == "https://example.org/harbour/meetings/council-vote/"
    visit = found["meetings/site-visit@example.org"]
    assert visit["status"] == "CANCELLED"
    assert visit.decoded("dtstart") == dt.date(2025, 2, 1)
    assert visit.decoded("dtend") == dt.date(2025, 3, 1)  # the whole month, said so
    assert str(visit["summary"]) == (
        "Site visit at the harbour (about February 2025, day not known)"
    )
    assert "DTSTART;VALUE=DATE:20250201" in calendar_ics.calendar(harbour, History(), site).decode()


def test_real_story_statuses(real):
    found = events(calendar_ics.calendar(real, History(), SITE))
    statuses = {uid.split("@")[0]: str(e["status"]) for uid, e in found.items()}
    assert statuses == {
        "meetings/abu-dhabi-round": "TENTATIVE",
        "meetings/florida-dmitriev": "CONFIRMED",
        "meetings/moscow-putin": "CONFIRMED",
        "meetings/uae-trilateral": "CONFIRMED",
    }
    florida = found["meetings/florida-dmitriev@news.example.org"]
    assert florida.decoded("dtstart") == dt.date(2026, 1, 31)
    assert florida.decoded("dtend") == dt.date(2026, 2, 1)
    assert all(str(e["transp"]) == "TRANSPARENT" for e in found.values())
    assert "Steve Witkoff" in str(florida["description"])


def test_december_month_only_ends_on_the_first_of_january(real):
    meeting = dataclasses.replace(real.meetings["moscow-putin"], date=PartialDate(2025, 12))
    assert calendar_ics.span(meeting) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1), True)
    year_end = dataclasses.replace(
        meeting, date=PartialDate(2025, 12, 30), end_date=PartialDate(2026)
    )
    assert calendar_ics.span(year_end) is None


def test_dtstamp_and_sequence_come_from_git(real):
    history = History(
        [
            Change("c2", 1_770_300_000, "changed", "meetings", "moscow-putin", "Fix"),
            Change("c1", 1_770_100_000, "added", "meetings", "moscow-putin", "Add"),
        ],
        available=True,
    )
    found = events(calendar_ics.calendar(real, history, SITE))
    moscow = found["meetings/moscow-putin@news.example.org"]
    assert moscow.decoded("dtstamp") == dt.datetime.fromtimestamp(1_770_300_000, dt.UTC)
    assert moscow["sequence"] == 1
    florida = found["meetings/florida-dmitriev@news.example.org"]
    assert florida.decoded("dtstamp") == dt.datetime(2026, 1, 31, tzinfo=dt.UTC)  # no history
    assert florida["sequence"] == 0


def test_text_is_escaped_folded_and_read_back_exactly(content):
    location = "Room 1, floor 2; \\ annex — Кабинет 東京 " + "й" * 60
    project = content(
        {
            **MINIMAL,
            "meetings/m.yml": f"title: 'A, b; c'\ndate: 2026-03-02\nlocation: '{location}'\n"
            "participants: [ada-lovelace]\nsummary: |-\n  One *line*.\n\n  Two "
            "[link](https://example.org/a).\nsources: [notes]\n",
        }
    )
    data = calendar_ics.calendar(check(project).story, History(), SITE)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert all(b"\n" not in line for line in lines)
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    assert b"SUMMARY:A\\, b\\; c" in data
    (event,) = events(data).values()
    assert str(event["location"]) == location
    assert str(event["summary"]) == "A, b; c"
    description = str(event["description"])
    assert "One line.\n\nTwo link <https://example.org/a>." in description
    assert description.endswith("https://news.example.org/story/meetings/m/")


def test_the_calendar_says_what_it_leaves_out(real):
    cal = Calendar.from_ical(calendar_ics.calendar(real, History(), SITE))
    assert calendar_ics.LEFT_OUT in str(cal["x-wr-caldesc"])
    assert str(cal["method"]) == "PUBLISH"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in cal.to_ical()

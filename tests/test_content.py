"""The first story's content against its only source, the article."""

from __future__ import annotations

import re

from generator.build import check
from generator.project import Project
from generator.verbatim import fold
from tests.conftest import ROOT

ARTICLE = (ROOT / "content" / "sources" / "article.txt").read_text(encoding="utf-8")
STORY = check(Project(ROOT)).story


def test_the_real_content_is_valid_with_no_warnings():
    assert check(Project(ROOT)).warnings == []


def test_every_direct_quote_in_the_article_is_a_quote_record():
    spans = [fold(s).strip(" ,.") for s in re.findall(r"“([^”]+)”", ARTICLE)]
    quotes = [fold(q.text) for q in STORY.quotes.values()]
    missing = [s for s in spans if not any(s in q or q.strip(" ,.") in s for q in quotes)]
    assert spans
    assert missing == []


def test_every_person_is_named_in_the_article():
    for person in STORY.people.values():
        assert person.name in ARTICLE, person.name


def test_the_scheduled_round_in_abu_dhabi_is_there():
    meeting = STORY.meetings["abu-dhabi-round"]
    assert (meeting.status, meeting.date.iso(), meeting.parties) == (
        "scheduled",
        "2026-02-01",
        ("RU", "UA"),
    )

"""Stage 2: schema-driven field checks, with exact messages."""

from __future__ import annotations

import pytest

from generator.build import check
from tests.conftest import MINIMAL, problems_of

P = "content/people/ada-lovelace.yml"
M = "content/meetings/talks.yml"
MEETING = """\
title: Talks
date: 2026-01-31
location: Florida
participants: [ada-lovelace]
summary: They talked.
sources: [notes]
"""


def person(extra: str) -> dict[str, str | bytes]:
    return {**MINIMAL, "people/ada-lovelace.yml": "name: Ada Lovelace\nrole: Analyst\n" + extra}


def meeting(text: str) -> dict[str, str | bytes]:
    return {**MINIMAL, "meetings/talks.yml": text}


def test_norway_and_yaml_1_1_surprises_stay_text(content):
    project = content(person("country: NO\naffiliation: 1:30\naliases: [yes, off, 0755, 1.10]\n"))
    person_record = check(project).story.people["ada-lovelace"]
    assert person_record.country == "NO"
    assert person_record.affiliation == "1:30"
    assert person_record.aliases == ("yes", "off", "0755", "1.10")


def test_dates_stay_as_written(content):
    story = check(content(meeting(MEETING.replace("2026-01-31", "2026-01")))).story
    assert story.meetings["talks"].date.display() == "January 2026"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "country: gb\n",
            f"{P}:3:10: country: 'gb' is not an ISO 3166-1 alpha-2 country code "
            "(write GB in capitals)",
        ),
        (
            "country: GB\nbio: Ranked #1 in the region\n",
            f"{P}:4:6: bio: unquoted text "
            "followed by ' #': YAML drops the rest of the line as a comment (quote the value)",
        ),
        ("country: GB\nbio: 'Ranked #1 in the region'\n", None),
        ("country: GB\naffiliation: Ranked#1\n", None),
        (
            "country: GB\naffiliation: Ranked  # first\n",
            f"{P}:4:14: affiliation: unquoted "
            "text followed by ' #': YAML drops the rest of the line as a comment (quote the value)",
        ),
        (
            "country: GB\nbio: {draft}\n",
            f"{P}:4:6: bio: expected text, got a mapping (quote the value)",
        ),
        (
            "country: GB\naliases: ada\n",
            f"{P}:4:10: aliases: expected a list (write [a, b] or one '- item' per line)",
        ),
        (
            "country: GB\naliases: [Ada, Ada]\n",
            f"{P}:4:16: aliases[1]: 'Ada' is listed twice (remove one)",
        ),
        (
            "country: GB\nid: ../../mkdocs\n",
            f"{P}:4:1: id: unknown field 'id' (the id is the file name; remove this field)",
        ),
        (
            "country: GB\n1: first\n",
            f"{P}:4:1: 1: unknown field '1' (known fields: name, role, "
            "country, native_name, affiliation, bio, aliases, links, sources, corrections)",
        ),
        (
            'country: GB\nnative_name: "\\u202eecilA"\n',
            f"{P}:4:14: native_name: contains a bidirectional control (U+202E) (delete it)",
        ),
        (
            'country: GB\nnative_name: "Ada\\u200b"\n',
            f"{P}:4:14: native_name: contains an invisible character (U+200B) (delete it)",
        ),
        (
            "country: GB\nname2: x\n",
            f"{P}:4:1: name2: unknown field 'name2' (did you mean 'name'?)",
        ),
        (
            "country: GB\naffiliation: |\n  two\n  lines\n",
            f"{P}:4:14: affiliation: must be one line (remove the line breaks)",
        ),
        (
            "country: GB\naffiliation: " + "x" * 201 + "\n",
            f"{P}:4:14: affiliation: 201 characters, over the limit of 200 (shorten it)",
        ),
        (
            "country: GB\nlinks:\n  - title: Home\n    url: javascript:alert(1)\n",
            f"{P}:6:10: "
            "links[0].url: only http and https URLs are allowed (use a plain http(s) address)",
        ),
        (
            "country: GB\nlinks:\n  - {title: Home, url: 'https://a.example', rel: x}\n",
            f"{P}:5:45: links[0].rel: unknown field 'rel' (did you mean 'url'?)",
        ),
        ("country: GB\nbio: see [this](javascript:alert(1))\n", None),
        (
            "country: GB\nbio: see [this](/etc/passwd)\n",
            f"{P}:4:6: bio: link '/etc/passwd': only "
            "http and https URLs are allowed (link only to http(s) pages)",
        ),
    ],
)
def test_person_field_errors(content, extra, expected):
    assert problems_of(content(person(extra))) == ([expected] if expected else [])


def test_missing_and_empty_required_fields(content):
    project = content({**MINIMAL, "people/ada-lovelace.yml": "name:\nrole: ~\n"})
    assert problems_of(project) == [
        f"{P}:1:1: country: required field is missing (add 'country:')",
        f"{P}:1:6: name: required field is empty (fill it in)",
        f"{P}:2:7: role: required field is empty (fill it in)",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("2026-01-31", "2024-02-30"),
            f"{M}:2:7: date: day is out of range for month (write YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
        (
            ("2026-01-31", "31/01/2026"),
            f"{M}:2:7: date: expected a date as YYYY, YYYY-MM or "
            "YYYY-MM-DD, got '31/01/2026' (write YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
        (
            ("2026-01-31", "2026-13"),
            f"{M}:2:7: date: month is out of range (write YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
        (
            ("location: Florida", "location: Florida\nend_date: 2026-01-30"),
            f"{M}:4:11: end_date: "
            "ends (2026-01-30) before it begins (2026-01-31) (swap date and end_date)",
        ),
        (
            ("location: Florida", "location: Florida\nstatus: postponed"),
            f"{M}:4:9: status: 'postponed' is not one of held, scheduled, cancelled",
        ),
        (
            ("location: Florida", "location: Florida\nstatus: sheduled"),
            f"{M}:4:9: status: "
            "'sheduled' is not one of held, scheduled, cancelled (did you mean 'scheduled'?)",
        ),
        (
            ("location: Florida", "location: Florida\napproximate: yes"),
            f"{M}:4:14: approximate: expected true or false, got 'yes' (write true or false)",
        ),
        (
            ("sources: [notes]", "sources: []"),
            f"{M}:6:10: sources: needs at least 1 item (add one)",
        ),
        (
            ("[ada-lovelace]", "[Ada]"),
            f"{M}:4:16: participants[0]: 'Ada' is not a valid id (ids "
            "are lowercase letters, digits and single hyphens)",
        ),
    ],
)
def test_meeting_field_errors(content, change, expected):
    assert problems_of(content(meeting(MEETING.replace(*change)))) == [expected]


def test_end_date_may_be_less_precise(content):
    text = MEETING.replace("location: Florida", "location: Florida\nend_date: 2026-02")
    assert problems_of(content(meeting(text))) == []


def test_plain_http_is_a_warning(content):
    project = content(
        {**MINIMAL, "sources/notes.yml": "title: Notes\npublisher: X\nurl: http://example.org/a\n"}
    )
    assert problems_of(project) == [
        "warning: content/sources/notes.yml:3:6: url: plain http link (use https if the site "
        "supports it)"
    ]

"""Stage 3: cross-references, the verbatim check on quotes, and the derived indexes."""

from __future__ import annotations

from generator.build import check
from generator.verbatim import fold
from tests.conftest import MINIMAL, problems_of

TALKS = """\
title: Talks
date: 2026-01-31
location: Florida
participants: [ada-lovelace, bob]
summary: They talked.
sources: [notes]
"""
QUOTE = """\
speaker: carol
text: We are encouraged.
date: 2026-01-31
meeting: talk
source: src-999
"""


def test_unknown_references_name_field_and_suggest(content):
    project = content({**MINIMAL, "meetings/talks.yml": TALKS, "quotes/q.yml": QUOTE})
    assert problems_of(project) == [
        "content/meetings/talks.yml:4:30: participants[1]: unknown person 'bob' (add "
        "content/people/bob.yml)",
        "content/quotes/q.yml:1:1: speaker: unknown person 'carol' (add content/people/carol.yml)",
        "content/quotes/q.yml:4:1: meeting: unknown meeting 'talk' (did you mean 'talks'?)",
        "content/quotes/q.yml:5:1: source: unknown source 'src-999' (add "
        "content/sources/src-999.yml)",
    ]


def test_a_broken_record_does_not_also_break_references_to_it(content):
    project = content({**MINIMAL, "people/bob.yml": "name: Bob\n", "meetings/talks.yml": TALKS})
    assert problems_of(project) == [
        "content/people/bob.yml:1:1: country: required field is missing (add 'country:')",
        "content/people/bob.yml:1:1: role: required field is missing (add 'role:')",
    ]


def test_meeting_needs_participants_or_parties(content):
    text = TALKS.replace("[ada-lovelace, bob]", "[]")
    assert problems_of(content({**MINIMAL, "meetings/talks.yml": text})) == [
        "content/meetings/talks.yml:4:1: participants: a meeting needs at least one participant "
        "or party (list people in participants or countries in parties)"
    ]
    text += "parties: [RU, UA]\n"
    assert problems_of(content({**MINIMAL, "meetings/talks.yml": text})) == []


def test_quote_must_appear_word_for_word_in_source_text(content):
    files = {
        **MINIMAL,
        "sources/notes.txt": "He said: “We are  encouraged — truly,” and left.\n",
        "quotes/good.yml": 'speaker: ada-lovelace\ntext: "We are encouraged - truly,"\n'
        "date: 2026\nsource: notes\n",
        "quotes/bad.yml": "speaker: ada-lovelace\ntext: We are very encouraged\ndate: 2026\n"
        "source: notes\n",
    }
    assert problems_of(content(files)) == [
        "content/quotes/bad.yml:2:1: text: quote does not appear word for word in source "
        "'notes' (compare with content/sources/notes.txt)"
    ]


def test_fold_changes_only_quotes_apostrophes_dashes_and_spaces():
    assert fold("“Don’t”  —\n‘x’") == "\"Don't\" - 'x'"
    assert fold("café") == "café"
    assert fold("A") != fold("a")


def test_derived_indexes(content):
    files = {
        **MINIMAL,
        "people/bob.yml": "name: Bob Byron\nrole: x\ncountry: GB\n",
        "people/cy.yml": "name: Cy\nrole: x\ncountry: GB\n",
        "meetings/one.yml": TALKS.replace("2026-01-31", "2026-01-02"),
        "meetings/two.yml": TALKS.replace("bob]", "bob, cy]"),
        "events/later.yml": "title: Later\ndate: 2026-02\npeople: [cy]\nsummary: x\n"
        "sources: [notes]\n",
        "quotes/q.yml": "speaker: bob\ntext: Hi\ndate: 2026-01-31\nmeeting: two\nsource: notes\n",
    }
    story = check(content(files)).story
    assert [e.id for e in story.timeline] == ["one", "two", "later"]
    assert [(p.id, n) for p, n in story.met_with["ada-lovelace"]] == [("bob", 2), ("cy", 1)]
    assert [m.id for m in story.meetings_of["cy"]] == ["two"]
    assert [e.id for e in story.events_of["cy"]] == ["later"]
    assert [q.id for q in story.quotes_at["two"]] == ["q"]
    assert [r.id for r in story.cited_by["notes"]] == ["one", "two", "later", "q"]


def test_only_held_meetings_count_as_having_met(content):
    files = {
        **MINIMAL,
        "people/bob.yml": "name: Bob Byron\nrole: x\ncountry: GB\n",
        "meetings/one.yml": TALKS,
        "meetings/two.yml": TALKS + "status: scheduled\n",
        "meetings/three.yml": TALKS + "status: cancelled\n",
    }
    story = check(content(files)).story
    assert [(p.id, n) for p, n in story.met_with["ada-lovelace"]] == [("bob", 1)]
    assert [m.id for m in story.meetings_of["bob"]] == ["one", "three", "two"]


BOB = "name: Bob Byron\nrole: x\ncountry: GB\n"


def test_after_orders_entries_the_dates_cannot_tell_apart(content):
    month = TALKS.replace("2026-01-31", "2026-01")
    files = {
        **MINIMAL,
        "people/bob.yml": BOB,
        "meetings/a-second.yml": month + "after: b-first\n",
        "meetings/b-first.yml": month,
        "events/c-third.yml": "title: T\ndate: 2026-01\n"
        "after: a-second\nsummary: x\nsources: [notes]\n",
        "meetings/day.yml": TALKS.replace("2026-01-31", "2026-01-05"),
    }
    story = check(content(files)).story
    assert [e.id for e in story.timeline] == ["b-first", "a-second", "c-third", "day"]


def test_after_must_not_loop_or_contradict_the_dates(content):
    month = TALKS.replace("2026-01-31", "2026-01")
    files = {
        **MINIMAL,
        "people/bob.yml": BOB,
        "meetings/a.yml": month + "after: b\n",
        "meetings/b.yml": month + "after: a\n",
        "meetings/c.yml": month + "after: d\n",
        "meetings/d.yml": TALKS.replace("2026-01-31", "2026-02-01"),
    }
    assert problems_of(content(files)) == [
        "content/meetings/a.yml:7:1: after: 'b' leads back to 'a' (remove one of the after "
        "fields in the loop)",
        "content/meetings/c.yml:7:1: after: comes after 'd', which is dated later (2026-02-01) "
        "(fix the dates or remove after)",
    ]


def test_records_with_errors_still_get_the_cross_record_checks(content):
    files = {
        **MINIMAL,
        "sources/notes.txt": "She said: we are encouraged.\n",
        "quotes/q.yml": "speaker: ada-lovelace\ntext: We are thrilled\ndate: 2026-13\n"
        "source: notes\n",
        "meetings/m.yml": TALKS.replace("2026-01-31", "2026-02-30").replace(
            "[ada-lovelace, bob]", "[]"
        ),
        "meetings/n.yml": TALKS.replace("[ada-lovelace, bob]", "nobody, really"),
    }
    assert problems_of(content(files)) == [
        "content/meetings/m.yml:2:7: date: day is out of range for month (write YYYY, YYYY-MM "
        "or YYYY-MM-DD)",
        "content/meetings/m.yml:4:1: participants: a meeting needs at least one participant or "
        "party (list people in participants or countries in parties)",
        "content/meetings/n.yml:4:15: participants: expected a list (write [a, b] or one "
        "'- item' per line)",
        "content/quotes/q.yml:2:1: text: quote does not appear word for word in source 'notes' "
        "(compare with content/sources/notes.txt)",
        "content/quotes/q.yml:3:7: date: month is out of range (write YYYY, YYYY-MM or YYYY-MM-DD)",
    ]


def test_quote_problems_say_what_failed_where_the_text_is(content):
    notes = "Ada said: “we are encouraged by the meeting.”\n\nLater she said “it is settled.”\n"
    files = {
        **MINIMAL,
        "sources/notes.txt": notes,
        "quotes/ok.yml": "speaker: ada-lovelace\ntext: we are encouraged … [the talks]\n"
        "date: 2026\nsource: notes\n",
        "quotes/mid.yml": "speaker: ada-lovelace\ndate: 2026\ntext: re encouraged\nsource: notes\n",
        "quotes/far.yml": "speaker: ada-lovelace\ndate: 2026\nsource: notes\n"
        "text: >-\n  we are encouraged …\n  it is settled\n",
        "quotes/order.yml": "speaker: ada-lovelace\ndate: 2026\nsource: notes\n"
        "text: the meeting … we are encouraged\n",
        "quotes/added.yml": "speaker: ada-lovelace\ndate: 2026\nsource: notes\n"
        "text: we are [very] encouraged\n",
    }
    assert problems_of(content(files)) == [
        "content/quotes/added.yml:4:1: text: an insertion does not stand for 1 to 6 words of "
        "source 'notes' ([brackets] replace a few of the speaker's words; mark a longer cut "
        "with …)",
        "content/quotes/far.yml:4:1: text: the quote's parts are in different paragraphs of "
        "source 'notes' (part 1 in paragraph 1; part 2 in paragraph 2) (an elision joins words "
        "of one paragraph; make one quote per paragraph)",
        "content/quotes/mid.yml:3:1: text: quote starts mid-word in source 'notes' (inside "
        "'are') (quote whole words)",
        "content/quotes/order.yml:4:1: text: part 2 of the quote comes before part 1 in source "
        "'notes' (keep the source's order, or make two quotes)",
    ]

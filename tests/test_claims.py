"""Claims and corrections: the checks editors see (exact lines), and the pages they make
(rendered Markdown, read as HTML where it is raw HTML)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag

from generator import corrections
from generator.build import check, generate
from generator.outputs import Inputs
from generator.render import render
from tests.conftest import MINIMAL, STORIES, copy_project, problems_of, run_explainer
from tests.test_history import commit, git, page

C = "content/claims/pause.yml"
PEOPLE = {
    **MINIMAL,
    "people/bob-smith.yml": "name: Bob Smith\nrole: Envoy\ncountry: US\n",
    "sources/wire.yml": "title: Wire report\npublisher: Wire\n",
    "quotes/ada-week.yml": (
        "speaker: ada-lovelace\ntext: For a week.\ndate: 2026-01-29\nevent: cabinet\n"
        "source: notes\n"
    ),
    "events/cabinet.yml": (
        "title: Cabinet meets\ndate: 2026-01-29\npeople: [ada-lovelace]\nsummary: Talk.\n"
        "sources: [notes]\n"
    ),
    "meetings/talks.yml": (
        "title: Talks\ndate: 2026-02-01\nlocation: Abu Dhabi\nparticipants: []\n"
        "parties: [RU, UA]\nstatus: scheduled\nsummary: To come.\nsources: [notes]\n"
    ),
    "topics/strikes.yml": "title: Strikes\n",
}
"""A small story around the claims: two people, a quote, an event, a meeting, a topic."""

CLAIM = """\
title: How long was the pause to last?
status: disputed
summary: Accounts *differ*.
positions:
  - by: ada-lovelace
    says: A week.
    quote: ada-week
    source: notes
    date: 2026-01-29
    approximate: true
  - party: RU
    says: Until 1 February.
    source: wire
    date: 2026-01-30
  - party: The Associated Press
    says: Only two days.
    source: wire
topics: [strikes]
event: cabinet
"""


def claim_problems(content, text: str, **more: str) -> list[str]:
    return problems_of(content({**PEOPLE, "claims/pause.yml": text, **more}))


def test_a_valid_claim_is_accepted_with_a_country_and_an_organisation(content):
    assert claim_problems(content, CLAIM) == []


def test_title_and_status_are_required(content):
    text = CLAIM.replace("title: How long was the pause to last?\n", "").replace(
        "status: disputed", "status:"
    )
    assert claim_problems(content, text) == [
        f"{C}:1:1: title: required field is missing (add 'title:')",
        f"{C}:1:8: status: required field is empty (fill it in)",
    ]


def test_status_is_one_of_three(content):
    assert claim_problems(content, CLAIM.replace("status: disputed", "status: dispute")) == [
        f"{C}:2:9: status: 'dispute' is not one of disputed, unconfirmed, confirmed "
        "(did you mean 'disputed'?)"
    ]


def test_a_disputed_claim_needs_two_positions(content):
    text = CLAIM.split("  - party: RU", maxsplit=1)[0] + "event: cabinet\n"
    assert claim_problems(content, text) == [
        f"{C}:4:1: positions: a disputed claim needs at least two positions (add the other "
        "account, or make the status unconfirmed)"
    ]
    assert claim_problems(content, text.replace("disputed", "unconfirmed")) == []


def test_unknown_person_quote_and_source_point_at_the_item(content):
    text = (
        CLAIM.replace("by: ada-lovelace", "by: ada-lovelac")
        .replace("quote: ada-week", "quote: ada-weak")
        .replace("source: wire\n    date", "source: wires\n    date")
    )
    assert claim_problems(content, text) == [
        f"{C}:5:9: positions[0].by: unknown person 'ada-lovelac' (did you mean 'ada-lovelace'?)",
        f"{C}:7:12: positions[0].quote: unknown quote 'ada-weak' (did you mean 'ada-week'?)",
        f"{C}:13:13: positions[1].source: unknown source 'wires' (did you mean 'wire'?)",
    ]


def test_a_quote_must_be_by_the_person_of_the_position(content):
    text = CLAIM.replace("by: ada-lovelace", "by: bob-smith")
    assert claim_problems(content, text) == [
        f"{C}:7:12: positions[0].quote: quote 'ada-week' is by 'ada-lovelace', not by "
        "'bob-smith' (cite a quote of theirs, or correct by)"
    ]
    text = CLAIM.replace("  - party: RU\n", "  - party: RU\n    quote: ada-week\n")
    assert claim_problems(content, text) == [
        f"{C}:12:12: positions[1].quote: quote 'ada-week' is by 'ada-lovelace', but the position "
        "has no by (write by: ada-lovelace instead of party)"
    ]


def test_a_position_has_by_or_party_not_both_nor_neither(content):
    text = CLAIM.replace("  - party: RU\n", "  - by: bob-smith\n    party: RU\n")
    assert claim_problems(content, text) == [
        f"{C}:12:5: positions[1].party: has both by and party (keep one of by and party)"
    ]
    text = CLAIM.replace("  - party: RU\n    says:", "  - says:")
    assert claim_problems(content, text) == [
        f"{C}:11:5: positions[1]: needs by or party (add by: or party:)"
    ]


@pytest.mark.parametrize(
    ("party", "hint"),
    [
        ("ru", "write RU in capitals"),
        ("XX", "use an ISO code such as US, or write the organisation's name"),
        ("EU", "use an ISO code such as US, or write the organisation's name"),
    ],
)
def test_two_letters_are_a_country_code(content, party, hint):
    text = CLAIM.replace("party: RU", f"party: {party}")
    assert claim_problems(content, text) == [
        f"{C}:11:12: positions[1].party: '{party}' is not an ISO 3166-1 alpha-2 country code "
        f"({hint})"
    ]


def test_meeting_or_event_not_both(content):
    assert claim_problems(content, CLAIM + "meeting: talks\n") == [
        f"{C}:19:1: event: a claim is about a meeting or an event, not both (keep one of "
        "meeting and event)"
    ]


def test_a_claim_needs_a_date(content):
    text = (
        CLAIM.replace("    date: 2026-01-29\n", "")
        .replace("    date: 2026-01-30\n", "")
        .replace("event: cabinet\n", "")
    )
    assert claim_problems(content, text) == [
        f"{C}:4:1: positions: a claim needs a date to stand on the timeline (give a position a "
        "date, or name the claim's meeting or event)"
    ]


def test_without_a_dated_position_a_claim_takes_its_meetings_date(content):
    text = CLAIM.replace("    date: 2026-01-29\n", "").replace("    date: 2026-01-30\n", "")
    assert dated(content, text) == ("2026-01-29", False)  # the cabinet event's
    assert dated(content, text.replace("event: cabinet", "meeting: talks")) == ("2026-02-01", False)
    assert dated(content, CLAIM) == ("2026-01-29", True)  # the earliest position's


def dated(content, text: str) -> tuple[str, bool]:
    """Where the claim stands on the timeline once linked: its date and whether inferred."""
    claim = check(content({**PEOPLE, "claims/pause.yml": text})).story.claims["pause"]
    return (claim.date.iso() if claim.date else "", claim.approximate)


CORRECTED = "corrections:\n  - date: 2026-02-02\n    text: An earlier version said *Lyon*.\n"


@pytest.mark.parametrize(
    ("corrections", "expected"),
    [
        (
            "corrections:\n  - date: 2026-02\n    text: Wrong.\n",
            "5:11: corrections[0].date: '2026-02' needs the day (write YYYY-MM-DD)",
        ),
        (
            "corrections:\n  - date: 2026-02-02\n",
            "5:5: corrections[0].text: required field is missing (add 'text:')",
        ),
        (
            "corrections:\n  - Wrong.\n",
            "5:5: corrections[0]: expected a mapping with date and text",
        ),
    ],
)
def test_a_correction_has_a_day_and_a_text(content, corrections, expected):
    person = MINIMAL["people/ada-lovelace.yml"] + corrections
    project = content({**MINIMAL, "people/ada-lovelace.yml": person})
    assert problems_of(project) == [f"content/people/ada-lovelace.yml:{expected}"]


# -- pages -------------------------------------------------------------------------------------


@pytest.fixture
def pages(content):
    files = {
        **PEOPLE,
        "claims/pause.yml": CLAIM + CORRECTED.replace("*Lyon*", "three days"),
        "events/cabinet.yml": PEOPLE["events/cabinet.yml"] + CORRECTED,
        "people/bob-smith.yml": PEOPLE["people/bob-smith.yml"]
        + "corrections:\n  - date: 2026-01-15\n    text: Older.\n"
        + "  - date: 2026-03-01\n    text: Newest.\n",
    }
    checked = check(content(files))
    return render(checked.story, standfirst=checked.standfirst)


def html(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def test_claim_page_shows_status_positions_quotes_and_sources(pages):
    page = html(pages["claims/pause.md"])
    notice = page.select_one(".explainer-notice--disputed")
    assert notice is not None
    assert notice.get_text().startswith("Disputed:")
    assert [b.get_text() for b in page.select(".explainer-facts .explainer-badge")] == ["disputed"]
    positions = page.select(".explainer-positions > section.explainer-position")
    assert [p.h3.get_text() for p in positions if p.h3] == [
        "Ada Lovelace",
        "Russia",
        "The Associated Press",
    ]
    person = positions[0].select_one("h3 a")
    assert person is not None
    assert person["href"] == "../../people/ada-lovelace/"
    quote = positions[0].select_one("figure.explainer-quote blockquote")
    assert quote is not None
    assert quote.get_text() == "For a week."
    assert positions[1].select_one("figure") is None
    sources = [p.select_one(".explainer-sources a") for p in positions]
    assert [s["href"] for s in sources if isinstance(s, Tag)] == [
        "../../sources/notes/",
        "../../sources/wire/",
        "../../sources/wire/",
    ]
    about = page.select(".explainer-facts dd a")
    assert [a["href"] for a in about] == ["../../events/cabinet/", "../../topics/strikes/"]
    assert "<em>differ</em>" in pages["claims/pause.md"]


def test_claims_index_groups_by_status(pages):
    page = html(pages["claims/index.md"])
    links = page.select(".explainer-claim-list a")
    assert [a["href"] for a in links] == ["pause/"]
    assert "## Disputed" in pages["claims/index.md"]
    assert "## Unconfirmed" not in pages["claims/index.md"]


def test_claims_are_listed_on_people_topics_meetings_and_the_timeline(pages):
    for src, href in (
        ("people/ada-lovelace.md", "../../claims/pause/"),
        ("topics/strikes.md", "../../claims/pause/"),
    ):
        assert "## Claims" in pages[src], src
        assert [a["href"] for a in html(pages[src]).select(".explainer-claim-list a")] == [href]
    assert "## Claims" not in pages["people/bob-smith.md"]  # takes no position
    timeline = html(pages["timeline/index.md"])
    entry = timeline.select_one("article#claim_pause")
    assert entry is not None
    assert entry["data-kind"] == "claim"
    assert entry["data-people"] == "ada-lovelace"
    assert entry["data-countries"] == "GB RU"
    assert [li.get_text() for li in entry.select(".explainer-claim-sides li")] == [
        "Ada Lovelace: A week.",
        "Russia: Until 1 February.",
        "The Associated Press: Only two days.",
    ]
    order = [str(a["id"]) for a in timeline.select("article.explainer-entry")]
    assert order == ["cabinet", "claim_pause", "talks"]  # after the entries of its date
    cabinet = timeline.select_one("article#cabinet .explainer-claims a")
    assert cabinet is not None
    assert cabinet["href"] == "../claims/pause/"
    assert timeline.select_one('select[name="kind"] option[value="claim"]') is not None


def test_claims_about_a_meeting_are_on_its_page(content):
    claim = CLAIM.replace("event: cabinet", "meeting: talks")
    checked = check(content({**PEOPLE, "claims/pause.yml": claim}))
    page = render(checked.story)["meetings/talks.md"]
    assert "## Claims" in page
    assert [a["href"] for a in html(page).select(".explainer-claim-list a")] == [
        "../../claims/pause/"
    ]


def test_corrections_are_shown_on_top_of_the_page_and_the_timeline_entry(pages):
    claim = pages["claims/pause.md"]
    assert claim.index("explainer-corrections") < claim.index("explainer-notice")
    text = html(claim).select_one(".explainer-correction")
    assert text is not None
    assert text.get_text() == "Corrected on 2 February 2026: An earlier version said three days."
    entry = html(pages["timeline/index.md"]).select_one("article#cabinet")
    assert entry is not None
    first = entry.find(["aside", "p"], recursive=False)
    assert isinstance(first, Tag)
    assert first.name == "aside", "corrections come first"
    assert first.get_text() == "Corrected on 2 February 2026: An earlier version said Lyon."
    event = pages["events/cabinet.md"]
    assert event.index("explainer-corrections") < event.index("explainer-facts")
    assert "## Claims" in event
    bob = html(pages["people/bob-smith.md"]).select(".explainer-correction")
    assert [c.get_text().split(":")[0] for c in bob] == [
        "Corrected on 1 March 2026",
        "Corrected on 15 January 2026",
    ]


def test_corrections_page_lists_every_correction_newest_first(content):
    files = {
        **PEOPLE,
        "claims/pause.yml": CLAIM + CORRECTED,
        "events/cabinet.yml": PEOPLE["events/cabinet.yml"] + CORRECTED,
        "people/bob-smith.yml": PEOPLE["people/bob-smith.yml"]
        + "corrections:\n  - date: 2026-01-15\n    text: Older.\n"
        + "  - date: 2026-03-01\n    text: Newest.\n",
    }
    story = check(content(files)).story
    page = corrections.produce(Inputs(story))["corrections/index.md"].decode()
    items = html(page).select("ol.explainer-corrections-list > li")
    assert [
        (li.time.get_text() if li.time else "", li.a["href"] if li.a else "") for li in items
    ] == [
        ("1 March 2026", "../people/bob-smith/"),
        ("2 February 2026", "../claims/pause/"),
        ("2 February 2026", "../events/cabinet/"),
        ("15 January 2026", "../people/bob-smith/"),
    ]


def test_corrections_page_without_corrections_says_so(content):
    empty = corrections.produce(Inputs(check(content(dict(PEOPLE))).story))
    assert "No corrections so far." in empty["corrections/index.md"].decode()


def test_new_claim_scaffolds_a_record_that_check_then_guides(content):
    project = content(dict(PEOPLE))
    proc = run_explainer(project, "new", "claim", "How long was the pause to last?")
    assert proc.returncode == 0, proc.stderr
    path = project.content / "claims/how-long-was-the-pause-to-last.yml"
    text = path.read_text("utf-8")
    assert "\ntitle: How long was the pause to last?\n" in text
    assert "\npositions: []\n#   # What they say" in text
    assert "#   - says:\n" in text
    assert problems_of(project) == [
        f"{path.relative_to(project.root)}:8:8: status: required field is empty (fill it in)",
        f"{path.relative_to(project.root)}:10:12: positions: needs at least 1 item (add one)",
    ]
    filled = text.replace("status:\n", "status: unconfirmed\n").replace(
        "positions: []\n",
        "positions:\n  - by: bob-smith\n    says: Soon.\n    source: wire\n    date: 2026-01-30\n",
    )
    path.write_text(filled, "utf-8")
    assert problems_of(project) == []


def test_a_removed_correction_shows_on_what_changed(tmp_path):
    """A correction is never removed silently: the field-level change log names it."""
    project = copy_project(STORIES / "harbour", tmp_path / "harbour")
    git(project.root, "init", "-q", "-b", "main")
    commit(project.root, "Import the harbour story", "2025-03-07T09:00:00Z")
    vote = project.content / "meetings/council-vote.yml"
    vote.write_text(vote.read_text("utf-8").split("corrections:")[0], "utf-8")
    commit(project.root, "Drop the correction\n\nChange-note: Tidy up.\n", "2025-03-09T10:00:00Z")
    generate(project)
    changes_page = page(project, "changes/index.md")
    removed = "corrections&#58; − 7 March 2025&#58; An earlier version said the council voted 8"
    assert "- Changed meeting: [Council votes on the bridge](../meetings/council-vote.md)\n" in (
        changes_page
    )
    assert removed in changes_page
    listed = page(project, "corrections/index.md")
    assert "council-vote" not in listed  # gone from the list, but on record in What changed
    assert "../people/tom-berg/" in listed

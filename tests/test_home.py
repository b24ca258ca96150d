"""The home page: the editors' standfirst (``content/standfirst.md``), key people, latest
developments, what's next, and the writer's ownership of ``docs/index.md``."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator.build import check
from generator.errors import BuildError
from generator.home import Standfirst, key_people
from generator.project import Project
from generator.render import render
from generator.views import initials, latest, upcoming
from generator.writer import MARKER
from tests.conftest import MINIMAL, STORIES, problems_of
from tests.conftest import write_generated as write

PERSON = "name: {name}\nrole: Envoy\ncountry: {country}\n"
MEETING = (
    "title: {title}\ndate: {date}\nlocation: Somewhere\nparticipants: [{people}]\n"
    "summary: Met.\nsources: [notes]\nstatus: {status}\n"
)


def story_files(standfirst: str | None = None) -> dict[str, str | bytes]:
    """Three people, four meetings (one scheduled), and optionally a standfirst."""
    files: dict[str, str | bytes] = {
        **MINIMAL,
        "people/bo-ek.yml": PERSON.format(name="Bo Ek", country="SE"),
        "people/cy-do.yml": PERSON.format(name="Cy Do", country="VN"),
    }
    rows = [
        ("m1", "First", "2025-01", "ada-lovelace, bo-ek", "held"),
        ("m2", "Second", "2025-02-03", "ada-lovelace, bo-ek", "cancelled"),
        ("m3", "Third", "2025-03-01", "ada-lovelace, cy-do", "held"),
        ("m4", "Fourth", "2025-04-01", "bo-ek, cy-do", "scheduled"),
    ]
    for mid, title, date, people, status in rows:
        files[f"meetings/{mid}.yml"] = MEETING.format(
            title=title, date=date, people=people, status=status
        )
    if standfirst is not None:
        files["standfirst.md"] = standfirst
    return files


def test_standfirst_is_read_with_title_text_and_key_people(content):
    project = content(
        story_files("---\ntitle: The vote\nkey_people: [cy-do, ada-lovelace]\n---\nIt *began*.\n")
    )
    checked = check(project)
    assert checked.standfirst == Standfirst(
        "The vote", "It *began*.", ("cy-do", "ada-lovelace"), "content/standfirst.md"
    )
    chosen = key_people(checked.story, checked.standfirst)
    assert [p.id for p in chosen] == ["cy-do", "ada-lovelace"]


def test_without_a_standfirst_the_home_page_still_exists(content):
    checked = check(content(story_files()))
    assert checked.standfirst == Standfirst()
    home = render(checked.story, standfirst=checked.standfirst)["index.md"]
    assert "# The story at a glance" in home
    assert MARKER in home


def test_key_people_default_to_the_most_present(content):
    checked = check(content(story_files()))
    ranked = key_people(checked.story, checked.standfirst)
    # Ada and Bo are on three meetings each (ties by name), Cy on two.
    assert [p.id for p in ranked] == ["ada-lovelace", "bo-ek", "cy-do"]


def test_latest_is_newest_first_and_leaves_scheduled_to_whats_next(content):
    story = check(content(story_files())).story
    assert [e.id for e in latest(story)] == ["m3", "m2", "m1"]
    assert [m.id for m in upcoming(story)] == ["m4"]
    assert [e.id for e in latest(story, 2)] == ["m3", "m2"]


@pytest.mark.parametrize(
    ("standfirst", "expected"),
    [
        (
            "---\ntitel: Oops\n---\nText\n",
            "content/standfirst.md:2:1: titel: unknown field 'titel' (did you mean 'title'?)",
        ),
        (
            "---\ntitle: T\nkey_people: [ada-lovelace, bo-eck]\n---\n",
            "content/standfirst.md:3:28: key_people[1]: unknown person 'bo-eck' "
            "(did you mean 'bo-ek'?)",
        ),
        (
            "---\nkey_people: bo-ek\n---\n",
            "content/standfirst.md:2:13: key_people: expected a list "
            "(write [a, b] or one '- item' per line)",
        ),
        (
            "---\ntitle: [a, b]\n---\n",
            "content/standfirst.md:2:8: title: expected text, got a list (quote the value)",
        ),
        (
            "---\ntitle: a\ntitle: b\n---\n",
            "content/standfirst.md:3:1: front matter: duplicate key 'title' (first at line 1) "
            "(keep one of them)",
        ),
        (
            "---\ntitle: !!python/object:os.system x\n---\n",
            "content/standfirst.md:2:8: front matter: explicit tags are not allowed "
            "(tag:yaml.org,2002:python/object:os.system) (remove the tag; quote the value if "
            "it is text)",
        ),
        (
            "---\ntitle: T\n---\nSee [this](ftp://example.org/x).\n",
            "content/standfirst.md:4:1: text: link 'ftp://example.org/x': only http and https "
            "URLs are allowed (link only to http(s) pages)",
        ),
    ],
)
def test_standfirst_problems_are_located(content, standfirst, expected):
    assert problems_of(content(story_files(standfirst))) == [expected]


def test_a_bad_standfirst_fails_the_check_like_a_bad_record(content):
    project = content(story_files("---\ntitle: T\nkey_people: [nobody]\n---\n"))
    problems = problems_of(project)
    assert len(problems) == 1
    assert "unknown person 'nobody'" in problems[0]


def test_hostile_standfirst_and_names_stay_text_on_the_home_page(content):
    evil = "<img src=x onerror=alert(1)> {{ 7*7 }} *x* [a](javascript:b)"
    text = "<script>alert(2)</script> <b>{{ 7*7 }}</b> [a](javascript:b)"
    files = story_files(f'---\ntitle: "{evil}"\n---\n{text}\n')
    files["people/bo-ek.yml"] = PERSON.format(name=f'"{evil}"', country="SE")
    checked = check(content(files))
    markdown = render(checked.story, standfirst=checked.standfirst)["index.md"]
    raw = markdown.split(MARKER, 1)[1]
    html = BeautifulSoup(raw, "html.parser")
    assert not html.find_all(["img", "script"])
    names = [n.get_text() for n in html.select(".explainer-card__name")]
    assert evil in names
    heading = markdown.split(MARKER, 1)[1].lstrip().splitlines()[0]
    assert heading.startswith("# ")
    assert "<" not in heading, "the title is escaped for a Markdown heading"
    standfirst = html.select_one(".explainer-standfirst")
    assert standfirst is not None
    assert standfirst.get_text() == text
    assert not standfirst.find_all("a"), "a javascript: link is dropped, its words kept"


def test_initials():
    assert initials("Steve Witkoff") == "SW"
    assert initials("Madonna") == "M"
    assert initials("Jean-Claude van Damme") == "JD"
    assert initials("Кирилл Дмитриев") == "КД"
    assert initials("“Quoted” Name") == "N"
    assert initials("") == ""


# -- the writer owns docs/index.md --------------------------------------------------------------


def page(body: str) -> str:
    return f"---\ntitle: x\n---\n{MARKER}\n{body}\n"


def test_writer_refuses_a_hand_written_home_page(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Hand-written home\n")
    with pytest.raises(BuildError, match=r"docs/index\.md .*content/standfirst\.md"):
        write(docs, tmp_path / ".explainer", {"index.md": page("Home")})
    assert (docs / "index.md").read_text() == "# Hand-written home\n"


def test_writer_replaces_its_own_home_page_in_place(tmp_path):
    docs, work = tmp_path / "docs", tmp_path / ".explainer"
    first = write(docs, work, {"index.md": page("One"), "people/a.md": page("A")})
    assert first.written == ["index.md", "people/a.md"]
    again = write(docs, work, {"index.md": page("One"), "people/a.md": page("A")})
    assert (again.written, again.unchanged) == ([], 2)
    third = write(docs, work, {"index.md": page("Two"), "people/a.md": page("A")})
    assert third.written == ["index.md"]
    assert (docs / "index.md").read_text().endswith("Two\n")
    assert not (work / "stage").exists()


def test_the_harbour_story_has_its_standfirst():
    checked = check(Project(STORIES / "harbour"))
    assert checked.standfirst.title == "The harbour bridge vote"

"""The pictures (static SVG built at generation time) and the timeline's filter data: right
facts, the same facts in a table, deterministic bytes, and record text that stays text."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup, Tag

from generator import charts
from generator.build import check
from generator.dates import PartialDate
from generator.render import render
from generator.writer import MARKER
from tests.conftest import MINIMAL
from tests.test_home import MEETING, PERSON, story_files

EVIL = '<img src=x onerror=alert(1)> "A" & {{ 7*7 }} </svg><script>alert(2)</script>'


def html_of(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


@pytest.fixture
def story(content):
    return check(content(story_files())).story


def test_span_covers_what_a_partial_date_may_mean():
    assert charts.span(PartialDate(2026)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert charts.span(PartialDate(2024, 2)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert charts.span(PartialDate(2026, 1, 31)) == (dt.date(2026, 1, 31), dt.date(2026, 1, 31))


def test_axis_ticks():
    short = charts.Axis(dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    assert [label for _, label in short.ticks()] == ["1 Jan", "15 Jan", "1 Feb"]
    assert short.x(dt.date(2026, 1, 1)) == charts.LEFT
    assert short.x(dt.date(2026, 2, 1)) == charts.RIGHT
    long = charts.Axis(dt.date(2020, 1, 1), dt.date(2025, 12, 31))
    labels = [label for _, label in long.ticks()]
    assert len(labels) <= 6
    assert labels[0] == "Jan 2020"


def test_room_chart_has_a_row_per_person_and_a_mark_per_entry(story):
    figure = html_of(charts.room_chart(story, "index.md"))
    svg = figure.find("svg")
    assert isinstance(svg, Tag)
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "chart_room_title chart_room_desc"
    assert svg.find("title", id="chart_room_title") is not None
    desc = svg.find("desc", id="chart_room_desc")
    assert desc is not None
    assert desc.get_text().startswith("3 people across 4 meetings and events")
    labels = [t.get_text() for t in svg.select("text.chart-label")]
    assert labels == ["Ada Lovelace", "Bo Ek", "Cy Do"]
    marks = svg.select(".chart-mark")
    assert len(marks) == 3 + 3 + 2  # Ada, Bo (with the scheduled one), Cy
    assert len(svg.select(".chart-mark--span")) == 2, "m1 is known to the month only"
    assert len(svg.select(".chart-mark--scheduled")) == 2
    assert len(svg.select(".chart-mark--cancelled")) == 2
    rows = figure.select("details table tbody tr")
    assert [r.th.get_text() for r in rows if r.th] == labels
    assert [r.find_all("td")[0].get_text() for r in rows] == ["3", "3", "2"]
    links = rows[0].select("td a")
    assert [a["href"] for a in links] == ["meetings/m1/", "meetings/m2/", "meetings/m3/"]


def test_network_counts_only_held_meetings(story):
    assert charts.pairs(story) == {("ada-lovelace", "bo-ek"): 1, ("ada-lovelace", "cy-do"): 1}
    figure = html_of(charts.network_chart(story, "people/index.md", lambda p: (p.country, p.name)))
    svg = figure.find("svg")
    assert isinstance(svg, Tag)
    assert svg["viewbox"] == f"0 0 {charts.WIDTH} {charts.HEIGHT}"  # html.parser lowercases
    assert len(svg.select("line.chart-edge")) == 2
    assert len(svg.select("circle.chart-node")) == 3
    assert svg.select("circle.chart-node--alone") == []
    rows = figure.select("details table tbody tr")
    assert [[td.get_text() for td in r.find_all("td")] for r in rows] == [
        ["Ada Lovelace", "Bo Ek", "1"],
        ["Ada Lovelace", "Cy Do", "1"],
    ]
    assert figure.select_one("details a")["href"] == "ada-lovelace/"  # type: ignore[index]


def test_edge_width_grows_with_shared_meetings(content):
    files = story_files()
    files["meetings/m4.yml"] = str(files["meetings/m4.yml"]).replace("scheduled", "held")
    files["meetings/m5.yml"] = str(files["meetings/m4.yml"]).replace("Fourth", "Fifth")
    story = check(content(files)).story
    svg = html_of(charts.network_chart(story, "people/index.md", lambda p: (p.country, p.name)))
    widths = {
        str(e.title.get_text() if e.title else ""): float(str(e["stroke-width"]))
        for e in svg.select("line.chart-edge")
    }
    two, one = "Bo Ek and Cy Do: 2 shared meetings", "Ada Lovelace and Bo Ek: 1 shared meeting"
    assert widths[two] > widths[one]


def test_charts_are_deterministic(story):
    assert charts.room_chart(story, "index.md") == charts.room_chart(story, "index.md")
    order = lambda p: (p.country, p.name)  # noqa: E731
    assert charts.network_chart(story, "x.md", order) == charts.network_chart(story, "x.md", order)


def test_short_names_use_full_names_when_surnames_clash(content):
    files = story_files()
    files["people/al-ek.yml"] = PERSON.format(name="Al Ek", country="SE")
    story = check(content(files)).story
    names = charts.short_names(list(story.people.values()))
    assert names["bo-ek"] == "Bo Ek"
    assert names["al-ek"] == "Al Ek"
    assert names["cy-do"] == "Do"


def test_no_timeline_no_room_chart(content):
    story = check(content(dict(MINIMAL))).story
    assert charts.room_chart(story, "index.md") == ""


def test_hostile_names_and_titles_stay_text_in_charts_and_filters(content):
    files = story_files()
    files["people/bo-ek.yml"] = PERSON.format(name=f"'{EVIL}'", country="SE")
    files["meetings/m1.yml"] = str(files["meetings/m1.yml"]).replace(
        "title: First", f"title: '{EVIL}'"
    )
    story = check(content(files)).story
    pages = render(story)
    room = html_of(charts.room_chart(story, "index.md"))
    network = html_of(charts.network_chart(story, "people/index.md", lambda p: (p.country, p.name)))
    timeline = html_of(pages["timeline/index.md"].split(MARKER, 1)[1])
    for html in (room, network, timeline):
        assert not html.find_all(["img", "script"])
        assert not [t for t in html.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert len(room.find_all("svg")) == 1
    assert EVIL in [t.get_text() for t in room.select("text.chart-label")]
    assert any(t.get_text().startswith(f"{EVIL}: ") for t in room.select(".chart-mark title"))
    assert any(EVIL in t.get_text() for t in room.select("details a"))
    assert EVIL in [n.title.get_text() for n in network.select("circle.chart-node") if n.title]
    options = {str(o["value"]): o.get_text() for o in timeline.select("select[name=person] option")}
    assert options["bo-ek"] == EVIL
    entry = timeline.find("article", id="m1")
    assert isinstance(entry, Tag)
    assert entry.h3 is not None
    assert entry.h3.get_text() == EVIL
    assert entry["data-people"] == "ada-lovelace bo-ek"


# -- bounded as the story grows ------------------------------------------------------------------


def _big_story_files(people: int, months: int) -> dict[str, str | bytes]:
    """``people`` people (surnames P00…), a meeting a month for ``months`` months between
    neighbours on a ring, so everyone has shared meetings."""
    files: dict[str, str | bytes] = dict(MINIMAL)
    for i in range(people):
        files[f"people/p{i:02d}.yml"] = PERSON.format(name=f"Person P{i:02d}", country="SE")
    for m in range(months):
        year, month = 2024 + m // 12, m % 12 + 1
        a, b = f"p{m % people:02d}", f"p{(m + 1) % people:02d}"
        files[f"meetings/m{m:02d}.yml"] = MEETING.format(
            title=f"Meeting {m}", date=f"{year}-{month:02d}-10", people=f"{a}, {b}", status="held"
        )
    return files


def test_room_chart_shows_the_last_months_and_the_most_present(content):
    story = check(content(_big_story_files(people=30, months=30))).story
    rows = charts.room_rows(story, charts.window(story), charts.ROOM_PEOPLE)
    assert len(rows) == charts.ROOM_PEOPLE
    months = {(e.date.year, e.date.month) for _, entries in rows for e in entries}
    assert len(months) <= charts.ROOM_MONTHS
    assert min(months) >= (2025, 7), "only the last twelve months with meetings"
    html = html_of(charts.room_chart(story, "index.md"))
    assert len(html.select("text.chart-label")) == charts.ROOM_PEOPLE
    note = html.select_one(".explainer-more")
    assert note is not None
    assert "of 30 on the timeline" in note.get_text()
    assert [a["href"] for a in note.select("a")] == ["timeline/", "people/"]


def test_network_keeps_the_most_connected_and_links_to_everyone(content):
    story = check(content(_big_story_files(people=40, months=40))).story
    html = html_of(charts.network_chart(story, "people/index.md", lambda p: ("", p.name)))
    assert len(html.select("circle.chart-node")) == charts.NETWORK_PEOPLE
    kept = {t.get_text() for t in html.select("circle.chart-node title")}
    assert "Ada Lovelace" not in kept, "no shared meeting: left out first"
    note = html.select_one(".explainer-more")
    assert note is not None
    assert f"{charts.NETWORK_PEOPLE} people with the most shared meetings, of 41" in (
        note.get_text()
    )


def test_small_story_charts_are_not_bounded(story):
    assert "explainer-more" not in charts.room_chart(story, "index.md")
    assert "explainer-more" not in charts.network_chart(
        story, "people/index.md", lambda p: ("", p.name)
    )

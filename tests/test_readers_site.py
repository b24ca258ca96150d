"""The readers' pages in a real MkDocs build: the home page, the charts and the timeline's
filter form, read from the HTML as a browser gets it (parsed, never grepped)."""

from __future__ import annotations

import json

import pytest
from bs4 import Tag

from tests.conftest import STORIES, copy_project, run_explainer, write_files
from tests.test_site import article, soup

pytestmark = pytest.mark.site

EVIL = '<img src=x onerror=alert(7)> </svg></figure><script>alert(8)</script> {{ 7*7 }} "&amp;"'


def test_hostile_text_stays_literal_on_home_charts_and_filters(tmp_path):
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    write_files(
        project.content,
        {
            "people/tom-berg.yml": f"name: {json.dumps(EVIL)}\nrole: Harbour master\ncountry: NO\n",
            "standfirst.md": f"---\ntitle: {json.dumps(EVIL)}\nkey_people: [tom-berg]\n---\n"
            "Plain words.\n",
        },
    )
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    for url in ("", "people", "timeline"):
        body = article(project.site, url)
        assert not body.find_all(["img", "script"]), url
        assert not [t for t in body.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    home = article(project.site, "")
    assert home.h1 is not None
    assert home.h1.get_text() == EVIL
    card = home.select_one(".explainer-card__name")
    assert card is not None
    assert card.get_text() == EVIL
    assert EVIL in [t.get_text() for t in home.select("svg text.chart-label")]
    title = soup(project.site, "").find("title")
    assert isinstance(title, Tag)
    assert title.get_text().startswith(EVIL)
    people = article(project.site, "people")
    nodes = [c.title.get_text() for c in people.select("svg circle") if c.title]
    assert EVIL in nodes
    timeline = article(project.site, "timeline")
    options = [o.get_text() for o in timeline.select("select[name=person] option")]
    assert EVIL in options


def test_the_real_home_page(built_site):
    home = article(built_site, "")
    latest = [a.get_text() for a in home.select(".explainer-latest li a")]
    assert latest[0] == "Witkoff and Dmitriev meet in Florida"
    assert len(latest) == 5
    nxt = [a.get_text() for a in home.select(".explainer-next li a")]
    assert nxt == ["Russia and Ukraine hold another round of talks in Abu Dhabi"]
    cards = [a["href"] for a in home.select("a.explainer-card")]
    assert cards[:2] == ["people/steve-witkoff/", "people/kirill-dmitriev/"]
    assert home.select_one("svg.explainer-room") is not None
    script = soup(built_site, "").find("script", src=lambda s: bool(s and "explainer.js" in s))
    assert script is not None, "the filter script is on the page"


def test_the_real_meeting_page_has_neighbours_and_country_groups(built_site):
    page = article(built_site, "meetings/florida-dmitriev")
    prev = page.select_one(".explainer-pager__prev")
    nxt = page.select_one(".explainer-pager__next")
    assert prev is not None
    assert nxt is not None
    assert prev["href"] == "../../events/peskov-confirms-pause/"
    assert nxt["href"] == "../abu-dhabi-round/"
    groups = [h.get_text() for h in page.find_all("h3")]
    assert groups == ["United States", "Russia"]


def test_the_real_profile_has_its_own_timeline_in_date_order(built_site):
    page = article(built_site, "people/steve-witkoff")
    dates = [
        t["datetime"] for t in page.select(".explainer-own-timeline > li > .explainer-meta time")
    ]
    assert len(dates) == 3 + 1 + 4  # meetings, the Cabinet event, quotes
    assert dates == sorted(dates, key=str)

"""The embeddable timeline's page and the code the timeline page offers for it."""

from __future__ import annotations

import json
from typing import Any

from bs4 import BeautifulSoup, Tag

from generator import embed, siteconfig
from generator.build import check
from generator.outputs import Inputs
from tests.conftest import MINIMAL

EVIL = '</script><script>alert(1)</script> "q" <b>bold</b> {{ 7*7 }}'
EVENT = (
    "title: {title}\ndate: 2026-01-{day:02d}\npeople: [ada-lovelace]\nsummary: S.\n"
    "sources: [notes]\n"
)
SITE = siteconfig.SiteConfig(name='A "story" <x>', url="https://news.example/story/")


def one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select_one(selector)
    assert found is not None, selector
    return found


def _files(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(MINIMAL)
    for n in range(1, count + 1):
        title = EVIL if n == 1 else f"Event {n}"
        files[f"events/e{n}.yml"] = EVENT.format(title=f"'{title}'", day=n)
    return files


def _page(content: Any, count: int, site: siteconfig.SiteConfig = SITE) -> BeautifulSoup:
    story = check(content(_files(count))).story
    html = embed.produce(Inputs(story, site=site))[embed.PAGE].decode()
    return BeautifulSoup(html, "html.parser")


def test_record_text_stays_text_in_the_embed(content):
    page = _page(content, 2)
    assert one(page, "html")["lang"] == "en"
    assert one(page, "base")["target"] == "_top"
    assert [s.get("src") for s in page.select("script")] == ["../../assets/explainer.js"]
    titles = [h.get_text() for h in page.select(".explainer-entry h3")]
    assert titles == [EVIL, "Event 2"]
    assert one(page, "title").get_text() == 'Timeline: A "story" <x>'


def test_a_long_timeline_shows_its_latest_entries_and_filters_the_whole_story(content, monkeypatch):
    monkeypatch.setattr(embed, "LATEST", 2)
    story = check(content(_files(3))).story
    files = embed.produce(Inputs(story, site=SITE))
    page = BeautifulSoup(files[embed.PAGE].decode(), "html.parser")
    assert [a["id"] for a in page.select(".explainer-entry")] == ["e2", "e3"]
    form = one(page, "form[data-explainer-filters]")
    assert form["data-explainer-entries"] == "entries.json"
    assert "The latest 2 of 3 entries" in one(page, ".explainer-more").get_text()
    every = json.loads(files["embed/timeline/entries.json"])
    assert [e["id"] for e in every] == ["e1", "e2", "e3"]
    assert every[0]["url"] == "../../events/e1/"


def test_the_snippet_is_an_iframe_with_a_title_and_lazy_loading():
    snippet = embed.snippet(SITE)
    assert snippet is not None
    assert snippet.src == "https://news.example/story/embed/timeline/"
    code = BeautifulSoup(snippet.code, "html.parser")
    frame = one(code, "iframe")
    assert frame["src"] == snippet.src
    assert frame["title"] == 'Timeline: A "story" <x>'
    assert frame["loading"] == "lazy"
    assert one(code, "script")["src"] == "https://news.example/story/assets/embed-resize.js"
    assert embed.snippet(siteconfig.SiteConfig()) is None, "no site_url, nothing to point at"

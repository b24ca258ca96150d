"""What a reader does on the real explainer, in Chromium: search, filter the timeline, follow a
permalink, read with JavaScript off. Every page is also checked for console errors and for
requests that leave 127.0.0.1 (see ``conftest.open_page``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Watched

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import OpenPage, Server

pytestmark = pytest.mark.browser

EVERY_ENTRY = [
    "moscow-putin",
    "uae-trilateral",
    "white-house-putin-zelenskyy",
    "claim_putin-agreed-to-meet-zelenskyy",
    "cabinet-meeting",
    "claim_kyiv-pause-length",
    "peskov-confirms-pause",
    "florida-dmitriev",
    "abu-dhabi-round",
    "claim_us-at-abu-dhabi-round",
]
"""The real story's timeline, oldest first: meetings, events, and claims at their dates."""


def search(page: Page, query: str) -> list[str]:
    """Type a query into Material's search and return the results' paths and anchors.

    The box is filled, then a ``keyup`` is dispatched: headless Chromium does not deliver
    Cyrillic typed key by key to the search."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.dispatch_event("keyup")
    page.wait_for_selector(".md-search-result__item a", timeout=15_000)
    links = page.locator(".md-search-result__item a")
    hrefs = links.evaluate_all("els => els.map(a => a.pathname + a.hash)")
    return [str(href) for href in hrefs]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Dmitriev", ["/people/kirill-dmitriev/"]),
        ("Witkoff", ["/people/steve-witkoff/", "/quotes/witkoff-encouraged/"]),
    ],
)
def test_search_finds_the_right_page(open_page: OpenPage, query: str, expected: list[str]) -> None:
    page, _ = open_page()
    found = search(page, query)
    assert set(expected) <= set(found), found


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Дмитриев", "/people/kirill-dmitriev/"),  # a native name, in Cyrillic
        ("Путин", "/people/vladimir-putin/"),
        ("President Trump", "/people/donald-trump/"),  # an alias: "Donald Trump" is the name
        ("Zelensky", "/people/volodymyr-zelenskyy/"),  # an alias spelling of "Zelenskyy"
        ("apparent commitment to achieving peace", "/quotes/witkoff-encouraged/"),  # a quote
    ],
)
def test_search_puts_the_record_first(open_page: OpenPage, query: str, first: str) -> None:
    page, _ = open_page()
    assert search(page, query)[0] == first


@pytest.mark.parametrize("query", ["Witkoff", "apparent commitment to achieving peace"])
def test_search_returns_each_page_once_and_no_index_page(open_page: OpenPage, query: str) -> None:
    """Only a record's own page holds its text in the index (generator/search.py): the quote
    is found on its page, not again on its speaker's, its meeting's and the quotes list."""
    page, _ = open_page()
    found = search(page, query)
    assert len(found) == len(set(found)), found
    lists = {"/timeline/", "/people/", "/meetings/", "/quotes/", "/sources/", "/topics/"}
    assert not [url for url in found if url in lists or "/pages/" in url], found
    if query.startswith("apparent"):
        assert found[0] == "/quotes/witkoff-encouraged/"
        assert "/meetings/florida-dmitriev/" not in found, "the meeting shows a copy of it"
        assert "/people/steve-witkoff/" not in found, "the speaker's page shows a copy of it"


def test_search_excerpts_keep_the_spaces_around_marked_words(open_page: OpenPage) -> None:
    """Each excerpt is rebuilt from Pagefind's text and its marks; the text after a mark keeps
    its leading space ("Witkoff and Dmitriev", never "Witkoffand Dmitriev")."""
    page, _ = open_page("index.html")
    search(page, "Witkoff")
    excerpts = page.locator(".md-search-result__item p").all_inner_texts()
    assert any("Witkoff and" in text for text in excerpts), excerpts
    assert not [text for text in excerpts if re.search(r"Witkoff[a-z·]", text)], excerpts


def test_search_shows_ten_results_then_more_on_request(open_page: OpenPage) -> None:
    """Each result shown costs a download of its own (its fragment): ten first, then more."""
    page, watched = open_page()
    first = search(page, "the")
    assert len(first) == 10, first
    fragments = [u for u in watched.requests if "/pagefind/fragment/" in u]
    assert len(fragments) == 10, fragments
    more = page.locator(".md-search-result__list button")
    label = more.inner_text()
    assert label.startswith("Show 10 more of "), label
    more.click()
    page.locator(".md-search-result__item a").nth(10).wait_for(timeout=15_000)
    shown = page.locator(".md-search-result__item a").evaluate_all(
        "els => els.map(a => a.pathname)"
    )
    assert len(shown) == min(20, 10 + int(label.rsplit(" ", 1)[1])), shown
    assert len(set(shown)) == len(shown), shown
    assert len([u for u in watched.requests if "/pagefind/fragment/" in u]) == len(shown)


def test_no_search_data_is_fetched_until_the_reader_types(open_page: OpenPage) -> None:
    page, watched = open_page()
    page.wait_for_load_state("networkidle")
    page.locator("input.md-search__input").click()
    page.wait_for_timeout(300)
    fetched = [u for u in watched.requests if "search_index" in u or "/pagefind/" in u]
    assert fetched == [], "nothing of the index before the reader types"
    found = search(page, "Witkoff")
    assert "/people/steve-witkoff/" in found
    assert [u for u in watched.requests if "/pagefind/" in u], "the index loads on typing"
    assert not [u for u in watched.requests if "search_index" in u], "Material's never loads"


def visible_entries(page: Page) -> list[str]:
    return [
        str(i)
        for i in page.locator(".explainer-entry:visible").evaluate_all("els => els.map(e => e.id)")
    ]


def test_whole_timeline_without_javascript(open_page: OpenPage) -> None:
    page, _ = open_page("timeline/", javascript=False)
    assert visible_entries(page) == EVERY_ENTRY
    assert page.locator("form.explainer-filters").is_hidden()
    assert page.locator(".explainer-quote:visible").count() == 10


def test_filter_by_person_updates_the_url_and_survives_reload(open_page: OpenPage) -> None:
    page, _ = open_page("timeline/")
    assert visible_entries(page) == EVERY_ENTRY
    page.select_option("select[name=person]", "kirill-dmitriev")
    assert visible_entries(page) == ["florida-dmitriev"]
    assert page.url.endswith("timeline/?person=kirill-dmitriev")
    assert page.locator("#month_2026_02").is_hidden(), "a month with no entry left is hidden"
    assert "1 of 10" in page.locator(".explainer-filter-status").inner_text()
    page.reload()
    assert page.locator("select[name=person]").input_value() == "kirill-dmitriev"
    assert visible_entries(page) == ["florida-dmitriev"]


def test_filters_combine_and_back_forward_restore_them(open_page: OpenPage) -> None:
    page, _ = open_page("timeline/")
    page.select_option("select[name=person]", "steve-witkoff")
    witkoff = ["moscow-putin", "uae-trilateral", "cabinet-meeting", "florida-dmitriev"]
    assert visible_entries(page) == witkoff
    page.select_option("select[name=kind]", "event")
    assert visible_entries(page) == ["cabinet-meeting"]
    assert "person=steve-witkoff" in page.url
    assert "kind=event" in page.url
    page.go_back()
    assert visible_entries(page) == witkoff
    assert page.locator("select[name=kind]").input_value() == ""
    page.go_back()
    assert visible_entries(page) == EVERY_ENTRY
    page.go_forward()
    assert visible_entries(page) == witkoff
    page.click("[data-explainer-reset]")
    assert visible_entries(page) == EVERY_ENTRY
    assert "?" not in page.url


def test_filter_by_country(open_page: OpenPage) -> None:
    page, _ = open_page("timeline/?country=UA")
    assert visible_entries(page) == [
        "uae-trilateral",
        "white-house-putin-zelenskyy",
        "abu-dhabi-round",
    ]
    assert page.locator("select[name=country]").input_value() == "UA"


def test_unknown_filter_value_is_ignored(open_page: OpenPage) -> None:
    page, _ = open_page("timeline/?person=%3Cscript%3E&kind=meeting")
    assert page.locator("select[name=person]").input_value() == ""
    assert visible_entries(page) == [
        "moscow-putin",
        "uae-trilateral",
        "florida-dmitriev",
        "abu-dhabi-round",
    ]


def test_permalink_opens_at_its_entry(open_page: OpenPage) -> None:
    page, _ = open_page("timeline/#cabinet-meeting")
    assert page.evaluate("document.querySelector(':target').id") == "cabinet-meeting"
    box = page.locator("#cabinet-meeting").bounding_box()
    assert box is not None
    assert 0 <= box["y"] < 800 / 2, "the entry is at the top of the window"
    page.click("#florida-dmitriev .explainer-permalink")
    assert page.url.endswith("meetings/florida-dmitriev/"), "a permalink is the record's page"


def test_home_links_lead_to_records(open_page: OpenPage, server: Server) -> None:
    page, _ = open_page()
    cards = page.locator(".explainer-card")
    assert cards.count() == 6
    cards.first.click()
    assert page.url == server.url("people/steve-witkoff/")
    page.go_back()
    page.locator(".explainer-latest a", has_text="Witkoff and Dmitriev meet in Florida").click()
    assert page.url == server.url("meetings/florida-dmitriev/")
    page.locator(".explainer-pager__prev").click()
    assert page.url == server.url("events/peskov-confirms-pause/")


def test_the_watch_catches_what_it_should() -> None:
    """The checks every page gets can fail: a foreign request and a real failure are caught,
    a request cut short by navigation is not."""

    class FakeRequest:
        def __init__(self, url: str, failure: str) -> None:
            self.url, self.failure = url, failure

    watched = Watched("http://127.0.0.1:8000")
    watched.requests += ["http://127.0.0.1:8000/", "data:image/png;base64,x"]
    watched.check()
    watched.requests.append("https://fonts.googleapis.com/css")
    assert watched.foreign() == ["https://fonts.googleapis.com/css"]
    with pytest.raises(AssertionError, match="requests left the local server"):
        watched.check()
    watched.requests.pop()
    watched.failed(FakeRequest("http://127.0.0.1:8000/a.js", "net::ERR_ABORTED"))  # type: ignore[arg-type]
    watched.check()
    watched.failed(FakeRequest("http://127.0.0.1:8000/b.js", "net::ERR_FAILED"))  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="the page reported errors"):
        watched.check()

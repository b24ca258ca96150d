"""The site published under a sub-path (``/explainer/``), as a GitHub Pages project site is:
pages, styles, scripts, search and the timeline filters must all still work. Nothing is served
at the server's root, so any link or asset that assumes ``/`` shows up as an HTTP 404, which
``open_page`` reports as an error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import SUBPATH
from tests.browser.test_reader import search, visible_entries

if TYPE_CHECKING:
    from tests.browser.conftest import OpenPage, Server

pytestmark = pytest.mark.browser


def test_pages_and_assets_load_under_a_subpath(open_page: OpenPage, subpath_server: Server) -> None:
    page, watched = open_page(on=subpath_server)
    assert page.url.endswith(SUBPATH)
    assert page.locator(".explainer-home").evaluate("e => getComputedStyle(e).display") == "grid"
    assert any(url.endswith("/assets/explainer.css") for url in watched.requests)
    assert all(url.startswith(subpath_server.home) for url in watched.requests), watched.requests
    page.locator(".explainer-card").first.click()
    assert page.url == subpath_server.url("people/steve-witkoff/")
    assert page.locator("h1").inner_text() == "Steve Witkoff"


def test_search_under_a_subpath(open_page: OpenPage, subpath_server: Server) -> None:
    page, _ = open_page("timeline/", on=subpath_server)
    assert SUBPATH + "people/kirill-dmitriev/" in search(page, "Дмитриев")


def test_filters_under_a_subpath(open_page: OpenPage, subpath_server: Server) -> None:
    page, _ = open_page("timeline/", on=subpath_server)
    page.select_option("select[name=person]", "kirill-dmitriev")
    assert visible_entries(page) == ["florida-dmitriev"]
    assert page.url == subpath_server.url("timeline/?person=kirill-dmitriev")
    page.reload()
    assert visible_entries(page) == ["florida-dmitriev"]
    page.go_back()
    assert page.url == subpath_server.url("timeline/")

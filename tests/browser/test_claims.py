"""Claims in Chromium: the positions sit side by side on a desktop and stack on a phone, the
timeline's kind filter knows claims, and a screenshot of the real story's claim page goes to
``tests/artifacts/`` for a person to look at."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.test_pages import settle
from tests.browser.test_reader import search, visible_entries

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser
CLAIM = "claims/kyiv-pause-length/"


def boxes(page: Page) -> list[dict[str, float]]:
    found = page.locator(".explainer-position").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {x: r.left, y: r.top, right: r.right, bottom: r.bottom}; })"
    )
    assert len(found) == 3, "the claim has three positions"
    return [dict(box) for box in found]


def test_positions_stack_on_a_phone(open_page: OpenPage) -> None:
    page, _ = open_page(CLAIM, width=390)
    first, second, third = boxes(page)
    assert second["y"] >= first["bottom"], "the second position is below the first"
    assert third["y"] >= second["bottom"]
    assert first["x"] == second["x"] == third["x"], "one column"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the claim page is wider than a phone"


def test_positions_sit_side_by_side_on_a_desktop(open_page: OpenPage) -> None:
    page, _ = open_page(CLAIM, width=1280)
    first, second, _ = boxes(page)
    assert first["y"] == second["y"], "the first two positions start on one row"
    assert second["x"] >= first["right"], "the second is to the right of the first"


def test_kind_filter_shows_claims(open_page: OpenPage) -> None:
    page, _ = open_page("timeline/?kind=claim")
    assert visible_entries(page) == [
        "claim_putin-agreed-to-meet-zelenskyy",
        "claim_kyiv-pause-length",
        "claim_us-at-abu-dhabi-round",
    ]
    assert "3 of 10" in page.locator(".explainer-filter-status").inner_text()
    page.select_option("select[name=person]", "dmitry-peskov")
    assert visible_entries(page) == ["claim_kyiv-pause-length"]


@pytest.mark.parametrize(
    ("query", "claim"),
    [
        ("only a two-day pause", "/claims/kyiv-pause-length/"),
        ("Did Putin agree to meet Zelenskyy", "/claims/putin-agreed-to-meet-zelenskyy/"),
    ],
)
def test_search_finds_claims(open_page: OpenPage, query: str, claim: str) -> None:
    page, _ = open_page()
    found = [href.split("#")[0] for href in search(page, query)]
    assert claim in found, found


def test_footer_leads_to_corrections(open_page: OpenPage) -> None:
    page, _ = open_page(CLAIM)
    page.locator("nav.explainer-footer a", has_text="Corrections").click()
    assert page.url.endswith("/corrections/")
    assert page.locator("h1").inner_text() == "Corrections"


@pytest.mark.parametrize("width", [390, 1280])
def test_claim_page_screenshot(open_page: OpenPage, artifacts: Path, width: int) -> None:
    page, _ = open_page(CLAIM, width=width)
    settle(page)
    page.screenshot(path=str(artifacts / f"claim-{width}-light.png"), full_page=True)

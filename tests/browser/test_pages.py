"""How the pages look and read: axe-core finds no serious or critical accessibility problem in
either colour scheme, and screenshots at phone and desktop width go to ``tests/artifacts/``
for a person to look at."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pytest

from tests.browser.conftest import AXE

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "timeline": "timeline/",
    "profile": "people/steve-witkoff/",
    "meeting": "meetings/florida-dmitriev/",
    "scheduled-meeting": "meetings/abu-dhabi-round/",
    "quotes": "quotes/",
    "people": "people/",
    "meetings": "meetings/",
    "sources": "sources/",
    "claim": "claims/kyiv-pause-length/",
    "claims": "claims/",
    "corrections": "corrections/",
    "event": "events/peskov-confirms-pause/",
    "quote": "quotes/witkoff-encouraged/",
    "source": "sources/article/",
    "embed": "embed/timeline/",
    "data": "data/",
}


def axe_violations(page: Page) -> list[str]:
    """Serious and critical violations that axe-core reports on the page as it is, one line
    each: rule, impact, and the first offending elements."""
    # evaluated, not added as a <script>: the site's Content-Security-Policy refuses inline
    # scripts it does not know, and axe is the test's, not the site's
    page.evaluate(AXE.read_text(encoding="utf-8"))
    # every rule still runs and every violation comes back whole; the passes and incomplete
    # results nobody reads keep one node each, a third of axe's time (axe-core's resultTypes)
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + " | ".join(str(n["html"])[:120] for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_problems(
    open_page: OpenPage, name: str, scheme: Literal["light", "dark"]
) -> None:
    page, _ = open_page(PAGES[name], scheme=scheme)
    if name == "embed":  # no Material: its own colours follow prefers-color-scheme
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(30, 33, 41)" if scheme == "dark" else "rgb(255, 255, 255)")
    else:
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    for details in page.locator("details.explainer-chart-table").all():
        details.evaluate("d => { d.open = true; }")  # check the tables behind the charts too
    assert axe_violations(page) == []


def test_axe_can_fail(open_page: OpenPage) -> None:
    """The check above is live: a page with an unlabelled image and poor contrast fails it."""
    page, _ = open_page("about/")
    page.evaluate(
        """() => {
            const p = document.querySelector("article p");
            p.style.color = "#eee"; p.style.background = "#fff";
            const img = document.createElement("img");
            img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            p.append(img);
        }"""
    )
    found = {line.split(" ", 1)[0] for line in axe_violations(page)}
    assert found >= {"color-contrast", "image-alt"}


def settle(page: Page) -> None:
    """Wait for fonts and layout so screenshots are of the finished page."""
    page.evaluate("async () => { await document.fonts.ready; }")
    page.wait_for_timeout(100)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["home", "timeline", "profile", "meeting", "people"])
def test_screenshots(open_page: OpenPage, artifacts: Path, name: str, width: int) -> None:
    """Full-page screenshots in both schemes; also checks nothing overflows the width."""
    for scheme in ("light", "dark"):
        page, _ = open_page(PAGES[name], width=width, scheme=scheme)
        settle(page)
        page.screenshot(path=str(artifacts / f"{name}-{width}-{scheme}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is wider than a {width} px window"


def test_home_is_above_the_fold_on_a_desktop(open_page: OpenPage) -> None:
    page, _ = open_page(width=1280, height=800)
    for part in (".explainer-standfirst", ".explainer-latest", ".explainer-next", ".explainer-key"):
        box = page.locator(part).bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 800, f"{part} is below the fold"


def test_charts_fit_a_phone(open_page: OpenPage) -> None:
    """At 390 px the chart labels stay at a readable size (at least 11 px on screen)."""
    for path in ("", "people/"):
        page, _ = open_page(path, width=390)
        sizes = page.locator(".explainer-chart text").evaluate_all(
            "els => els.map(t => t.getBoundingClientRect().height)"
        )
        assert sizes, f"no chart on {path or 'home'}"
        assert min(sizes) >= 11, sizes

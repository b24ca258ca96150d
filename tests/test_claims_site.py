"""End to end: claims and corrections in the built HTML of the real story and of the harbour
story, with MkDocs and Zensical; the footer links on every page."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import Tag

from tests.conftest import ROOT
from tests.htmlcheck import pagefind_docs
from tests.test_site import article, pages, soup

pytestmark = pytest.mark.site
CHROMELESS = "embed/"
"""The embeddable timeline: made to sit inside another site's page, so without the theme and
its footer. (404.html is skipped too: served from any address, its links are absolute.)"""
CLAIMS = sorted(p.stem for p in (ROOT / "content/claims").glob("*.yml"))


def resolve(site: Path, page: str, href: str) -> Path:
    """The file a relative link on ``page`` leads to."""
    target = posixpath.normpath(
        posixpath.join(posixpath.dirname(page), href.split("#", maxsplit=1)[0])
    )
    return site / target / "index.html" if not target.endswith(".html") else site / target


def test_the_real_story_has_its_three_claims(built_site):
    assert CLAIMS == [
        "kyiv-pause-length",
        "putin-agreed-to-meet-zelenskyy",
        "us-at-abu-dhabi-round",
    ]
    index = article(built_site, "claims")
    links = [str(a["href"]) for a in index.select(".explainer-claim-list a")]
    assert sorted(links) == sorted(f"{c}/" for c in CLAIMS)
    statuses = {
        str(li.a["href"]).strip("/"): li.select_one(".explainer-badge").get_text()  # type: ignore[union-attr]
        for li in index.select(".explainer-claim-list li")
        if li.a
    }
    assert statuses == {
        "kyiv-pause-length": "disputed",
        "putin-agreed-to-meet-zelenskyy": "unconfirmed",
        "us-at-abu-dhabi-round": "unconfirmed",
    }


def test_claim_page_positions_badge_notice_quotes_and_sources(built_site):
    page = article(built_site, "claims/kyiv-pause-length")
    notice = page.select_one(".explainer-notice--disputed")
    assert notice is not None
    assert notice.get_text().startswith("Disputed:")
    badge = page.select_one(".explainer-facts .explainer-badge--disputed")
    assert badge is not None
    assert badge.get_text() == "disputed"
    positions = page.select(".explainer-positions > .explainer-position")
    assert [p.h3.get_text(strip=True) for p in positions if p.h3] == [
        "Donald Trump",
        "Dmitry Peskov",
        "The Associated Press",
    ]
    quotes = [p.select_one("figure.explainer-quote blockquote") for p in positions]
    assert "for a week" in quotes[0].get_text()  # type: ignore[union-attr]
    assert "favorable conditions" in quotes[1].get_text()  # type: ignore[union-attr]
    assert quotes[2] is None
    for position in positions:
        source = position.select_one(".explainer-sources a")
        assert isinstance(source, Tag)
        target = resolve(built_site, "claims/kyiv-pause-length/index.html", str(source["href"]))
        assert target == built_site / "sources/article/index.html"
    assert "two-day pause" in page.get_text()


def test_positions_are_a_grid_in_the_sites_stylesheet(built_site):
    css = (built_site / "assets/explainer.css").read_text("utf-8")
    assert ".explainer-positions { display: grid;" in css
    assert "grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr))" in css


def test_unconfirmed_claims_say_so(built_site):
    for claim in ("putin-agreed-to-meet-zelenskyy", "us-at-abu-dhabi-round"):
        page = article(built_site, f"claims/{claim}")
        notice = page.select_one(".explainer-notice--unconfirmed")
        assert notice is not None
        assert notice.get_text().startswith("Unconfirmed:")
        assert len(page.select(".explainer-position")) == 1


def test_claims_are_listed_where_they_belong(built_site):
    for url in ("people/donald-trump", "people/dmitry-peskov", "topics/energy-strikes"):
        links = [str(a["href"]) for a in article(built_site, url).select(".explainer-claim-list a")]
        assert links == ["../../claims/kyiv-pause-length/"], url
    meeting = article(built_site, "meetings/abu-dhabi-round").select(".explainer-claim-list a")
    assert [str(a["href"]) for a in meeting] == ["../../claims/us-at-abu-dhabi-round/"]
    timeline = article(built_site, "timeline")
    for event, claim in (
        ("peskov-confirms-pause", "kyiv-pause-length"),
        ("white-house-putin-zelenskyy", "putin-agreed-to-meet-zelenskyy"),
        ("abu-dhabi-round", "us-at-abu-dhabi-round"),
    ):
        listed = timeline.select(f"article#{event} .explainer-claims a")
        assert [str(a["href"]) for a in listed] == [f"../claims/{claim}/"], event


def test_claims_stand_on_the_timeline_at_their_date(built_site):
    timeline = article(built_site, "timeline")
    claims = {
        str(a["id"]): a.find("time")["datetime"]  # type: ignore[index]
        for a in timeline.select("article.explainer-entry--claim")
    }
    assert claims == {
        "claim_putin-agreed-to-meet-zelenskyy": "2026-01-27",
        "claim_kyiv-pause-length": "2026-01-29",
        "claim_us-at-abu-dhabi-round": "2026-02-01",
    }
    order = [str(a["id"]) for a in timeline.select("article.explainer-entry")]
    assert (
        order.index("white-house-putin-zelenskyy")
        < order.index("claim_putin-agreed-to-meet-zelenskyy")
        < order.index("cabinet-meeting")
        < order.index("claim_kyiv-pause-length")
        < order.index("peskov-confirms-pause")
        < order.index("abu-dhabi-round")
        < order.index("claim_us-at-abu-dhabi-round")
    )
    entry = timeline.select_one("article#claim_kyiv-pause-length")
    assert entry is not None
    assert entry["data-kind"] == "claim"
    assert str(entry["data-people"]).split() == ["donald-trump", "dmitry-peskov"]


def test_claims_are_searchable(built_site):
    docs = pagefind_docs(built_site)
    found = {d["url"] for d in docs if "two-day pause" in d["content"]}
    assert "/claims/kyiv-pause-length/" in found
    titles = {d["url"]: d["meta"]["title"] for d in docs}
    assert titles["/claims/putin-agreed-to-meet-zelenskyy/"] == "Did Putin agree to meet Zelenskyy?"


def footer_links(site: Path, page: str) -> dict[str, Path]:
    nav = soup(site, page).select_one("nav.explainer-footer")
    assert nav is not None, f"{page}: no footer links"
    return {a.get_text(strip=True): resolve(site, page, str(a["href"])) for a in nav.select("a")}


def test_every_page_links_corrections_and_the_guide_in_its_footer(built_site):
    checked = 0
    for rel in pages(built_site):
        if rel == "404.html" or rel.startswith(CHROMELESS):
            continue
        links = footer_links(built_site, rel)
        assert links == {
            "Corrections": built_site / "corrections/index.html",
            "How to edit": built_site / "editing/index.html",
        }, rel
        assert all(path.is_file() for path in links.values()), rel
        checked += 1
    assert checked > 40


def test_the_guide_leaves_the_sidebar_but_stays_in_the_site(built_site):
    nav = soup(built_site, "timeline").select_one("nav.md-nav--primary")
    assert nav is not None
    hrefs = [str(a["href"]) for a in nav.find_all("a", href=True)]
    assert not [h for h in hrefs if "editing" in h or "reference" in h]
    assert any("claims" in h for h in hrefs)
    for url in ("editing", "editing/errors", "reference", "reference/claims", "corrections"):
        assert (built_site / url / "index.html").is_file(), url
    claims_reference = article(built_site, "reference/claims")
    assert claims_reference.select_one('tr[id="field-positions.party"]') is not None


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def harbour(request: pytest.FixtureRequest, built_story: Callable[[str, str], Path]) -> Path:
    return built_story("harbour", request.param)  # shared with test_site.py


def test_corrections_on_top_of_the_page_and_the_timeline_entry(harbour):
    page = article(harbour, "meetings/council-vote")
    first = page.find(["aside", "dl", "p", "div"])
    assert isinstance(first, Tag)
    assert "explainer-corrections" in (first.get("class") or [])
    assert first.get_text(" ", strip=True).startswith("Corrected on 7 March 2025 :")
    entry = article(harbour, "timeline").select_one("article#council-vote")
    assert entry is not None
    aside = entry.select_one("aside.explainer-corrections")
    meta = entry.select_one("p.explainer-meta")
    assert aside is not None
    assert meta is not None
    assert entry.contents.index(aside) < entry.contents.index(meta)
    assert "7 to 4" in aside.get_text()


def test_corrections_page_lists_newest_first_linked_to_the_record(harbour):
    page = article(harbour, "corrections")
    items = page.select("ol.explainer-corrections-list > li")
    assert [li.time["datetime"] for li in items if li.time] == ["2025-03-10", "2025-03-07"]
    targets = [
        resolve(harbour, "corrections/index.html", str(li.a["href"])) for li in items if li.a
    ]
    assert targets == [
        harbour / "people/tom-berg/index.html",
        harbour / "meetings/council-vote/index.html",
    ]


def test_harbour_footer_links_corrections_and_no_guide(harbour):
    for rel in pages(harbour):
        if rel == "404.html" or rel.startswith(CHROMELESS):
            continue
        assert footer_links(harbour, rel) == {"Corrections": harbour / "corrections/index.html"}
    claim = article(harbour, "claims/bridge-opening")
    assert len(claim.select(".explainer-position")) == 3

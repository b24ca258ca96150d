"""End to end: every built page's ``<head>`` carries share meta, feed links and JSON-LD that
parses, whose every ``@id`` is defined on the page it names; hostile record text stays inside
its ``<script>`` block in MkDocs and Zensical builds."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from generator import cards
from generator.siteconfig import read
from tests.conftest import ROOT, STORIES, copy_project, run_explainer, write_files

pytestmark = pytest.mark.site
FEEDS = {
    ("application/atom+xml", "feed.xml"),
    ("application/atom+xml", "changes.xml"),
    ("text/calendar", "calendar.ics"),
}
"""The head links to the feeds and the calendar (written by their own outputs)."""


def _pages(site: Path) -> list[str]:
    """Every page of the site: not the 404 page (no address of its own) nor the embeddable
    timeline (a frame for other sites' articles, outside the theme: generator/embed.py)."""
    return sorted(
        rel
        for rel in (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        if rel != "404.html" and not rel.startswith("embed/")
    )


def _soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def _meta(page: BeautifulSoup, key: str) -> str:
    tags = page.find_all("meta", attrs={"property": key}) or page.find_all(
        "meta", attrs={"name": key}
    )
    assert len(tags) == 1, f"{len(tags)} × {key}"
    return str(tags[0]["content"])


def _graph(page: BeautifulSoup) -> dict[str, Any]:
    blocks = page.find_all("script", attrs={"type": "application/ld+json"})
    assert len(blocks) == 1
    assert isinstance(blocks[0], Tag)
    data = json.loads(blocks[0].string or "")
    assert isinstance(data, dict)
    return data


def _nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data.get("@graph", [data]))


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["@id"]} if set(value) == {"@id"} else set()
        return found.union(*(_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value))
    return set()


def test_every_page_has_share_meta_and_feed_links_with_absolute_urls(built_site):
    base = read(ROOT / "mkdocs.yml").url
    home_image = _meta(_soup(built_site, "index.html"), "og:image")
    assert home_image == f"{base}cards/index.png"
    for rel in _pages(built_site):
        page = _soup(built_site, rel)
        canonical = page.find("link", rel="canonical")
        assert isinstance(canonical, Tag), rel
        assert _meta(page, "og:url") == canonical["href"], rel
        assert _meta(page, "og:image").startswith(f"{base}cards/"), rel
        assert _meta(page, "og:image").endswith(".png"), rel
        assert _meta(page, "og:title"), rel
        assert _meta(page, "og:description") == _meta(page, "description"), rel
        assert _meta(page, "og:type") in {"website", "article", "profile"}, rel
        assert _meta(page, "og:site_name") == read(ROOT / "mkdocs.yml").name
        size = (_meta(page, "og:image:width"), _meta(page, "og:image:height"))
        assert size == (str(cards.WIDTH), str(cards.HEIGHT)), rel
        assert _meta(page, "twitter:card") == "summary_large_image"
        links = {
            (str(link["type"]), str(link["href"]))
            for link in page.find_all("link", rel="alternate")
        }
        assert links == {(kind, base + name) for kind, name in FEEDS}, rel
        exact = [link for link in page.find_all("link") if link.get("rel") == ["alternate"]]
        assert exact == [], f"{rel}: Material would fetch sitemap.xml beside a rel=alternate"
    profile = _soup(built_site, "people/steve-witkoff/index.html")
    assert _meta(profile, "og:image") == f"{base}cards/people/steve-witkoff.png"
    assert _meta(profile, "og:type") == "profile"
    assert _meta(_soup(built_site, "about/index.html"), "og:image") == home_image


def _ids_are_described_where_they_point(
    site: Path, base: str, skip: tuple[str, ...] = ()
) -> dict[str, dict[str, Any]]:
    """Every page's JSON-LD parses, and every ``@id`` it refers to is described (more than a
    stub) on the page its URL names; returns the graphs by page."""
    graphs = {rel: _graph(_soup(site, rel)) for rel in _pages(site) if rel not in skip}
    for ident in set().union(*(_refs(data) for data in graphs.values())):
        assert ident.startswith(base), ident
        page = urlsplit(ident).path.removeprefix(urlsplit(base).path) + "index.html"
        here = [n for n in _nodes(graphs[page]) if n["@id"] == ident and len(n) > 3]
        assert here, f"{ident} is not described on {page}"
    return graphs


def test_every_page_json_ld_parses_and_every_id_is_defined_where_it_points(built_site):
    base = read(ROOT / "mkdocs.yml").url
    graphs = _ids_are_described_where_they_point(built_site, base)
    referenced = set().union(*(_refs(data) for data in graphs.values()))
    records = len(list((ROOT / "content").glob("*/*.yml")))
    assert len(referenced) == records + 1, "every record and the site are referred to"
    about = graphs["about/index.html"]
    assert about["@type"] == "WebPage"
    assert about["isPartOf"] == {"@id": f"{base}#website"}
    crumbs = about["breadcrumb"]["itemListElement"]
    assert [c["item"] for c in crumbs] == [base, f"{base}about/"]


def test_a_cyrillic_native_name_survives_in_the_json_ld(built_site):
    page = _soup(built_site, "people/kirill-dmitriev/index.html")
    block = page.find("script", attrs={"type": "application/ld+json"})
    assert isinstance(block, Tag)
    assert "Кирилл Дмитриев" in (block.string or "")
    person = [n for n in _nodes(_graph(page)) if n["@type"] == "Person"]
    assert person[0]["alternateName"] == ["Dmitriev", "Кирилл Дмитриев"]


HOSTILE = {
    "name": "</script><script>alert(1)</script> Evil",
    "role": "<!-- <script> --> & co",
    "affiliation": "]]> </SCRIPT > \\u003c/script> \U0001f600 Кирилл",
    "bio": '<script>alert(1)</script> "quoted" --8<-- "mkdocs.yml"',
}


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_hostile_text_stays_inside_the_json_ld_and_meta(tmp_path, engine):
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    fields = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in HOSTILE.items())
    write_files(
        project.root,
        {
            "content/people/evil.yml": fields + "country: GB\naliases: ['<!--']\n",
            "docs/notes.md": "---\njsonld: '</script><script>alert(2)</script>'\n---\n# Notes\n",
        },
    )
    with project.config.open("a", encoding="utf-8") as config:
        config.write("extra: {explainer: {index_limit: 2}}\n")  # split indexes too
    proc = run_explainer(project, "build", "--engine", engine)
    assert proc.returncode == 0, proc.stderr
    site = project.site
    # notes/ is hand-written with a hostile jsonld, which is not JSON at all (checked below)
    _ids_are_described_where_they_point(site, read(project.config).url, ("notes/index.html",))
    assert (site / "timeline/pages/2025-02/index.html").is_file()
    page = _soup(site, "people/evil/index.html")
    scripts = page.find_all("script")
    assert [
        s for s in scripts if "alert" in (s.string or "") and s["type"] != "application/ld+json"
    ] == []
    raw = (site / "people/evil/index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    person = next(n for n in _nodes(_graph(page)) if n["@type"] == "Person")
    assert person["name"] == HOSTILE["name"]
    assert person["jobTitle"] == HOSTILE["role"]
    assert person["affiliation"]["name"] == HOSTILE["affiliation"]
    assert person["alternateName"] == ["<!--"]
    assert _meta(page, "og:title") == HOSTILE["name"]
    assert _meta(page, "description").startswith(f"{HOSTILE['role']}, {HOSTILE['affiliation']} ·")
    for rel in ("people/index.html", "index.html", "timeline/index.html"):
        _graph(_soup(site, rel))
    notes = (site / "notes/index.html").read_text(encoding="utf-8")
    assert "alert(2)" in notes
    assert "</script><script>alert(2)" not in notes


def test_every_share_card_and_feed_a_head_points_at_is_published(built_site):
    """The head promises a card, two feeds and a calendar: each is a file of the site, and a
    card is a 1200×630 PNG."""
    base = read(ROOT / "mkdocs.yml").url
    targets: set[str] = set()
    for rel in _pages(built_site):
        page = _soup(built_site, rel)
        targets.add(_meta(page, "og:image"))
        targets |= {str(link["href"]) for link in page.find_all("link", rel="alternate")}
    missing = [t for t in sorted(targets) if not (built_site / t.removeprefix(base)).is_file()]
    assert missing == []
    for url in sorted(t for t in targets if t.endswith(".png")):
        head = (built_site / url.removeprefix(base)).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", head[16:24]) == (cards.WIDTH, cards.HEIGHT)

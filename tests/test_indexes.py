"""Index pages split into pages as a story grows; every record keeps one address."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import indexes, routes, siteconfig, views
from generator.build import check
from generator.errors import BuildError
from generator.outputs import Inputs, produce
from generator.project import Project
from generator.render import render
from tests.conftest import ROOT, STORIES, copy_project, run_explainer, set_explainer_setting

LIMIT_ONE = "\nextra:\n  explainer:\n    index_limit: 1\n"


@pytest.fixture(scope="module")
def real():
    return check(Project(ROOT)).story


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The harbour story built with at most one item on an index page, so every index
    splits (and one month holds two entries: a continued group)."""
    project = copy_project(STORIES / "harbour", tmp_path_factory.mktemp("split") / "harbour")
    set_explainer_setting(project, "index_limit", 1)
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    return project


def _index(folder: str) -> indexes.Index:
    return next(i for i in indexes.INDEXES if i.folder == folder)


def test_a_small_story_keeps_one_page_per_index(real):
    for index in indexes.INDEXES:
        assert len(indexes.listings(index, real)) == 1


def test_periods_in_date_order_and_letters_with_other_last(real):
    timeline = indexes.parts(_index("timeline"), list(real.timeline), 100)
    assert [p.key for p in timeline] == ["2026-01", "2026-02"]
    assert sum(len(p.items) for p in timeline) == len(real.timeline)
    people = indexes.parts(_index("people"), indexes.people_sorted(real.people.values()), 100)
    keys = [p.key for p in people]
    assert keys == sorted(keys)
    assert all(len(k) == 1 for k in keys)


def test_a_group_over_the_limit_continues_on_numbered_pages(real):
    pieces = indexes.parts(_index("timeline"), list(real.timeline), 2)
    assert [p.key for p in pieces][:2] == ["2026-01", "2026-01-2"]
    assert pieces[1].label.endswith("(2)")
    assert all(len(p.items) <= 2 for p in pieces)


def test_letters_fold_accents_and_put_other_scripts_last():
    assert indexes._letter_of("Émile") == ("e", "E")
    assert indexes._letter_of("Дмитриев") == ("other", "Other")
    assert indexes._letter_of("7 Days") == ("other", "Other")


@pytest.mark.parametrize("value", [0, -3, "ten", True])
def test_a_bad_index_limit_is_an_error(value):
    site = siteconfig.SiteConfig(extra={"explainer": {"index_limit": value}})
    with pytest.raises(BuildError, match=r"extra\.explainer\.index_limit must be a whole number"):
        site.count("index_limit", indexes.INDEX_LIMIT)


def test_the_limit_is_read_from_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x" + LIMIT_ONE)
    assert siteconfig.read(tmp_path / "mkdocs.yml").count("index_limit", 100) == 1
    assert siteconfig.SiteConfig().count("index_limit", 100) == 100


def test_unsplit_indexes_produce_no_forwarding_files(real):
    files = produce(Inputs(real, site=siteconfig.read(ROOT / "mkdocs.yml")))
    forwarding = (indexes.ANCHORS, indexes.ENTRIES)
    assert [p for p in files if p.split("/")[-1] in forwarding] == []


def _soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")


def test_every_record_is_linked_from_its_split_index(split_site):
    story = check(split_site).story
    site = split_site.site
    split = [i for i in indexes.INDEXES if len(i.items(story)) > 1]
    assert {i.folder for i in split} == {"timeline", "people", "meetings", "quotes"}
    for index in split:
        first = _soup(site, index.folder)
        parts = [a["href"] for a in first.select(".explainer-parts a")]
        assert parts, f"{index.folder}: no list of pages"
        linked: set[str] = set()
        for href in parts:
            page = _soup(site, f"{index.folder}/{href}")
            linked |= {str(a["href"]).rstrip("/").split("/")[-1] for a in page.select("a[href]")}
        ids = {item.id for item in index.items(story)}
        assert ids <= linked, f"{index.folder}: records not reachable: {ids - linked}"


def test_group_pages_chain_previous_and_next(split_site):
    site = split_site.site
    first = _soup(site, "timeline")
    keys = [str(a["href"]).strip("/").split("/")[-1] for a in first.select(".explainer-parts a")]
    assert keys == ["2025-02", "2025-02-2", "2025-03", "2025-03-2", "2026"]  # a claim in March
    for before, after in itertools.pairwise(keys):
        page = _soup(site, f"timeline/pages/{before}")
        nxt = page.select_one(".explainer-pager__next")
        assert nxt is not None
        assert str(nxt["href"]) == f"../{after}/"
        back = _soup(site, f"timeline/pages/{after}").select_one(".explainer-pager__prev")
        assert back is not None
        assert str(back["href"]) == f"../{before}/"


def test_old_anchors_map_to_each_records_own_page(split_site):
    story = check(split_site).story
    site = split_site.site
    (source,) = story.sources.values()  # one source: its index is one page
    assert _soup(site, "sources").select_one(f"section#{source.id}") is not None
    assert not (site / "sources" / indexes.ANCHORS).exists()
    timeline = views.timeline_items(story)
    for folder, records in (("timeline", timeline), ("quotes", list(story.quotes.values()))):
        forward = json.loads((site / folder / indexes.ANCHORS).read_text("utf-8"))
        assert set(forward) == {views.anchor_of(r) for r in records}
        assert "claim_bridge-opening" in forward or folder == "quotes"
        for record in records:
            anchor = views.anchor_of(record)
            target = (site / folder / forward[anchor]).resolve() / "index.html"
            assert target.is_file(), f"{folder}/#{anchor} → {forward[anchor]}"
            assert forward[anchor] == routes.html_link(f"{folder}/index.md", record)


def test_split_timeline_lists_every_entry_for_its_filters(split_site):
    story = check(split_site).story
    entries = json.loads((split_site.site / "timeline" / indexes.ENTRIES).read_text("utf-8"))
    assert [e["id"] for e in entries] == [views.anchor_of(e) for e in views.timeline_items(story)]
    claim = next(e for e in entries if e["id"] == "claim_bridge-opening")
    assert (claim["kind"], claim["status"], claim["people"]) == (
        "claim",
        "disputed",
        ["maria-papadopoulou"],
    )
    storm = next(e for e in entries if e["id"] == "storm")
    assert storm["kind"] == "event"
    assert storm["people"] == ["tom-berg"]
    assert (split_site.site / "timeline" / storm["url"] / "index.html").is_file()
    form = _soup(split_site.site, "timeline").select_one("form[data-explainer-filters]")
    assert form is not None
    assert form["data-explainer-entries"] == indexes.ENTRIES


def test_a_topic_page_shows_its_latest_quotes_and_says_where_the_rest_are(content):
    files: dict[str, str | bytes] = {
        "people/ada-lovelace.yml": "name: Ada Lovelace\nrole: Analyst\ncountry: GB\n",
        "sources/notes.yml": "title: Notes\npublisher: Memoirs\n",
        "topics/engines.yml": "title: Engines\n",
    }
    for n in range(25):
        files[f"quotes/q{n:02d}.yml"] = (
            f"speaker: ada-lovelace\ntext: Words {n}.\ndate: 2026-01-{n + 1:02d}\n"
            "source: notes\ntopics: [engines]\n"
        )
    story = check(content(files)).story
    page = render(story)["topics/engines.md"]
    shown = [f"Words {n}." for n in range(25) if f"Words {n}." in page]
    assert shown == [f"Words {n}." for n in range(5, 25)], "the latest twenty"
    assert "The latest 20 of 25 quotes on this topic" in page
    assert 'href="../../quotes/"' in page


def test_quote_pages_hold_fewer_items_than_the_limit(real):
    quotes = _index("quotes")
    assert indexes.page_size(quotes, 100) == indexes.QUOTES_PER_PAGE
    assert indexes.page_size(quotes, 3) == 3
    assert indexes.page_size(_index("timeline"), 100) == 100
    pages = indexes.listings(quotes, real, limit=100)
    assert len(pages) == 1, "ten quotes stay on one page"
    small = indexes.listings(quotes, real, limit=4)
    assert all(len(p.items) <= 4 for p in small[1:])

"""End to end: run ``explainer build`` on copies of real and test stories, then read the HTML
as a reader's browser would (parsed, never grepped)."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from generator.project import Project
from generator.verbatim import EXCERPT_WORDS
from tests.conftest import MINIMAL, ROOT, STORIES, copy_project, run_explainer, write_files
from tests.htmlcheck import pagefind_docs

pytestmark = pytest.mark.site
PEOPLE = sorted(p.stem for p in (ROOT / "content" / "people").glob("*.yml"))
MEETINGS = sorted(p.stem for p in (ROOT / "content" / "meetings").glob("*.yml"))
TOPICS = sorted(p.stem for p in (ROOT / "content" / "topics").glob("*.yml"))


def soup(site: Path, url: str) -> BeautifulSoup:
    path = site / url / "index.html" if not url.endswith(".html") else site / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(site: Path, url: str) -> Tag:
    found = soup(site, url).find("article")
    assert isinstance(found, Tag)
    return found


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_every_page_exists(built_site):
    expected = {
        "index.html",
        "about/index.html",
        "timeline/index.html",
        "quotes/index.html",
        "sources/index.html",
        "people/index.html",
        "meetings/index.html",
        "topics/index.html",
    }
    expected |= {f"people/{p}/index.html" for p in PEOPLE}
    expected |= {f"meetings/{m}/index.html" for m in MEETINGS}
    expected |= {f"topics/{t}/index.html" for t in TOPICS}
    expected |= {"claims/index.html", "corrections/index.html"}
    assert expected <= set(pages(built_site))


def _ids(site: Path, rel: str, cache: dict[str, set[str]]) -> set[str]:
    if rel not in cache:
        html = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
        cache[rel] = {str(t["id"]) for t in html.find_all(id=True)}
    return cache[rel]


def test_every_internal_link_and_anchor_resolves(built_site):
    cache: dict[str, set[str]] = {}
    checked = 0
    for rel in pages(built_site):
        html = BeautifulSoup((built_site / rel).read_text(encoding="utf-8"), "html.parser")
        for link in html.select("article a[href]"):
            href = str(link["href"])
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
                if parts.path
                else rel
            )
            if not target.endswith(".html") and not (built_site / target).is_file():
                target = posixpath.join(target, "index.html")  # a page's directory URL
            assert (built_site / target).is_file(), f"{rel}: broken link {href}"
            if parts.fragment:
                assert parts.fragment in _ids(built_site, target, cache), (
                    f"{rel}: no anchor for {href}"
                )
            checked += 1
    assert checked > 200


def test_timeline_entries_carry_record_ids_and_dates_at_their_precision(built_site):
    page = article(built_site, "timeline")
    entries = {
        str(a["id"]): a for a in page.select("article.explainer-entry:not(.explainer-entry--claim)")
    }
    assert set(entries) == set(MEETINGS) | {p.stem for p in (ROOT / "content/events").glob("*.yml")}
    times = {k: v.find("time") for k, v in entries.items()}
    assert {k: (t["datetime"], t.get_text()) for k, t in times.items() if isinstance(t, Tag)} == {
        "moscow-putin": ("2026-01", "about January 2026"),
        "uae-trilateral": ("2026-01", "about January 2026"),
        "white-house-putin-zelenskyy": ("2026-01-27", "about 27 January 2026"),
        "cabinet-meeting": ("2026-01-29", "about 29 January 2026"),
        "peskov-confirms-pause": ("2026-01-30", "about 30 January 2026"),
        "florida-dmitriev": ("2026-01-31", "about 31 January 2026"),
        "abu-dhabi-round": ("2026-02-01", "about 1 February 2026"),
    }
    order = [str(a["id"]) for a in page.select("article.explainer-entry")]
    assert (
        order.index("moscow-putin")
        < order.index("florida-dmitriev")
        < order.index("abu-dhabi-round")
    )


def test_quotes_and_sources_are_anchored_by_id(built_site):
    quote_ids = {str(f["id"]) for f in article(built_site, "quotes").select("figure[id]")}
    assert quote_ids == {p.stem for p in (ROOT / "content/quotes").glob("*.yml")}
    assert article(built_site, "sources").select_one("section#article") is not None


def test_profile_shows_role_native_name_meetings_quotes_met_with_and_sources(built_site):
    page = article(built_site, "people/steve-witkoff")
    text = page.get_text(" ")
    assert "U.S. Special Envoy" in text
    meetings = {str(a["href"]) for a in page.find_all("a") if "meetings/" in str(a["href"])}
    assert "../../meetings/florida-dmitriev/" in meetings
    assert "We are encouraged by this meeting" in text
    assert "Kirill Dmitriev" in text
    dmitriev = article(built_site, "people/kirill-dmitriev").get_text(" ")
    assert "Кирилл Дмитриев" in dmitriev


def test_meeting_page_shows_when_where_status_participants_quotes(built_site):
    page = article(built_site, "meetings/florida-dmitriev").get_text(" ")
    for expected in (
        "about 31 January 2026",
        "Florida, United States",
        "Scott Bessent",
        "productive and constructive meetings",
        "Untitled article",
    ):
        assert expected in page
    scheduled = article(built_site, "meetings/abu-dhabi-round")
    notice = scheduled.select_one(".explainer-notice")
    assert notice is not None
    assert notice.get_text().startswith("Scheduled:")


def test_record_pages_stay_out_of_the_sidebar(built_site):
    nav = soup(built_site, "timeline").select_one("nav.md-nav--primary")
    assert nav is not None
    hrefs = [str(a["href"]) for a in nav.find_all("a", href=True)]
    assert not [h for h in hrefs if "steve-witkoff" in h or "florida-dmitriev" in h]


def test_search_index_holds_names_aliases_native_names_and_quote_words(built_site):
    text = " ".join(d["meta"]["title"] + " " + d["content"] for d in pagefind_docs(built_site))
    for needle in (
        "Dmitriev",
        "Дмитриев",
        "Zelensky",
        "Володимир Зеленський",
        "durable and lasting peace",
    ):
        assert needle in text


def test_the_build_writes_no_index_of_materials_own(built_site):
    """Pagefind answers the search box; Material's own index (36 MB at 10,000 records, a
    fifth of MkDocs' time) is not built (:func:`generator.build_child.skip_theme_index`),
    while its search box still is."""
    assert not (built_site / "search" / "search_index.json").exists()
    form = soup(built_site, "timeline").select_one("form[name=search] input.md-search__input")
    assert form is not None


def test_no_font_or_script_is_loaded_from_a_third_party(built_site):
    for rel in pages(built_site):
        html = BeautifulSoup((built_site / rel).read_text(encoding="utf-8"), "html.parser")
        for tag in html.find_all(["script", "link", "img"]):
            rel_: list[str] = list(tag.get("rel") or [])
            if tag.name == "link" and ("canonical" in rel_ or "alternate" in rel_):
                continue  # names the page's public address or its feeds; loads nothing
            url = str(tag.get("src") or tag.get("href") or "")
            assert not urlsplit(url).netloc, f"{rel} loads {url}"


HOSTILE = {
    "name": "<img src=x onerror=alert(7)> Evil",
    "role": '[click](javascript:alert(1)) {: onclick="alert(1)" }',
    "affiliation": "{{ self.__init__.__globals__ }}",
    "bio": '<script>alert(1)</script> --8<-- "mkdocs.yml" {++x++}',
}


def test_hostile_record_text_stays_literal_in_the_built_page(tmp_path):
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    fields = "".join(f"{k}: {json.dumps(v)}\n" for k, v in HOSTILE.items())
    write_files(project.content, {"people/evil.yml": fields + "country: GB\n"})
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    page = soup(project.site, "people/evil")
    body = article(project.site, "people/evil")
    assert not body.find_all(["img", "script"])
    assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    text = body.get_text()
    for value in HOSTILE.values():
        assert value in text
    title = page.find("title")
    assert title is not None
    assert title.get_text().startswith(HOSTILE["name"])
    people = article(project.site, "people")
    assert HOSTILE["name"] in people.get_text()
    assert not people.find_all("img")


def test_rejected_build_leaves_docs_and_site_untouched(tmp_path):
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    assert run_explainer(project, "build").returncode == 0

    def snapshot() -> dict[str, bytes]:
        return {
            p.relative_to(project.root).as_posix(): p.read_bytes()
            for base in (project.docs, project.site)
            for p in base.rglob("*")
            if p.is_file()
        }

    before = snapshot()
    (project.content / "meetings" / "council-vote.yml").write_text(
        "title: x\ndate: 2025-02-30\nlocation: y\nparticipants: [nobody]\nsummary: z\n"
        "sources: [council-minutes]\n"
    )
    proc = run_explainer(project, "build")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "content/meetings/council-vote.yml:2:7: date: day is out of range for month (write "
        "YYYY, YYYY-MM or YYYY-MM-DD)",
        "content/meetings/council-vote.yml:4:16: participants[0]: unknown person 'nobody' (add "
        "content/people/nobody.yml)",
        "2 errors; nothing was written",
    ]
    assert snapshot() == before


def test_deleted_record_loses_its_page_and_every_link(tmp_path):
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    assert run_explainer(project, "build").returncode == 0
    assert (project.site / "meetings/site-visit/index.html").is_file()
    (project.content / "meetings" / "site-visit.yml").unlink()
    assert run_explainer(project, "build").returncode == 0
    assert not (project.docs / "meetings" / "site-visit.md").exists()
    assert not (project.site / "meetings" / "site-visit").exists()
    for rel in pages(project.site):
        assert "site-visit" not in (project.site / rel).read_text(encoding="utf-8"), rel


def test_a_second_story_builds_with_no_code_change(built_story):
    site = built_story("harbour", "mkdocs")  # the build itself must pass (built_story)
    assert soup(site, "").title is not None
    assert "The harbour bridge vote" in soup(site, "").get_text()
    berg = article(site, "people/tom-berg").get_text(" ")
    assert "Norway" in berg
    cancelled = article(site, "meetings/site-visit").select_one(".explainer-notice")
    assert cancelled is not None
    assert cancelled.get_text().startswith("Cancelled:")
    times = article(site, "meetings/opening").find("time")
    assert isinstance(times, Tag)
    assert times.get_text() == "2026"


@pytest.mark.parametrize("story", ["real", "harbour"])
def test_zensical_builds_the_generated_docs(built_story, story):
    site = built_story(story, "zensical")  # the build itself must pass (built_story)
    source = ROOT if story == "real" else STORIES / "harbour"
    people = sorted(p.stem for p in (source / "content" / "people").glob("*.yml"))
    for url in ["", "timeline", "quotes", "sources", "people", *[f"people/{p}" for p in people]]:
        assert (site / url / "index.html").is_file(), url
    page = soup(site, f"people/{people[0]}")
    assert page.find("h1") is not None


def test_minimal_story_builds(tmp_path):
    project = Project(tmp_path)
    write_files(tmp_path / "content", dict(MINIMAL))
    write_files(
        tmp_path,
        {
            "mkdocs.yml": "site_name: Minimal\ntheme: {name: material, font: false}\n"
            # feeds, the calendar and the data need the site's address and their ids' year
            "site_url: https://example.org/minimal/\nextra: {explainer: {id_year: 2026}}\n"
        },
    )
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    assert (project.site / "people" / "ada-lovelace" / "index.html").is_file()
    assert (project.site / "index.html").is_file(), "the home page is generated, docs/ or not"


def _source_words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _longest_run_of(source: str, page: str) -> int:
    """The most consecutive words of ``source`` that a reader finds together on ``page``."""
    words = _source_words(source)
    hay = " " + " ".join(_source_words(page)) + " "
    best = start = 0
    for end in range(1, len(words) + 1):
        while start < end and f" {' '.join(words[start:end])} " not in hay:
            start += 1
        best = max(best, end - start)
    return best


def test_quotes_show_their_context_and_no_page_publishes_the_article(built_site):
    figures = article(built_site, "quotes").select("figure.explainer-quote")
    assert figures
    for figure in figures:
        assert figure.select(".explainer-excerpt mark"), figure.get("id")
        check = figure.select_one(".explainer-check")
        assert check is not None
        assert re.match(r"In the source, paragraph \d+; checked word for word", check.get_text())
    article_text = (ROOT / "content/sources/article.txt").read_text(encoding="utf-8")
    longest = max(
        _longest_run_of(
            article_text, article(built_site, rel.removesuffix("index.html")).get_text(" ")
        )
        for rel in pages(built_site)
        if rel.endswith("index.html") and soup(built_site, rel).find("article")
    )
    assert 30 < longest <= EXCERPT_WORDS


def test_a_public_source_text_is_shown_marked_and_anchored(tmp_path):
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    minutes = project.content / "sources" / "council-minutes"
    with minutes.with_suffix(".yml").open("a", encoding="utf-8") as record:
        record.write("text_public: true\n")
    with minutes.with_suffix(".txt").open("a", encoding="utf-8") as text:
        text.write("\nA clerk noted <script>alert(1)</script> and <b>left</b>.\n")
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    sources = article(project.site, "sources/council-minutes")
    body = sources.select_one("#council-minutes .explainer-source-text")
    assert body is not None
    assert not body.find_all(["script", "b"])
    assert "A clerk noted <script>alert(1)</script> and <b>left</b>." in body.get_text()
    marked = [m.get_text() for m in body.find_all("mark")]
    assert "We have never closed the port for so long." in marked
    quote = article(project.site, "quotes").select_one("figure#berg-storm .explainer-check a")
    assert quote is not None
    assert quote["href"] == "../sources/council-minutes/#council-minutes_berg-storm"
    assert sources.select_one("#council-minutes_berg-storm") is not None

"""The Atom feeds: developments (``feed.xml``) and what changed (``changes.xml``), read back with
feedparser, a real feed reader's parser."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from generator import feeds, outputs, siteconfig
from generator.build import check
from generator.dates import PartialDate
from generator.diffs import FieldChange
from generator.errors import BuildError
from generator.history import Change, History
from generator.link import Story
from generator.project import Project
from generator.siteconfig import SiteConfig
from tests.conftest import MINIMAL, ROOT, STORIES, copy_project, run_explainer, write_files

STORY_ROOTS = {"real": ROOT, "harbour": STORIES / "harbour"}
SITE = SiteConfig(
    name="Test story", url="https://news.example.org/story/", extra={"explainer": {"id_year": 2024}}
)


@pytest.fixture(scope="module", params=sorted(STORY_ROOTS))
def story_and_site(request: pytest.FixtureRequest) -> tuple[Story, SiteConfig]:
    root = STORY_ROOTS[request.param]
    return check(Project(root)).story, siteconfig.read(root / "mkdocs.yml")


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def at(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp())


# -- developments ----------------------------------------------------------------------------


def test_one_entry_per_timeline_entry_with_unique_ids_and_absolute_links(story_and_site):
    story, site = story_and_site
    parsed = parse(feeds.developments(story, History(), site))
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(story.timeline) > 0
    assert len(set(ids)) == len(ids)
    host = site.url.split("/")[2]
    assert all(i.startswith(f"tag:{host},{site.extra['explainer']['id_year']}:") for i in ids)
    links = [e.link for e in parsed.entries] + [parsed.feed.link]
    assert all(link.startswith(site.url) for link in links)
    self_links = [x.href for x in parsed.feed.links if x.rel == "self"]
    assert self_links == [site.url + "feed.xml"]
    newest_first = [e.id.rsplit("/", 1)[1] for e in parsed.entries]
    assert newest_first == [e.id for e in reversed(story.timeline)]


def test_entries_link_to_their_own_page():
    story = check(Project(ROOT)).story
    parsed = parse(feeds.developments(story, History(), SITE))
    links = {e.id.split(":", 2)[2]: e.link for e in parsed.entries}
    assert links["meetings/florida-dmitriev"] == SITE.url + "meetings/florida-dmitriev/"
    assert links["events/cabinet-meeting"] == SITE.url + "events/cabinet-meeting/"


def test_the_id_survives_a_new_title_and_a_corrected_date():
    story = check(Project(ROOT)).story
    meeting = story.meetings["moscow-putin"]
    renamed = dataclasses.replace(
        meeting, title="A different headline", date=PartialDate(2026, 1, 20)
    )
    before = feeds.development(History(), SITE, meeting)
    after = feeds.development(History(), SITE, renamed)
    assert before.id == after.id == "tag:news.example.org,2024:meetings/moscow-putin"
    assert before.title != after.title


def test_published_is_the_start_of_the_date_and_updated_comes_from_git():
    story = check(Project(ROOT)).story
    month_only = story.meetings["moscow-putin"]
    assert month_only.date == PartialDate(2026, 1)
    history = History(
        [Change("abc", 1_770_000_000, "changed", "meetings", "moscow-putin", "Fix")],
        available=True,
    )
    parsed = parse(feeds.developments(story, history, SITE))
    entry = next(e for e in parsed.entries if e.id.endswith("meetings/moscow-putin"))
    assert entry.published == "2026-01-01T00:00:00Z"
    assert at(entry.updated) == 1_770_000_000
    assert "January 2026" in entry.summary  # the date as written, not the 1st
    unknown = next(e for e in parsed.entries if e.id.endswith("meetings/florida-dmitriev"))
    assert unknown.updated == unknown.published == "2026-01-31T00:00:00Z"
    assert at(parsed.feed.updated) == 1_770_000_000


def test_record_text_is_escaped_and_read_back_exactly(content):
    hostile = "<script>alert(1)</script> & ]]> \"q\" 'a' {: x}"
    project = content(
        {
            **MINIMAL,
            "events/e.yml": f"title: '{hostile.replace(chr(39), chr(39) * 2)}'\n"
            "date: 2026-01-02\nsummary: '*Hi* <b>there</b> [x](javascript:alert(1))'\n"
            "sources: [notes]\n",
        }
    )
    story = check(project).story
    data = feeds.developments(story, History(), SITE)
    assert b"<script>" not in data
    parsed = parse(data)
    (entry,) = parsed.entries
    assert entry.title == hostile
    assert "<script" not in entry.summary
    assert "<a" not in entry.summary  # the javascript: link stays words, never a link
    assert "<em>Hi</em>" in entry.summary
    assert "&lt;b&gt;there&lt;/b&gt;" in entry.summary


def test_an_empty_story_still_makes_a_valid_feed(content):
    story = check(content(MINIMAL)).story
    parsed = parse(feeds.developments(story, History(), SITE))
    assert parsed.entries == []
    assert parsed.feed.updated == "1970-01-01T00:00:00Z"


def test_ids_need_site_url_and_a_fixed_year():
    story = check(Project(ROOT)).story
    with pytest.raises(BuildError, match="no site_url"):
        feeds.developments(story, History(), SiteConfig(extra={"explainer": {"id_year": 2026}}))
    for year in (None, "2026", True, 0):
        site = dataclasses.replace(SITE, extra={"explainer": {"id_year": year}})
        with pytest.raises(BuildError, match="id_year must be a year"):
            feeds.developments(story, History(), site)


# -- what changed ----------------------------------------------------------------------------


def _history() -> History:
    moved = FieldChange("location", "Moscow, Russia", "Minsk, Belarus")
    return History(
        [
            Change("c3", 1_770_300_000, "removed", "people", "gone", "Fix <b>X</b>", label="Eve"),
            Change(
                "c3", 1_770_300_000, "changed", "meetings", "moscow-putin", "Fix <b>X</b>", (moved,)
            ),
            Change("c2", 1_770_200_000, "changed", "quotes", "witkoff-encouraged"),
            Change("c1", 1_770_100_000, "added", "meetings", "moscow-putin"),
            Change("c1", 1_770_100_000, "added", "meetings", "uae-trilateral"),
        ],
        available=True,
    )


def test_changes_feed_has_one_entry_per_commit_newest_first():
    story = check(Project(ROOT)).story
    parsed = parse(feeds.changes_feed(story, _history(), SITE))
    assert [e.id.rsplit("/", 1)[1] for e in parsed.entries] == ["c3", "c2", "c1"]
    witkoff = story.label_of(story.quotes["witkoff-encouraged"])
    titles = ["Fix <b>X</b>", f"Changed quote: {witkoff}", "2 records changed"]
    assert [e.title for e in parsed.entries] == titles  # the Change-note, else what changed
    first = parsed.entries[0]
    assert first.link == SITE.url + "changes/"
    related = [x.href for x in first.links if x.rel == "related"]
    assert related == [SITE.url + "meetings/moscow-putin/"]
    assert "Eve (no longer published)" in first.summary
    assert "location: Moscow, Russia → Minsk, Belarus" in first.summary
    assert at(first.updated) == 1_770_300_000
    assert all(x.href.startswith(SITE.url) for e in parsed.entries for x in e.links)
    assert len({e.id for e in parsed.entries}) == 3


def test_a_big_commit_lists_its_first_records_and_counts_the_rest():
    """A first commit adds every record: its entry lists CHANGE_LINES_LIMIT of them, in the
    commit's order, then counts the others and links to What changed."""
    story = check(Project(ROOT)).story
    count = feeds.CHANGE_LINES_LIMIT + 2
    big = [
        Change("c9", 1_770_400_000, "added", "people", f"p{n:03}", label=f"P{n}")
        for n in range(count)
    ]
    parsed = parse(feeds.changes_feed(story, History(big, available=True), SITE))
    (entry,) = parsed.entries
    assert entry.title == f"{count} records changed"
    items = BeautifulSoup(entry.summary, "html.parser").find_all("li")
    assert len(items) == feeds.CHANGE_LINES_LIMIT + 1
    assert items[0].get_text() == "Added person: P0 (no longer published)"
    assert items[-2].get_text().startswith(f"Added person: P{count - 3} ")
    assert items[-1].get_text() == "and 2 more records: see What changed"
    assert [a["href"] for a in items[-1].find_all("a")] == [SITE.url + "changes/"]
    one = parse(feeds.changes_feed(story, History(big[:-1], available=True), SITE))
    assert one.entries[0].summary.endswith(
        'and 1 more record: see <a href="' + SITE.url + 'changes/">What changed</a></li></ul>'
    )
    whole = parse(feeds.changes_feed(story, History(big[:-2], available=True), SITE))
    assert "more record" not in whole.entries[0].summary


def test_changes_feed_without_history_is_empty_and_valid():
    story = check(Project(ROOT)).story
    parsed = parse(feeds.changes_feed(story, History(), SITE))
    assert parsed.entries == []


def test_corrections_join_the_changes_feed(content):
    project = content(
        {
            **MINIMAL,
            "people/eve.yml": "name: Eve\nrole: R\ncountry: US\ncorrections:\n"
            "  - {date: 2026-02-02, text: 'Her role was *wrong* <b>.'}\n"
            "  - {date: 2026-02-05, text: Fixed again.}\n",
        }
    )
    story = check(project).story
    parsed = parse(feeds.changes_feed(story, _history(), SITE))
    fixes = [e for e in parsed.entries if "/corrections/" in e.id]
    assert [e.id.split(":", 2)[2] for e in fixes] == [
        "people/eve/corrections/2",
        "people/eve/corrections/1",
    ]
    assert fixes[1].title == "Correction: Eve"
    assert fixes[1].published == "2026-02-02T00:00:00Z"
    assert fixes[1].link == SITE.url + "people/eve/"
    assert "<em>wrong</em>" in fixes[1].summary
    assert "<b>" not in fixes[1].summary
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)


# -- reproducible ----------------------------------------------------------------------------

FOLLOWED = ("feed.xml", "changes.xml", "calendar.ics")


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "E",
        "GIT_AUTHOR_EMAIL": "e@example.org",
        "GIT_COMMITTER_NAME": "E",
        "GIT_COMMITTER_EMAIL": "e@example.org",
        "GIT_AUTHOR_DATE": "2026-02-01T10:00:00Z",
        "GIT_COMMITTER_DATE": "2026-02-01T10:00:00Z",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _generated(project: Project, env: dict[str, str]) -> dict[str, bytes]:
    proc = run_explainer(project, "generate", env={**os.environ, **env})
    assert proc.returncode == 0, proc.stderr
    files = [project.docs / name for name in FOLLOWED]
    files += sorted((project.docs / "data").iterdir())
    return {p.relative_to(project.docs).as_posix(): p.read_bytes() for p in files}


def test_feeds_calendar_and_data_are_byte_identical_across_builds(tmp_path: Path):
    origin = copy_project(ROOT, tmp_path / "origin")
    _git(origin.root, "init", "-q", "-b", "main")
    _git(origin.root, "add", "-A")
    _git(origin.root, "commit", "-q", "-m", "The story")
    clone = tmp_path / "elsewhere" / "clone"
    _git(tmp_path, "clone", "-q", str(origin.root), str(clone))
    one = _generated(origin, {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"})
    two = _generated(
        Project(clone),
        {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "de_DE.UTF-8", "PYTHONHASHSEED": "7"},
    )
    assert one == two
    assert {"data/story.json", "data/datapackage.json", "data/people.csv"} <= one.keys()
    parsed = parse(one["feed.xml"])
    assert all(e.updated == "2026-02-01T10:00:00Z" for e in parsed.entries)  # from git


def test_outputs_are_registered_once_each():
    names = [output.name for output in outputs.OUTPUTS]
    assert {"feeds", "calendar", "data"} <= set(names)
    assert outputs.OWNED.entry_of("feed.xml") == "feed.xml"
    assert outputs.OWNED.entry_of("data/people.csv") == "data"


def test_the_home_page_links_the_feeds_the_calendar_and_the_data(tmp_path: Path):
    project = copy_project(STORIES / "harbour", tmp_path / "harbour")
    write_files(project.root, {"docs/.keep": ""})
    proc = run_explainer(project, "generate")
    assert proc.returncode == 0, proc.stderr
    home = (project.docs / "index.md").read_text("utf-8")
    for target in ("(feed.xml)", "(changes.xml)", "(calendar.ics)", "(data/index.md)"):
        assert target in home
    for name in FOLLOWED:
        assert (project.docs / name).is_file()


@pytest.mark.site
def test_the_built_site_serves_the_feeds_calendar_and_data(built_site: Path):
    """End to end: the files reach ``site/``, and the home page's links to them resolve."""
    home = BeautifulSoup((built_site / "index.html").read_text("utf-8"), "html.parser")
    hrefs = {str(a.get("href")) for a in home.find_all("a")}
    for target in ("feed.xml", "changes.xml", "calendar.ics", "data/"):
        assert target in hrefs
        assert (built_site / target).exists()
    parse((built_site / "feed.xml").read_bytes())
    page = (built_site / "data" / "index.html").read_text("utf-8")
    assert "Creative Commons Attribution 4.0 International" in page
    assert (built_site / "data" / "datapackage.json").is_file()

"""The registry: where each record lives (routes) and what a build produces (outputs)."""

from __future__ import annotations

import pytest

from generator import outputs, routes, siteconfig
from generator.build import check, generate
from generator.errors import BuildError
from generator.project import Project
from generator.schema import COLLECTIONS
from tests.conftest import ROOT, STORIES


@pytest.fixture(scope="module")
def story():
    return check(Project(ROOT)).story


def test_every_collection_has_one_route():
    assert set(routes.ROUTES) == set(COLLECTIONS)


def test_every_record_has_its_own_page(story):
    person = story.people["steve-witkoff"]
    assert routes.place(person) == routes.Place("people/steve-witkoff.md")
    event = next(iter(story.events.values()))
    assert routes.place(event) == routes.Place(f"events/{event.id}.md")
    source = next(iter(story.sources.values()))
    assert routes.html_link("people/steve-witkoff.md", source) == f"../../sources/{source.id}/"
    assert routes.md_link("people/steve-witkoff.md", source) == f"../sources/{source.id}.md"


def test_a_route_without_a_template_is_an_anchor_on_its_index(monkeypatch, story):
    monkeypatch.setitem(routes.ROUTES, "events", routes.Route("timeline"))
    event = next(iter(story.events.values()))
    assert routes.place(event) == routes.Place("timeline/index.md", event.id)
    assert routes.html_link("people/x.md", event) == f"../../timeline/#{event.id}"
    assert "events" not in routes.own_pages()


def test_absolute_urls_come_from_site_url():
    site = siteconfig.read(ROOT / "mkdocs.yml")
    assert site.url == "https://example.github.io/explainer/"
    assert site.absolute("people/x.md") == "https://example.github.io/explainer/people/x/"
    assert (
        site.absolute("timeline/index.md", "e") == "https://example.github.io/explainer/timeline/#e"
    )
    assert site.absolute("index.md") == "https://example.github.io/explainer/"
    assert site.absolute("feed.xml") == "https://example.github.io/explainer/feed.xml"
    harbour = siteconfig.read(STORIES / "harbour" / "mkdocs.yml")
    assert harbour.url == "https://example.org/harbour/"


def test_absolute_url_without_site_url_is_an_error(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    with pytest.raises(BuildError, match="no site_url"):
        siteconfig.read(tmp_path / "mkdocs.yml").absolute("index.md")


def test_mkdocs_only_tags_do_not_stop_the_reader(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: !ENV [NAME, 'Story']\nsite_url: https://x.org/a\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    )
    site = siteconfig.read(tmp_path / "mkdocs.yml")
    assert site.url == "https://x.org/a/"


def _output(name: str, owns: tuple[str, ...], files: dict[str, bytes]) -> outputs.Output:
    return outputs.Output(name, owns, lambda _inputs: files)


def test_a_path_produced_twice_is_an_error(story):
    twice = (
        _output("one", ("data/",), {"data/a.json": b"1"}),
        _output("two", ("data/",), {"data/a.json": b"2"}),
    )
    with pytest.raises(BuildError, match=r"'data/a\.json' is produced twice, by outputs 'one'"):
        outputs.produce(outputs.Inputs(story), twice)


def test_an_output_writes_only_inside_what_it_owns(story):
    stray = (_output("feed", ("feed.xml",), {"people/x.md": b""}),)
    with pytest.raises(BuildError, match="outside what it owns"):
        outputs.produce(outputs.Inputs(story), stray)


def test_the_real_outputs_produce_disjoint_owned_paths(story):
    files = outputs.produce(outputs.Inputs(story, site=siteconfig.read(ROOT / "mkdocs.yml")))
    assert "people/steve-witkoff.md" in files
    assert "reference/people.md" in files
    assert all(outputs.OWNED.entry_of(path) for path in files)


def test_record_pages_missing_from_not_in_nav_are_named(tmp_path):
    text = (ROOT / "mkdocs.yml").read_text("utf-8").replace("  /topics/*.md\n", "")
    (tmp_path / "mkdocs.yml").write_text(text, "utf-8")
    site = siteconfig.read(tmp_path / "mkdocs.yml")
    assert routes.unlisted_record_pages(site.not_in_nav) == ["/topics/*.md"]
    assert routes.unlisted_record_pages(siteconfig.read(ROOT / "mkdocs.yml").not_in_nav) == []


def test_generate_warns_about_record_pages_in_the_sidebar(content):
    project = content(
        {"people/ada-lovelace.yml": "name: Ada Lovelace\nrole: Analyst\ncountry: GB\n"}
    )
    text = (ROOT / "mkdocs.yml").read_text("utf-8").replace("  /people/*.md\n", "")
    project.config.write_text(text, "utf-8")
    checked, _ = generate(project)
    assert [str(p) for p in checked.warnings] == [
        "warning: mkdocs.yml:1:1: not_in_nav: record pages /people/*.md are not listed "
        "(add the line /people/*.md under not_in_nav)"
    ]


def test_git_ignores_everything_the_generator_owns_in_docs():
    ignored = set((ROOT / ".gitignore").read_text("utf-8").splitlines())
    owned = outputs.OWNED
    wanted = {f"/docs/{f}/" if f not in owned.files else f"/docs/{f}" for f in owned.tops}
    assert wanted <= ignored, sorted(wanted - ignored)

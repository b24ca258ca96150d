"""The preview's MkDocs builds (:mod:`generator.targeted`): after a regeneration that only
rewrote files, MkDocs makes those pages alone, and its site is then what a clean build of the
same ``docs/`` makes; anything else gets MkDocs' own build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from generator import preview, targeted
from generator.build import generate
from generator.project import Project
from tests.conftest import tree

pytestmark = pytest.mark.site

SERVE_URL = "http://127.0.0.1:8000/explainer/"
SERVED = "mkdocs_site"
"""Where the tests' preview builds: in the child's ``TMPDIR``, named as ``mkdocs serve`` names
its folder, so that :func:`generator.preview.served_site` finds it."""
STALE = {"search/search_index.json"}
"""Material's index, which the preview leaves stale (README, "Live preview")."""


def _config(project: Project, site: Path) -> MkDocsConfig:
    """The configuration ``mkdocs serve`` loads before each build."""
    config = load_config(config_file=str(project.config), site_dir=str(site), strict=False)
    config.site_url = SERVE_URL
    return config


def _build(builds: targeted.Builds, project: Project, site: Path) -> None:
    builds(_config(project, site), serve_url=SERVE_URL, dirty=True)


def _edit_role(project: Project, role: str) -> None:
    record = project.content / "people" / "steve-witkoff.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"^role: .*$", f"role: {role}", text, flags=re.M), "utf-8")


def _tell(project: Project, tmp: Path) -> list[str]:
    """Regenerate, and tell the next build what changed, as the preview does."""
    result = generate(project)[1]
    preview.tell(tmp, result.written, result.removed)
    return result.written


@pytest.fixture
def served(real_project: Project, tmp_path: Path) -> tuple[Project, targeted.Builds, Path]:
    """A story generated and built once, as the preview's MkDocs first builds it."""
    generate(real_project)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    builds = targeted.Builds(mkdocs_build, tmp)
    config = _config(real_project, tmp / SERVED)
    config.plugins.on_startup(command="serve", dirty=True)
    builds(config, serve_url=SERVE_URL, dirty=True)
    assert builds.built is not None
    assert builds.rebuilt == 0
    return real_project, builds, tmp


def assert_a_clean_builds(site: dict[str, bytes], project: Project, clean: Path) -> None:
    """``site`` holds what a clean MkDocs build of the same ``docs/`` makes, file for file, but
    for :data:`STALE`."""
    mkdocs_build(_config(project, clean), serve_url=SERVE_URL, dirty=False)
    expected = tree(clean)
    assert set(site) == set(expected)
    differ = sorted(rel for rel in site if site[rel] != expected[rel])
    assert set(differ) <= STALE, differ


def test_a_rebuild_of_the_rewritten_pages_gives_a_clean_builds_site(served, tmp_path):
    project, builds, tmp = served
    _edit_role(project, "Envoy of the bench 5531")
    written = _tell(project, tmp)
    assert "people/steve-witkoff.md" in written
    assert len(written) < 40  # a few pages and outputs, not the site
    _build(builds, project, tmp / SERVED)
    assert builds.rebuilt == 1  # the pages alone, not MkDocs' own build
    site = tree(tmp / SERVED)
    assert "Envoy of the bench 5531" in site["people/steve-witkoff/index.html"].decode()
    assert_a_clean_builds(site, project, tmp_path / "clean")


def _change(project: Project, change: str) -> None:
    quotes, people = project.content / "quotes", project.content / "people"
    if change == "addition":
        (people / "ada-bench.yml").write_text(
            "name: Ada Bench\nrole: Observer\ncountry: GB\nsources: [article]\n", "utf-8"
        )
    elif change == "deletion":
        (quotes / "witkoff-land-agreement.yml").unlink()
    else:
        (quotes / "witkoff-land-agreement.yml").rename(quotes / "witkoff-land-deal.yml")


@pytest.mark.parametrize("change", ["addition", "deletion", "rename"])
def test_after_an_addition_deletion_or_rename_the_preview_site_is_a_clean_builds(
    served, tmp_path, change
):
    """Such a change gets MkDocs' own build, over the site the preview already has (it runs
    ``--dirty``, which left pages of removed files behind: mkdocs #1871); what it serves must
    still be what a clean build of the same ``docs/`` makes, but for Material's index."""
    project, builds, tmp = served
    _change(project, change)
    result = generate(project)[1]
    preview.hand_over(tmp, result.written, result.removed)  # as the preview's regeneration does
    _build(builds, project, tmp / SERVED)
    site = tree(tmp / SERVED)
    assert_a_clean_builds(site, project, tmp_path / "clean")


def test_anything_but_files_rewritten_gets_mkdocs_own_build(served):
    project, builds, tmp = served
    site = tmp / SERVED

    def full_build_after(change: str) -> bool:
        before, rebuilt = builds.built, builds.rebuilt
        _build(builds, project, site)
        assert builds.rebuilt in (rebuilt, rebuilt + 1), change
        return builds.rebuilt == rebuilt and builds.built is not before

    assert full_build_after("no list: the theme or a page saved"), "no list"
    builds.event(str(project.root / "theme" / "main.html"))
    _edit_role(project, "One")
    _tell(project, tmp)
    assert full_build_after("a file event other than mkdocs.yml's")
    _edit_role(project, "Two")
    _tell(project, tmp)
    builds.event(str(project.config))  # the preview's own touch: still a rebuild
    assert not full_build_after("mkdocs.yml touched")
    preview.tell(tmp, ["people/nobody-yet.md"], [])
    assert full_build_after("a file MkDocs has not listed")
    preview.tell(tmp, [], ["people/steve-witkoff.md"])
    assert full_build_after("a file removed")
    project.config.write_text(project.config.read_text() + "\n# edited\n")
    preview.tell(tmp, ["people/steve-witkoff.md"], [])
    assert full_build_after("mkdocs.yml edited")
    preview.tell(tmp, ["people/steve-witkoff.md"], [])
    assert not full_build_after("only a page rewritten")


def test_a_plugin_beyond_search_means_mkdocs_own_build_every_time(served):
    project, builds, tmp = served
    assert builds.built is not None
    builds.built.config.plugins["another"] = builds.built.config.plugins["material/search"]
    preview.tell(tmp, ["people/steve-witkoff.md"], [])
    rebuilt = builds.rebuilt
    _build(builds, project, tmp / SERVED)
    assert builds.rebuilt == rebuilt


def test_told_changes_add_up_until_taken_and_a_damaged_list_is_none(tmp_path):
    assert preview.take(tmp_path) is None
    preview.tell(tmp_path, ["people/a.md"], [])
    preview.tell(tmp_path, ["people/b.md", "people/a.md"], ["people/c.md"])
    assert preview.take(tmp_path) == preview.Changes(
        frozenset({"people/a.md", "people/b.md"}), frozenset({"people/c.md"})
    )
    assert preview.take(tmp_path) is None  # taken: the next build has no list
    (tmp_path / preview.CHANGES).write_text("{not json")
    assert preview.take(tmp_path) is None
    assert not (tmp_path / preview.CHANGES).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []

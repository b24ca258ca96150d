"""Golden files: every page of the small harbour story, rendered. When output changes on
purpose, run ``make goldens`` and review the diff of ``tests/golden/`` like any other change."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import corrections, share
from generator.build import check
from generator.outputs import Inputs
from generator.project import Project
from generator.render import render
from generator.siteconfig import read
from tests.conftest import STORIES

GOLDEN = Path(__file__).parent / "golden"


def _pages() -> dict[str, str]:
    """With the head's front matter (share meta and JSON-LD) for the story's own site_url, and
    the Corrections page (its own output)."""
    project = Project(STORIES / "harbour")
    checked = check(project)
    inputs = Inputs(checked.story, standfirst=checked.standfirst, site=read(project.config))
    pages = render(checked.story, standfirst=checked.standfirst, head=share.head(inputs))
    listed = corrections.produce(inputs)
    return {**pages, **{src: data.decode("utf-8") for src, data in listed.items()}}


def test_golden_pages(request):
    pages = _pages()
    if request.config.getoption("--update-goldens"):
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for rel, text in pages.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    stored = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in GOLDEN.rglob("*.md")
    }
    assert sorted(stored) == sorted(pages), "pages added or removed: run make goldens"
    for rel, text in pages.items():
        assert text == stored[rel], f"{rel} differs from tests/golden/{rel}: run make goldens"


@pytest.mark.parametrize(
    "rel",
    [
        "index.md",
        "people/maria-papadopoulou.md",
        "meetings/council-vote.md",
        "timeline/index.md",
        "quotes/index.md",
        "sources/index.md",
        "topics/bridge.md",
        "claims/bridge-opening.md",
        "claims/index.md",
        "corrections/index.md",
    ],
)
def test_one_record_of_each_kind_has_a_golden_file(rel):
    assert (GOLDEN / rel).is_file()

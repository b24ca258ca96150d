"""The preview's site folder: MkDocs' dirty builds never delete, so the preview removes the
HTML of pages the writer removed (and of those it rewrote, to be rebuilt from scratch)."""

from __future__ import annotations

from pathlib import Path

from generator import preview
from tests.conftest import write_files


def test_a_page_is_published_at_its_directory_url_and_other_files_as_they_are():
    assert preview.published("people/ada.md") == "people/ada/index.html"
    assert preview.published("people/index.md") == "people/index.html"
    assert preview.published("index.md") == "index.html"
    assert preview.published("people/pages/2.md") == "people/pages/2/index.html"
    assert preview.published("cards/ada.png") == "cards/ada.png"


def test_forget_removes_published_files_and_the_folders_left_empty(tmp_path: Path):
    site = tmp_path / "mkdocs_x"
    write_files(
        site,
        {
            "people/ada/index.html": "Ada",
            "people/bob/index.html": "Bob",
            "people/index.html": "People",
            "cards/ada.png": b"png",
        },
    )
    gone = preview.forget(site, ["people/ada.md", "cards/ada.png", "people/never.md"])
    assert gone == ["people/ada/index.html", "cards/ada.png"]
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "people",
        "people/bob",
        "people/bob/index.html",
        "people/index.html",
    ]


def test_forget_before_mkdocs_made_its_folder_does_nothing():
    assert preview.forget(None, ["people/ada.md"]) == []
    preview.expire(None, ["people/ada.md"])


def test_expire_dates_published_files_back_so_a_dirty_build_remakes_them(tmp_path: Path):
    site = tmp_path / "mkdocs_x"
    write_files(site, {"people/ada/index.html": "Ada", "people/bob/index.html": "Bob"})
    preview.expire(site, ["people/ada.md", "people/never.md"])
    assert (site / "people/ada/index.html").stat().st_mtime_ns == 0
    assert (site / "people/ada/index.html").read_text() == "Ada"  # still served meanwhile
    assert (site / "people/bob/index.html").stat().st_mtime_ns > 0


def test_the_served_site_is_the_one_mkdocs_folder_in_the_childs_tmpdir(tmp_path: Path):
    tmp = preview.scratch(tmp_path / ".explainer")
    assert preview.served_site(tmp) is None
    (tmp / "mkdocs_abc").mkdir()
    assert preview.served_site(tmp) == tmp / "mkdocs_abc"
    (tmp / "mkdocs_def").mkdir()  # not ours to guess between
    assert preview.served_site(tmp) is None
    (tmp / "left-over").write_text("x")
    assert not any(preview.scratch(tmp_path / ".explainer").iterdir())  # made empty again

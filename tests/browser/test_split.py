"""A story whose indexes are split into pages, as a reader's browser sees it: old anchors
are sent on to each record's own page, and the timeline's filters search the whole story."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import OpenPage, Server, _serve
from tests.conftest import STORIES, copy_project, run_explainer, set_explainer_setting

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def split_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    project = copy_project(STORIES / "harbour", tmp_path_factory.mktemp("split") / "harbour")
    set_explainer_setting(project, "index_limit", 1)
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    yield from _serve(project.site)


@pytest.mark.parametrize(
    ("old", "record"),
    [("timeline/#storm", "events/storm/"), ("quotes/#berg-storm", "quotes/berg-storm/")],
)
def test_an_old_anchor_reaches_the_records_page(
    open_page: OpenPage, split_server: Server, old: str, record: str
) -> None:
    page, _ = open_page(old, on=split_server)
    page.wait_for_url(split_server.url(record))
    assert page.url == split_server.url(record)


def test_an_unknown_anchor_stays_on_the_index(open_page: OpenPage, split_server: Server) -> None:
    page, _ = open_page("timeline/#no-such-entry", on=split_server)
    page.wait_for_load_state("networkidle")
    assert page.url == split_server.url("timeline/#no-such-entry")


def test_filters_on_the_first_page_search_every_page(
    open_page: OpenPage, split_server: Server
) -> None:
    page, _ = open_page("timeline/?person=tom-berg", on=split_server)
    results = page.locator(".explainer-results li a")
    results.first.wait_for()
    assert results.all_inner_texts() == [
        "Site visit at the harbour",
        "Storm closes the harbour",
        "Council votes on the bridge",
    ]
    status = page.locator(".explainer-filter-status").inner_text()
    assert status.startswith("Showing 3 of 5 entries")  # four entries and a claim
    page.select_option("select[name=kind]", "event")
    page.wait_for_function("document.querySelectorAll('.explainer-results li').length === 1")
    results.first.click()
    assert page.url == split_server.url("events/storm/")

"""The embeddable timeline as a newsroom uses it: a host page on another origin embeds it with
the snippet from the timeline page; the frame renders, applies a filter from its URL, fits its
height through the optional host script, and opens links in the top window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Server, _serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[Server]:
    """An article on another origin that pastes the iframe and the host script."""
    folder = tmp_path_factory.mktemp("host")
    (folder / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>An article</title>"
        "<link rel='icon' href='data:,'>"
        "</head><body><h1>Our article</h1><p>Here is the timeline:</p>"
        f'<iframe src="{server.url("embed/timeline/?person=kirill-dmitriev")}" '
        'title="Timeline" loading="lazy" width="100%" height="200" style="border:0" '
        "data-explainer-embed></iframe>"
        f'<script src="{server.url("assets/embed-resize.js")}" async></script>'
        "</body></html>",
        encoding="utf-8",
    )
    yield from _serve(Path(folder))


def test_a_host_page_embeds_the_filtered_timeline(browser: Browser, host: Server, server: Server):
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(host.url(), wait_until="load")
    frame = page.frame_locator("iframe[data-explainer-embed]")
    visible = frame.locator(".explainer-entry:not([hidden])")
    visible.first.wait_for()
    ids = visible.evaluate_all("els => els.map(e => e.id)")
    assert ids == ["florida-dmitriev"], "the person filter from the iframe's URL applies"
    assert frame.locator("select[name=person]").input_value() == "kirill-dmitriev"
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 200")
    inner = frame.locator("html").evaluate("el => el.scrollHeight")
    height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    assert abs(height - inner) <= 2, "the host script fitted the frame to its content"
    frame.locator("#florida-dmitriev h3 a").click()
    page.wait_for_url(server.url("meetings/florida-dmitriev/"))
    assert page.url == server.url("meetings/florida-dmitriev/"), "the link opened at the top"
    assert errors == []
    context.close()


def test_a_host_script_loaded_after_the_frame_reported_still_fits_it(
    browser: Browser, host: Server
):
    """The host script is ``async``: the frame may have filtered and reported its height
    before the script listens. The script asks each frame again, and the frame answers."""
    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    page.route("**/assets/embed-resize.js", lambda route: route.abort())
    page.goto(host.url(), wait_until="load")
    frame = page.frame_locator("iframe[data-explainer-embed]")
    frame.locator(".explainer-entry:not([hidden])").first.wait_for()
    page.wait_for_timeout(300)  # the frame's own report has come and gone
    assert page.evaluate("document.querySelector('iframe').getBoundingClientRect().height") == 200
    page.unroute("**/assets/embed-resize.js")
    src = page.evaluate("document.querySelector('script[src*=embed-resize]').src")
    page.evaluate(
        "src => { const s = document.createElement('script'); s.src = src; "
        "document.body.append(s); }",
        src,
    )
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 200")
    inner = frame.locator("html").evaluate("el => el.scrollHeight")
    height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    assert abs(height - inner) <= 2
    context.close()


def test_the_embed_works_without_javascript(browser: Browser, server: Server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("embed/timeline/?person=kirill-dmitriev"), wait_until="load")
    assert page.locator(".explainer-entry").count() == 7, "every entry, unfiltered"
    assert page.locator("form[data-explainer-filters]").is_hidden()
    context.close()


def test_the_timeline_offers_the_embed_code_with_the_current_filters(browser: Browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url("timeline/?kind=event"), wait_until="load")
    code = page.locator("[data-explainer-embed-code]")
    text = code.text_content() or ""
    assert 'src="https://example.github.io/explainer/embed/timeline/?kind=event"' in text
    assert 'title="Timeline: ' in text
    assert 'loading="lazy"' in text
    page.select_option("select[name=person]", "steve-witkoff")
    text = code.text_content() or ""
    assert "embed/timeline/?person=steve-witkoff&kind=event" in text
    context.close()

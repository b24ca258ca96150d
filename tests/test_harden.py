"""The hardening scanner's shortcuts change nothing: it finds the same ``<head>``, ``<a>`` tags
and inline scripts as a plain :class:`html.parser.HTMLParser` that reads every tag in full.

The reference below is the scanner as it was before the shortcuts (kept here, not in the
generator, as the oracle), except that it finds a tag's offset from the parser's line count by
``\n`` alone: the old scanner split lines as ``str.splitlines`` does, so a form feed or another
Unicode line break before a link shifted the rewrite and garbled the page. Both are compared on
every page of the real built site and on random pages made of awkward fragments: comments,
scripts and styles holding tags, broken character references, unterminated and self-closing
tags, capitals.
"""

from __future__ import annotations

import html.parser
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import harden
from generator.errors import BuildError
from tests.conftest import tree, write_files

DATA_TYPES = {"application/json", "application/ld+json", "text/template"}


class Reference(html.parser.HTMLParser):
    """Every tag parsed in full; positions from the parser's own line and column."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.head_end = -1
        self.anchors: list[tuple[int, int, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None
        self._lines = [0]  # where each line starts, counted as the parser counts: by "\n"
        for line in text.split("\n"):
            self._lines.append(self._lines[-1] + len(line) + 1)
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        start = self._offset()
        if tag == "head" and self.head_end < 0:
            self.head_end = start + len(raw)
        elif tag == "a":
            self.anchors.append((start, start + len(raw), attrs))
        elif tag == "script":
            values = dict(attrs)
            kind = (values.get("type") or "").lower()
            if "src" not in values and kind not in DATA_TYPES:
                self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def found(scan: html.parser.HTMLParser) -> tuple[object, ...]:
    return (scan.head_end, scan.anchors, scan.scripts)  # type: ignore[attr-defined]


def same(page: str) -> None:
    assert found(harden._Scan(page)) == found(Reference(page)), page[:300]


def test_every_page_of_the_built_site_scans_as_a_full_parse_does(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        same(path.read_text(encoding="utf-8"))


def test_the_tag_name_pattern_is_the_standard_librarys() -> None:
    tolerant = html.parser.tagfind_tolerant.pattern  # type: ignore[attr-defined]
    assert tolerant.startswith(harden._TAG_NAME.pattern)


AWKWARD = [
    "<!DOCTYPE html>",
    "<html lang=en>",
    "<HEAD>",
    "<head data-x='<a href=x>'>",
    "</head>",
    "<a href='https://x.example/'>",
    '<A HREF="//cdn.example/" rel="noopener">',
    "<a href=../people/>",
    "<a/>",
    "</a>",
    "<script>var a = '<a href=\"https://in.script/\">';</script>",
    "<script type='application/json'>{\"a\": 1}</script>",
    '<script src="assets/x.js"></script>',
    "<SCRIPT>x()</SCRIPT >",
    "<script/>",
    "<script>unterminated",
    "<style>a { content: '<a href=\"https://in.style/\">' }</style>",
    "<!-- <a href='https://in.comment/'> -->",
    "<!-- unterminated comment",
    "<![CDATA[<a href='https://cdata/'>]]>",
    "<?pi <a href='https://pi/'>?>",
    "<!bogus <a>",
    "&#;",
    "&#x27;",
    "&#12a",
    "&amp;",
    "&copy",
    "; ",
    "<",
    "< a>",
    "</ div>",
    "</>",
    "<div class=\"x\" data-y='1' hidden>",
    "<a href='x' title=\"unterminated>",
    "<textarea><a href='https://in.textarea/'></textarea>",
    "<title><a></title>",
    "<p>text</p>",
    "\n",
    "\r",
    "\x0c\n",
    "\u2028",
    ">",
    "/",
    "=",
]


@settings(
    max_examples=400,
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(AWKWARD), max_size=14))
def test_awkward_pages_scan_as_a_full_parse_does(parts: list[str]) -> None:
    same("".join(parts))


def test_each_awkward_fragment_alone_and_after_a_head() -> None:
    for part in AWKWARD:
        same(part)
        same("<html><head><title>t</title></head><body>" + part + "<a href='https://z/'>")


def test_a_form_feed_before_a_link_leaves_the_page_intact() -> None:
    page = "<html><head></head><body>\x0c\n<a href='https://x.example/'>x</a></body></html>"
    out = harden.harden_page(page)
    assert '\x0c\n<a href="https://x.example/" rel="noopener noreferrer">x</a></body>' in out


def test_workers_write_the_same_bytes_and_report_the_same_page(
    built_site: Path, tmp_path: Path
) -> None:
    unhardened = {
        name: data.replace(b'<meta http-equiv="Content-Security-Policy"', b"<meta data-was-csp")
        for name, data in tree(built_site).items()
    }
    results = []
    for workers in (1, 2):
        site = tmp_path / f"w{workers}"
        write_files(site, dict(unhardened))
        harden.harden_site(site, workers=workers)
        results.append(tree(site))
    assert results[0] == results[1]
    assert results[0] != unhardened
    for workers in (1, 2):
        site = tmp_path / f"bad{workers}"
        write_files(site, dict(unhardened))
        for name in ("people/index.html", "zz/index.html"):
            page = site / name
            page.parent.mkdir(exist_ok=True)
            page.write_text(f"<html><head><script>evil('{name}')</script></head></html>")
        with pytest.raises(BuildError, match=r"^people/index.html: inline script \"evil"):
            harden.harden_site(site, workers=workers)


def _unhardened(built_site: Path) -> dict[str, bytes]:
    return {
        name: data.replace(b'<meta http-equiv="Content-Security-Policy"', b"<meta data-was-csp")
        for name, data in tree(built_site).items()
    }


def test_pages_hardened_alongside_the_engine_give_the_same_site(
    built_site: Path, tmp_path: Path
) -> None:
    """Pages reported written are hardened aside by :class:`harden.Alongside` while the
    engine runs, then moved in; a page written again after it was hardened ahead, and a page
    never reported, are hardened at the end. The site is the one hardening after the engine
    gives."""
    pages = _unhardened(built_site)
    html_pages = sorted(n for n in pages if n.endswith(".html"))
    rewritten, unreported = html_pages[0], html_pages[-1]
    final = {**pages, rewritten: pages[rewritten].replace(b"</body>", b"<p>again</p></body>")}
    expected = tmp_path / "expected"
    write_files(expected, dict(final))
    harden.harden_site(expected)

    site, aside = tmp_path / "site", tmp_path / "aside"
    write_files(site, dict(pages))
    alongside = harden.Alongside(site, aside)
    for name in html_pages:
        if name != unreported:
            os.write(alongside.fd, os.fsencode(str(site / name)) + b"\n")
    os.write(alongside.fd, b"/elsewhere/page.html\n" + os.fsencode(str(site / "gone.html")) + b"\n")
    ahead = alongside.finish()
    assert sorted(ahead) == sorted(set(html_pages) - {unreported})
    assert all(failure is None for _, failure in ahead.values())
    (site / rewritten).write_bytes(final[rewritten])  # the engine wrote it again
    harden.harden_site(site, ahead=ahead, aside=aside)
    assert tree(site) == tree(expected)
    assert b"<p>again</p>" in (site / rewritten).read_bytes()


def test_a_foreign_script_found_ahead_is_reported_as_after_the_engine(
    built_site: Path, tmp_path: Path
) -> None:
    site, aside = tmp_path / "site", tmp_path / "aside"
    write_files(site, dict(_unhardened(built_site)))
    for name in ("people/index.html", "zz/index.html"):
        page = site / name
        page.parent.mkdir(exist_ok=True)
        page.write_text(f"<html><head><script>evil('{name}')</script></head></html>")
    lines = [os.fsencode(str(site / "zz/index.html")) + b"\n"]
    ahead = harden.harden_reported(site, aside, lines)
    assert ahead["zz/index.html"][1] is not None
    with pytest.raises(BuildError, match=r"^people/index.html: inline script \"evil"):
        harden.harden_site(site, ahead=ahead, aside=aside)


def test_a_page_reported_twice_is_hardened_at_the_end_from_its_last_state(
    built_site: Path, tmp_path: Path
) -> None:
    """A page written again may keep its size and times within one tick of the clock: only
    its last state counts, so it is never moved in from aside."""
    pages = _unhardened(built_site)
    name = sorted(n for n in pages if n.endswith(".html"))[0]
    site, aside = tmp_path / "site", tmp_path / "aside"
    write_files(site, dict(pages))
    line = os.fsencode(str(site / name)) + b"\n"
    assert name in harden.harden_reported(site, aside, [line])
    assert harden.harden_reported(site, aside, [line, line, line]) == {}
    assert harden.harden_reported(site, aside, [line, b"\n", line]) == {
        name: harden.harden_reported(site, aside, [line])[name]
    }, "an empty line ends the reports"


def test_the_first_failing_page_is_the_first_in_the_order_of_one_process(tmp_path: Path) -> None:
    """``a/`` sorts before ``a-b/`` as paths, after it as strings."""
    site, aside = tmp_path / "site", tmp_path / "aside"
    names = ("a/index.html", "a-b/index.html")
    for name in names:
        (site / name).parent.mkdir(parents=True)
        (site / name).write_text(f"<html><head><script>evil('{name}')</script></head></html>")
    ahead = harden.harden_reported(site, aside, [os.fsencode(str(site / n)) + b"\n" for n in names])
    for known in (ahead, {}):
        with pytest.raises(BuildError, match=r"^a/index.html: inline script"):
            harden.harden_site(site, ahead=known, aside=aside, workers=1)

"""Reading built pages the way a browser does, to prove record text stayed text.

Shared by the hostile cases and the property tests: the *shape* of a page is every element with
its attribute names (what a record must never add to); its *text* is what a reader sees.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import markdown
import yaml
from bs4 import BeautifulSoup

from generator.schema import Kind

Shape = Counter[tuple[str, tuple[str, ...]]]


ROOT = Path(__file__).resolve().parent.parent
SEARCH_INDEX = "pagefind/fragment/"
"""The key :func:`parse_site` gives the text of the search index."""


def norm(text: str) -> str:
    """Whitespace folded, for tests that look for a phrase across the template's elements."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """No whitespace at all: the search index drops ``<br>`` without a space and folds the
    rest, so there only the other characters can be compared."""
    return "".join(text.split())


def visible_text(soup: BeautifulSoup) -> str:
    """The page's text exactly, whitespace included: strings of different elements joined by
    one space, a ``<br>`` as a line break of its own (see :func:`display`)."""
    for tag in soup.find_all(["script", "style", "template", "noscript"]):
        tag.decompose()
    for tag in soup.find_all(True, attrs={"aria-hidden": "true"}):
        tag.decompose()  # decoration derived from text (a name's initials), not the text
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return str(soup.get_text(" "))


_BLANK_LINE = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")
_HARD_BREAK = re.compile(r" {2,}\n")


def display(value: str, kind: Kind) -> str:
    """Exactly what a reader sees of a record's text, as :func:`visible_text` reads it: the
    escaping contract keeps every character, and these are the only whitespace changes allowed:

    - at the ends of a value, any Unicode whitespace may go (the checker strips spaces, and
      Markdown strips the ends of headings, list items and table cells);
    - one-line text: nothing else, runs of spaces and no-break spaces stay as typed;
    - multi-line text: each line break becomes ``<br>``, nothing else changes;
    - prose (light Markdown, CommonMark's rules): a line of only spaces and tabs separates
      paragraphs; inside one, a line break is a space (``<br>`` after two or more spaces), the
      spaces before it and the spaces and tabs starting the next line go; a paragraph's ends
      lose any Unicode whitespace and an empty one shows nothing.
    """
    if kind is Kind.PROSE:
        shown = (_prose_paragraph(p) for p in _BLANK_LINE.split(value.strip()))
        return " ".join(p for p in shown if p)
    if kind is Kind.LONGTEXT:
        lines = value.strip().split("\n")
        parts = [part for line in lines for part in ("\n", line)][1:]
        return " ".join(part for part in parts if part)
    return value.strip()


def _prose_paragraph(paragraph: str) -> str:
    parts: list[str] = []
    lines = paragraph.split("\n")
    for number, line in enumerate(lines):
        text = line if number == 0 else line.lstrip(" \t")
        if number == len(lines) - 1:
            parts.append(text)
        elif _HARD_BREAK.search(line + "\n"):
            parts.append(text.rstrip(" ") + " \n ")
        else:
            parts.append(text.rstrip(" ") + " ")
    return "".join(parts).strip()


def shape(soup: BeautifulSoup) -> Shape:
    """Every element as (tag, attribute names)."""
    return Counter((t.name, tuple(sorted(t.attrs))) for t in soup.find_all(True))


class _Everywhere(frozenset[str]):
    """Every tag, as BeautifulSoup's ``preserve_whitespace_tags``: outside them it turns a
    string of only spaces into one space (``endData``), so a line of four spaces between two
    ``<br>`` would read as one, hiding what the page really holds."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERY_TAG = _Everywhere()


def soup_of(html: str) -> BeautifulSoup:
    """A page parsed the way every reader here parses it: every whitespace character as the
    HTML has it."""
    return BeautifulSoup(html, "html.parser", preserve_whitespace_tags=_EVERY_TAG)


def read_html(text: str) -> tuple[Shape, str]:
    """Shape and visible text of a page."""
    soup = soup_of(text)
    found = shape(soup)
    return found, visible_text(soup)


def parse_site(site: Path) -> dict[str, tuple[Shape, str]]:
    """Shape and text of every page, and the text of the search index: each record's title
    and text as Pagefind keeps them for the results (plain text, which ``search.js`` shows
    with ``textContent``; so it has no shape of its own)."""
    pages = {
        path.relative_to(site).as_posix(): _built_page(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }
    found = " ".join(f"{d['meta'].get('title', '')} {d['content']}" for d in pagefind_docs(site))
    pages[SEARCH_INDEX] = (Counter(), found)
    return pages


PAGEFIND_SIGNATURE = b"pagefind_dcd"
"""What each of Pagefind's decompressed files starts with, before its JSON."""


def pagefind_docs(site: Path) -> list[dict[str, Any]]:
    """Every page Pagefind indexed, as it hands it to a result: its ``url``, ``content`` (the
    indexed text) and ``meta`` (its ``title``), in the order of the fragments' names."""
    docs = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(PAGEFIND_SIGNATURE), path
        docs.append(json.loads(data[len(PAGEFIND_SIGNATURE) :]))
    assert docs, f"{site}: Pagefind indexed nothing"
    return docs


@functools.lru_cache(maxsize=256)
def _built_page(text: str) -> tuple[Shape, str]:
    """:func:`read_html` of a built page, once per process for the same text: a hostile build
    and its benign control share most of their pages byte for byte (callers only read the
    shape and text, never change them)."""
    return read_html(text)


def benign_twin(text: str, word: str) -> str:
    """A harmless stand-in with the same lines and words: ``word`` first, ``x`` for middle
    words, ``<word>z`` last, blank lines kept. Line breaks and blank lines make ``<br>`` and
    paragraphs, and a chart labels people by their last word unless two share it, so the
    twin must match the text's shape and its last word must be its own."""
    lines = []
    for number, line in enumerate(text.split("\n")):
        words = ["x"] * len(line.split())
        if words:
            words[-1] = f"{word}z"
        if words and number == 0:
            words[0] = word
        lines.append(" ".join(words))
    return "\n".join(lines)


def _exact(text: str) -> str:
    return text


def quote_label(text: str) -> str:
    """How lists name a quote (``Story.label_of``): its first six words, single-spaced and in
    curly quotes, with "…" when there are more. An excerpt, so its spacing is its own."""
    words = text.split()
    return "“" + " ".join(words[:6]) + (" …" if len(words) > 6 else "") + "”"


def compare_literal(
    hostile: dict[str, tuple[Shape, str]],
    control: dict[str, tuple[Shape, str]],
    text: str,
    benign: str,
    excerpts: tuple[str, str] | None = None,
) -> int:
    """Assert ``text`` shows literally wherever ``benign`` did, on pages shaped like the
    control's; return how often it was shown (0 means the field was never on a page).
    ``excerpts`` (the typed text's and the twin's) are swapped first, where lists show an
    excerpt (:func:`quote_label`) instead of the text."""
    shown = 0
    for page, (shape_seen, seen) in hostile.items():
        fold = squash if page == SEARCH_INDEX else _exact
        before, after, typed, twin = fold(control[page][1]), fold(seen), fold(text), fold(benign)
        if excerpts and page != SEARCH_INDEX:
            shown += before.count(excerpts[1])
            before = before.replace(excerpts[1], excerpts[0])
        times = before.count(twin)
        if before.replace(twin, typed) != after:
            # not the same text with the word swapped back: the page may sort by this text,
            # so count instead (the benign twin may itself contain the typed text, as 'n')
            expected = before.count(typed) - times * twin.count(typed) + times
            assert after.count(typed) == expected, f"{page}: {text!r} not shown literally"
        if times:
            assert shape_seen == control[page][0], f"{page}: elements or attributes differ"
        shown += times
    return shown


# -- a generated Markdown page as MkDocs would turn it into HTML ---------------------------


@functools.cache
def _converter(extensions: tuple[str, ...]) -> markdown.Markdown:
    return markdown.Markdown(extensions=list(extensions), extension_configs=CONFIGS)


FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
"""MkDocs' own front-matter pattern (mkdocs/utils/meta.py): the closing ``---`` starts a line,
so a title ending in ``---`` does not end the front matter."""


def page_html(page: str, extensions: list[str]) -> str:
    """A generated page as Python-Markdown with ``extensions`` turns it into HTML (the front
    matter's title as MkDocs would put it in ``<title>``)."""
    match = FRONT_MATTER.match(page)
    assert match, "generated page without front matter"
    front, body = match.group(1), page[match.end() :]
    title = yaml.safe_load(front)["title"]
    html = _converter(tuple(extensions)).reset().convert(body)
    return f"<title>{title}</title>{html}"


def to_html(page: str, extensions: list[str]) -> tuple[Shape, str]:
    """Shape and visible text of a generated page (see :func:`page_html`)."""
    return read_html(page_html(page, extensions))


def _record_soup(page: str, anchor: str) -> BeautifulSoup:
    soup = soup_of(page_html(page, EXTENSIONS))
    if anchor:
        found = soup.find(id=anchor)
        assert found is not None, f"no element with id {anchor!r}"
        soup = soup_of(str(found))
    return soup


def shown_at(page: str, anchor: str = "") -> str:
    """What a reader sees of a generated page, or of the one record at ``#anchor`` on it (the
    element with that id: a record's section, entry or figure)."""
    return norm(visible_text(_record_soup(page, anchor)))


def links_at(page: str, anchor: str = "") -> list[str]:
    """Every link target of a generated page, or of the record at ``#anchor`` on it."""
    return [str(a["href"]) for a in _record_soup(page, anchor).find_all("a", href=True)]


def _site_extensions() -> tuple[list[str], dict[str, Any]]:
    """MkDocs always adds toc, tables and fenced_code; then what mkdocs.yml asks for."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = ["toc", "tables", "fenced_code"], {}
    for item in config.get("markdown_extensions", []):
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        configs[name] = options or {}
    return list(dict.fromkeys(names)), configs


EXTENSIONS, CONFIGS = _site_extensions()

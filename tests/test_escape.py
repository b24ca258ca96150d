"""Record text stays text in every context it lands in, through Python-Markdown with the
extensions a Material site commonly enables (the deeper, fuzzed proof is in the hostile suite)."""

from __future__ import annotations

import markdown
import pytest
from bs4 import BeautifulSoup

from generator import escape
from generator.errors import BuildError

EXTENSIONS = [
    "attr_list",
    "md_in_html",
    "abbr",
    "footnotes",
    "tables",
    "toc",
    "admonition",
    "def_list",
    "pymdownx.critic",
    "pymdownx.magiclink",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.smartsymbols",
]
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    'Fine words {: onclick="alert(1)" }',
    '--8<-- "mkdocs.yml"',
    "{{ self.__init__.__globals__ }}",
    "{++inserted++} {--deleted--} ~~struck~~ ^^up^^ ==mark==",
    "*[BBC]: injected",
    "    four-space indent",
    "# Fake heading",
    "1. not a list",
    "- not a list",
    "a | table | row",
    "https://auto.link.example",
    'Tom & Jerry\'s "quote" <b>',
    "(c) (tm) --> +/-",
]


def _html(markdown_text: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(markdown_text, extensions=EXTENSIONS), "html.parser")


# One-line fields reach inline places trimmed (validation strips them), so trim here too.
@pytest.mark.parametrize("text", [t.strip() for t in HOSTILE])
def test_inline_text_in_a_list_item_stays_literal(text):
    soup = _html(f"- {escape.inline(text)}")
    assert [t.name for t in soup.find_all(True)] == ["ul", "li"]
    assert soup.li is not None
    assert soup.li.get_text() == text


@pytest.mark.parametrize("text", [t.strip() for t in HOSTILE])
def test_inline_text_in_a_heading_stays_literal(text):
    soup = _html(f"## {escape.inline(text)}")
    assert [t.name for t in soup.find_all(True)] == ["h2"]
    assert soup.h2 is not None
    assert soup.h2.get_text() == text


@pytest.mark.parametrize("text", [*HOSTILE, "line one\n{: .x }\nline three"])
def test_block_text_in_raw_html_stays_literal(text):
    soup = _html(f'<p class="q">{escape.block(text)}</p>\n\nafter')
    first = soup.find("p")
    assert first is not None
    assert [t.name for t in first.find_all(True)] == ["br"] * text.count("\n")
    assert first.attrs == {"class": ["q"]}
    assert first.get_text("\n") == text


def test_inline_refuses_line_breaks():
    with pytest.raises(BuildError, match="several lines"):
        escape.inline("a\nb")


def test_prose_allows_emphasis_and_http_links_only():
    html = escape.prose(
        "*Hi* **there** [a](https://a.example/x?y=1) [b](javascript:alert(1)) <b>raw</b>"
    )
    soup = BeautifulSoup(html, "html.parser")
    assert [t.name for t in soup.find_all(True)] == ["p", "em", "strong", "a"]
    link = soup.a
    assert link is not None
    assert link.attrs == {"href": "https://a.example/x?y=1", "rel": ["noopener", "noreferrer"]}
    assert soup.get_text() == "Hi there a [b](javascript:alert(1)) <b>raw</b>"


def test_prose_survives_markdown_with_extensions():
    text = 'Intro {: onclick="x" } {++ins++}\n\nSecond *para*'
    soup = _html(f"<div>{escape.prose(text)}</div>")
    assert [t.name for t in soup.find_all(True)] == ["div", "p", "p", "em"]
    assert soup.get_text() == 'Intro {: onclick="x" } {++ins++}Second para'

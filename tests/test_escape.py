"""Record text stays text in every context it lands in, through Python-Markdown with the
extensions a Material site commonly enables (the deeper, fuzzed proof is in the hostile suite)."""

from __future__ import annotations

import html
import json
import os
import string

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import escape, render
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


def test_each_ascii_character_is_encoded_exactly_when_its_context_reacts_to_it():
    """The patterns that find the characters to encode match their tables: every ASCII
    punctuation mark inline, the Markdown extensions' characters in raw HTML (after HTML
    escaping), and nothing else."""
    for code in range(32, 127):
        char = chr(code)
        inline = f"&#{code};" if char in string.punctuation else char
        assert escape.inline(f"a{char}b") == f"a{inline}b"
        block = html.escape(char, quote=True)
        if char in "{}[]~=+^*_`:|\\":
            block = f"&#{code};"
        assert escape.block(f"a{char}b") == f"a{block}b"
    assert escape.block("a\tb") == "a&#9;b"
    assert escape.inline("Дмитриев — «мир»") == "Дмитриев — «мир»"


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


SCRIPT_HOSTILE = [
    *HOSTILE,
    "</script><script>alert(1)</script>",
    "</SCRIPT >",
    "<!-- <script>",
    "a\u2028b\u2029c",
    "\\u003c/script>",
    "\\</script>",
    "]]> & &amp; <![CDATA[",
    "Кирилл Дмитриев 習近平 محمد \U0001f600",
]


def _script_block(json_text: str) -> BeautifulSoup:
    return BeautifulSoup(
        f'<html><head><script type="application/ld+json">{json_text}</script>'
        "<meta name=after></head></html>",
        "html.parser",
    )


@pytest.mark.parametrize("text", SCRIPT_HOSTILE)
def test_json_script_keeps_text_inside_one_script_block(text):
    encoded = str(escape.json_script({"name": text, "list": [text]}))
    assert json.loads(encoded) == {"name": text, "list": [text]}
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in encoded
    page = _script_block(encoded)
    scripts = page.find_all("script")
    assert len(scripts) == 1
    assert json.loads(scripts[0].string or "") == {"name": text, "list": [text]}
    assert page.find("meta", attrs={"name": "after"}) is not None


def test_json_script_is_deterministic_and_readable():
    first = escape.json_script({"b": "Дмитриев", "a": [1, "x"]})
    assert first == escape.json_script({"a": [1, "x"], "b": "Дмитриев"})
    assert first == '{"a":[1,"x"],"b":"Дмитриев"}'
    assert escape.json_script("</script>") == '"\\u003c/script\\u003e"'


def test_json_script_refuses_what_json_cannot_say():
    with pytest.raises(ValueError, match="JSON compliant"):
        escape.json_script(float("nan"))


@given(st.text())
@settings(derandomize=bool(os.environ.get("CI")), max_examples=300)
def test_json_script_round_trips_any_text(text):
    encoded = str(escape.json_script(text))
    assert json.loads(encoded) == text
    assert not set("<>&\u2028\u2029") & set(encoded)


def test_prose_text_is_the_words_without_markup():
    text = "Mayor since *2019*, a [public engineer](https://x.org)\nby training.\n\nNext <b>."
    assert escape.prose_text(text) == "Mayor since 2019, a public engineer by training. Next <b>."


@pytest.mark.parametrize(
    "text",
    [*SCRIPT_HOSTILE, "", "\\ud83d\\ude00", "a\x7fb\x00c\n\t'\"#: -", "\x85\ufeff\ufffe\xa0"],
)
def test_yaml_quoted_is_one_line_that_reads_back_the_same(text):
    quoted = escape.yaml_quoted(text)
    assert len(quoted.splitlines()) == 1
    assert yaml.safe_load(f"key: {quoted}\n") == {"key": text}
    libyaml = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # what MkDocs reads front matter with
    assert yaml.load(f"key: {quoted}\n", Loader=libyaml) == {"key": text}


@given(st.text())
@settings(derandomize=bool(os.environ.get("CI")), max_examples=300)
def test_yaml_quoted_round_trips_any_text(text):
    assert yaml.safe_load(f"k: {escape.yaml_quoted(text)}") == {"k": text}


@given(st.dictionaries(st.sampled_from(["description", "jsonld"]), st.text()), st.text())
@settings(derandomize=bool(os.environ.get("CI")), max_examples=200)
def test_front_matter_with_head_entries_reads_back_the_same(head, title):
    text = render.front_matter("T", head={**head, "explainer": {"title": title, "url": "u"}})
    data = yaml.safe_load(text.split("---\n")[1])
    assert data == {"title": "T", **head, "explainer": {"title": title, "url": "u"}}

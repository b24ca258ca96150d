"""Record text is data: escape it for the exact place on a page where it lands.

The rules were fuzzed against Python-Markdown with 23 extensions (see
``tests/hostile/CATALOGUE.md``): backslash escapes and ``html.escape`` alone both fail, so
inline text encodes every ASCII punctuation character, and block text goes into a raw HTML
element with the characters that any extension reacts to encoded as entities.
Every function returns :class:`markupsafe.Markup`, which the templates require (see
:mod:`generator.render`).
"""

from __future__ import annotations

import html
import json
import re
import string

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from generator.errors import BuildError
from generator.urls import url_problem

_ALL_PUNCTUATION = {c: f"&#{ord(c)};" for c in string.punctuation}
_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}]")
_BLOCK_SPECIALS = {ord(c): f"&#{ord(c)};" for c in "{}[]~=+^*_`:|\\\t"}
_BLOCK_SPECIAL = re.compile(f"[{re.escape(''.join(map(chr, _BLOCK_SPECIALS)))}]")
"""Each table is also a pattern that finds its characters: a 10,000-record story escapes
600,000 strings, and ``str.translate`` with a table costs about 40 ns per character even
where nothing changes (half of all escaping time, by profile)."""


def inline(text: str) -> Markup:
    """For Markdown inline places: headings, list items, table cells, link text."""
    if "\n" in text or "\r" in text:
        raise BuildError(f"a template passed text of several lines to inline: {text!r:.60}")
    return Markup(_PUNCTUATION.sub(_encode, text))


def _encode(found: re.Match[str]) -> str:
    return _ALL_PUNCTUATION[found.group()]


def _html_text(text: str) -> str:
    text = html.escape(text, quote=True)
    return text.translate(_BLOCK_SPECIALS) if _BLOCK_SPECIAL.search(text) else text


def block(text: str) -> Markup:
    """For text inside a raw HTML element; line breaks become ``<br>``."""
    lines = text.strip("\n").split("\n")
    return Markup("<br>".join(_html_text(line) for line in lines))


def html_text(text: str) -> str:
    """For HTML outside Markdown (an Atom feed's HTML summary): plain HTML escaping."""
    return html.escape(text, quote=True)


def attr(text: str) -> Markup:
    """For an HTML attribute value (always written in double quotes)."""
    return Markup(_html_text(text))


_SCRIPT_JSON = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_script(data: object) -> Markup:
    """JSON for the inside of a ``<script>`` data block (``application/ld+json``).

    An HTML parser ends a script at ``</script`` and treats ``<!--`` specially, whatever the
    JSON means, so every ``<``, ``>`` and ``&`` is written as its ``\\u`` escape (they can only
    occur inside JSON strings, where the escape means the same character), and so are U+2028
    and U+2029, which older JavaScript parsers take for line ends. Everything else stays
    readable (``ensure_ascii=False``: Cyrillic stays Cyrillic). Keys are sorted and separators
    fixed, so the same data always gives the same bytes.
    """
    text = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return Markup(text.translate(_SCRIPT_JSON))


_NOT_YAML_PRINTABLE = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""What a YAML double-quoted scalar may not hold as it is: controls, DEL, C1 (U+0085 is a YAML
line break), U+2028 and U+2029 (YAML line breaks too), U+FEFF (a byte-order mark), surrogates
and non-characters."""


def _code_point(match: re.Match[str]) -> str:
    point = ord(match[0])
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar on one line, for front matter.

    JSON's string syntax is YAML's (``\\"``, ``\\\\``, ``\\n``, ``\\uXXXX``), so ``json.dumps``
    does the work in C; what YAML would not read as it is (:data:`_NOT_YAML_PRINTABLE`) becomes
    its own escape, ``\\U`` beyond U+FFFF (YAML does not pair surrogates). Letters of every script
    stay readable. Any YAML parser reads back the same text, and a long value costs no
    pure-Python YAML emitter time.
    """
    return _NOT_YAML_PRINTABLE.sub(_code_point, json.dumps(text, ensure_ascii=False))


_MD = MarkdownIt("zero").enable(["emphasis", "link", "escape", "newline"])


def prose_links(text: str) -> list[str]:
    """The link targets in light Markdown, so validation can check each one."""
    return [str(t.attrGet("href") or "") for t in _inline_tokens(text) if t.type == "link_open"]


def _inline_tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    for token in _MD.parse(text):
        tokens.extend(token.children or [])
    return tokens


def prose(text: str) -> Markup:
    """Light Markdown (emphasis, http(s) links, paragraphs) to safe one-line HTML.

    Raw HTML in the text stays text. A link whose target is not a clean http(s) URL is dropped
    and its words kept (validation has already reported it).
    """
    out: list[str] = []
    for token in _MD.parse(text):
        if token.type == "paragraph_open":
            out.append("<p>")
        elif token.type == "paragraph_close":
            out.append("</p>")
        elif token.type == "inline":
            out.extend(_render_inline(token.children or []))
    return Markup("".join(out))


def prose_text(text: str) -> str:
    """Light Markdown as plain text, paragraphs joined by a space: for share cards and
    structured data, whose readers show text, not markup. Link targets are dropped."""
    words = [
        child.content if child.type in ("text", "code_inline") else " "
        for block in _MD.parse(text)
        for child in [*(block.children or []), block]
        if child.type in ("text", "code_inline", "softbreak", "hardbreak", "paragraph_close")
    ]
    return " ".join("".join(words).split())


_TAGS = {
    "em_open": "<em>",
    "em_close": "</em>",
    "strong_open": "<strong>",
    "strong_close": "</strong>",
    "softbreak": " ",
    "hardbreak": "<br>",
}


def _render_inline(tokens: list[Token]) -> list[str]:
    out: list[str] = []
    open_links: list[bool] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            out.append(_html_text(token.content))
        elif token.type in _TAGS:
            out.append(_TAGS[token.type])
        elif token.type == "link_open":
            href = token.attrGet("href") or ""
            ok = url_problem(str(href)) is None
            open_links.append(ok)
            if ok:
                out.append(f'<a href="{attr(str(href))}" rel="noopener noreferrer">')
        elif token.type == "link_close" and open_links.pop():
            out.append("</a>")
    return out


def prose_paragraphs(text: str) -> str:
    """Light Markdown as plain text that keeps its paragraphs and link addresses (a calendar's
    description): emphasis marks dropped, a link's words followed by its address in angle
    brackets, paragraphs separated by a blank line."""
    paragraphs: list[str] = []
    for token in _MD.parse(text):
        if token.type != "inline":
            continue
        out: list[str] = []
        hrefs: list[str] = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" " if child.type == "softbreak" else "\n")
            elif child.type == "link_open":
                hrefs.append(str(child.attrGet("href") or ""))
            elif child.type == "link_close" and hrefs:
                href = hrefs.pop()
                out.append(f" <{href}>" if url_problem(href) is None else "")
        paragraphs.append("".join(out))
    return "\n\n".join(paragraphs)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (CSV injection, OWASP)."""


def csv_cell(text: str) -> str:
    """A text value for a CSV cell: one that a spreadsheet would run as a formula gets a
    leading apostrophe, which spreadsheets show as text. The ``csv`` module does the quoting."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text

"""Quotes in their context: what readers see of the check made by :mod:`generator.verbatim`.

Three pieces of raw HTML, each built from record or source text that is escaped piece by
piece: spans are computed on the stored text, then every piece between them is escaped on its
own and only our ``<mark>`` and ``<span>`` tags are added around the escaped pieces.

- :func:`quote_text`: a quote's words, with checked editorial insertions (``[Putin]``) shown
  as such;
- :func:`context`: beside a quote, the sentences around it in the source (at most
  :data:`~generator.verbatim.EXCERPT_WORDS` words) with the quoted words marked, the
  paragraph number, and what was checked; or a plain statement that nothing was;
- :func:`public_text`: the whole text of a source whose licence allows it (``text_public``),
  every quote in it marked and anchored, on the source's own page (never on the list of
  sources). No other function publishes more than an excerpt.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable

from markupsafe import Markup

from generator import escape, routes, verbatim
from generator.link import Story
from generator.pages import html_href
from generator.schema import Quote, Source

METHODOLOGY = ("about.md", "how-quotes-are-checked")
"""Where readers learn what "checked word for word" means (a heading of docs/about.md), when
the story has that page (:attr:`Story.methodology`); a story without one gets no link."""

_SPACE = re.compile(r"\s+")


def _text(raw: str) -> Markup:
    """Stored text for a raw HTML block: escaped, its line wrapping folded to spaces."""
    return escape.block(_SPACE.sub(" ", raw))


def quote_text(story: Story, quote: Quote) -> Markup:
    """A quote's words for a raw HTML block. Insertions that the check confirmed (the quote
    was verified against a stored text) are set apart as the editor's; in a quote that could
    not be checked, brackets stay plain text, as the editor typed them."""
    text = quote.text.strip("\n")
    if quote.id not in story.verified:
        return escape.block(text)
    out = []
    for piece in verbatim.pieces(text):
        lines = Markup("<br>").join(escape.block(line) for line in piece.text.split("\n"))
        if piece.kind == "insertion":
            out.append(
                f'<span class="explainer-insertion" title="added by the editor">{lines}</span>'
            )
        else:
            out.append(str(lines))
    return Markup("".join(out))


def anchor(source_id: str, what: str) -> str:
    """Anchors of the public text on the source's page: ``<source>_p_<n>`` for a paragraph,
    ``<source>_<quote>`` for a quote. Ids never contain ``_``, so neither can clash with a
    record's own anchor nor with each other, wherever the source is shown."""
    return f"{source_id}_{what}"


def _marked(text: str, start: int, end: int, spans: Iterable[tuple[int, int]]) -> str:
    """``text[start:end]`` escaped, with ``<mark>`` round the parts inside ``spans``."""
    cuts = sorted({start, end, *(p for s, e in spans for p in (s, e) if start <= p <= end)})
    out = []
    for left, right in itertools.pairwise(cuts):
        piece = str(_text(text[left:right]))
        inside = any(s <= left and right <= e for s, e in spans)
        out.append(f"<mark>{piece}</mark>" if inside and piece.strip() else piece)
    return "".join(out)


@functools.lru_cache(maxsize=32768)
def _words(match: verbatim.Match, text: str) -> tuple[str, int]:
    """The marked excerpt and its paragraph number: the same on every page that shows the
    quote (five at least), so it is made once (a string caches its hash: the key is cheap).
    The cache holds every quote of a 10,000-record story (7,000): at 4,096 the pages of one
    collection pushed out the excerpts the next would show again."""
    cut = verbatim.excerpt(match, text)
    words = _marked(text, cut.start, cut.end, cut.marks)
    words = ("… " if cut.cut_before else "") + words + (" …" if cut.cut_after else "")
    return words, cut.paragraph


def context(story: Story, quote: Quote, page_src: str) -> Markup:
    """The quote's place in its source, or a plain word that it was not checked."""
    source = story.sources[quote.source]
    match = story.verified.get(quote.id)
    if match is None:
        return Markup(
            '<p class="explainer-check explainer-check--none">Not checked: no text of this '
            "source is kept to check the quote against.</p>"
        )
    words, paragraph = _words(match, source.text)
    where = f"paragraph {paragraph}"
    if source.text_public:
        href = html_href(page_src, routes.place(source).src, anchor(source.id, quote.id))
        where = f'<a href="{escape.attr(href)}">{where}</a>'
    checked = "checked word for word"
    if story.methodology:
        method = escape.attr(html_href(page_src, story.methodology, METHODOLOGY[1]))
        checked = f'<a href="{method}">{checked}</a>'
    return Markup(
        f'<div class="explainer-context"><p class="explainer-excerpt">{words}</p>'
        f'<p class="explainer-check">In the source, {where}; {checked} against its stored '
        "text.</p></div>"
    )


def public_text(story: Story, source: Source) -> Markup:
    """A source's whole text, when ``text_public`` allows: paragraphs anchored and numbered,
    every verified quote marked, each anchored where it starts."""
    if not (source.text_public and source.text):
        return Markup("")
    cited = [
        (qid, match)
        for qid, match in sorted(story.verified.items())
        if story.quotes[qid].source == source.id
    ]
    out = ['<div class="explainer-source-text"><h3>Full text</h3>']
    for para in verbatim.paragraphs(source.text):
        spans = [s for _, m in cited if m.paragraph.number == para.number for s in m.spans]
        starts: dict[int, list[str]] = {}
        for qid, match in cited:
            if match.paragraph.number == para.number:
                starts.setdefault(match.spans[0][0], []).append(qid)
        cuts = sorted({para.start, para.end, *starts})
        body = "".join(
            "".join(f'<span id="{anchor(source.id, q)}"></span>' for q in starts.get(left, []))
            + _marked(source.text, left, right, spans)
            for left, right in itertools.pairwise(cuts)
        )
        pid = anchor(source.id, f"p_{para.number}")
        out.append(
            f'<p id="{pid}"><a class="explainer-paragraph" href="#{pid}">{para.number}</a> '
            f"{body}</p>"
        )
    return Markup("".join(out) + "</div>")

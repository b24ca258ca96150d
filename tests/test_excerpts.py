"""Quotes in their context: the excerpt beside each quote, its marks and paragraph number,
insertions shown as the editor's, and a source's full text only when ``text_public``."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

from generator.build import check
from generator.project import Project
from generator.render import render
from generator.verbatim import EXCERPT_WORDS
from tests.conftest import MINIMAL, ROOT, problems_of

ARTICLE = (ROOT / "content/sources/article.txt").read_text(encoding="utf-8")

HOSTILE_TEXT = """\
Intro line. The chair said <script>alert(1)</script> & “we agree [sic] to <b>sell</b> the
pier” at the meeting. Nobody spoke.

A second paragraph, where Ada said that it was settled.
"""


def _pages(project: Project) -> dict[str, str]:
    checked = check(project)
    return render(checked.story, standfirst=checked.standfirst)


def _text(markup: str) -> str:
    """What a reader reads: tags dropped, entities decoded, spacing folded."""
    soup = BeautifulSoup(markup, "html.parser")
    return " ".join(html.unescape(soup.get_text(" ")).split())


def _figures(page: str) -> dict[str, Tag]:
    soup = BeautifulSoup(page, "html.parser")
    return {str(f["id"]): f for f in soup.select("figure.explainer-quote[id]")}


def _hostile(content: Callable[[dict[str, str | bytes]], Project], public: bool = False) -> Project:
    files: dict[str, str | bytes] = {
        **MINIMAL,
        "sources/notes.yml": "title: Minutes\npublisher: Council\n"
        + ("text_public: true\n" if public else ""),
        "sources/notes.txt": HOSTILE_TEXT,
        "quotes/script.yml": 'speaker: ada-lovelace\ntext: "<script>alert(1)</script> & “we '
        'agree"\ndate: 2026\nsource: notes\n',
        "quotes/pier.yml": "speaker: ada-lovelace\ntext: we agree [to keep] the pier\n"
        "date: 2026\nsource: notes\n",
        "quotes/settled.yml": "speaker: ada-lovelace\ntext: it was settled\ndate: 2026\n"
        "source: notes\n",
    }
    return content(files)


def test_every_real_quote_shows_its_sentences_marked_with_the_paragraph_number() -> None:
    checked = check(Project(ROOT))
    figures = _figures(render(checked.story)["quotes/index.md"])
    assert sorted(figures) == sorted(checked.story.quotes)
    for qid, figure in figures.items():
        quote = checked.story.quotes[qid]
        excerpt = figure.select_one(".explainer-excerpt")
        assert excerpt is not None, qid
        shown = _text(str(excerpt))
        assert len(shown.split()) <= EXCERPT_WORDS, qid
        assert _longest_run(shown, ARTICLE) == len(_words(shown)), qid  # a piece of the source
        marks = [m.get_text() for m in excerpt.find_all("mark")]
        assert " ".join(" ".join(marks).split()) == " ".join(quote.text.split()), qid
        check_line = _text(str(figure.select_one(".explainer-check")))
        paragraph = checked.story.verified[qid].paragraph.number
        assert f"In the source, paragraph {paragraph}; checked word for word" in check_line
        method = figure.select_one(".explainer-check a")
        assert method is not None
        assert method["href"] == "../about/#how-quotes-are-checked"
    peskov = figures["peskov-favorable-conditions"]
    assert "paragraph 3" in _text(str(peskov))
    excerpt = peskov.select_one(".explainer-excerpt")
    assert excerpt is not None
    assert "until Feb. 1 “in order to create" in excerpt.get_text()  # "Feb." ends no sentence


def test_excerpts_are_whole_sentences() -> None:
    figures = _figures(render(check(Project(ROOT)).story)["quotes/index.md"])
    excerpt = _text(str(figures["witkoff-land-agreement"].select_one(".explainer-excerpt")))
    assert excerpt.startswith("We appreciate the president’s vital leadership")
    assert excerpt.endswith("in the near future.”")


def test_hostile_source_and_quote_text_stays_text(content) -> None:
    pages = _pages(_hostile(content))
    page = pages["quotes/index.md"]
    assert "<script>" not in page
    assert "<b>" not in page
    figure = _figures(page)["script"]
    assert not figure.find_all(["script", "b"])
    marks = [m.get_text() for m in figure.select(".explainer-excerpt mark")]
    assert marks == ["<script>alert(1)</script> & “we agree"]
    excerpt = _text(str(figure.select_one(".explainer-excerpt")))
    assert excerpt.startswith("Intro line. The chair said <script>")


def test_an_insertion_is_shown_as_the_editors_and_the_replaced_words_unmarked(
    content,
) -> None:
    figure = _figures(_pages(_hostile(content))["quotes/index.md"])["pier"]
    insertion = figure.select_one("blockquote .explainer-insertion")
    assert insertion is not None
    assert insertion.get_text() == "[to keep]"
    marks = [m.get_text() for m in figure.select(".explainer-excerpt mark")]
    assert marks in (["we agree", "the\npier"], ["we agree", "the pier"])
    excerpt = _text(str(figure.select_one(".explainer-excerpt")))
    assert "we agree [sic] to <b>sell</b> the pier" in excerpt


def test_a_quote_without_a_stored_text_says_it_was_not_checked(content) -> None:
    files = {
        **MINIMAL,
        "quotes/q.yml": "speaker: ada-lovelace\ntext: Anything at all\ndate: 2026\nsource: notes\n",
    }
    figure = _figures(_pages(content(files))["quotes/index.md"])["q"]
    assert figure.select_one(".explainer-excerpt") is None
    assert "Not checked: no text of this source is kept" in _text(str(figure))


def _words(text: str) -> list[str]:
    """Words without their punctuation, so that markup and spacing cannot split a run."""
    return re.findall(r"\w+", text)


def _longest_run(text: str, source: str) -> int:
    """The most consecutive words of ``source`` found together in ``text``."""
    words = _words(source)
    hay = " " + " ".join(_words(text)) + " "
    best, start = 0, 0
    for end in range(1, len(words) + 1):
        while start < end and f" {' '.join(words[start:end])} " not in hay:
            start += 1
        best = max(best, end - start)
    return best


def test_the_full_text_is_never_published_without_text_public() -> None:
    pages = _pages(Project(ROOT))
    longest = max(_longest_run(_text(page), ARTICLE) for page in pages.values())
    assert 30 < longest <= EXCERPT_WORDS  # excerpts are there, and no more than one at a time
    assert not any("explainer-source-text" in page for page in pages.values())


def test_text_public_shows_the_text_marked_and_anchored(content) -> None:
    pages = _pages(_hostile(content, public=True))
    sources = BeautifulSoup(pages["sources/notes.md"], "html.parser")
    body = sources.select_one("#notes .explainer-source-text")
    assert body is not None
    assert not body.find_all(["script", "b"])
    first, second = HOSTILE_TEXT.split("\n\n")
    assert _longest_run(_text(str(body)), first) == len(_words(first))
    assert _longest_run(_text(str(body)), second) == len(_words(second))
    paragraphs = body.select("p[id]")
    assert [p["id"] for p in paragraphs] == ["notes_p_1", "notes_p_2"]
    assert [m.get_text() for m in paragraphs[1].find_all("mark")] == ["it was settled"]
    anchors = {str(s["id"]) for s in body.select("span[id]")}
    assert anchors == {"notes_script", "notes_pier", "notes_settled"}
    figure = _figures(pages["quotes/index.md"])["settled"]
    link = figure.select_one(".explainer-check a")
    assert link is not None
    assert link["href"] == "../sources/notes/#notes_settled"
    assert link.get_text() == "paragraph 2"
    overlapping = [m.get_text() for m in paragraphs[0].find_all("mark")]
    assert "".join(overlapping).startswith("<script>alert(1)</script> & “we agree")


def test_text_public_needs_a_stored_text(content) -> None:
    files = {**MINIMAL, "sources/notes.yml": "title: N\npublisher: P\ntext_public: true\n"}
    assert problems_of(content(files)) == [
        "content/sources/notes.yml:3:1: text_public: text_public is true but the source has "
        "no stored text (save the text as content/sources/notes.txt, or remove text_public)"
    ]


def test_real_story_source_is_not_public() -> None:
    """The article is someone else's: its record must not switch text_public on."""
    assert not re.search(
        r"^text_public:",
        (ROOT / "content/sources/article.yml").read_text("utf-8"),
        flags=re.MULTILINE,
    )


def test_the_check_links_to_the_methodology_only_where_the_story_has_one(content) -> None:
    project = _hostile(content)
    figure = _figures(_pages(project)["quotes/index.md"])["settled"]
    assert figure.select_one(".explainer-check a") is None
    assert "checked word for word against its stored text" in _text(str(figure))
    (project.docs / "about.md").write_text("# Methodology\n\n## How quotes are checked\n", "utf-8")
    figure = _figures(_pages(project)["quotes/index.md"])["settled"]
    link = figure.select_one(".explainer-check a")
    assert link is not None
    assert link["href"] == "../about/#how-quotes-are-checked"


def test_brackets_in_an_unchecked_quote_stay_plain_text(content) -> None:
    files = {
        **MINIMAL,
        "quotes/q.yml": 'speaker: ada-lovelace\ntext: "[Putin] agreed <b>x</b>"\ndate: 2026\n'
        "source: notes\n",
    }
    figure = _figures(_pages(content(files))["quotes/index.md"])["q"]
    quote = figure.select_one("blockquote")
    assert quote is not None
    assert quote.select(".explainer-insertion") == []
    assert quote.find_all("b") == []
    assert quote.get_text() == "[Putin] agreed <b>x</b>"

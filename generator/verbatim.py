"""Word for word: where a quote's words are in its source's stored text, or why they are not.

What an editor means by word for word, made exact (``docs/editing/quotes.md`` says it for
editors, ``docs/about.md`` for readers):

- **Folding.** Runs of whitespace are one space; typographic and straight quotation marks,
  apostrophes and dashes are equal. Nothing else: case, spelling and punctuation count.
- **Paragraphs** are the blocks of the stored text between blank lines. A single line break
  inside a block is wrapping: it counts as a space, so a hard-wrapped text matches as well as
  one line per paragraph.
- **Whole words.** A quote, and each of its parts, starts and ends at a word boundary of the
  source: "roductive" is not in "productive". A hyphen or apostrophe between letters is inside
  a word ("setting" is not quoted from "record-setting", nor "Kyiv" from "Kyiv's").
- **Elisions** (``…``, ``...``, ``[…]`` or ``[...]``) cut the quote into parts, which must
  appear in the source in the quote's order and within one paragraph; any number of words may
  be left out between them.
- **Insertions** (``[Putin]``, any other bracketed words) are the editor's, not the speaker's.
  Between two parts, each stands for 1 to :data:`MAX_REPLACED` words of the source (``the
  [Russian] president`` for "the Russian president", not "the president": an editor replaces
  words, never adds them). At the start or end of a quote it is not checked (``[Putin] agreed``
  for "he had agreed"). A bracket written against a word (``[T]he``, ``Putin[’s]``) changes
  that word: its edge is not checked and the insertion may stand for no whole word.

:func:`verify` returns a :class:`Match` (the paragraph and the character spans of each quoted
part in the source, for marking) or a :class:`Mismatch` saying what failed, for an editor.
:func:`excerpt` cuts the sentences around a match for readers.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

MAX_REPLACED = 6
"""The most source words one bracketed insertion may stand for; more is a cut (use …)."""

EXCERPT_WORDS = 60
"""The most words of source text shown around a quote (unless the quote itself is longer)."""

_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "″": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
    }
)
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_WORD = re.compile(r"\w+(?:['-]\w+)*")
_JOINERS = frozenset("'’-‐‑")
"""Between two letters these join one word: apostrophes and hyphens, not dashes."""
_MARKUP = re.compile(r"\[(?:…|\.\.\.)\]|…|\.\.\.|\[([^\[\]\n]*)\]")
"""An elision in any of its spellings, or an insertion (group 1: its words)."""


def fold(text: str) -> str:
    """Fold whitespace, typographic quotes, apostrophes and dashes; nothing more."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


# -- the quote: words, elisions and insertions ---------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One piece of a quote's text: the speaker's ``words``, an ``elision`` or an
    ``insertion`` (with its brackets). ``start``/``end`` are offsets in the quote's text."""

    kind: str
    text: str
    start: int
    end: int


def pieces(text: str) -> list[Piece]:
    """The quote cut at every elision and insertion; the words between keep their spacing."""
    out: list[Piece] = []
    at = 0
    for found in _MARKUP.finditer(text):
        if found.start() > at:
            out.append(Piece("words", text[at : found.start()], at, found.start()))
        kind = "insertion" if found.group(1) is not None else "elision"
        out.append(Piece(kind, found.group(), found.start(), found.end()))
        at = found.end()
    if at < len(text):
        out.append(Piece("words", text[at:], at, len(text)))
    return out


@dataclass(frozen=True)
class _Part:  # hashable: a search keeps the places of each part
    """A run of the speaker's words to find, with what stands between it and the previous
    part (``gap``: 'elision', or the number of insertions) and which edges are checked."""

    words: str  # folded
    gap: str | int
    check_start: bool
    check_end: bool

    def glued(self, previous: _Part) -> bool:
        """Whether an insertion before this part is written against a word ("[T]he")."""
        return not (self.check_start and previous.check_end)


def _parts(text: str) -> list[_Part]:
    parts: list[_Part] = []
    gap: str | int = 0
    glued_left = False
    items = pieces(text)
    for index, piece in enumerate(items):
        if piece.kind == "elision":
            gap, glued_left = "elision", False
        elif piece.kind == "insertion":
            gap = gap if gap == "elision" else int(gap) + 1
            glued_left = True
        elif piece.text.strip():
            nxt = items[index + 1] if index + 1 < len(items) else None
            glued_right = nxt is not None and nxt.kind == "insertion"
            parts.append(
                _Part(
                    fold(piece.text),
                    gap,
                    check_start=not (glued_left and not piece.text[0].isspace()),
                    check_end=not (glued_right and not piece.text[-1].isspace()),
                )
            )
            gap, glued_left = 0, False
    return parts


# -- the source: paragraphs, folded, with a way back to the stored text ------------------


@dataclass(frozen=True)
class Paragraph:
    """One blank-line-separated block of a source's text, folded for comparison."""

    number: int  # 1-based, as readers count
    start: int  # offsets of the block (without its outer whitespace) in the stored text
    end: int
    folded: str = field(repr=False)
    runs: tuple[int, ...] = field(repr=False)
    """Where, in ``folded``, each space stands for several stored whitespace characters."""
    shifts: tuple[int, ...] = field(repr=False)
    """How many stored characters that space and the ones before it add, in all."""

    def raw(self, pos: int) -> int:
        """The offset in the stored text of the folded character at ``pos``."""
        k = bisect_left(self.runs, pos) - 1
        return self.start + pos + (self.shifts[k] if k >= 0 else 0)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """A folded span (never starting or ending with a space) in stored offsets."""
        return self.raw(start), self.raw(end - 1) + 1

    @cached_property
    def words(self) -> tuple[int, ...]:
        """Where each word starts in ``folded``; only insertions need them."""
        return tuple(w.start() for w in _WORD.finditer(self.folded))


_RUN = re.compile(r"\s{2,}")


def _paragraph(number: int, text: str, start: int) -> Paragraph:
    """Fold a block; only runs of several whitespace characters move offsets, and they are
    few, so the way back to the stored text stays small and quick to build."""
    translated = text.translate(_FOLD)
    runs: list[int] = []
    shifts: list[int] = []
    shift = 0
    for run in _RUN.finditer(translated):
        runs.append(run.start() - shift)
        shift += len(run.group()) - 1
        shifts.append(shift)
    folded = _SPACE.sub(" ", translated)
    return Paragraph(number, start, start + len(text), folded, tuple(runs), tuple(shifts))


@lru_cache(maxsize=1024)
def paragraphs(text: str) -> tuple[Paragraph, ...]:
    """The source's paragraphs, numbered from 1; cached, since every quote of a source asks.
    Quotes are checked in the order of their ids, not by source, so the cache holds the
    sources of a big story (500 at 10,000 records; it held 8, and missed nearly every time)."""
    out: list[Paragraph] = []
    at = 0
    for block_end, next_start in [
        *((m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)),
        (len(text), len(text)),
    ]:
        block = text[at:block_end]
        lead = len(block) - len(block.lstrip())
        stripped = block.strip()
        if stripped:
            out.append(_paragraph(len(out) + 1, stripped, at + lead))
        at = next_start
    return tuple(out)


def _mid_word(text: str, pos: int) -> bool:
    """Whether ``pos`` falls inside a word of ``text`` (the stored text, where a dash and a
    hyphen still differ)."""

    def alnum(i: int) -> bool:
        return 0 <= i < len(text) and text[i].isalnum()

    if alnum(pos - 1) and alnum(pos):
        return True
    if pos < len(text) and text[pos] in _JOINERS and alnum(pos - 1) and alnum(pos + 1):
        return True
    return pos > 0 and text[pos - 1] in _JOINERS and alnum(pos - 2) and alnum(pos)


def _word_at(text: str, pos: int) -> str:
    """The whole word of ``text`` around ``pos``, to show an editor where a cut fell."""
    start = pos
    while start > 0 and _mid_word(text, start):
        start -= 1
    end = pos
    while end < len(text) and _mid_word(text, end):
        end += 1
    return text[start:end].strip()


# -- matching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Where a quote is: its paragraph and the stored-text span of each quoted part."""

    paragraph: Paragraph
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Mismatch:
    """Why a quote is not word for word: an editor's message and a hint, for a Problem."""

    message: str
    hint: str


MAX_PLACES = 200_000
"""The most places of a quote's parts weighed for one quote. A quote of many short, common
parts ("a [x] a [x] a …") against a long text is refused instead of taking minutes."""


class _TooVague(Exception):
    """The search for a quote went over :data:`MAX_PLACES`."""


class _Search:
    """One quote's search through one source: found places are kept, work is counted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.budget = MAX_PLACES
        self.cache: dict[tuple[int, _Part], list[tuple[int, int]]] = {}

    def spend(self, work: int) -> None:
        self.budget -= work
        if self.budget < 0:
            raise _TooVague

    def _whole(self, para: Paragraph, part: _Part, pos: int) -> bool:
        """Whether the place at ``pos`` starts and ends at word boundaries, where checked."""
        self.spend(1)
        start, end = para.raw_span(pos, pos + len(part.words))
        return not (part.check_start and _mid_word(self.text, start)) and not (
            part.check_end and _mid_word(self.text, end)
        )

    def first(self, para: Paragraph, part: _Part, after: int = 0) -> tuple[int, int] | None:
        """The first place of ``part`` in ``para`` from ``after`` on, at word boundaries."""
        pos = para.folded.find(part.words, after)
        while pos >= 0 and not self._whole(para, part, pos):
            pos = para.folded.find(part.words, pos + 1)
        return (pos, pos + len(part.words)) if pos >= 0 else None

    def occurrences(self, para: Paragraph, part: _Part) -> list[tuple[int, int]]:
        """Every place of ``part`` in ``para`` at word boundaries (for insertions)."""
        key = (para.number, part)
        if key not in self.cache:
            found = []
            place = self.first(para, part)
            while place is not None:
                found.append(place)
                place = self.first(para, part, place[0] + 1)
            self.cache[key] = found
        return self.cache[key]

    def place(
        self, para: Paragraph, parts: list[_Part], gaps: bool = True
    ) -> tuple[tuple[tuple[int, int], ...] | None, int]:
        """The first placement of every part in order in ``para`` and -1, or None and the
        index of the first part that found no place. A part's feasible places are those that
        a feasible place of the part before can reach across the gap between them (anything
        for an elision, 1 to MAX_REPLACED words per insertion; ``gaps=False`` lifts that
        limit, to tell a misplaced insertion from parts out of order)."""
        if not gaps or all(part.gap == "elision" for part in parts[1:]):
            return self._in_order(para, parts)
        chains: list[list[tuple[int, int, int]]] = []  # per part: start, end, previous index
        for number, part in enumerate(parts):
            places = self.occurrences(para, part)
            if number == 0:
                chains.append([(s, e, -1) for s, e in places])
            else:
                gap = part.gap if gaps else "elision"
                glued = part.glued(parts[number - 1])
                chains.append(self._feasible(para, chains[-1], places, gap, glued))
            if not chains[-1]:
                return None, number
        spans = []
        index = 0
        for chain in reversed(chains):
            start, end, index = chain[index]
            spans.append(para.raw_span(start, end))
        return tuple(reversed(spans)), -1

    def _in_order(
        self, para: Paragraph, parts: list[_Part]
    ) -> tuple[tuple[tuple[int, int], ...] | None, int]:
        """Without insertions, the leftmost place of each part after the one before is the
        best choice: it leaves the most room for the parts that follow."""
        spans = []
        after = 0
        for number, part in enumerate(parts):
            place = self.first(para, part, after)
            if place is None:
                return None, number
            spans.append(para.raw_span(*place))
            after = place[1]
        return tuple(spans), -1

    def _feasible(
        self,
        para: Paragraph,
        before: list[tuple[int, int, int]],
        places: list[tuple[int, int]],
        gap: str | int,
        glued: bool,
    ) -> list[tuple[int, int, int]]:
        self.spend(len(places))
        if gap == "elision":  # the earliest end of the part before serves every later place
            first, end = min((e, i) for i, (_, e, _) in enumerate(before))
            return [(s, e, end) for s, e in places[bisect_left(places, (first, 0)) :]]
        ends = sorted((e, i) for i, (_, e, _) in enumerate(before))
        found = []
        for start, end in places:
            prev = _predecessor(para, ends, start, gap, glued)
            if prev is not None:
                found.append((start, end, prev))
        return found


def _predecessor(
    para: Paragraph, ends: list[tuple[int, int]], start: int, gap: str | int, glued: bool
) -> int | None:
    """The place of the part before that ``start`` can follow across ``gap`` insertions: 1 to
    MAX_REPLACED source words each (no whole word needed when one is glued to a word)."""
    before = bisect_left(para.words, start)
    highest = start if glued else (para.words[before - 1] if before > 0 else -1)
    first_word = before - MAX_REPLACED * int(gap) - 1
    lowest = para.words[first_word] if first_word >= 0 else -1
    last = bisect_right(ends, (min(start, highest), len(ends))) - 1
    return ends[last][1] if last >= 0 and ends[last][0] > lowest else None


def verify(quote: str, source: str, source_id: str) -> Match | Mismatch:
    """Find ``quote`` in the stored text ``source`` word for word, or say why it is not."""
    parts = _parts(quote)
    if not parts:
        return Mismatch(
            "quote has no words of its own outside elisions and insertions",
            "quote at least a few words of the source",
        )
    search = _Search(source)
    try:
        for para in paragraphs(source):
            spans, _ = search.place(para, parts)
            if spans is not None:
                return Match(para, spans)
        return _diagnose(search, parts, source_id)
    except _TooVague:
        return Mismatch(
            f"quote has too many short, common parts to check against source '{source_id}'",
            "quote fewer, longer parts",
        )


def _label(parts: list[_Part], index: int) -> str:
    if len(parts) == 1:
        return "quote"
    words = parts[index].words.split()
    opening = " ".join(words[:4]) + (" …" if len(words) > 4 else "")
    return f"part {index + 1} of the quote ('{opening}')"


def _diagnose(search: _Search, parts: list[_Part], source_id: str) -> Mismatch:
    """The first reason, in the order an editor fixes them, that no paragraph matched."""
    hint = f"compare with content/sources/{source_id}.txt"
    paras = paragraphs(search.text)
    homes: list[list[int]] = []
    for index, part in enumerate(parts):
        anywhere = [p for p in paras if part.words in p.folded]
        if not anywhere:
            if len(parts) == 1:
                return Mismatch(
                    f"quote does not appear word for word in source '{source_id}'", hint
                )
            label = _label(parts, index)
            return Mismatch(f"{label} does not appear word for word in source '{source_id}'", hint)
        homes.append([p.number for p in anywhere if search.first(p, part)])
        if not homes[-1]:
            return _mid_word_mismatch(parts, index, anywhere[0], search.text, source_id)
    shared = set(homes[0]).intersection(*homes[1:])
    if not shared:
        where = "; ".join(f"part {i + 1} in paragraph {h[0]}" for i, h in enumerate(homes))
        return Mismatch(
            f"the quote's parts are in different paragraphs of source '{source_id}' ({where})",
            "an elision joins words of one paragraph; make one quote per paragraph",
        )
    common = [p for p in paras if p.number in shared]
    fits = [search.place(p, parts, gaps=False) for p in common]
    if all(spans is None for spans, _ in fits):
        second = fits[0][1] + 1
        return Mismatch(
            f"part {second} of the quote comes before part {second - 1} in source '{source_id}'",
            "keep the source's order, or make two quotes",
        )
    return Mismatch(
        f"an insertion does not stand for 1 to {MAX_REPLACED} words of source '{source_id}'",
        "[brackets] replace a few of the speaker's words; mark a longer cut with …",
    )


def _mid_word_mismatch(
    parts: list[_Part], index: int, para: Paragraph, source: str, source_id: str
) -> Mismatch:
    part = parts[index]
    pos = para.folded.find(part.words)
    start, end = para.raw_span(pos, pos + len(part.words))
    label = _label(parts, index)
    if part.check_start and _mid_word(source, start):
        word = _word_at(source, start)
        return Mismatch(
            f"{label} starts mid-word in source '{source_id}' (inside '{word}')",
            "quote whole words",
        )
    word = _word_at(source, end)
    return Mismatch(
        f"{label} ends mid-word in source '{source_id}' (inside '{word}')", "quote whole words"
    )


# -- the excerpt readers see -----------------------------------------------------------------


_SENTENCE_END = re.compile(r"[.!?…]+[”\"’')\]]*\s+")
_OPENERS = "“\"‘'(["
_LAST_WORD = re.compile(r"\S*$")
_ABBREVIATED = """mr mrs ms dr prof st sr jr gen col lt sgt capt gov sen rep rev jan feb mar apr
jun jul aug sep sept oct nov dec no vol vs etc approx inc ltd co corp dept est fig"""
_ABBREVIATIONS = frozenset(_ABBREVIATED.split())


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as spans. A full stop ends a sentence when a
    capital follows, unless it ends an abbreviation ("U.S.", "Feb.", "Mr.") or an initial."""
    spans = []
    at = start
    for found in _SENTENCE_END.finditer(text, start, end):
        following = text[found.end() : found.end() + 2].lstrip(_OPENERS)[:1]
        if not following.isupper():
            continue
        last = _LAST_WORD.search(text, max(start, found.start() - 40), found.start() + 1)
        word = (last.group() if last else "").lstrip(_OPENERS)
        stem = word.rstrip(".").casefold()
        if word.endswith(".") and (
            stem in _ABBREVIATIONS or re.fullmatch(r"(?:[^\W\d_]\.)*[^\W\d_]", stem)
        ):
            continue
        spans.append((at, found.end()))
        at = found.end()
    spans.append((at, end))
    return [(s, s + len(text[s:e].rstrip())) for s, e in spans if text[s:e].strip()]


@dataclass(frozen=True)
class Excerpt:
    """The source text around a quote: ``start``/``end`` in the stored text, the quoted spans
    inside it to mark, and whether it was cut inside a sentence at either end."""

    paragraph: int
    start: int
    end: int
    marks: tuple[tuple[int, int], ...]
    cut_before: bool = False
    cut_after: bool = False


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def excerpt(match: Match, text: str, limit: int = EXCERPT_WORDS) -> Excerpt:
    """The sentences holding the quote, with whole neighbouring sentences added while the
    excerpt stays within ``limit`` words; when the quote's own sentences are longer, the
    words nearest the quote, cut with … (the quote itself is never cut)."""
    para = match.paragraph
    sents = sentences(text, para.start, para.end)
    first_at, last_at = match.spans[0][0], match.spans[-1][1]
    lo = next(i for i, (_, e) in enumerate(sents) if e > first_at)
    hi = next(i for i, (_, e) in enumerate(sents) if e >= last_at)
    if _words(text, sents[lo][0], sents[hi][1]) > limit:
        return _window(match, text, sents[lo][0], sents[hi][1], limit)
    grew = True
    while grew:
        grew = False
        if lo > 0 and _words(text, sents[lo - 1][0], sents[hi][1]) <= limit:
            lo, grew = lo - 1, True
        if hi + 1 < len(sents) and _words(text, sents[lo][0], sents[hi + 1][1]) <= limit:
            hi, grew = hi + 1, True
    return Excerpt(para.number, sents[lo][0], sents[hi][1], match.spans)


def _window(match: Match, text: str, start: int, end: int, limit: int) -> Excerpt:
    """Words either side of the quote, up to ``limit`` in all, within ``start``–``end``."""
    first_at, last_at = match.spans[0][0], match.spans[-1][1]
    reach = limit * 40  # characters enough for ``limit`` words; a huge sentence is not read
    lead = max(start, first_at - reach)
    before = [lead + m.start() for m in re.finditer(r"\S+", text[lead:first_at])]
    if lead > start and before and before[0] == lead:
        before = before[1:]  # maybe the end of a word cut by the reach
    after = [
        last_at + m.end() for m in re.finditer(r"\S+", text[last_at : min(end, last_at + reach)])
    ]
    budget = max(limit - _words(text, first_at, last_at), 0)
    take_before = min(len(before), max(budget // 2, budget - len(after)))
    take_after = min(len(after), budget - take_before)
    cut_start = before[-take_before] if take_before else first_at
    cut_end = after[take_after - 1] if take_after else last_at
    return Excerpt(
        match.paragraph.number,
        cut_start,
        cut_end,
        match.spans,
        cut_before=cut_start > start,
        cut_after=cut_end < end,
    )

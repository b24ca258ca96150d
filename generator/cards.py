"""Share cards: a 1200×630 PNG per page for ``og:image``, drawn offline with Pillow.

Why this module exists on its own: Material's social plugin needs Cairo and downloads fonts at
build time, which the house rules forbid. A card is title, subtitle, the story's name and a
colour band, in any script the story uses, and must come out byte-identical from the same inputs.

How it stays honest:

- **Fonts** come from pinned packages, never from whatever the machine has: Noto Sans (Latin,
  Greek, Cyrillic) and Noto Sans Arabic from PyPI, and Noto Sans CJK from Debian's
  ``fonts-noto-cjk`` when it is installed (see :data:`CJK_DIRS`; it is 90 MB, too heavy for a
  base dependency). Each character takes the first font of :func:`chain` whose cmap has it; a
  character no font has stops the build (:class:`~generator.errors.BuildError`) rather than
  printing a tofu box.
- **Layout** is Pillow's basic one on every machine: Pillow's Raqm layout loads FriBiDi from
  the system when it is there, so using it would make the bytes depend on the machine. Arabic is
  shaped to presentation forms by ``arabic-reshaper`` and put in visual order by ``python-bidi``.
- **Fitting**: text wraps at spaces (and between CJK characters), shrinks through a few sizes,
  and ends with an ellipsis when even the smallest size has too many lines; nothing overflows.
- **Colours**: a card is drawn straight into a fixed 256-colour palette (:func:`draw`):
  background, band, and for each of the two inks a ramp of :data:`LEVELS` steps from the
  background to the ink. Text is drawn as a greyscale coverage mask and each coverage value
  maps to a ramp step by a lookup table, so no channel is more than a step or two from Pillow's
  own RGB drawing and no colour is ever searched for: quantizing an RGB card (median cut) was
  70 % of a card's cost (about 21 of 29 ms; a card now costs about 2.5 ms of CPU, FreeType
  drawing each glyph once per process: :func:`draw`).
- **Bytes**: a palette PNG with no chunk beyond IHDR, PLTE, IDAT and IEND (no time, no text,
  no dpi), written by :func:`encode` with Python's zlib (whose version is part of the cache
  key): the blank rows, half of every card, are compressed once and reused, the rows with
  text at a fixed level (:data:`COMPRESS_LEVEL`), those of the story's name once per process
  (:func:`_text_rows`).
- **Cache**: :func:`cards` keys each card by a hash of its text, colour, the fonts' bytes, the
  libraries' versions and :data:`VERSION`, and keeps it in
  ``<cache_dir>/<key>.<digest>.png``, where the digest is the SHA-256 of the PNG's bytes
  (:func:`_cached`). A cached file is used only if its bytes hash to the digest in its name:
  that proves they are the bytes encoded when it was written, so a truncated, damaged or
  edited file is never published (it is removed and the card drawn again), at the cost of a
  hash (20 µs a card) instead of a full decode (about 1.4 ms a card: 15 s of CPU at 10,000
  records).
  It guards against accidents, not against someone who writes the cache: see the README.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import multiprocessing
import os
import re
import secrets
import signal
import struct
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import arabic_reshaper
from bidi import get_display
from fontTools.ttLib import TTFont
from PIL import Image, ImageFont, features

from generator import workers
from generator.errors import BuildError
from generator.writer import File, Stored

if TYPE_CHECKING:
    from PIL._imaging import ImagingCore  # what Pillow's own annotations name a core image

VERSION = 3
"""Bump when the drawing changes, so every cached card is redrawn."""

WIDTH, HEIGHT = 1200, 630
MARGIN = 96
"""Left and right margin of the text; the colour band sits inside the left one."""
BAND = 24
"""Width of the colour band along the left edge."""
TEXT_WIDTH = WIDTH - 2 * MARGIN
BACKGROUND = (250, 250, 247)
INK = (20, 20, 20)
MUTED = (85, 85, 85)
DEFAULT_COLOUR = "#3f51b5"
"""Material's indigo, the theme's primary colour."""
ELLIPSIS = "…"
MAX_CHARS = 400
"""More characters than a line of text can hold (about 140 at the smallest size)."""
CACHE_FOLDER = "cards"
"""The cards' folder in the build's cache (``.explainer/cache/cards/<key>.png``). Nothing prunes
it yet: a card whose text changed leaves its old file behind."""
SHARED_ENV = "EXPLAINER_SHARED_CARDS"
"""The environment variable naming a folder of cards that projects share: a card missing from
a project's own cache is copied from there if it is there, and a card drawn is put there too.
A card's file is named by everything that decides its bytes and by their hash, and is written
aside and renamed in, so projects drawing at once cannot spoil each other's cards. The cards
in ``docs/`` still link to the project's own cache, which nothing else touches. The test suite's
many small projects share one folder per run: they drew some 4,000 cards, a few hundred of them
different, at about 25 ms each, a tenth of the suite's time."""
COMPRESS_LEVEL = 5
"""The zlib level for the rows with text (:func:`encode`). Measured on those rows of a
quote's card (ms, KB): level 1 1.2 ms, 31.4 KB; 3 1.5, 28.3; 5 2.2, 25.7; 6 3.5, 25.0. With
the blank rows compressed once at level 9, a card at level 5 is smaller than Pillow's whole
card at level 6 (27.2 KB) in well under half its time (4.7 ms). PNG filters would not help: a
palette image is stored unfiltered."""


@dataclass(frozen=True)
class Block:
    """Where one text field goes and how it may shrink: sizes are tried largest first."""

    sizes: tuple[int, ...]
    bold: bool
    colour: tuple[int, int, int]
    max_lines: int


STORY = Block(sizes=(32, 28), bold=False, colour=MUTED, max_lines=1)
TITLE = Block(sizes=(76, 68, 60, 52, 46), bold=True, colour=INK, max_lines=3)
SUBTITLE = Block(sizes=(38, 34, 30), bold=False, colour=MUTED, max_lines=3)
STORY_BASELINE = 104
TITLE_TOP = 170
TEXT_BOTTOM = HEIGHT - 64
GAP = 28
LEADING = 1.22
"""Line height as a multiple of the font size (the same for every font in a line)."""


# --- fonts -----------------------------------------------------------------------------------

CJK_DIRS = (Path("/usr/share/fonts/opentype/noto"),)
"""Where Debian's ``fonts-noto-cjk`` puts Noto Sans CJK (index 0 of each collection: the
Japanese-preferred face, which covers Chinese, Japanese and Korean)."""


@dataclass(frozen=True)
class FontFile:
    """One face: a file, its index in a collection, and a weight for a variable font."""

    path: Path
    index: int = 0
    weight: int | None = None


@dataclass(frozen=True)
class Font:
    """A family of the fallback chain, in the two weights a card uses."""

    name: str
    regular: FontFile
    bold: FontFile

    def face(self, bold: bool) -> FontFile:
        return self.bold if bold else self.regular


def _package_font(package: str, filename: str) -> Path:
    """A font file shipped inside a pinned PyPI package (the fontpkg layout: ``files/``)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise BuildError(f"share cards need the Python package {package}; run `make site`")
    return Path(spec.origin).parent / "files" / filename


def _variable(name: str, path: Path) -> Font:
    return Font(name, FontFile(path, weight=400), FontFile(path, weight=700))


@cache
def chain() -> tuple[Font, ...]:
    """The fonts, in the order a character tries them."""
    fonts = [
        _variable("Noto Sans", _package_font("fontpkg_noto_sans", "NotoSans[wdth,wght].ttf")),
        _variable(
            "Noto Sans Arabic",
            _package_font("fontpkg_noto_sans_arabic", "NotoSansArabic[wdth,wght].ttf"),
        ),
    ]
    for folder in CJK_DIRS:
        regular, bold = folder / "NotoSansCJK-Regular.ttc", folder / "NotoSansCJK-Bold.ttc"
        if regular.is_file() and bold.is_file():
            fonts.append(Font("Noto Sans CJK", FontFile(regular), FontFile(bold)))
            break
    return tuple(fonts)


@cache
def coverage(face: FontFile) -> frozenset[int]:
    """The code points a face maps to a glyph (read lazily: the CJK cmap takes a moment)."""
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def face_for(char: str, bold: bool) -> FontFile | None:
    """The first face of the chain that has a glyph for ``char`` (remembered: a card asks
    for each character once per width it measures)."""
    for font in chain():
        face = font.face(bold)
        if ord(char) in coverage(face):
            return face
    return None


@cache
def _pillow_font(face: FontFile, size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(
        str(face.path), size, index=face.index, layout_engine=ImageFont.Layout.BASIC
    )
    if face.weight is not None:
        font.set_variation_by_axes(
            [
                float(
                    face.weight if axis["name"] in ("Weight", b"Weight") else axis["default"] or 0
                )
                for axis in font.get_variation_axes()
            ]
        )
    return font


@cache
def fingerprint() -> str:
    """What besides the text decides a card's pixels: fonts' bytes, library versions."""
    parts = [f"cards {VERSION} png {COMPRESS_LEVEL} levels {LEVELS}"]
    # Pillow built from source would use the system's FreeType and zlib: name them too.
    parts += [f"{lib} {features.version(lib)}" for lib in ("freetype2", "zlib")]
    parts.append(f"python zlib {zlib.ZLIB_RUNTIME_VERSION}")  # compresses the PNG: encode()
    for dist in ("pillow", "arabic-reshaper", "python-bidi"):
        parts.append(f"{dist} {importlib.metadata.version(dist)}")
    for font in chain():
        for face in (font.regular, font.bold):
            digest = hashlib.sha256(face.path.read_bytes()).hexdigest()
            parts.append(f"{face.path.name}#{face.index}@{face.weight} {digest}")
    return "\n".join(parts)


# --- text ------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    """One paragraph: NFC, whitespace collapsed, invisible format characters dropped."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return _SPACES.sub(" ", text).strip()


_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
"""Characters a line may break between without a space: Han, kana, Hangul, CJK marks."""
_UNIT = re.compile(f"[{_CJK}] *|[^ {_CJK}]+ *| +")


def _units(text: str) -> list[str]:
    """Pieces a line may break after: a word with its trailing space, or one CJK character."""
    return _UNIT.findall(text)


def _field(text: str, block: Block) -> str:
    """The part of a field a card can show, and one character more to tell it was cut."""
    return _clean(text)[: MAX_CHARS * block.max_lines + 1]


def is_rtl(text: str) -> bool:
    """The paragraph direction: that of its first strong character (Unicode's rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def visual(line: str, rtl: bool) -> str:
    """A logical line as drawn left to right: Arabic shaped, then bidi-reordered."""
    if not any(unicodedata.bidirectional(ch) in ("R", "AL", "AN") for ch in line):
        return line
    shaped: str = arabic_reshaper.reshape(line)
    return str(get_display(shaped, base_dir="R" if rtl else "L"))


@dataclass(frozen=True)
class Run:
    """Characters drawn with one face, at a position (left end of the baseline)."""

    text: str
    face: FontFile
    size: int
    x: float
    baseline: float

    def font(self) -> ImageFont.FreeTypeFont:
        return _pillow_font(self.face, self.size)


class MissingGlyphs(BuildError):
    """No font of the chain has these characters; ``chars`` lists them, ``cards`` where."""

    def __init__(self, chars: set[str], cards: Iterable[str] = ()) -> None:
        self.chars = frozenset(chars)
        self.cards = tuple(sorted(cards))
        listed = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in sorted(chars))
        where = f" in {', '.join(self.cards)}" if self.cards else ""
        super().__init__(
            f"share cards: no font has {listed}{where} (remove the character from the text; "
            "Chinese, Japanese and Korean need Debian's fonts-noto-cjk)"
        )


def missing_glyphs(title: str, subtitle: str, story: str) -> set[str]:
    """Characters of a card that no font of the chain has, as they would be drawn."""
    missing: set[str] = set()
    for field, block in ((title, TITLE), (subtitle, SUBTITLE), (story, STORY)):
        text = _field(field, block)
        shown = visual(text, is_rtl(text)) + text
        missing |= {char for char in shown if face_for(char, block.bold) is None}
    return missing


def _faces(line: str, bold: bool) -> Iterator[tuple[str, FontFile]]:
    """Each character of a visual line with the face it is drawn in: the first of the chain
    that has it, except a space, which stays with the run it is in."""
    face: FontFile | None = None
    for char in line:
        own = face_for(char, bold)
        if own is None:
            raise MissingGlyphs({c for c in line if face_for(c, bold) is None})
        if char != " " or face is None:
            face = own
        yield char, face


def _runs(line: str, bold: bool) -> list[tuple[str, FontFile]]:
    """Split a visual line into runs of one face each (:func:`_faces`)."""
    runs: list[tuple[str, FontFile]] = []
    for char, face in _faces(line, bold):
        if runs and runs[-1][1] == face:
            runs[-1] = (runs[-1][0] + char, face)
        else:
            runs.append((char, face))
    return runs


def measure(line: str, bold: bool, size: int, rtl: bool) -> float:
    """The drawn width of a logical line, in pixels: the sum of its characters' advances.

    Pillow's basic layout applies no kerning to fonts without a ``kern`` table (none of the
    chain has one: they kern through GPOS, which only Raqm reads), so a run's width is exactly
    the sum of its characters' widths (``tests/test_cards.py`` checks it for every face). Wrapping
    measures a growing line once per word, and asking FreeType for each was a fifth of a card.
    """
    return sum(_advance(face, size, char) for char, face in _faces(visual(line, rtl), bold))


@cache
def _advance(face: FontFile, size: int, char: str) -> float:
    """One character's advance in pixels (a multiple of 1/64, so sums of them are exact)."""
    return _pillow_font(face, size).getlength(char)


def _fits(line: str, block: Block, size: int, rtl: bool) -> bool:
    return measure(line.rstrip(), block.bold, size, rtl) <= TEXT_WIDTH


def _wrap(text: str, block: Block, size: int, rtl: bool, limit: int) -> list[str]:
    """Greedy lines no wider than the text box; a unit wider than a line is cut anywhere.

    Stops at ``limit + 1`` lines: one line too many says the text does not fit, and laying out
    the rest of a long text would only cost time.
    """
    lines: list[str] = []
    current = ""
    for unit in _units(text):
        if _fits(current + unit, block, size, rtl):
            current += unit
            continue
        if current:
            lines.append(current.rstrip())
            current = ""
        rest = unit
        while len(lines) <= limit and not _fits(rest, block, size, rtl):
            cut = 1
            while cut < len(rest) and _fits(rest[: cut + 1], block, size, rtl):
                cut += 1
            lines.append(rest[:cut])
            rest = rest[cut:]
        if len(lines) > limit:
            return lines
        current = rest
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _ellipsize(lines: list[str], keep: int, block: Block, size: int, rtl: bool) -> list[str]:
    """The first ``keep`` lines, the last one cut to end with an ellipsis that fits."""
    full = lines[keep - 1]
    last = full
    while last and not _fits(last.rstrip() + ELLIPSIS, block, size, rtl):
        last = last[:-1]
    space = last.rfind(" ")
    if len(last) < len(full) and full[len(last)] != " " and space > len(last) // 2:
        last = last[:space]  # end on a whole word when that does not waste half the line
    return [*lines[: keep - 1], last.rstrip() + ELLIPSIS]


def fit(text: str, block: Block, max_lines: int) -> tuple[int, list[str]]:
    """The largest size at which the text fits in ``max_lines`` lines, and those lines.

    Only the first :data:`MAX_CHARS` characters per line are laid out, more than a line can
    show, so a huge text costs no more than a long one; cutting them forces the ellipsis.
    """
    rtl = is_rtl(text)
    cap = MAX_CHARS * max_lines
    cut, text = len(text) > cap, text[:cap]
    lines: list[str] = []
    for size in block.sizes:
        lines = _wrap(text, block, size, rtl, max_lines)
        if len(lines) <= max_lines and not cut:
            return size, lines
    size = block.sizes[-1]
    if len(lines) < max_lines:  # only zero-width characters make a cut text this short
        return size, [*lines[:-1], *_ellipsize([lines[-1] + " "], 1, block, size, rtl)]
    return size, _ellipsize(lines, max_lines, block, size, rtl)


def line_height(size: int) -> int:
    return round(size * LEADING)


def _place(text: str, block: Block, top: float, bottom: float) -> tuple[list[Run], float]:
    """Runs for one field, laid from ``top``; returns them and the bottom of the last line."""
    text = _field(text, block)
    if not text:
        return [], top
    room = int((bottom - top) // line_height(block.sizes[-1]))
    size, lines = fit(text, block, max(1, min(block.max_lines, room)))
    rtl = is_rtl(text)
    placed: list[Run] = []
    baseline = top + size
    for line in lines:
        shown = visual(line, rtl)
        pieces = _runs(shown, block.bold)
        # Each run's width is its characters' advances added up, as in measure(): FreeType
        # asked for each whole run cost about 0.2 ms a card.
        widths = [sum(_advance(face, size, char) for char in piece) for piece, face in pieces]
        x = MARGIN + TEXT_WIDTH - sum(widths) if rtl else MARGIN
        for (piece, face), width in zip(pieces, widths, strict=True):
            placed.append(Run(piece, face, size, x, baseline))
            x += width
        baseline += line_height(size)
    return placed, baseline - line_height(size) + size * 0.3


# --- drawing ---------------------------------------------------------------------------------

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as a triple; anything else is a programming error in the caller."""
    if not _COLOUR.fullmatch(colour):
        raise BuildError(f"share cards: colour {colour!r} is not #rrggbb")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


Box = tuple[int, int, int, int]
"""Left, top, right and bottom, in pixels (right and bottom excluded)."""


@dataclass(frozen=True)
class Layout:
    """Everything a card draws, kept apart from drawing so tests can check each run."""

    band: tuple[int, int, int]
    runs: tuple[tuple[Run, tuple[int, int, int]], ...]


def layout(title: str, subtitle: str, story: str, colour: str = DEFAULT_COLOUR) -> Layout:
    """Where every run of text goes: the story's name on top, the title, then the subtitle."""
    band = rgb(colour)
    missing = missing_glyphs(title, subtitle, story)
    if missing:
        raise MissingGlyphs(missing)
    story_runs, _ = _place(story, STORY, STORY_BASELINE - STORY.sizes[0], TITLE_TOP)
    title_runs, bottom = _place(title, TITLE, TITLE_TOP, TEXT_BOTTOM)
    sub_runs, end = _place(subtitle, SUBTITLE, bottom + GAP, TEXT_BOTTOM)
    # Centre title and subtitle in the space left, so a short card is not all at the top.
    shift = max(0.0, (TEXT_BOTTOM - (end if sub_runs else bottom)) / 2)
    runs = [(run, STORY.colour) for run in story_runs]
    runs += [(replace(run, baseline=run.baseline + shift), TITLE.colour) for run in title_runs]
    runs += [(replace(run, baseline=run.baseline + shift), SUBTITLE.colour) for run in sub_runs]
    return Layout(band, tuple(runs))


LEVELS = 127
"""Anti-aliasing steps per ink: background, band and two ramps of 127 fill the 256 colours."""
INKS = (INK, MUTED)
"""Every ink a :class:`Block` may use, in palette order (a layout with another ink is a
programming error)."""


def _ramp(ink: tuple[int, int, int], level: int) -> tuple[int, int, int]:
    """The colour of ``ink`` laid over the background at ``level`` of :data:`LEVELS`."""
    r, g, b = (
        bg + (2 * (i - bg) * level + LEVELS) // (2 * LEVELS)  # rounded, in integers
        for bg, i in zip(BACKGROUND, ink, strict=True)
    )
    return r, g, b


@cache
def _ramps() -> tuple[int, ...]:
    return tuple(
        channel for ink in INKS for level in range(1, LEVELS + 1) for channel in _ramp(ink, level)
    )


def palette(band: tuple[int, int, int]) -> list[int]:
    """The card's 256 colours: background (index 0), band (1), then one ramp per ink."""
    return [*BACKGROUND, *band, *_ramps()]


@cache
def _levels(ink: tuple[int, int, int]) -> tuple[list[int], list[int]]:
    """Lookup tables from a text mask's coverage (0–255) to the ink's palette index, and to
    a mask that is 255 wherever that index is not the background."""
    first = 2 + INKS.index(ink) * LEVELS - 1
    steps = [(2 * alpha * LEVELS + 255) // 510 for alpha in range(256)]  # the nearest step
    return [first + step if step else 0 for step in steps], [255 if step else 0 for step in steps]


def _layers(plan: Layout) -> list[tuple[tuple[int, int, int], list[Run]]]:
    """Consecutive runs of one ink, in drawing order."""
    layers: list[tuple[tuple[int, int, int], list[Run]]] = []
    for run, ink in plan.runs:
        if layers and layers[-1][0] == ink:
            layers[-1][1].append(run)
        else:
            layers.append((ink, [run]))
    return layers


Piece = tuple[int, int, "ImagingCore"]
"""Coverage to blend onto a mask, and where its top left corner goes on the card."""


@dataclass(frozen=True)
class Glyph:
    """One character of a face at a size, as FreeType draws it in Pillow's basic layout.

    ``advance`` is in 1/64 pixel; ``left`` (at most 0) and ``up`` (at least 0) are how far
    its bitmap reaches left of and above the pen, which is where Pillow starts the pen in the
    bitmap of a line; ``ink`` is the bitmap cut to its non-zero pixels, with where its top
    left corner is from the pen (None for a glyph with no ink, like a space)."""

    advance: int
    left: int
    up: int
    ink: Piece | None


GLYPHS_KEPT = 4096
"""Glyphs :func:`_glyph` remembers: Latin text needs a few hundred (a hundred characters in a
few sizes), a page of Chinese a few thousand, at up to 6 KB each."""


@lru_cache(maxsize=GLYPHS_KEPT)
def _glyph(face: FontFile, size: int, char: str) -> Glyph:
    """A character drawn alone by FreeType (through Pillow, at a whole pixel, so with no
    fraction of one to shift it), measured and cut to its ink."""
    font = _pillow_font(face, size)
    bitmap, (left, top) = font.getmask2(char, "L", anchor="ls")
    advance = round(_advance(face, size, char) * 64)
    box = bitmap.getbbox()
    ink = None if box is None else (left + box[0], top + box[1], bitmap.crop(box))
    return Glyph(advance, left, -top, ink)


def _f32(value: float) -> float:
    """``value`` as a C float: Pillow hands the pen's fraction of a pixel to FreeType so."""
    single: float = struct.unpack("f", struct.pack("f", value))[0]
    return single


def _pixel(value: int) -> int:
    """A position in 1/64 pixel rounded to a pixel as Pillow does (``PIXEL`` in
    ``_imagingft.c``: halves go up)."""
    return (value + 32) >> 6


def _c_round(value: float) -> int:
    """C's ``round``: halves away from zero."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _pieces(run: Run) -> list[Piece]:
    """The ink of a run's glyphs and where each goes on the card, placed as Pillow's
    ``ImageDraw.text`` places them with the basic layout (``font_render`` in Pillow's
    ``_imagingft.c``): glyph by glyph, each from its own remembered bitmap (:func:`_glyph`).

    FreeType draws each glyph at a whole pixel, and Pillow puts it at the pen rounded to a
    pixel, the pen starting where the line's bitmap leaves room for every glyph's reach left
    and up, shifted by the position's fraction of a pixel (a C float). So a run's coverage is
    its glyphs' bitmaps laid at those places, and a card's title need not be drawn by FreeType
    again (two thirds of a card's drawing). The tests compare the two for every face and size.
    A run that starts left of or above the card, which no layout makes, is drawn by FreeType:
    Pillow would cut glyphs at its bitmap's edge there."""
    if run.x < 0 or run.baseline < 0 or "\n" in run.text:
        return [_rendered(run)]
    glyphs = [_glyph(run.face, run.size, char) for char in run.text]
    pens = []
    pen = left = up = 0
    for glyph in glyphs:
        pens.append(pen)
        left = min(left, _pixel(pen) + glyph.left)
        up = max(up, glyph.up)
        pen += glyph.advance
    x, y = int(run.x), int(run.baseline)
    start_x = _c_round(_f32(-left + _f32(run.x - x)) * 64)
    start_y = _c_round(_f32(-up - _f32(run.baseline - y)) * 64)
    x += left
    y -= up + _pixel(start_y)
    return [
        (x + _pixel(start_x + pen) + glyph.ink[0], y + glyph.ink[1], glyph.ink[2])
        for glyph, pen in zip(glyphs, pens, strict=True)
        if glyph.ink is not None
    ]


def _rendered(run: Run) -> Piece:
    """A run's coverage as FreeType draws it, and where its top left corner goes: what
    ``ImageDraw.text`` does for one line at this anchor, without a canvas to draw on."""
    x, y = int(run.x), int(run.baseline)
    bitmap, (dx, dy) = run.font().getmask2(
        run.text, "L", anchor="ls", start=(run.x - x, run.baseline - y)
    )
    return x + dx, y + dy, bitmap


def _bounds(pieces: list[Piece]) -> Box | None:
    """The box around some pieces (unbounded by the card), None if there are none."""
    if not pieces:
        return None
    return (
        min(x for x, _, _ in pieces),
        min(y for _, y, _ in pieces),
        max(x + bitmap.size[0] for x, _, bitmap in pieces),
        max(y + bitmap.size[1] for _, y, bitmap in pieces),
    )


def _blend(mask: ImagingCore, origin: tuple[int, int], pieces: list[Piece]) -> None:
    """Blend pieces onto a mask whose top left corner is at ``origin`` on the card, as
    Pillow blends ink onto a mask (and FreeType's glyphs into a line's bitmap): each pixel
    ``a`` over ``b`` becomes ``a + b * (255 - a) / 255``, rounded."""
    for x, y, bitmap in pieces:
        width, height = bitmap.size
        left, top = x - origin[0], y - origin[1]
        mask.paste(255, (left, top, left + width, top + height), bitmap)


def _meets(one: Box, other: Box) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def _coverage(runs: list[Run]) -> tuple[Box, ImagingCore] | None:
    """A layer's coverage in a mask only as big as its runs (on the card), and the mask's box.

    Each run is blended on as ``ImageDraw.text`` blends it onto a card-sized mask, so the
    values are the same; a mask the size of the card cost two full fills per layer. A run's
    glyphs are blended straight onto the mask where no run before them has ink, and first
    onto a mask of their own otherwise, as Pillow blends a line's bitmap (blending rounds, so
    the order counts)."""
    placed = [(pieces, _bounds(pieces)) for pieces in map(_pieces, runs)]
    boxes = [box for _, box in placed if box is not None]
    if not boxes:
        return None
    left = max(0, min(box[0] for box in boxes))
    top = max(0, min(box[1] for box in boxes))
    right = min(WIDTH, max(box[2] for box in boxes))
    bottom = min(HEIGHT, max(box[3] for box in boxes))
    if right <= left or bottom <= top:
        return None
    mask = Image.new("L", (right - left, bottom - top), None).im  # zeroed, not filled
    inked: list[Box] = []
    for pieces, box in placed:
        if box is None:
            continue
        if any(_meets(box, other) for other in inked):
            line = Image.new("L", (box[2] - box[0], box[3] - box[1]), None).im
            _blend(line, (box[0], box[1]), pieces)
            _blend(mask, (left, top), [(box[0], box[1], line)])
        else:
            _blend(mask, (left, top), pieces)
        inked.append(box)
    return (left, top, right, bottom), mask


def draw(plan: Layout) -> Image.Image:
    """The card as a palette image, drawn straight into :func:`palette`'s colours.

    Each layer of text (consecutive runs of one ink) is drawn white on black into a greyscale
    mask, FreeType's coverage composed as Pillow composes ink on a background; a lookup table
    turns each coverage value into the nearest step of the ink's ramp, pasted over what lies
    below wherever the layer has ink. (Where two layers would overlap, which a layout does not
    do, the later one wins instead of blending.) No colour is searched for, and everything
    after FreeType is integer lookups and copies: the same bytes on every machine.

    FreeType draws each glyph of a face and size once per process, and a line is its glyphs'
    bitmaps laid where Pillow would put them (:func:`_pieces`). The lookups go to Pillow's
    core with tables made once (:func:`_levels`): ``Image.point`` rounds every value of a
    table on each call.
    """
    image = _blank_card().copy()
    for ink, runs in _layers(plan):
        painted = _painted(ink, tuple(runs))
        if painted is not None:
            box, index, solid = painted
            image.im.paste(index, box, solid)
    image.putpalette(palette(plan.band))
    return image


Painted = tuple[Box, "ImagingCore", "ImagingCore"]
"""A layer ready to paste: its box on the card, its palette indices, and the mask of where
it has ink."""

PAINTED_KEPT = 4
"""Layers :func:`_painted` remembers, the most recently used: the story's name is one layer,
the same on every card of a build, and the title and subtitle of a card pass through."""
_PAINTED: dict[tuple[tuple[int, int, int], tuple[Run, ...]], Painted | None] = {}


def _painted(ink: tuple[int, int, int], runs: tuple[Run, ...]) -> Painted | None:
    """A layer of runs in one ink as palette indices, or None if it draws nothing.

    Remembered in this process (:data:`PAINTED_KEPT`), keyed by the runs themselves (text,
    face, size and position): the story's name, on every card, is drawn by FreeType once."""
    key = (ink, runs)
    if key in _PAINTED:
        return _recent(_PAINTED, key, _PAINTED.pop(key), PAINTED_KEPT)
    covered = _coverage(list(runs))
    if covered is None:
        painted = None
    else:
        box, coverage = covered
        index, solid = _levels(ink)
        painted = box, coverage.point(index, None), coverage.point(solid, None)
    return _recent(_PAINTED, key, painted, PAINTED_KEPT)


K = TypeVar("K")
V = TypeVar("V")


def _recent(kept: dict[K, V], key: K, value: V, most: int) -> V:
    """``value``, put last into ``kept`` (the most recently used), dropping from the front
    the least recently used beyond ``most``: the small memories of :func:`_painted` and
    :func:`_text_rows`."""
    kept[key] = value
    while len(kept) > most:
        del kept[next(iter(kept))]
    return value


@cache
def _blank_card() -> Image.Image:
    """The background and the band in palette indices, copied for each card."""
    image = Image.new("P", (WIDTH, HEIGHT), 0)
    image.paste(1, (0, 0, BAND, HEIGHT))
    return image


BLANK_RUN = 8
"""Rows of bare background (and band) at least this many in a row are compressed once and
reused (:func:`_blank_rows`); shorter gaps, between lines of text, stay with the text."""


def _chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, body, and the CRC of type and body."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@cache
def _blank_rows(count: int) -> tuple[bytes, int]:
    """``count`` rows of bare background, compressed as a deflate segment on its own, and
    their Adler-32.

    Every card's empty rows are the same bytes (the band is palette index 1 whatever its
    colour), and they are half a card's rows, so they are compressed once per run length, at
    the strongest level, and reused: this is why :func:`encode` writes the PNG itself rather
    than through Pillow, which can only compress every row of every card again.
    """
    rows = _blank_row() * count
    return _segment(rows, 9), zlib.adler32(rows)


@cache
def _blank_row() -> bytes:
    return b"\0" + bytes([1]) * BAND + bytes(WIDTH - BAND)


def _segment(rows: bytes | bytearray, level: int) -> bytes:
    """Raw deflate blocks for these rows, ended by a full flush: byte-aligned, and referring
    to nothing before them, so that segments compressed apart can be laid end to end."""
    squeeze = zlib.compressobj(level, zlib.DEFLATED, -15, 9)
    return squeeze.compress(rows) + squeeze.flush(zlib.Z_FULL_FLUSH)


SEGMENTS_KEPT = 8
"""Segments of rows with text :func:`_text_rows` remembers, the most recently used: the
story's name is the same rows on every card of a build, and up to six lines of title and
subtitle come between two cards' story rows."""
_SEGMENTS: dict[tuple[int, int], tuple[bytes | bytearray, bytes]] = {}


def _text_rows(rows: bytes | bytearray) -> tuple[bytes, int]:
    """Rows with text compressed at :data:`COMPRESS_LEVEL`, and their Adler-32.

    Rows seen lately are not compressed again: found by their Adler-32 and length (which
    the stream's checksum needs anyway, so the lookup costs nothing), and used only if their
    bytes are the same, so the segment is always the one compressing them would give."""
    adler = zlib.adler32(rows)
    key = (adler, len(rows))
    known = _SEGMENTS.pop(key, None)
    if known is None or known[0] != rows:
        known = rows, _segment(rows, COMPRESS_LEVEL)
    return _recent(_SEGMENTS, key, known, SEGMENTS_KEPT)[1], adler


_ADLER = 65521
"""The modulus of Adler-32."""


def _adler32_join(first: int, second: int, length: int) -> int:
    """The Adler-32 of two byte strings laid end to end, from each one's and the second's
    length (zlib's ``adler32_combine``, which Python's zlib lacks): so the blank rows' sums
    are made once with them (:func:`_blank_rows`), not over again for every card."""
    rem = length % _ADLER
    low = (first & 0xFFFF) + (second & 0xFFFF) + _ADLER - 1
    high = rem * (first & 0xFFFF) + (first >> 16) + (second >> 16) + _ADLER - rem
    return (low % _ADLER) | ((high % _ADLER) << 16)


def _scanlines(image: Image.Image) -> bytes | bytearray:
    """The image's rows as a PNG stores them unfiltered: each one after a 0 (its filter
    type), laid end to end by pasting the image into one a column wider. Valid until the
    next call in the same thread (:func:`encode` copies what it keeps).

    The wider image is a view of a ``bytearray`` (``Image.frombuffer`` maps a buffer's memory
    for an "L" image), made once per thread and size (:class:`_Rows`): ``tobytes`` copied
    each card three times over, and the card-sized pieces of memory allocated and freed for
    each card kept the kernel busy handing out pages (a card took 3.1 ms, 0.45 of them in the
    kernel; now 2.5). The paste goes to Pillow's core, as the view is read-only to
    ``Image.paste`` (which would copy it first); should a Pillow copy the buffer instead
    (:func:`_views_share_memory`), ``tobytes`` it is.
    """
    width, height = image.size
    if not _views_share_memory():
        wide = Image.new("L", (width + 1, height), None)  # zeroed: column 0 is the filter type
        wide.im.paste(image.im, (1, 0, width + 1, height))
        return wide.tobytes()
    data, view = _ROWS.get(width + 1, height)
    view.im.paste(image.im, (1, 0, width + 1, height))  # column 0 stays 0, the filter type
    return data


class _Rows(threading.local):
    """Each thread's buffer for :func:`_scanlines`, with the image that is a view of it."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.view: Image.Image | None = None

    def get(self, width: int, height: int) -> tuple[bytearray, Image.Image]:
        if self.view is None or self.view.size != (width, height):
            self.data = bytearray(width * height)
            self.view = Image.frombuffer("L", (width, height), self.data, "raw", "L", 0, 1)
        return self.data, self.view


_ROWS = _Rows()


@cache
def _views_share_memory() -> bool:
    """Whether a paste into an image made by ``Image.frombuffer`` writes to the buffer."""
    data = bytearray(2)
    view = Image.frombuffer("L", (2, 1), data, "raw", "L", 0, 1)
    view.im.paste(Image.new("L", (1, 1), 7).im, (1, 0, 2, 1))
    return data == b"\0\7"


def _runs_of_rows(data: bytes | bytearray, row: int) -> Iterator[tuple[bool, int, int]]:
    """The rows of ``data`` (each ``row`` bytes) in order, as ranges of row numbers, grouped
    into long blank runs (True) and everything else (False)."""
    blank = _blank_row()
    count = len(data) // row
    start = 0
    y = 0
    while y < count:
        end = y
        while end < count and data.startswith(blank, end * row):
            end += 1
        if end - y >= BLANK_RUN:
            if start < y:
                yield False, start, y
            yield True, y, end
            start = y = end
        else:
            y = end + 1
    if start < count:
        yield False, start, count


def encode(image: Image.Image) -> bytes:
    """PNG bytes with nothing but the pixels: IHDR, PLTE, one IDAT and IEND, no time, text or
    dpi chunks.

    The image is already a palette image (:func:`draw`), stored unfiltered (filter byte 0 on
    each row, as usual for palette images). Its zlib stream is laid end to end from segments
    (:func:`_segment`): long runs of blank rows come ready compressed (:func:`_blank_rows`),
    the rows with text are compressed at :data:`COMPRESS_LEVEL` (:func:`_text_rows`). Half
    the time Pillow took at zlib's default level, and smaller files (see
    :data:`COMPRESS_LEVEL`). The stream's Adler-32 is put together from the segments' sums.
    """
    assert image.mode == "P", "encode takes what draw() gives"
    palette = image.getpalette()
    assert palette is not None
    width, height = image.size
    data = _scanlines(image)
    row = width + 1
    parts = [b"\x78\x5e"]  # zlib header: deflate, 32 KB window, level class 1 (as zlib's for 5)
    check = 1  # the Adler-32 of nothing
    for blank, start, end in _runs_of_rows(data, row):
        if blank:
            segment, adler = _blank_rows(end - start)
        else:
            segment, adler = _text_rows(data[start * row : end * row])
        parts.append(segment)
        check = _adler32_join(check, adler, (end - start) * row)
    parts.append(b"\x03\x00")  # an empty final block
    parts.append(struct.pack(">I", check))
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes(palette[: 3 * 256])),
            _chunk(b"IDAT", b"".join(parts)),
            _chunk(b"IEND", b""),
        )
    )


def card(title: str, subtitle: str, story: str, colour: str = DEFAULT_COLOUR) -> bytes:
    """One share card as PNG bytes: the same arguments always give the same bytes."""
    return encode(draw(layout(title, subtitle, story, colour)))


# --- many cards, cached ----------------------------------------------------------------------


@dataclass(frozen=True)
class CardSpec:
    """One card to produce, and the site path it is written to."""

    path: str
    title: str
    subtitle: str
    story: str
    colour: str = DEFAULT_COLOUR

    def key(self) -> str:
        """The cache key: everything that decides the card's bytes."""
        text = json.dumps(
            [self.title, self.subtitle, self.story, self.colour, fingerprint()],
            ensure_ascii=False,
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


DIGEST_CHARS = 32
"""Hex characters of a card's SHA-256 kept in its cache file's name (128 bits)."""


def _file_name(key: str, sha256: str) -> str:
    """``<key>.<digest of the bytes>.png``: the name says what the file must hold."""
    return f"{key}.{sha256[:DIGEST_CHARS]}.png"


def _listing(cache_dir: Path) -> dict[str, list[str]]:
    """The cached cards' file names by key: one listing of the folder, not a lookup per card.

    The preview asks again after every save that changes a card. The folder's inode and
    modification time say whether the last listing (kept in :data:`_LISTED`, with the cards
    this process stored since) still holds, so 10,000 names are not read again for one card
    (0.4 s at 10,000 records). A listing that missed another process's change costs a card
    drawn again, or a read that fails, never a wrong card: a card's name holds its hash."""
    try:
        stamp = _stamp(cache_dir)
    except OSError:  # no cache yet: every card is drawn
        return {}
    known = _LISTED.get(str(cache_dir))
    if known is not None and known[0] == stamp:
        return known[1]
    found: dict[str, list[str]] = {}
    try:
        with os.scandir(cache_dir) as entries:
            for entry in entries:
                key, _, rest = entry.name.partition(".")
                if key and rest.endswith(".png"):
                    found.setdefault(key, []).append(entry.name)
    except OSError:  # not a folder: every card is drawn
        return {}
    for names in found.values():
        names.sort()
    _LISTED.clear()
    _LISTED[str(cache_dir)] = (stamp, found)
    return found


_LISTED: dict[str, tuple[tuple[int, int], dict[str, list[str]]]] = {}
"""The last listing of the cards' cache folder, with the folder's inode and modification time
when it was true."""


def _stamp(cache_dir: Path) -> tuple[int, int]:
    st = os.stat(cache_dir)
    return st.st_ino, st.st_mtime_ns


def _note_stored(cache_dir: Path, key: str, name: str) -> None:
    """Add a card this process stored to the listing, which stays true for the folder as it
    is now."""
    known = _LISTED.get(str(cache_dir))
    if known is not None:
        names = known[1].setdefault(key, [])
        if name not in names:
            names.append(name)
            names.sort()
        try:
            _LISTED[str(cache_dir)] = (_stamp(cache_dir), known[1])
        except OSError:
            _LISTED.clear()


def _cached(cache_dir: Path, key: str, names: list[str]) -> Stored | None:
    """The card whose bytes hash to the digest in its name; a file that does not (truncated,
    damaged, edited) is removed and never published.

    A hash costs about what walking the PNG's chunk CRCs costs (20 µs for a card) and is
    stronger: it proves the bytes are those encoded when the file was written, which a PNG
    with valid CRCs does not. Decoding every card to check it cost about 1.4 ms a card (15 s at
    10,000 records) and proved less.
    """
    for name in names:
        path = cache_dir / name
        try:
            whole = _whole(path, key)
            if whole is not None:
                _, sha256, mode = whole
                if mode & _READABLE != _READABLE:  # cached before cards were made readable
                    path.chmod(mode | _READABLE)
                return Stored(str(path), sha256)
            path.unlink(missing_ok=True)
        except OSError:
            pass
        _LISTED.clear()  # the listing named a card that is gone now
    return None


def _whole(path: Path, key: str) -> tuple[bytes, str, int] | None:
    """The bytes of the card file at ``path``, their SHA-256 and the file's mode, if the bytes
    hash to the digest its name promises; ``OSError`` if it cannot be read."""
    with path.open("rb") as handle:
        data = handle.read()
        mode = os.fstat(handle.fileno()).st_mode
    sha256 = hashlib.sha256(data).hexdigest()
    return (data, sha256, mode) if path.name == _file_name(key, sha256) else None


_READABLE = 0o044
"""Group and others may read a cached card: ``docs/`` links to it, and the card is published."""


def _store(cache_dir: Path, key: str, data: bytes) -> Stored:
    """Write atomically, so a killed build leaves no half card under the final name; the
    card as :class:`~generator.writer.Stored`, so ``docs/`` links to it too. The file is
    created as any file the build writes (not ``mkstemp``'s owner-only mode): ``docs/`` and
    the site copy it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".{key}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    sha256 = hashlib.sha256(data).hexdigest()
    final = cache_dir / _file_name(key, sha256)
    try:
        with tmp.open("xb") as handle:
            handle.write(data)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _note_stored(cache_dir, key, final.name)
    return Stored(str(final), sha256)


PARALLEL_FROM = 100
"""Cards to draw before the work is shared among processes (one per core): a big story's
first build draws thousands, at about 2.5 ms of CPU each, and a worker costs about 0.2 s to
start (imports, fonts), so fewer cards than this are quicker drawn in the build's process."""


def _draw(spec: CardSpec) -> bytes:
    """One card; a character no font has (an emoji, a rare script) is left out of it rather
    than drawn as an empty box, and rather than stopping a newsroom's publication over a
    picture: the page itself still shows the text."""
    try:
        return card(spec.title, spec.subtitle, spec.story, spec.colour)
    except MissingGlyphs as exc:
        drop = {ord(char): None for char in exc.chars}
        title, subtitle, story = (
            t.translate(drop) for t in (spec.title, spec.subtitle, spec.story)
        )
        return card(title, subtitle, story, spec.colour)


def _draw_all(todo: list[CardSpec]) -> Iterator[bytes]:
    """Each card as it is drawn, in order: handed on one by one, so that a build from clean
    does not hold every card's bytes twice (drawn, and as stored) at once."""
    count = workers.cores()
    if len(todo) < PARALLEL_FROM or count == 1:
        yield from (_draw(spec) for spec in todo)
        return
    context = multiprocessing.get_context("forkserver")
    with concurrent.futures.ProcessPoolExecutor(count, mp_context=context) as pool:
        yield from pool.map(_draw, todo, chunksize=16)


class Later:
    """Cards a build draws on the side while it makes the rest and the site engine runs,
    rather than before them.

    A build from clean draws every card (10,284 at 10,000 records, the most of the
    generator's time), while the rest of the generator, and MkDocs after it, keep one core
    busy and leave the other mostly idle (hardening pages as they come). So when :func:`cards`
    has many to draw and a cache to draw them into, it leaves them out and notes them here
    (:meth:`defer`), and :meth:`start` draws them at once (cards are the first output), in
    forked processes at the lowest priority (``nice 19``: the generator and MkDocs keep their
    core), each card stored in the cache as it is drawn; :meth:`finish` waits for
    them and hands them out from the cache, drawing here any a worker could not (so a full
    disk is reported as for any card). Plain processes, not a pool: a pool's thread in this
    process would be copied into the processes the hardening forks.

    Only a build whose ``docs/`` has no share cards yet (from clean, as CI builds) leaves
    cards for later (:func:`generator.build.build`): its first write then removes no card and
    holds none back that ``docs/`` already has, so the second write only adds. Between the two
    writes ``docs/`` has its pages and not yet those cards; a build stopped there (killed, a
    full disk) leaves it so, each write whole, and the next build adds them.
    """

    def __init__(self, setup: Callable[[], None] | None = None) -> None:
        self._setup = setup
        self._jobs: list[tuple[CardSpec, str]] = []
        self._begun = 0
        """How many of the jobs :meth:`start` has handed to workers."""
        self._cache: Path | None = None
        self._shared: Path | None = None
        self._workers: list[multiprocessing.process.BaseProcess] = []

    @property
    def specs(self) -> list[CardSpec]:
        """The cards left for later."""
        return [spec for spec, _ in self._jobs]

    def defer(self, todo: list[tuple[CardSpec, str]], cache_dir: Path, shared: Path | None) -> None:
        self._jobs += todo
        self._cache, self._shared = cache_dir, shared

    def start(self) -> None:
        """Start drawing the cards deferred since the last start, one process per core, each a
        share of them."""
        jobs, self._begun = self._jobs[self._begun :], len(self._jobs)
        if not jobs:
            return
        count = workers.cores()
        context = multiprocessing.get_context("fork")
        for n in range(count):
            share = jobs[n::count]
            worker = context.Process(target=self._work, args=(share, os.getpid()), daemon=True)
            worker.start()
            self._workers.append(worker)

    def _work(self, jobs: list[tuple[CardSpec, str]], parent: int) -> None:
        """A worker's share. Ctrl-C is the build's (it stops the workers: :meth:`close`), and
        a card a worker cannot draw or store (a full disk) ends its work quietly: the build
        draws what is missing itself (:meth:`finish`) and reports the error as for any card."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if self._setup is not None:
            self._setup()
        if os.getppid() != parent:  # the build died before the setup could tie us to it
            return
        os.nice(19)
        assert self._cache is not None
        try:
            for spec, key in jobs:
                drawn = _draw(spec)
                _store(self._cache, key, drawn)
                if self._shared is not None:
                    _store(self._shared, key, drawn)
        except Exception:  # reported by the build, which draws the card again
            return

    def finish(self) -> dict[str, File]:
        """Every deferred card, from the cache, once the workers are done."""
        if not self._jobs:
            return {}
        for worker in self._workers:
            worker.join()
        self._workers.clear()
        return cards(self.specs, self._cache, self._shared)

    def close(self) -> None:
        """Stop the workers (after a failed build)."""
        for worker in self._workers:
            worker.kill()
            worker.join()
        self._workers.clear()


def shared_folder() -> Path | None:
    """The folder of cards projects share, if :data:`SHARED_ENV` names one."""
    named = os.environ.get(SHARED_ENV)
    return Path(named) if named else None


def _shared_copy(shared: Path, key: str) -> bytes | None:
    """The bytes of a card another project drew, if the shared folder has them whole."""
    for name in _listing(shared).get(key, []):
        try:
            whole = _whole(shared / name, key)
        except OSError:
            continue
        if whole is not None:
            return whole[0]
    return None


def cards(
    specs: Iterable[CardSpec],
    cache_dir: Path | None = None,
    shared: Path | None = None,
    later: Later | None = None,
) -> dict[str, File]:
    """``{path: png}`` for every spec, drawing only cards whose key is not in the cache (with
    a cache, each card is its file there, :class:`~generator.writer.Stored`), nor in the
    ``shared`` folder (:data:`SHARED_ENV`); characters no font has are left out of the card
    they are in (:func:`_draw`). With ``later`` (a build about to run the engine), many
    cards to draw are left to it instead, and left out of the result."""
    found: dict[str, File] = {}
    todo: list[tuple[CardSpec, str]] = []
    order: dict[str, None] = {}
    listing = _listing(cache_dir) if cache_dir is not None else {}
    for spec in specs:
        if spec.path in order:
            raise BuildError(f"share cards: {spec.path} is produced twice")
        order[spec.path] = None
        key = spec.key()
        names = listing.get(key)
        data = _cached(cache_dir, key, names) if cache_dir is not None and names else None
        copied = _shared_copy(shared, key) if data is None and shared is not None else None
        if data is not None:
            found[spec.path] = data
        elif copied is not None:
            found[spec.path] = _store(cache_dir, key, copied) if cache_dir is not None else copied
        else:
            todo.append((spec, key))
    many = len(todo) >= PARALLEL_FROM and workers.cores() > 1
    if later is not None and cache_dir is not None and many:
        later.defer(todo, cache_dir, shared)
        later.start()
        return {path: found[path] for path in order if path in found}
    for (spec, key), drawn in zip(todo, _draw_all([s for s, _ in todo]), strict=True):
        found[spec.path] = _store(cache_dir, key, drawn) if cache_dir is not None else drawn
        if shared is not None:
            _store(shared, key, drawn)
    return {path: found[path] for path in order}

"""Share cards: size, bytes that do not change, the cache, and every script without tofu.

Three cards are also written to ``tests/artifacts/`` to be looked at: a long English name, a
Cyrillic one, and CJK with Arabic.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import random
import struct
import subprocess
import sys
import unicodedata
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw

from generator import cards as cards_mod
from generator import workers
from generator.cards import (
    BACKGROUND,
    HEIGHT,
    MARGIN,
    WIDTH,
    CardSpec,
    MissingGlyphs,
    card,
    cards,
    layout,
)
from generator.errors import BuildError
from generator.writer import File, Stored
from tests.conftest import ROOT, STORIES

ARTIFACTS = Path(__file__).parent / "artifacts"
REAL_STORY = "Peace talks explained: US, Russia, Ukraine, early 2026"
HARBOUR = "The harbour bridge vote"

# Made-up samples where the stories have none: neither story has CJK or Arabic text yet.
LONG_NAME = (
    "Maximilian Alexander Friedrich-Wilhelm von Hohenzollern-Sigmaringen Witkoff-Dmitriev, "
    "Special Envoy for Everything That Was Ever Discussed in Florida"
)
CJK = "港湾大桥投票 — ハーバー橋の投票"
ARABIC = "مجلس المدينة يصوت على الجسر"

SAMPLES = {
    "latin": ("Steve Witkoff", "United States Special Envoy", REAL_STORY),
    "cyrillic": ("Кирилл Дмитриев", "Kirill Dmitriev, Russian Special Envoy", REAL_STORY),
    "greek": ("Μαρία Παπαδοπούλου", "Maria Papadopoulou, mayor", HARBOUR),
    "cjk": (CJK, "The council votes on the bridge", HARBOUR),
    "arabic": (ARABIC, "The council votes on the bridge", HARBOUR),
}

ARTIFACT_CARDS = {
    "card-long-english.png": (
        LONG_NAME,
        "Kremlin confirms Trump’s request to stop targeting Kyiv until 1 February, "
        "and a subtitle long enough to need more than the three lines it may take, so that "
        "it has to stop with an ellipsis at the end of its last line, however small its "
        "letters get",
        REAL_STORY,
    ),
    "card-cyrillic.png": SAMPLES["cyrillic"],
    "card-cjk-arabic.png": (CJK, ARABIC + " 2024", HARBOUR),
}


def _png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return chunks


def _image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def _cmap(face: cards_mod.FontFile) -> set[int]:
    """Read independently of the module's own (cached) coverage."""
    with TTFont(face.path, fontNumber=face.index) as font:
        return set(font.getBestCmap())


# --- the picture -----------------------------------------------------------------------------


def test_a_card_is_a_1200_by_630_png_with_nothing_but_pixels():
    data = card(*SAMPLES["latin"])
    image = _image(data)
    assert (image.format, image.size, image.mode) == ("PNG", (1200, 630), "P")
    chunks = set(_png_chunks(data))
    assert chunks == {b"IHDR", b"PLTE", b"IDAT", b"IEND"}, "no tIME, tEXt or pHYs chunks"


def _chunks(data: bytes) -> dict[bytes, bytes]:
    """Each chunk's body by type, after checking its CRC."""
    found, pos = {}, 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        found[kind] = body
        pos += 12 + length
    return found


@pytest.mark.parametrize("args", [*ARTIFACT_CARDS.values(), *SAMPLES.values(), ("", "", "")])
def test_the_written_png_holds_exactly_the_drawn_pixels(args):
    """``encode`` writes the PNG itself (blank rows compressed once): every chunk's CRC holds,
    the zlib stream is whole (``zlib.decompress`` checks its Adler-32, which a decoder that
    stops at the last row never reads), and it is the drawn rows, each unfiltered."""
    drawn = cards_mod.draw(layout(*args))
    data = cards_mod.encode(drawn)
    chunks = _chunks(data)
    width, height, depth, kind, *rest = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (width, height, depth, kind, rest) == (WIDTH, HEIGHT, 8, 3, [0, 0, 0])
    assert list(chunks[b"PLTE"]) == drawn.getpalette()
    rows = zlib.decompress(chunks[b"IDAT"])
    pixels = drawn.tobytes()
    assert rows == b"".join(b"\0" + pixels[y * WIDTH : (y + 1) * WIDTH] for y in range(HEIGHT))
    decoded = _image(data)
    assert decoded.tobytes() == pixels
    assert decoded.getpalette() == drawn.getpalette()


def test_rows_are_laid_out_in_each_threads_own_buffer_or_by_tobytes(monkeypatch):
    """:func:`generator.cards._scanlines` pastes into a view of a buffer kept per thread:
    cards encoded in threads at once come out as encoded one by one, and so do they where a
    Pillow would copy the buffer (then ``tobytes`` lays the rows out)."""
    assert cards_mod._views_share_memory(), "the pinned Pillow maps the buffer"
    drawn = [
        cards_mod.draw(layout(*args)) for args in [*ARTIFACT_CARDS.values(), *SAMPLES.values()]
    ]
    alone = [cards_mod.encode(image) for image in drawn]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            assert list(pool.map(cards_mod.encode, drawn)) == alone
    monkeypatch.setattr(cards_mod, "_views_share_memory", lambda: False)
    assert [cards_mod.encode(image) for image in drawn] == alone


def test_long_runs_of_blank_rows_are_grouped_apart_from_the_text():
    blank = cards_mod._blank_row()
    x, y, z = (bytes([n]) * len(blank) for n in (7, 8, 9))
    data = b"".join([x, *[blank] * 20, y, blank, z])
    runs = cards_mod._runs_of_rows(data, len(blank))
    groups = [(blank, end - start) for blank, start, end in runs]
    assert groups == [(False, 1), (True, 20), (False, 3)], "a short gap stays with the text"
    assert list(cards_mod._runs_of_rows(b"", len(blank))) == []


def test_a_line_is_as_wide_as_its_characters():
    """Why :func:`generator.cards.measure` may add up cached advances: the basic layout kerns
    only through a ``kern`` table, which no face of the chain has, so a string's width is the
    sum of its characters' widths, to the 1/64 pixel."""
    samples = [" ".join(SAMPLES[name][:2]) for name in SAMPLES] + [LONG_NAME, "AVAWAT Ty.“Yo”"]
    for font in cards_mod.chain():
        for face in (font.regular, font.bold):
            with TTFont(face.path, fontNumber=face.index, lazy=True) as opened:
                assert "kern" not in opened, face
            for size in (*cards_mod.TITLE.sizes, *cards_mod.SUBTITLE.sizes):
                pillow = cards_mod._pillow_font(face, size)
                bold = face == font.bold
                for sample in samples:
                    text = "".join(c for c in sample if cards_mod.face_for(c, bold) == face)
                    assert pillow.getlength(text) == sum(pillow.getlength(c) for c in text)


def test_measure_matches_pillow_for_lines_of_several_faces():
    for line, bold in [(CJK + " Bridge", True), (ARABIC + " 2024", False), (LONG_NAME, True)]:
        rtl = cards_mod.is_rtl(line)
        for size in cards_mod.TITLE.sizes:
            runs = cards_mod._runs(cards_mod.visual(line, rtl), bold)
            expected = sum(cards_mod._pillow_font(face, size).getlength(t) for t, face in runs)
            assert cards_mod.measure(line, bold, size, rtl) == expected


@pytest.mark.parametrize("args", [*ARTIFACT_CARDS.values(), *SAMPLES.values()])
def test_each_run_starts_where_pillow_ends_the_one_before(args):
    """Runs are placed by their characters' advances added up: a line's runs follow each
    other by the widths Pillow gives them, and a right-to-left line ends at the margin."""
    lines: dict[float, list[cards_mod.Run]] = {}
    for run, _ in layout(*args).runs:
        lines.setdefault(run.baseline, []).append(run)
    for runs in lines.values():
        for run, after in itertools.pairwise(runs):
            assert after.x == run.x + run.font().getlength(run.text)
        last = runs[-1]
        end = last.x + last.font().getlength(last.text)
        assert end <= MARGIN + cards_mod.TEXT_WIDTH
        if cards_mod.is_rtl("".join(run.text for run in runs)):
            assert end == MARGIN + cards_mod.TEXT_WIDTH
        else:
            assert runs[0].x == MARGIN


def _exact(plan: cards_mod.Layout) -> Image.Image:
    """The card as Pillow draws it in full colour: each run blended onto an RGB canvas."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, cards_mod.BAND - 1, HEIGHT - 1), fill=plan.band)
    for run, ink in plan.runs:
        pen.text((run.x, run.baseline), run.text, font=run.font(), fill=ink, anchor="ls")
    return image


@pytest.mark.parametrize("args", [*ARTIFACT_CARDS.values(), *SAMPLES.values()])
def test_the_palette_changes_no_colour_visibly(args):
    plan = layout(*args)
    exact = _exact(plan)
    colours = exact.getcolors(WIDTH * HEIGHT)
    assert colours is not None
    assert len(colours) > 256, "more colours than a palette holds"
    stored = _image(card(*args)).convert("RGB")
    for band in ImageChops.difference(exact, stored).split():
        histogram = band.histogram()
        assert sum(histogram[3:]) == 0, "no channel off by more than two steps"
    assert ImageChops.difference(exact, stored).getbbox() is not None, "colours were merged"


def _indices(plan: cards_mod.Layout) -> bytes:
    """The palette indices drawn the plain way: each layer written by ``ImageDraw.text`` onto
    a mask the size of the card, then mapped through its ink's tables with ``Image.point``."""
    indices = Image.new("L", (WIDTH, HEIGHT), 0)
    indices.paste(1, (0, 0, cards_mod.BAND, HEIGHT))
    for ink, runs in cards_mod._layers(plan):
        mask = Image.new("L", (WIDTH, HEIGHT), 0)
        pen = ImageDraw.Draw(mask)
        for run in runs:
            pen.text((run.x, run.baseline), run.text, font=run.font(), fill=255, anchor="ls")
        index, solid = cards_mod._levels(ink)
        indices.paste(mask.point(index), (0, 0), mask.point(solid))
    return indices.tobytes()


def _odd_plan() -> cards_mod.Layout:
    """Runs no layout makes: cut by every edge of the card, overlapping in one layer and
    across layers, at fractional positions, one of spaces only, one off the card."""
    latin = cards_mod.chain()[0]
    bold, regular = latin.face(True), latin.face(False)
    runs = [
        (cards_mod.Run("Wjg", bold, 76, -20.4, 30.7), cards_mod.INK),
        (cards_mod.Run("AVAgy", bold, 76, 1100.25, 650.5), cards_mod.INK),
        (cards_mod.Run("fj", bold, 76, 300.015625, 300.49), cards_mod.INK),
        (cards_mod.Run("jf", regular, 68, 318.5, 310.51), cards_mod.INK),
        (cards_mod.Run("   ", regular, 30, 500, 500), cards_mod.MUTED),
        (cards_mod.Run("Ég", regular, 38, 320.984375, 330.0), cards_mod.MUTED),
        (cards_mod.Run("x", regular, 38, 3000, 3000), cards_mod.MUTED),
        # Where glyphs of a run overlap each other and a run before them, blending their
        # line first or each straight onto the mask rounds differently.
        (cards_mod.Run("vvvr", bold, 76, 302.772000546842, 301.86821884003575), cards_mod.INK),
        (
            cards_mod.Run("WfjfWj", regular, 68, 300.79155814607464, 313.9374408015409),
            cards_mod.INK,
        ),
    ]
    return cards_mod.Layout((1, 2, 3), tuple(runs))


@pytest.mark.parametrize("args", [*ARTIFACT_CARDS.values(), *SAMPLES.values(), ("", "", ""), None])
def test_draw_gives_the_pixels_of_pillows_own_text_drawing(args):
    """``draw`` takes shortcuts (masks only as big as a layer, tables prepared once); the
    pixels must stay those of drawing every layer on a whole card with ``ImageDraw.text``."""
    plan = _odd_plan() if args is None else layout(*args)
    assert cards_mod.draw(plan).tobytes() == _indices(plan)


def _faces() -> list[cards_mod.FontFile]:
    return [font.face(bold) for font in cards_mod.chain() for bold in (False, True)]


GLYPH_SAMPLES = (
    "AVAWAT Ty.“Yo” fjord ĳ Ŧ Ǻ ȷ g̈ Å É Ñ ß ø œ ﬁ 0123456789 ‘’ — … @&%#?!()[]{}/\\|"
    + " ".join(SAMPLES[name][0] for name in SAMPLES)
    + cards_mod.visual(ARABIC + " ١٢٣", True)
    + " 漢字かなカナ한글"
)


@pytest.mark.parametrize("face", _faces(), ids=lambda face: f"{face.path.stem}-{face.weight}")
def test_glyphs_laid_one_by_one_give_freetypes_own_line(face):
    """:func:`generator.cards._pieces` lays each glyph's remembered bitmap where Pillow's
    ``font_render`` would put it: the coverage must be the one FreeType draws for the whole
    line, for every face and size, at whole pixels and at fractions of one."""
    has = cards_mod.coverage(face)
    text = "".join(char for char in GLYPH_SAMPLES if char == " " or ord(char) in has)
    assert len(text.replace(" ", "")) > 10, face
    sizes = sorted({*cards_mod.TITLE.sizes, *cards_mod.SUBTITLE.sizes, *cards_mod.STORY.sizes})
    places = [
        (96, 104),
        (96 + 17 / 64, 246.4),
        (333.5, 300.5078125),  # half a 64th: Pillow rounds it up
        (500.5, 320.5078125 - 2**-21),  # just under, but over once a C float
        (1000 + 63 / 64, 401.99),  # cut by the card's edge
    ]
    for size in sizes:
        for x, baseline in places:
            run = cards_mod.Run(text, face, size, x, baseline)
            assert _coverage([run]) == _pillows_coverage([run]), (size, x, baseline)


def _coverage(runs: list[cards_mod.Run]) -> bytes:
    """A layer's coverage as :func:`generator.cards._coverage` gives it, on a whole card."""
    whole = Image.new("L", (WIDTH, HEIGHT), 0)
    covered = cards_mod._coverage(runs)
    if covered is not None:
        box, mask = covered
        whole.im.paste(mask, box)
    return whole.tobytes()


def _pillows_coverage(runs: list[cards_mod.Run]) -> bytes:
    """A layer's coverage as ``ImageDraw.text`` draws it on a whole card."""
    whole = Image.new("L", (WIDTH, HEIGHT), 0)
    pen = ImageDraw.Draw(whole)
    for run in runs:
        pen.text((run.x, run.baseline), run.text, font=run.font(), fill=255, anchor="ls")
    return whole.tobytes()


@pytest.mark.parametrize("args", [*ARTIFACT_CARDS.values(), *SAMPLES.values(), None])
def test_each_layers_coverage_is_pillows_own(args):
    """Before the ink's tables, which map neighbouring values to one step and so could hide a
    difference: a layer's runs blended as Pillow blends them, in order."""
    plan = _odd_plan() if args is None else layout(*args)
    for _, runs in cards_mod._layers(plan):
        assert _coverage(runs) == _pillows_coverage(runs)


def _forget() -> None:
    """Clear what ``draw`` and ``encode`` remember between cards."""
    cards_mod._PAINTED.clear()
    cards_mod._SEGMENTS.clear()


def test_the_story_line_is_drawn_and_compressed_once_for_many_cards_with_the_same_bytes(
    monkeypatch,
):
    """The story's name is the same layer and the same rows on every card: FreeType draws it
    (:func:`generator.cards._painted`) and zlib compresses its rows
    (:func:`generator.cards._text_rows`) for the first card only, six lines of title and
    subtitle between two cards included, and each card keeps the bytes it had drawn alone."""
    long = (f"{LONG_NAME} {{n}}", "A subtitle of three lines, number {n}. " * 8, REAL_STORY)
    short = ("Person {n}", "Envoy {n}", REAL_STORY)
    many = [tuple(text.format(n=n) for text in (long, short)[n % 2]) for n in range(8)]
    alone = []
    for args in many:
        _forget()
        alone.append(card(*args))
    _forget()
    drawn: list[str] = []
    compressed: list[bytes] = []
    draw, compress = cards_mod._coverage, cards_mod._segment

    def drawing(runs: list[cards_mod.Run]) -> object:
        drawn.append(runs[0].text)
        return draw(runs)

    def compressing(rows: bytes | bytearray, level: int) -> bytes:
        compressed.append(bytes(rows))
        return compress(rows, level)

    monkeypatch.setattr(cards_mod, "_coverage", drawing)
    monkeypatch.setattr(cards_mod, "_segment", compressing)
    assert [card(*args) for args in many] == alone
    assert drawn.count(REAL_STORY) == 1
    assert len(drawn) == 1 + 2 * len(many), "each title and subtitle drawn"
    assert len(compressed) > 2 * len(many), "each card's title and subtitle compressed"
    assert len(set(compressed)) == len(compressed), "no rows compressed twice"
    assert len(cards_mod._PAINTED) <= cards_mod.PAINTED_KEPT
    assert len(cards_mod._SEGMENTS) <= cards_mod.SEGMENTS_KEPT


def test_rows_compressed_lately_are_used_again_only_for_the_same_bytes():
    """Remembered segments are found by Adler-32 and length: rows that share both (easy to
    make) still get their own segment."""
    _forget()
    one, other = b"\x01\x00\x00\x01" * 300, b"\x00\x01\x01\x00" * 300
    assert zlib.adler32(one) == zlib.adler32(other)
    for rows in (one, other, one, other):
        segment, adler = cards_mod._text_rows(rows)
        assert zlib.decompressobj(-15).decompress(segment) == rows
        assert adler == zlib.adler32(rows)


@pytest.mark.parametrize(
    ("first", "second"),
    [(b"", b""), (b"", b"abc"), (b"abc", b""), (b"\xff" * 6000, b"\xff" * 5553)]
    + [
        (random.Random(n).randbytes(n), random.Random(m).randbytes(m))  # the same on every worker
        for n, m in [(1, 70000), (5000, 3), (65521, 131042)]
    ],
    ids=lambda value: f"{len(value)} bytes",
)
def test_the_stream_checksum_is_put_together_as_zlib_would(first, second):
    joined = cards_mod._adler32_join(zlib.adler32(first), zlib.adler32(second), len(second))
    assert joined == zlib.adler32(first + second)


def test_the_palette_is_background_band_and_a_ramp_per_ink():
    image = _image(card("A", "B", "C", "#ff0000"))
    colours = image.getpalette()
    assert colours is not None
    rgb = [tuple(colours[i : i + 3]) for i in range(0, len(colours), 3)]
    assert len(rgb) == 256
    assert rgb[:2] == [BACKGROUND, (255, 0, 0)]
    steps = cards_mod.LEVELS
    for n, ink in enumerate(cards_mod.INKS):
        ramp = rgb[2 + n * steps : 2 + (n + 1) * steps]
        assert ramp[-1] == ink
        assert ramp == sorted(ramp, reverse=True), "each step darker than the one before"


def test_the_colour_band_has_the_colour():
    image = _image(card("A", "B", "C", "#ff0000")).convert("RGB")
    assert image.getpixel((5, 300)) == (255, 0, 0)
    assert image.getpixel((WIDTH - 5, 300)) == BACKGROUND


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "#1234567"])
def test_a_colour_must_be_hex(colour):
    with pytest.raises(BuildError, match="not #rrggbb"):
        card("A", "B", "C", colour)


def test_same_text_same_bytes():
    assert card(*SAMPLES["cyrillic"]) == card(*SAMPLES["cyrillic"])
    assert card(*SAMPLES["cyrillic"]) != card("Кирилл Дмитриев", "", REAL_STORY)


def test_same_bytes_in_another_process_with_another_hash_seed():
    here = {name: hashlib.sha256(card(*args)).hexdigest() for name, args in SAMPLES.items()}
    script = (
        "import hashlib, json, sys\n"
        "from generator.cards import card\n"
        "samples = json.loads(sys.stdin.read())\n"
        "print(json.dumps({k: hashlib.sha256(card(*v)).hexdigest() for k, v in "
        "samples.items()}))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    proc = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(SAMPLES),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(proc.stdout) == here


# --- scripts and fonts -----------------------------------------------------------------------


def _ink(image: Image.Image, run: cards_mod.Run) -> int:
    """Pixels that differ from the background inside a run's own box."""
    left, top, right, bottom = run.font().getbbox(run.text, anchor="ls")
    box = (
        int(run.x + left),
        int(run.baseline + top),
        int(run.x + right) + 1,
        int(run.baseline + bottom) + 1,
    )
    region = image.crop(box)
    diff = ImageChops.difference(region, Image.new("RGB", region.size, BACKGROUND))
    histogram = diff.convert("L").histogram()
    return sum(histogram) - histogram[0]


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_every_glyph_comes_from_a_font_that_has_it_and_draws_ink(sample):
    plan = layout(*SAMPLES[sample])
    image = cards_mod.draw(plan).convert("RGB")
    for run, _ in plan.runs:
        cmap = _cmap(run.face)
        missing = [c for c in run.text if ord(c) not in cmap]
        assert not missing, f"{run.face.path.name} lacks {missing}"
        if run.text.strip():
            assert _ink(image, run) > 20, f"nothing drawn for {run.text!r}"
    drawn = "".join(run.text for run, _ in plan.runs)
    assert drawn.strip()


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Дмитриев", "NotoSans[wdth,wght].ttf"),
        ("Παπαδοπούλου", "NotoSans[wdth,wght].ttf"),
        (ARABIC, "NotoSansArabic[wdth,wght].ttf"),
        ("港湾大桥", "NotoSansCJK-Bold.ttc"),
        ("ハーバー", "NotoSansCJK-Bold.ttc"),
    ],
)
def test_each_script_falls_back_to_its_font(text, family):
    plan = layout(text, "", "")
    faces = {run.face.path.name for run, _ in plan.runs if run.text.strip()}
    assert faces == {family}


def test_arabic_is_shaped_and_right_to_left():
    plan = layout(ARABIC, "", "")
    (run, _) = plan.runs[0]
    letters = [c for c in run.text if c != " "]
    forms = [c for c in letters if 0xFE70 <= ord(c) <= 0xFEFF]
    assert forms == letters, "every letter is in its joined (presentation) form"
    # The first logical letter (meem) is drawn last, at the right: visual order.
    assert unicodedata.name(run.text[-1]).startswith("ARABIC LETTER MEEM")
    right = run.x + run.font().getlength(run.text)
    assert right == pytest.approx(WIDTH - MARGIN), "right-aligned"


def test_a_character_no_font_has_is_left_out_of_its_card_and_the_build_goes_on():
    """An emoji or a rare script in a title must not stop a publication over a picture, nor
    show as an empty box: the card is drawn without it (the page keeps the text)."""
    specs = [
        CardSpec("a.png", "Tibetan ཀ", "", "S"),
        CardSpec("b.png", "Fine", "", "S"),
        CardSpec("c.png", "Ogham ᚁ \U0001f600", "", "S"),
    ]
    drawn = cards(specs, None)
    assert list(drawn) == ["a.png", "b.png", "c.png"]
    assert drawn["a.png"] == card("Tibetan ", "", "S")
    assert drawn["c.png"] == card("Ogham  ", "", "S")
    assert drawn["b.png"] == card("Fine", "", "S")


def test_every_missing_character_of_a_card_is_named_at_once():
    with pytest.raises(MissingGlyphs) as caught:
        card("ཀ " + "word " * 80 + "ᚁ", "ཁ", "ᚂ")
    assert caught.value.chars == {"ཀ", "ᚁ", "ཁ", "ᚂ"}


def _story_strings(folder: Path) -> list[str]:
    strings: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(folder.rglob("*.yml")):
        walk(yaml.safe_load(path.read_text("utf-8")))
    return strings


@pytest.mark.parametrize("story", [ROOT / "content", STORIES / "harbour" / "content"])
def test_every_text_of_the_stories_has_a_font_for_every_character(story):
    strings = _story_strings(story)
    assert len(set("".join(strings))) > 60
    lacking = {c for text in strings for c in cards_mod.missing_glyphs(text, text, text)}
    assert lacking == set()


def test_the_stories_native_names_draw():
    for name in ("Кирилл Дмитриев", "Μαρία Παπαδοπούλου"):
        assert name in {
            s
            for st in (ROOT / "content", STORIES / "harbour" / "content")
            for s in _story_strings(st)
        }
        plan = layout(name, "", "")
        assert "".join(run.text for run, _ in plan.runs) == name


# --- fitting ---------------------------------------------------------------------------------


def _within(plan: cards_mod.Layout) -> None:
    for run, _ in plan.runs:
        left, top, right, bottom = run.font().getbbox(run.text, anchor="ls")
        assert run.x + left >= MARGIN - 2, run.text
        assert run.x + right <= WIDTH - MARGIN + 2, run.text
        assert run.baseline + bottom <= HEIGHT - 40, run.text
        assert run.baseline + top >= 0, run.text


def test_a_long_title_shrinks_then_ends_with_an_ellipsis_and_never_overflows():
    title, subtitle, story = ARTIFACT_CARDS["card-long-english.png"]
    plan = layout(title, subtitle, story)
    _within(plan)
    sizes = {run.size for run, _ in plan.runs if run.text.startswith("Maximilian")}
    assert sizes == {cards_mod.TITLE.sizes[-1]}, "shrunk to the smallest size"
    title_lines = {run.baseline for run, _ in plan.runs if run.size in cards_mod.TITLE.sizes}
    assert len(title_lines) == cards_mod.TITLE.max_lines
    texts = [run.text for run, _ in plan.runs]
    assert sum(text.endswith("…") for text in texts) == 2, "title and subtitle both cut"


def test_a_short_title_keeps_the_largest_size():
    plan = layout("Steve Witkoff", "", "")
    assert {run.size for run, _ in plan.runs} == {cards_mod.TITLE.sizes[0]}


@pytest.mark.parametrize(
    "title",
    [
        "x" * 400,  # one word, no place to break
        "港" * 200,  # CJK breaks between any two characters
        "Дмитриев " * 60,
        ARABIC * 10,
        "word " * 20_000,  # far more than a card shows: laid out only as far as it can show
        "x\u0301" * 2_000,  # combining accents take no width: the cut text still fits
    ],
)
def test_no_text_overflows(title):
    plan = layout(title, title, title)
    _within(plan)
    assert plan.runs
    last_line = max(run.baseline for run, _ in plan.runs)
    shown = "".join(run.text for run, _ in plan.runs if run.baseline == last_line)
    assert "…" in shown, "the subtitle does not fit: its last line has an ellipsis"


def test_a_story_name_stays_on_one_line():
    plan = layout("T", "", "A very long story name " * 10)
    story_lines = {run.baseline for run, _ in plan.runs if run.size in cards_mod.STORY.sizes}
    assert len(story_lines) == 1


# --- the cache -------------------------------------------------------------------------------


@pytest.fixture
def drawn(monkeypatch):
    """Count the cards actually drawn (not read from the cache)."""
    calls: list[str] = []
    real = cards_mod.card

    def counting(title: str, subtitle: str, story: str, colour: str) -> bytes:
        calls.append(title)
        return real(title, subtitle, story, colour)

    monkeypatch.setattr(cards_mod, "card", counting)
    return calls


def _specs(n: int) -> list[CardSpec]:
    return [CardSpec(f"assets/cards/p{i}.png", f"Person {i}", "Role", REAL_STORY) for i in range(n)]


def test_the_second_run_reads_every_card_from_the_cache(tmp_path, drawn):
    first = cards(_specs(4), tmp_path)
    assert len(drawn) == 4
    assert len(list(tmp_path.glob("*.png"))) == 4
    second = cards(_specs(4), tmp_path)
    assert len(drawn) == 4, "nothing redrawn"
    assert second == first


def test_changed_text_redraws_that_card_only(tmp_path, drawn):
    cards(_specs(3), tmp_path)
    changed = _specs(3)
    changed[1] = CardSpec(changed[1].path, "Person 1", "New role", REAL_STORY)
    out = cards(changed, tmp_path)
    assert drawn == ["Person 0", "Person 1", "Person 2", "Person 1"]
    assert _bytes(out[changed[1].path]) == card("Person 1", "New role", REAL_STORY)


def test_a_changed_colour_or_font_redraws(tmp_path, drawn, monkeypatch):
    cards(_specs(1), tmp_path)
    spec = _specs(1)[0]
    cards([CardSpec(spec.path, spec.title, spec.subtitle, spec.story, "#000000")], tmp_path)
    assert len(drawn) == 2
    monkeypatch.setattr(cards_mod, "VERSION", cards_mod.VERSION + 1)
    cards_mod.fingerprint.cache_clear()
    try:
        cards(_specs(1), tmp_path)
    finally:
        cards_mod.fingerprint.cache_clear()
    assert len(drawn) == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"not a png at all",
        lambda data: data[:-40] + bytes(40),  # IDAT tail and IEND zeroed
        lambda data: data[:200] + bytes(b ^ 0xFF for b in data[200:260]) + data[260:],
    ],
)
def test_a_damaged_cached_card_is_redrawn(tmp_path, drawn, damage):
    good = cards(_specs(1), tmp_path)
    (cached,) = tmp_path.glob("*.png")
    cached.write_bytes(damage(cached.read_bytes()))
    again = cards(_specs(1), tmp_path)
    assert len(drawn) == 2
    assert again == good
    assert cached.read_bytes() == _bytes(good["assets/cards/p0.png"]), "the cache is repaired"


def test_a_card_in_the_shared_folder_is_copied_into_the_project_not_drawn(tmp_path, drawn):
    """Projects sharing a folder (:data:`generator.cards.SHARED_ENV`) draw a card once; each
    hands out its own copy, so linking it into one project's ``docs/`` never touches
    another's files."""
    shared = tmp_path / "shared"
    first = cards(_specs(2), tmp_path / "one", shared)
    assert len(drawn) == 2
    assert len(list(shared.glob("*.png"))) == 2
    second = cards(_specs(3), tmp_path / "two", shared)
    assert drawn == ["Person 0", "Person 1", "Person 2"], "only the new card is drawn"
    for made in second.values():
        assert isinstance(made, Stored)
        assert Path(made.origin).parent == tmp_path / "two"
    for path, made in first.items():
        assert _bytes(second[path]) == _bytes(made)
    assert len(list(shared.glob("*.png"))) == 3


def test_a_damaged_shared_card_is_drawn_again(tmp_path, drawn):
    shared = tmp_path / "shared"
    good = cards(_specs(1), tmp_path / "one", shared)
    (kept,) = shared.glob("*.png")
    kept.write_bytes(kept.read_bytes()[:100])
    again = cards(_specs(1), tmp_path / "two", shared)
    assert len(drawn) == 2
    assert _bytes(again["assets/cards/p0.png"]) == _bytes(good["assets/cards/p0.png"])
    assert kept.read_bytes() == _bytes(good["assets/cards/p0.png"]), "the shared card is mended"


def test_the_environment_names_the_shared_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cards_mod.SHARED_ENV, str(tmp_path))
    assert cards_mod.shared_folder() == tmp_path
    monkeypatch.delenv(cards_mod.SHARED_ENV)
    assert cards_mod.shared_folder() is None


def test_a_cache_file_is_named_by_its_key_and_the_digest_of_its_bytes(tmp_path):
    (spec,) = _specs(1)
    out = cards([spec], tmp_path)
    (cached,) = tmp_path.glob("*.png")
    key, digest, ext = cached.name.split(".")
    assert (key, ext) == (spec.key(), "png")
    assert len(digest) == cards_mod.DIGEST_CHARS
    assert hashlib.sha256(_bytes(out[spec.path])).hexdigest().startswith(digest)


def test_a_card_drawn_or_read_from_the_cache_carries_the_hash_of_its_bytes(tmp_path):
    """The writer lists that hash in its manifest instead of hashing 230 MB of cards again."""
    (spec,) = _specs(1)
    for made in (cards([spec], tmp_path)[spec.path], cards([spec], tmp_path)[spec.path]):
        assert isinstance(made, Stored)
        assert made.sha256 == hashlib.sha256(made.read()).hexdigest()


def test_another_whole_card_under_a_cached_name_is_not_published(tmp_path, drawn):
    """A valid PNG with intact chunk CRCs, but not the bytes the name promises (a file copied
    by hand, a card of another text): only the digest tells, and the card is drawn again."""
    good = cards(_specs(2), tmp_path)
    mine, other = (next(tmp_path.glob(f"{spec.key()}.*.png")) for spec in _specs(2))
    mine.write_bytes(other.read_bytes())
    stray = tmp_path / f"{_specs(2)[0].key()}.png"  # no digest in the name: never read
    stray.write_bytes(other.read_bytes())
    again = cards(_specs(2), tmp_path)
    assert len(drawn) == 3, "the swapped card alone is drawn again"
    assert again == good
    assert mine.read_bytes() == _bytes(good["assets/cards/p0.png"]), "the cache is repaired"


def test_a_warm_cache_hands_cards_out_without_decoding_them(tmp_path, monkeypatch):
    """Decoding every cached card to check it cost 15 s at 10,000 records: the digest in the
    name is checked instead (a hash of the bytes, no image library)."""
    first = cards(_specs(3), tmp_path)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached card was decoded")

    monkeypatch.setattr(Image, "open", refuse)
    assert cards(_specs(3), tmp_path) == first


def test_the_cache_folder_is_listed_again_only_when_someone_else_changed_it(
    tmp_path, drawn, monkeypatch
):
    """The preview asks for one card per save; listing 10,000 cached names each time cost
    0.4 s. The listing is kept while the folder's modification time says it holds, and the
    cards this process stores are added to it."""
    listed: list[str] = []
    real = os.scandir

    def scandir(path):
        listed.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    first = cards(_specs(2), tmp_path)
    assert len(listed) == 1
    assert cards(_specs(2), tmp_path) == first
    changed = [*_specs(2), CardSpec("assets/cards/new.png", "New", "Role", REAL_STORY)]
    cards(changed, tmp_path)  # draws and stores one card
    new = cards(changed, tmp_path)["assets/cards/new.png"]
    assert _bytes(new) == card("New", "Role", REAL_STORY)
    assert (len(listed), len(drawn)) == (1, 3)
    (tmp_path / "stray.txt").write_text("another process")
    os.utime(tmp_path, ns=(0, 0))  # whatever the clock's resolution, the folder changed
    assert cards(changed, tmp_path)["assets/cards/p1.png"] == first["assets/cards/p1.png"]
    assert (len(listed), len(drawn)) == (2, 3)


def test_cached_cards_are_readable_by_all_and_handed_out_as_their_files(tmp_path):
    """``docs/`` hard-links a cached card, and the site publishes it: a card cached by an
    older build with ``mkstemp``'s owner-only mode is made readable when it is next used."""
    umask = os.umask(0o022)  # a card is created as any file the build writes
    try:
        drawn_now = cards(_specs(1), tmp_path)["assets/cards/p0.png"]
    finally:
        os.umask(umask)
    (cached,) = tmp_path.glob("*.png")
    assert isinstance(drawn_now, Stored)
    assert drawn_now.origin == str(cached)
    assert cached.stat().st_mode & 0o044 == 0o044
    cached.chmod(0o600)
    again = cards(_specs(1), tmp_path)["assets/cards/p0.png"]
    assert isinstance(again, Stored)
    assert cached.stat().st_mode & 0o777 == 0o644


def _bytes(made: File) -> bytes:
    """A card's bytes, whether drawn or its file in the cache."""
    return made.read() if isinstance(made, Stored) else made


def test_no_cache_dir_draws_every_time(drawn):
    cards(_specs(2), None)
    cards(_specs(2), None)
    assert len(drawn) == 4


def test_a_path_produced_twice_is_an_error():
    with pytest.raises(BuildError, match="produced twice"):
        cards([*_specs(1), *_specs(1)], None)


# --- screenshots -----------------------------------------------------------------------------


def test_screenshots_of_three_cards():
    """For people to look at (like the browser screenshots): ``tests/artifacts/card-*.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    for name, args in ARTIFACT_CARDS.items():
        (ARTIFACTS / name).write_bytes(card(*args))
        with Image.open(ARTIFACTS / name) as image:
            assert image.size == (WIDTH, HEIGHT)


def test_the_title_is_bold_and_the_rest_regular():
    """The variable Noto Sans is set to weight 700 for the title (wider strokes, wider text)."""
    bold = cards_mod.measure("Steve Witkoff", True, 60, False)
    regular = cards_mod.measure("Steve Witkoff", False, 60, False)
    assert bold > regular * 1.04


def test_many_cards_are_drawn_in_processes_with_the_same_bytes(monkeypatch, tmp_path):
    monkeypatch.setattr(cards_mod, "PARALLEL_FROM", 2)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    specs = [CardSpec(f"cards/p{n}.png", f"Person {n}", "Envoy", "Story") for n in range(3)]
    drawn = cards_mod.cards(specs, tmp_path / "cache")
    assert list(drawn) == [s.path for s in specs]
    assert all(_bytes(drawn[s.path]) == card(s.title, s.subtitle, s.story) for s in specs)
    emoji = CardSpec("cards/smile.png", "Smile \U0001f600", "Envoy", "Story")
    more = cards_mod.cards([*specs, emoji], None)
    assert more["cards/smile.png"] == card("Smile ", "Envoy", "Story")

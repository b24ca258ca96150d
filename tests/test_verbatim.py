"""Word for word, as an editor means it: whole words, case and order, elisions within one
paragraph, bracketed insertions; and the excerpt readers see around a quote."""

from __future__ import annotations

import pytest

from generator.verbatim import (
    EXCERPT_WORDS,
    MAX_REPLACED,
    Match,
    Mismatch,
    excerpt,
    paragraphs,
    pieces,
    sentences,
    verify,
)

SOURCE = """\
Witkoff said the talks were “productive and constructive meetings” with Dmitriev. He wrote on
X: “We are encouraged by this meeting and Russia’s apparent commitment to achieving peace in
Ukraine. We appreciate the president’s vital leadership in pursuing a durable and lasting
peace.”

Trump said Putin had agreed to a record-setting pause on Kyiv’s grid, the U.S. said on Feb. 1.
He had “agreed to do that,” Trump said.
"""


def found(quote: str, source: str = SOURCE) -> list[str]:
    """The stored text of each matched part, or fail with the mismatch."""
    result = verify(quote, source, "notes")
    assert isinstance(result, Match), result
    return [source[s:e] for s, e in result.spans]


def refused(quote: str, source: str = SOURCE) -> str:
    result = verify(quote, source, "notes")
    assert isinstance(result, Mismatch), result
    return result.message


def test_a_plain_quote_is_found_across_spacing_quotes_and_line_wrapping() -> None:
    assert found("We are encouraged by this meeting and Russia's apparent commitment") == [
        "We are encouraged by this meeting and Russia’s apparent commitment"
    ]
    assert found("achieving peace in Ukraine") == ["achieving peace in\nUkraine"]


def test_case_counts() -> None:
    assert refused("we are encouraged") == ("quote does not appear word for word in source 'notes'")
    assert found("We are encouraged")


def test_word_order_counts() -> None:
    assert refused("We encouraged are") == ("quote does not appear word for word in source 'notes'")


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        (
            "roductive and constructive meeting",
            "quote starts mid-word in source 'notes' (inside 'productive')",
        ),
        (
            "productive and constructive meeting",
            "quote ends mid-word in source 'notes' (inside 'meetings')",
        ),
        ("setting pause", "quote starts mid-word in source 'notes' (inside 'record-setting')"),
        ("pause on Kyiv", "quote ends mid-word in source 'notes' (inside 'Kyiv’s')"),
        (
            "We are encouraged … ppreciate the",
            "part 2 of the quote ('ppreciate the') starts "
            "mid-word in source 'notes' (inside 'appreciate')",
        ),
    ],
)
def test_a_quote_starts_and_ends_at_word_boundaries(quote: str, message: str) -> None:
    assert refused(quote) == message


def test_whole_words_next_to_punctuation_and_dashes_are_fine() -> None:
    assert found("productive and constructive meetings") == ["productive and constructive meetings"]
    assert found("record-setting pause") == ["record-setting pause"]
    source = "It was cold—they have the same—and grim."
    assert found("they have the same", source) == ["they have the same"]


@pytest.mark.parametrize("elision", ["…", "...", "[…]", "[...]"])
def test_every_spelling_of_an_elision_cuts_the_quote_into_parts(elision: str) -> None:
    quote = f"We are encouraged by this meeting {elision} We appreciate the president’s vital"
    assert found(quote) == [
        "We are encouraged by this meeting",
        "We appreciate the president’s vital",
    ]


def test_elision_at_either_end_checks_nothing_more() -> None:
    assert found("… apparent commitment to achieving peace …") == [
        "apparent commitment to achieving peace"
    ]
    assert refused("…") == "quote has no words of its own outside elisions and insertions"


def test_parts_out_of_order_are_refused() -> None:
    assert refused("We appreciate the president’s vital leadership … We are encouraged") == (
        "part 2 of the quote comes before part 1 in source 'notes'"
    )
    assert refused("We are encouraged … lasting peace … this meeting") == (
        "part 3 of the quote comes before part 2 in source 'notes'"
    )


def test_parts_in_different_paragraphs_are_refused() -> None:
    assert refused("We are encouraged … Trump said Putin had agreed") == (
        "the quote's parts are in different paragraphs of source 'notes' "
        "(part 1 in paragraph 1; part 2 in paragraph 2)"
    )


def test_a_missing_part_is_named() -> None:
    assert refused("We are encouraged … We welcome the president") == (
        "part 2 of the quote ('We welcome the president') does not appear word for word in "
        "source 'notes'"
    )


def test_an_insertion_replaces_one_to_six_words() -> None:
    assert found("Trump said [the Russian president] had agreed") == ["Trump said", "had agreed"]
    assert found("We appreciate [Trump’s] vital") == ["We appreciate", "vital"]
    many = "We are encouraged [by this meeting and Russia’s apparent commitment] to achieving"
    assert refused(many) == (
        f"an insertion does not stand for 1 to {MAX_REPLACED} words of source 'notes'"
    )
    assert found("We are encouraged … to achieving") == [
        "We are encouraged",
        "to achieving",
    ]


def test_an_insertion_may_not_add_words() -> None:
    assert refused("We are [very] encouraged") == (
        f"an insertion does not stand for 1 to {MAX_REPLACED} words of source 'notes'"
    )


def test_an_insertion_at_either_end_or_against_a_word() -> None:
    assert found("[Putin] agreed to do that") == ["agreed to do that"]
    assert found("[T]he talks were") == ["he talks were"]
    assert found("on Kyiv[’s] grid") == ["on Kyiv", "grid"]


def test_insertions_and_elisions_together() -> None:
    quote = "We are encouraged by [the talks] … We appreciate [Trump’s] vital leadership"
    assert found(quote) == [
        "We are encouraged by",
        "We appreciate",
        "vital leadership",
    ]


def test_pieces_keep_the_editors_marks_apart() -> None:
    assert [(p.kind, p.text) for p in pieces("[He] said … yes [...] no")] == [
        ("insertion", "[He]"),
        ("words", " said "),
        ("elision", "…"),
        ("words", " yes "),
        ("elision", "[...]"),
        ("words", " no"),
    ]


def test_paragraphs_are_blocks_between_blank_lines() -> None:
    text = "\n\n  One\nline two.\n \t\nThree.\n\n\n"
    paras = paragraphs(text)
    assert [(p.number, text[p.start : p.end]) for p in paras] == [
        (1, "One\nline two."),
        (2, "Three."),
    ]
    assert paras[0].folded == "One line two."


def test_sentences_do_not_end_at_abbreviations_or_initials() -> None:
    text = "The U.S. envoy met him on Feb. 1 in Florida. “It went well.” Mr. John F. Smith left."
    assert [text[s:e] for s, e in sentences(text, 0, len(text))] == [
        "The U.S. envoy met him on Feb. 1 in Florida.",
        "“It went well.”",
        "Mr. John F. Smith left.",
    ]


def _words(text: str) -> int:
    return len(text.split())


def test_excerpt_is_the_quotes_sentences_and_whole_neighbours_within_the_limit() -> None:
    sentence = "Filler words go on here and there now."  # 8 words
    quoted = "She said the talks were productive and fair."
    text = " ".join([sentence] * 6 + [quoted] + [sentence] * 6)
    match = verify("the talks were productive", text, "notes")
    assert isinstance(match, Match)
    cut = excerpt(match, text)
    shown = text[cut.start : cut.end]
    assert _words(shown) <= EXCERPT_WORDS
    assert shown.startswith("Filler")
    assert shown.endswith("now.")
    assert quoted in shown
    assert shown.count(sentence) == 6  # 8 + 6 * 8 = 56 words; one more would pass 60
    assert abs(shown.index(quoted) - (len(shown) - shown.index(quoted) - len(quoted))) < 50
    assert [text[s:e] for s, e in cut.marks] == ["the talks were productive"]
    assert (cut.paragraph, cut.cut_before, cut.cut_after) == (1, False, False)


def test_excerpt_of_a_long_sentence_is_cut_round_the_quote() -> None:
    before = " ".join(f"b{i}" for i in range(100))
    after = " ".join(f"a{i}" for i in range(100))
    text = f"Intro. {before} the quoted words here {after} end. Next one."
    match = verify("the quoted words here", text, "notes")
    assert isinstance(match, Match)
    cut = excerpt(match, text)
    shown = text[cut.start : cut.end]
    assert _words(shown) == EXCERPT_WORDS
    assert shown.startswith("b72 ")
    assert shown.endswith(" a27")
    assert (cut.cut_before, cut.cut_after) == (True, True)


def test_a_quote_longer_than_the_limit_is_shown_whole() -> None:
    words = " ".join(f"w{i}" for i in range(80))
    text = f"Before it. {words}. After it."
    match = verify(words, text, "notes")
    assert isinstance(match, Match)
    cut = excerpt(match, text)
    assert text[cut.start : cut.end] == words


def test_excerpt_of_an_elided_quote_shows_what_was_left_out_unmarked() -> None:
    match = verify("We are encouraged … We appreciate the president’s", SOURCE, "notes")
    assert isinstance(match, Match)
    cut = excerpt(match, SOURCE)
    shown = SOURCE[cut.start : cut.end]
    assert "by this meeting and Russia’s apparent commitment" in shown
    assert [SOURCE[s:e] for s, e in cut.marks] == [
        "We are encouraged",
        "We appreciate the president’s",
    ]


def test_many_parts_find_a_placement_without_trying_every_combination() -> None:
    """Each part keeps only its feasible places, so 50 parts against 2,000 repeats is a
    matter of 100,000 places, not 2,000 ** 50 combinations."""
    text = "a " * 2_000 + "b."
    quote = " [x] ".join(["a"] * 50) + " … b"
    assert found(quote, text)[-1] == "b"
    assert refused(" [x] ".join(["a"] * 50) + " [x] c", text) == (
        "part 51 of the quote ('c') does not appear word for word in source 'notes'"
    )


def test_a_hostile_quote_of_tiny_repeated_parts_is_refused_not_searched_for_minutes() -> None:
    text = "a " * 100_000 + "b."
    quote = " [x] ".join(["a"] * 300)
    assert refused(quote, text) == (
        "quote has too many short, common parts to check against source 'notes'"
    )

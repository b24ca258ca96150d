"""Field-level differences between two versions of a record (generator/diffs.py): values,
not text, and any list item removed shows, whatever the field."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from generator.changes import field_lines
from generator.dates import PartialDate
from generator.diffs import FieldChange, Value, compare, encode, text_value, values_of
from generator.history import Change
from generator.link import Story
from generator.schema import Link, Person


def test_values_are_encoded_as_json_data() -> None:
    assert encode(PartialDate(2026, 1)) == {"date": "2026-01"}
    assert encode((Link("A", "https://a.example"),)) == [
        {"item": {"title": "A", "url": "https://a.example"}}
    ]
    assert encode(None) is None
    assert encode(True) is True
    with pytest.raises(TypeError):
        encode(3.5)


def test_values_of_a_record_are_its_schema_fields_in_order() -> None:
    ada = Person(id="ada", path="x.yml", name="Ada", role="Analyst", country="GB")
    values = values_of(ada)
    assert list(values)[:3] == ["name", "role", "country"]
    assert "id" not in values
    assert "path" not in values
    assert "marks" not in values


def test_equal_values_are_no_change() -> None:
    same: dict[str, Value] = {"name": "Ada", "aliases": ["A"], "date": {"date": "2026"}}
    assert compare(same, dict(same)) == ()


def test_scalars_change_from_one_value_to_another() -> None:
    old: dict[str, Value] = {
        "location": "Warsaw",
        "date": {"date": "2026-01"},
        "approximate": False,
    }
    new: dict[str, Value] = {
        "location": "Kraków",
        "date": {"date": "2026-01-31"},
        "approximate": False,
    }
    assert compare(old, new) == (
        FieldChange("location", "Warsaw", "Kraków"),
        FieldChange("date", {"date": "2026-01"}, {"date": "2026-01-31"}),
    )


def test_lists_change_by_items_added_and_removed() -> None:
    old: dict[str, Value] = {"participants": ["ada", "bob", "bob"]}
    new: dict[str, Value] = {"participants": ["bob", "cy"]}
    assert compare(old, new) == (
        FieldChange("participants", added=("cy",), removed=("ada", "bob")),
    )


def test_a_reordered_list_says_so() -> None:
    old: dict[str, Value] = {"p": ["a", "b"]}
    new: dict[str, Value] = {"p": ["b", "a"]}
    assert compare(old, new) == (FieldChange("p", reordered=True),)


def test_a_field_that_appears_or_goes_is_compared_with_nothing() -> None:
    assert compare({}, {"aliases": ["A"]}) == (FieldChange("aliases", added=("A",)),)
    assert compare({"url": "https://x.example"}, {}) == (
        FieldChange("url", "https://x.example", None),
    )


@dataclass(frozen=True)
class _Correction:
    """Any future list of mappings (corrections: [{date, text}]) is compared the same way."""

    date: PartialDate
    text: str


def test_removing_an_item_of_any_list_of_mappings_shows() -> None:
    first = _Correction(PartialDate(2026, 2, 2), "The vote was 7 to 4, not 8 to 3.")
    second = _Correction(PartialDate(2026, 2, 3), "The bridge opens in 2026.")
    old = {"corrections": encode((first, second))}
    new = {"corrections": encode((second,))}
    (change,) = compare(old, new)
    assert change.removed == (
        {"item": {"date": {"date": "2026-02-02"}, "text": "The vote was 7 to 4, not 8 to 3."}},
    )
    assert change.added == ()


def test_a_stored_text_is_compared_by_digest() -> None:
    assert text_value("") is None
    digest = text_value("words")
    assert isinstance(digest, dict)
    assert "words" not in str(digest)


def test_field_changes_survive_the_cache_format() -> None:
    change = FieldChange("p", {"date": "2026"}, None, ("a",), ({"item": {"t": "x"}},), True)
    assert FieldChange.from_json(change.to_json()) == change
    bad_data: list[object] = [{}, {"field": 1}, [], {**change.to_json(), "added": "a"}]
    for bad in bad_data:
        with pytest.raises(ValueError, match="not a field change"):
            FieldChange.from_json(bad)


def test_a_removed_correction_is_shown_in_words() -> None:
    """When ``corrections`` lands in the schema, deleting one shows on What changed."""
    story = Story()
    first = _Correction(PartialDate(2026, 2, 2), "The vote was 7 to 4, not 8 to 3.")
    (field,) = compare({"corrections": encode((first,))}, {"corrections": []})
    change = Change("c" * 40, 0, "changed", "people", "ada", fields=(field,))
    assert field_lines(story, change, str) == [
        "corrections: − 2 February 2026: The vote was 7 to 4, not 8 to 3."
    ]

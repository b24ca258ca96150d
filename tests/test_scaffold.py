"""``explainer new``: a new record has the right id, the schema line and the fields to fill in,
and an existing file is never overwritten."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from generator import scaffold
from generator.json_schema import modeline
from generator.loader import parse
from generator.project import Project
from generator.schema import COLLECTIONS, fields_of
from tests.conftest import MINIMAL, problems_of, run_explainer

Make = Callable[[dict[str, str | bytes]], Project]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Jared Kushner", "jared-kushner"),
        ("Volodymyr Zelenskyy", "volodymyr-zelenskyy"),
        ("  Talks in Abu Dhabi, round 2!  ", "talks-in-abu-dhabi-round-2"),
        ("Trump’s “extreme cold” post", "trumps-extreme-cold-post"),
        ("Kirill Dmitriev (Кирилл Дмитриев)", "kirill-dmitriev"),
        ("Zoë Ångström", "zoe-angstrom"),
        ("Кирилл Дмитриев", ""),
        ("a " * 50, "-".join(["a"] * 30)),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert scaffold.slugify(title) == slug


@pytest.mark.parametrize(
    "value",
    [
        "Jared Kushner",
        "NO",
        "yes",
        "1:30",
        "2026-01-31",
        "Talks #2",
        "Talks: day two",
        "- dash",
        "[bracket",
        "'quoted'",
        '"double"',
        "null",
        "100",
        "*star",
        "a  b",
        "Trump’s",
    ],
)
def test_yaml_scalar_reads_back_as_the_same_text(value: str) -> None:
    written = scaffold.yaml_scalar(value)
    assert yaml.safe_load(f"k: {written}") == {"k": value}
    scalar = parse(f"k: {written}\n").items["k"][1]
    assert getattr(scalar, "value", None) == value
    assert not getattr(scalar, "comment_after", True)


def test_new_person_writes_the_record_to_fill_in(content: Make) -> None:
    project = content(dict(MINIMAL))
    proc = run_explainer(project, "new", "person", "Jared Kushner")
    assert proc.returncode == 0, proc.stderr
    assert "created content/people/jared-kushner.yml" in proc.stdout
    text = (project.content / "people/jared-kushner.yml").read_text("utf-8")
    assert text.splitlines()[0] == modeline("people")
    assert (
        text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/people.schema.json"
    )
    assert "\nname: Jared Kushner\n" in text
    assert "\nrole:\n" in text
    assert "\ncountry:\n" in text
    assert "\n# native_name:\n" in text
    # The check lists exactly what is left to fill in.
    assert problems_of(project) == [
        "content/people/jared-kushner.yml:8:6: role: required field is empty (fill it in)",
        "content/people/jared-kushner.yml:10:9: country: required field is empty (fill it in)",
    ]
    filled = text.replace("\nrole:\n", "\nrole: Adviser\n").replace(
        "\ncountry:\n", "\ncountry: US\n"
    )
    (project.content / "people/jared-kushner.yml").write_text(filled, "utf-8")
    assert problems_of(project) == []


@pytest.mark.parametrize("kind", sorted(scaffold.KINDS))
def test_every_kind_lists_its_required_fields_and_nothing_else_is_wrong(
    content: Make, kind: str
) -> None:
    project = content(dict(MINIMAL))
    path = scaffold.create(project.content, kind, "Talks: day two")
    cls = scaffold.KINDS[kind]
    assert path == project.content / cls.collection / "talks-day-two.yml"
    tree = parse(path.read_text("utf-8"))
    required = [name for name, spec in fields_of(cls) if spec.required]
    assert list(tree.items) == required
    for problem in problems_of(project):
        assert "talks-day-two.yml" in problem
        assert any(
            words in problem
            for words in ("required field is empty", "needs at least 1 item", "needs at least one")
        ), problem


def test_uncommenting_an_optional_field_keeps_the_file_valid(content: Make) -> None:
    project = content(dict(MINIMAL))
    path = scaffold.create(project.content, "topic", "Energy strikes")
    text = path.read_text("utf-8").replace("\n# summary:\n", "\nsummary: What it covers.\n")
    assert "\nsummary: What it covers.\n" in text
    path.write_text(text, "utf-8")
    assert problems_of(project) == []


def test_refuses_to_overwrite(content: Make) -> None:
    project = content(dict(MINIMAL))
    path = project.content / "people/ada-lovelace.yml"
    before = path.read_bytes()
    proc = run_explainer(project, "new", "person", "Ada Lovelace")
    assert proc.returncode == 2
    assert "people/ada-lovelace.yml already exists; not overwritten" in proc.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["person", "Кирилл Дмитриев"],
            "cannot make an id from 'Кирилл Дмитриев'; give one with --id",
        ),
        (["person", "Ada", "--id", "Ada_L"], "'Ada_L' is not a valid id"),
        (["topic", "Index"], "id 'index' is reserved for an index page"),
        (["person", "   "], "the title must be one line of text"),
    ],
)
def test_refuses_bad_ids(content: Make, args: list[str], message: str) -> None:
    project = content(dict(MINIMAL))
    proc = run_explainer(project, "new", *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert sorted(p.name for p in (project.content / "people").iterdir()) == ["ada-lovelace.yml"]


def test_id_option_and_new_collection_folder(content: Make) -> None:
    project = content(dict(MINIMAL))
    proc = run_explainer(project, "new", "person", "Кирилл Дмитриев", "--id", "kirill-dmitriev")
    assert proc.returncode == 0, proc.stderr
    text = (project.content / "people/kirill-dmitriev.yml").read_text("utf-8")
    assert "\nname: Кирилл Дмитриев\n" in text
    assert run_explainer(project, "new", "event", "Pause").returncode == 0
    assert (project.content / "events/pause.yml").is_file()


def test_unknown_kind_is_a_usage_error(content: Make) -> None:
    project = content(dict(MINIMAL))
    proc = run_explainer(project, "new", "people", "Ada")
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


def test_kinds_are_the_collections() -> None:
    assert sorted(cls.collection for cls in scaffold.KINDS.values()) == sorted(COLLECTIONS)

"""The JSON Schemas in schemas/: derived from generator/schema.py, current, and in agreement
with ``explainer check`` on valid and invalid records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator import json_schema
from generator.errors import Severity
from generator.loader import LoadedFile, Mapping, Node, Scalar, parse
from generator.schema import COLLECTIONS, Kind, fields_of
from generator.validate import validate_file
from tests.conftest import ROOT, run_explainer

# -- the language server's view of a file ---------------------------------------------------

_CORE_NULL = {"", "~", "null", "Null", "NULL"}
_CORE_BOOL = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_CORE_INT = re.compile(r"^[-+]?[0-9]+$")
_CORE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def yaml12(node: Node) -> Any:
    """A located tree as the YAML language server reads it (YAML 1.2 core schema): plain
    scalars become null, booleans and numbers where they look like one; quoted ones stay text."""
    if isinstance(node, Mapping):
        return {key: yaml12(value) for key, (_, value) in node.items.items()}
    if not isinstance(node, Scalar):
        return [yaml12(item) for item in node.items]
    return _core_scalar(node.value) if node.plain else node.value


def _core_scalar(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema."""
    typed: Any = text
    if text in _CORE_NULL:
        typed = None
    elif text in _CORE_BOOL:
        typed = _CORE_BOOL[text]
    elif _CORE_INT.match(text):
        typed = int(text)
    elif _CORE_FLOAT.match(text):
        typed = float(text)
    return typed


def schema_accepts(collection: str, text: str) -> bool:
    schema = json.loads((ROOT / json_schema.schema_path(collection)).read_text("utf-8"))
    return bool(jsonschema.Draft7Validator(schema).is_valid(yaml12(parse(text))))


def check_accepts(collection: str, text: str) -> bool:
    """Whether ``explainer check`` accepts the file on its own (references are not resolved:
    JSON Schema sees one file at a time)."""
    loaded = LoadedFile(f"content/{collection}/x.yml", collection, "x", parse(text))
    _, problems = validate_file(loaded)
    return not any(p.severity is Severity.ERROR for p in problems)


# -- staleness and shape --------------------------------------------------------------------


def test_shipped_schemas_are_current() -> None:
    assert json_schema.stale(ROOT) == [], "run: make schemas (explainer schema --write)"


def test_schema_command_fails_when_stale_and_write_fixes_it(real_project: Any) -> None:
    proc = run_explainer(real_project, "schema")
    assert proc.returncode == 1
    assert "schemas/people.schema.json: out of date" in proc.stderr
    proc = run_explainer(real_project, "schema", "--write")
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {len(COLLECTIONS)} schema files" in proc.stdout
    assert run_explainer(real_project, "schema").returncode == 0
    people = real_project.root / "schemas/people.schema.json"
    people.write_text(people.read_text("utf-8").replace("Name as", "Nom comme"), "utf-8")
    assert run_explainer(real_project, "schema").returncode == 1


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_schema_is_valid_draft7_and_lists_every_field(collection: str) -> None:
    schema = json_schema.collection_schema(COLLECTIONS[collection])
    jsonschema.Draft7Validator.check_schema(schema)
    specs = dict(fields_of(COLLECTIONS[collection]))
    assert list(schema["properties"]) == list(specs)
    assert schema["required"] == [name for name, spec in specs.items() if spec.required]
    assert schema["additionalProperties"] is False
    for name, spec in specs.items():
        assert schema["properties"][name]["description"].startswith(spec.doc)


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*/*.yml")), ids=str)
def test_real_content_is_valid_for_the_schema_and_names_it(path: Path) -> None:
    text = path.read_text("utf-8")
    assert text.splitlines()[0] == json_schema.modeline(path.parent.name)
    assert schema_accepts(path.parent.name, text)


# -- agreement with the checker -------------------------------------------------------------

MINIMAL = {
    "people": {"name": "Ada Lovelace", "role": "Analyst", "country": "GB"},
    "meetings": {
        "title": "Talks",
        "date": "2020-01-31",
        "location": "Geneva",
        "participants": "[ada-lovelace]",
        "summary": "They met.",
        "sources": "[notes]",
    },
    "events": {"title": "Pause", "date": "2020-01", "summary": "A pause.", "sources": "[notes]"},
    "quotes": {"speaker": "ada-lovelace", "text": "Words.", "date": "2026", "source": "notes"},
    "sources": {"title": "Notes", "publisher": "Memoirs"},
    "topics": {"title": "Energy"},
    "claims": {
        "title": "How long?",
        "status": "unconfirmed",
        "positions": "[{by: ada-lovelace, says: A week., source: notes}]",
    },
}
"""The smallest valid record of each collection, as YAML values."""

LONG = "x" * 5000

SAMPLES: dict[Kind, list[str]] = {
    Kind.TEXT: [
        "Ada",
        '"Talks: day two"',
        "'Talks #2'",
        "NO",
        "[a, b]",
        "{a: b}",
        '""',
        '"   "',
        "",
        "~",
        '"two\\nlines"',
        '"a\\tb"',
        '"a\\u202eb"',
        '"a\\u200bb"',
        f'"{LONG}"',
        "x" * 121,
    ],
    Kind.LONGTEXT: [
        '"two\\nlines"',
        "|\n  two\n  lines",
        "[a]",
        '""',
        "",
        f'"{LONG}"',
        '"a\\u200bb"',
    ],
    Kind.PROSE: ["'*Emphasis* and [a link](https://example.com).'", "[a]", "", '" "', f'"{LONG}"'],
    Kind.REF: ["ada-lovelace", "notes", "Ada", "ada--lovelace", "[ada]", "", "~", '""'],
    Kind.REFS: [
        "[ada-lovelace]",
        "[]",
        "",
        "[ada-lovelace, ada-lovelace]",
        "ada-lovelace",
        "[Ada]",
        "[[a]]",
        "\n  - ada-lovelace\n  - notes",
    ],
    Kind.TEXTS: ["[Kushner]", "[]", "", "[a, a]", "a", "[[a]]", '["a\\tb"]'],
    Kind.DATE: [
        "2026",
        "2026-01",
        "2026-01-31",
        '"2026-01-31"',
        "2024-02-29",
        "2026-13",
        "2026-02-30",
        "2026-04-31",
        "31/01/2026",
        "2026-1-5",
        "[2026]",
        "0000",
        "",
        "202",
        "2026.5",
    ],
    Kind.BOOL: ["true", "false", "True", "False", "", "yes", "no", "1", "maybe", "[true]"],
    Kind.CHOICE: [
        "held",
        "scheduled",
        "cancelled",
        "article",
        "social-post",
        "other",
        "Held",
        "done",
        "",
        "[held]",
    ],
    Kind.COUNTRY: ["US", "NO", "UA", "us", "XX", "USA", "", "[US]"],
    Kind.COUNTRIES: ["[RU, UA]", "[]", "", "[RU, RU]", "[ru]", "RU", "[XX]"],
    Kind.URL: [
        "https://example.com/a?b=c#d",
        "http://example.com",
        "HTTPS://EXAMPLE.COM",
        "https://example.com:8080/x",
        "javascript:alert(1)",
        "ftp://example.org",
        "https://user@example.com/",
        '"https://exa mple.com"',
        "https://bücher.de",
        "https://-bad.example",
        "https://",
        "",
        "[https://example.com]",
        '"https://example.com/a\\\\b"',
    ],
}
"""Values for every kind of field, valid and invalid; the two sides must agree on each."""

ITEMS: dict[str, list[str]] = {
    "links": [
        '[{title: Site, url: "https://example.com"}]',
        "[]",
        "",
        "[{title: Site}]",
        '[{title: Site, url: "https://example.com", extra: x}]',
        '["https://example.com"]',
        '[{title: "", url: "https://example.com"}]',
        '[{title: Site, url: "javascript:x"}]',
    ],
    "corrections": [
        "[{date: 2026-02-02, text: An earlier version was wrong.}]",
        "[]",
        "",
        "[{date: 2026-02, text: Wrong.}]",
        "[{date: 2026, text: Wrong.}]",
        "[{date: 2026-02-30, text: Wrong.}]",
        "[{date: 2026-02-02}]",
        "[{date: 2026-02-02, text: ''}]",
        "[{date: 2026-02-02, text: Wrong., by: x}]",
        "[Wrong.]",
    ],
    "positions": [
        "[{by: ada-lovelace, says: A week., source: notes}]",
        "[{party: RU, says: Two days., source: notes, date: 2026-01-30, approximate: true}]",
        "[{party: The Associated Press, says: Odd., source: notes}]",
        "[{party: X, says: Odd., source: notes}]",
        "[{by: ada-lovelace, says: A week., source: notes, quote: ada-said}]",
        "[]",
        "",
        "[{party: ru, says: Two days., source: notes}]",
        "[{party: XX, says: Two days., source: notes}]",
        "[{party: EU, says: Two days., source: notes}]",
        "[{by: ada-lovelace, says: A week.}]",
        "[{by: Ada, says: A week., source: notes}]",
        "[{by: ada-lovelace, says: A week., source: notes, date: soon}]",
        "[{by: ada-lovelace, source: notes}]",
    ],
}
"""Values for each list of nested records, valid and invalid, as for :data:`SAMPLES`."""


def samples(name: str, kind: Kind) -> list[str]:
    return ITEMS[name] if kind is Kind.ITEMS else SAMPLES[kind]


def record(collection: str, field: str | None = None, value: str | None = None) -> str:
    fields = dict(MINIMAL[collection])
    if field is not None:
        fields.pop(field, None)
        fields[field] = value or ""
    return "".join(f"{k}: {v}\n" if v else f"{k}:\n" for k, v in fields.items())


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for collection, cls in COLLECTIONS.items():
        for name, spec in fields_of(cls):
            for value in samples(name, spec.kind):
                cases.append((collection, name, value))
    return cases


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_minimal_records_are_valid_for_both(collection: str) -> None:
    assert check_accepts(collection, record(collection))
    assert schema_accepts(collection, record(collection))


@pytest.mark.parametrize(("collection", "field", "value"), _cases())
def test_schema_and_checker_agree(collection: str, field: str, value: str) -> None:
    text = record(collection, field, value)
    assert schema_accepts(collection, text) == check_accepts(collection, text), text


def test_samples_cover_both_outcomes_for_every_kind() -> None:
    """Agreement alone would pass if everything were accepted: each kind needs both."""
    for kind, values in SAMPLES.items():
        collection, name = next(
            (c, n) for c, cls in COLLECTIONS.items() for n, s in fields_of(cls) if s.kind is kind
        )
        outcomes = {check_accepts(collection, record(collection, name, v)) for v in values}
        assert outcomes == {True, False}, kind
    for name, values in ITEMS.items():
        collection = next(c for c, cls in COLLECTIONS.items() if name in dict(fields_of(cls)))
        outcomes = {check_accepts(collection, record(collection, name, v)) for v in values}
        assert outcomes == {True, False}, name


@pytest.mark.parametrize(
    "text",
    [
        "nmae: Ada\nrole: Analyst\ncountry: GB\n",
        "id: ada\nname: Ada\nrole: Analyst\ncountry: GB\n",
        "name: Ada\ncountry: GB\n",
        "{}\n",
    ],
)
def test_unknown_and_missing_fields_are_refused_by_both(text: str) -> None:
    assert not check_accepts("people", text)
    assert not schema_accepts("people", text)


KNOWN_DIFFERENCES = [
    # (collection, record text, accepted by the checker) — listed in docs/editing/checks.md
    ("meetings", record("meetings", "approximate", "TRUE"), False),
    ("meetings", record("meetings", "approximate", '"true"'), True),
    ("people", record("people", "role", "1"), True),
    ("meetings", record("meetings", "date", "2025-02-29"), False),
    ("meetings", record("meetings", "title", "Talks #2"), False),
    ("meetings", record("meetings", "end_date", "2019-12-31"), False),
    ("people", record("people", "bio", "'[x](ftp://example.org)'"), False),
    ("claims", record("claims", "positions", "[{says: x, source: notes}]"), False),
    (
        "claims",
        record("claims", "positions", "[{by: ada-lovelace, party: RU, says: x, source: notes}]"),
        False,
    ),
    ("claims", record("claims", "status", "disputed"), False),
]


@pytest.mark.parametrize(("collection", "text", "checker"), KNOWN_DIFFERENCES)
def test_documented_differences_are_real(collection: str, text: str, checker: bool) -> None:
    """The editors' guide lists where the editor and the checker disagree; if one of these
    starts to agree, the guide is out of date."""
    assert check_accepts(collection, text) is checker
    assert schema_accepts(collection, text) is not checker


def test_guide_lists_the_differences() -> None:
    guide = (ROOT / "docs/editing/checks.md").read_text("utf-8")
    for snippet in (
        "approximate: TRUE",
        'approximate: "true"',
        "role: 1",
        "29 February",
        "Talks #2",
        "`end_date` not before `date`",
        "`bio` and `summary`",
        "`by` or `party`, not both",
        "at least two positions in a disputed claim",
    ):
        assert snippet in guide

"""JSON Schema for each collection, derived from :mod:`generator.schema` (never written by hand).

Editors get completion and red squiggles from these files through the YAML language server
(VS Code's YAML extension): every record file starts with
``# yaml-language-server: $schema=../../schemas/<collection>.schema.json``.

The language server reads YAML 1.2 (core schema), not our loader's "everything is text": there
``approximate: true`` is a boolean, ``date: 2026`` an integer and ``date: 2026-01-31`` a string.
The schemas describe what the editor's YAML looks like in that reading, so a valid record never
shows a squiggle. What JSON Schema cannot say (references to other records, ``end_date`` after
``date``, quotes found in their source) only ``explainer check`` checks; the editors' guide lists
those differences (``docs/editing/checks.md``), and a test keeps that list honest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pycountry
import yaml

from generator.schema import COLLECTIONS, ID_PATTERN, FieldSpec, Kind, Record, fields_of

DRAFT = "http://json-schema.org/draft-07/schema#"
"""Draft 7: the newest draft the YAML language server supports fully."""

SCHEMA_FOLDER = "schemas"

# The validator refuses these in one-line text (see generator/validate.py): line breaks, tabs,
# bidirectional controls and invisible characters.
_ONE_LINE = r"[^\n\t\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u00ad]"
_DAY31 = r"(?:0[1-9]|[12][0-9]|3[01])"
_DAY30 = r"(?:0[1-9]|[12][0-9]|30)"
_DAY29 = r"(?:0[1-9]|1[0-9]|2[0-9])"
DATE_PATTERN = (
    r"^(?!0000)[0-9]{4}(?:-(?:(?:0[13578]|1[02])(?:-" + _DAY31 + r")?"
    r"|(?:0[469]|11)(?:-" + _DAY30 + r")?|02(?:-" + _DAY29 + r")?))?$"
)
"""``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with each month's length; 29 February of a year that
is not a leap year is left to ``explainer check``."""
DAY_PATTERN = (
    r"^(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-"
    + _DAY31
    + r"|(?:0[469]|11)-"
    + _DAY30
    + r"|02-"
    + _DAY29
    + r")$"
)
"""``YYYY-MM-DD`` only, for dates that need the day (a correction's)."""

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_PART = _LABEL + r"(?:\." + _LABEL + r")*\.?"
URL_PATTERN = (
    r"^https?://" + _HOST_PART + r"(?::[0-9]{0,5})?"
    r'(?:[/?#][^\s\\<>"`{}|^\u007f-\u009f]*)?$'
)
"""Plain absolute http(s) URLs with an ASCII host and no credentials (see generator/urls.py)."""

_ID = ID_PATTERN.pattern
_ID_OR_EMPTY = r"^(?:" + _ID[1:-1] + r")?$"
_EMPTY: list[Any] = ["", None]


def _nullable(schema: dict[str, Any], spec: FieldSpec) -> dict[str, Any]:
    """An optional field may be left empty (``field:``, ``~`` or ``""``), as the loader allows."""
    if spec.required:
        return schema
    types = schema.get("type")
    if isinstance(types, str):
        schema["type"] = [types, "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], *_EMPTY]
    return schema


def _text(spec: FieldSpec, one_line: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": spec.max_length}
    chars = _ONE_LINE if one_line else r"[\s\S]"
    if spec.required:
        # Blank text counts as missing: one-line text is stripped of spaces, the rest of all
        # whitespace.
        schema["pattern"] = f"^(?={chars}*[^ ]){chars}*$" if one_line else r"\S"
    elif one_line:
        schema["pattern"] = f"^{chars}*$"
    return schema


def _ref(spec: FieldSpec) -> dict[str, Any]:
    return {"type": "string", "pattern": _ID if spec.required else _ID_OR_EMPTY}


def _date(spec: FieldSpec) -> dict[str, Any]:
    if spec.day:
        return {"type": "string", "pattern": DAY_PATTERN}
    text: dict[str, Any] = {"type": "string", "pattern": DATE_PATTERN}
    year: dict[str, Any] = {"type": "integer", "minimum": 1000, "maximum": 9999}
    options = [text, year] if spec.required else [text, year, {"enum": _EMPTY}]
    return {"anyOf": options}


def _countries() -> list[str]:
    return sorted(country.alpha_2 for country in pycountry.countries)


def _list(items: dict[str, Any], spec: FieldSpec, unique: bool = True) -> dict[str, Any]:
    # An empty plain value (``participants:``) is an empty list to the loader.
    schema: dict[str, Any] = {"type": ["array", "null"], "items": items}
    if unique:
        schema["uniqueItems"] = True
    if spec.min_items:
        schema["type"] = "array"
        schema["minItems"] = spec.min_items
    return schema


def _items(spec: FieldSpec) -> dict[str, Any]:
    """A list of nested records: each item an object with the fields of ``spec.item``."""
    assert spec.item is not None
    specs = list(fields_of(spec.item))
    item = {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name, nested in specs if nested.required],
        "properties": {name: _described(nested) for name, nested in specs},
    }
    return _list(item, spec, unique=False)


def _party(spec: FieldSpec) -> dict[str, Any]:
    """A country code, or any one-line name that is not two letters (see validate._party)."""
    name = _text(spec, one_line=True)
    name["pattern"] = "^(?![A-Za-z]{2}$)" + name["pattern"].removeprefix("^")
    options: list[dict[str, Any]] = [{"enum": _countries()}, name]
    return {"anyOf": options if spec.required else [*options, {"type": "null"}]}


def _url(spec: FieldSpec) -> dict[str, Any]:
    pattern = URL_PATTERN
    if spec.hosts:  # only these hosts (archive_url)
        hosts = "|".join(re.escape(h) for h in sorted(spec.hosts))
        pattern = pattern.replace(_HOST_PART, f"(?:{hosts})", 1)
    url = {"type": "string", "maxLength": spec.max_length, "pattern": pattern}
    return url if spec.required else {"anyOf": [url, {"enum": _EMPTY}]}


def _texts(spec: FieldSpec) -> dict[str, Any]:
    item = FieldSpec(Kind.TEXT, "", max_length=spec.max_length)
    return _list(_nullable(_text(item, one_line=True), item), spec)


_BY_KIND: dict[Kind, Callable[[FieldSpec], dict[str, Any]]] = {
    Kind.TEXT: lambda spec: _nullable(_text(spec, one_line=True), spec),
    Kind.LONGTEXT: lambda spec: _nullable(_text(spec, one_line=False), spec),
    Kind.PROSE: lambda spec: _nullable(_text(spec, one_line=False), spec),
    Kind.REF: lambda spec: _nullable(_ref(spec), spec),
    Kind.REFS: lambda spec: _list({"type": ["string", "null"], "pattern": _ID_OR_EMPTY}, spec),
    Kind.TEXTS: _texts,
    Kind.DATE: _date,
    Kind.BOOL: lambda spec: {"type": ["boolean", "null"]},
    Kind.CHOICE: lambda spec: _nullable(
        {"enum": list(spec.choices), "default": spec.choices[0]}, spec
    ),
    Kind.COUNTRY: lambda spec: _nullable({"enum": _countries()}, spec),
    Kind.COUNTRIES: lambda spec: _list({"enum": _countries()}, spec),
    Kind.URL: _url,
    Kind.PARTY: _party,
    Kind.ITEMS: _items,
}


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The JSON Schema of one field's value (without its description)."""
    return _BY_KIND[spec.kind](spec)


_LISTS = frozenset({Kind.REFS, Kind.TEXTS, Kind.COUNTRIES, Kind.ITEMS})


def _example(spec: FieldSpec) -> Any:
    """The field's example as a value: list fields hold lists (``[RU, UA]`` is YAML flow)."""
    if spec.kind not in _LISTS:
        return spec.example
    value = yaml.safe_load(spec.example)
    return value if isinstance(value, list) else [spec.example]


def describe(spec: FieldSpec, say_required: bool = True) -> str:
    """The field's documentation for editors, with what a reference must name."""
    text = spec.doc + (" Required." if spec.required and say_required else "")
    if spec.ref:
        what = "Each" if spec.kind is Kind.REFS else "It"
        text += f" {what} must be the id (file name) of a record in content/{spec.ref}/."
    return text


def _described(spec: FieldSpec) -> dict[str, Any]:
    text = describe(spec)
    described = {"description": text, "markdownDescription": text, **field_schema(spec)}
    if spec.example:
        described["examples"] = [_example(spec)]
    return described


def collection_schema(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema of one record file of collection ``cls``."""
    specs = list(fields_of(cls))
    return {
        "$schema": DRAFT,
        "title": f"{cls.singular} record (content/{cls.collection}/<id>.yml)",
        "description": cls.doc
        + " Generated from generator/schema.py by `explainer schema --write`; do not edit.",
        "type": "object",
        "additionalProperties": False,
        "required": [name for name, spec in specs if spec.required],
        "properties": {name: _described(spec) for name, spec in specs},
    }


def schema_path(collection: str) -> str:
    """Where the schema of ``collection`` lives, relative to the project root."""
    return f"{SCHEMA_FOLDER}/{collection}.schema.json"


def modeline(collection: str) -> str:
    """The first line of every record file: tells the YAML language server its schema."""
    return f"# yaml-language-server: $schema=../../{schema_path(collection)}"


def render_all() -> dict[str, str]:
    """Every schema file: path relative to the project root → its JSON text."""
    return {
        schema_path(name): json.dumps(collection_schema(cls), indent=2, ensure_ascii=False) + "\n"
        for name, cls in COLLECTIONS.items()
    }


def stale(root: Path) -> list[str]:
    """The schema files under ``root`` that are missing or differ from the schema."""
    return [
        rel
        for rel, text in render_all().items()
        if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text
    ]


def write_all(root: Path) -> list[str]:
    """Rewrite the schema files that changed; return their paths."""
    changed = stale(root)
    files = render_all()
    for rel in changed:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8")
    return changed

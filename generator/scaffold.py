"""``explainer new``: start a record file with the right id, its schema line and the fields to
fill in, so an editor never has to remember a file name rule or a field name.

The file is derived from :mod:`generator.schema` like everything else: required fields are
written empty (``explainer check`` then lists exactly what is left to do), optional fields as
comments, each with its one-line documentation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import yaml

from generator.errors import GeneratorError
from generator.json_schema import describe, modeline
from generator.schema import (
    ID_PATTERN,
    RECORD_TYPES,
    RESERVED_IDS,
    FieldSpec,
    Kind,
    Record,
    fields_of,
)

KINDS: dict[str, type[Record]] = {cls.singular: cls for cls in RECORD_TYPES}
"""``person`` → :class:`~generator.schema.Person`, and so on: the words ``explainer new`` takes."""

MAX_ID_LENGTH = 60
_TITLE_FIELDS = ("name", "title")
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#:\n]*(?<! )$")
_LISTS = frozenset({Kind.REFS, Kind.TEXTS, Kind.COUNTRIES, Kind.ITEMS})


class ScaffoldError(GeneratorError):
    """The record cannot be created (bad id, file exists); nothing was written."""


def slugify(title: str) -> str:
    """An id from a title: ASCII letters and digits joined by single hyphens.

    >>> slugify("Volodymyr Zelenskyy’s “peace formula”")
    'volodymyr-zelenskyys-peace-formula'
    """
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['’]", "", text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        slug = slug[:MAX_ID_LENGTH].rsplit("-", 1)[0]
    return slug


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that every YAML reader reads back as the same text: plain
    when that is safe (not ``no``, ``1:30``, ``2026-01-31`` or ``# x``), double-quoted if not."""
    if _PLAIN.match(value) and yaml.safe_load(f"k: {value}") == {"k": value}:
        return value
    return json.dumps(value, ensure_ascii=False)


def _doc_comment(spec: FieldSpec) -> str:
    text = describe(spec)
    if spec.example:
        text += f" Example: {spec.example}"
    return f"# {text}"


def _item_lines(spec: FieldSpec) -> list[str]:
    """For a list of nested records: one item, commented out, required fields first, each
    with its documentation, to copy under the field (``positions:``) and fill in."""
    if spec.kind is not Kind.ITEMS or spec.item is None:
        return []
    nested = sorted(fields_of(spec.item), key=lambda pair: not pair[1].required)
    lines = []
    for index, (name, item_spec) in enumerate(nested):
        indent = "  " if index else ""
        lines += [f"#   {indent}{_doc_comment(item_spec)}", f"#   {indent or '- '}{name}:"]
    return lines


def render(cls: type[Record], title: str) -> str:
    """The text of a new record of type ``cls``, ``title`` filled in where the type has one."""
    lines = [
        modeline(cls.collection),
        f"# A new {cls.singular}. {cls.doc}",
        "# Fill in the empty fields, then run `make check`; it lists what is still missing.",
        "",
    ]
    optional = []
    for name, spec in fields_of(cls):
        if not spec.required:
            optional += [_doc_comment(spec), f"# {name}:", *_item_lines(spec)]
            continue
        value = yaml_scalar(title) if name in _TITLE_FIELDS else ""
        if spec.kind in _LISTS and not value:
            value = "[]"
        lines += [_doc_comment(spec), f"{name}: {value}".rstrip(), *_item_lines(spec)]
    if optional:
        lines += [
            "",
            "# Optional fields: to use one, delete the '# ' before its name.",
            "",
            *optional,
        ]
    return "\n".join(lines) + "\n"


def check_id(record_id: str) -> None:
    """Refuse an id the loader would refuse, before any file is written."""
    if not ID_PATTERN.match(record_id):
        raise ScaffoldError(
            f"'{record_id}' is not a valid id: use lowercase letters, digits and single hyphens "
            "(give one with --id)"
        )
    if record_id in RESERVED_IDS:
        raise ScaffoldError(f"id '{record_id}' is reserved for an index page; choose another")


def create(content: Path, kind: str, title: str, record_id: str | None = None) -> Path:
    """Write ``content/<collection>/<id>.yml`` for a new record; never overwrite a file."""
    cls = KINDS[kind]
    title = title.strip()
    if not title or "\n" in title:
        raise ScaffoldError("the title must be one line of text")
    record_id = record_id or slugify(title)
    if not record_id:
        raise ScaffoldError(f"cannot make an id from {title!r}; give one with --id")
    check_id(record_id)
    path = content / cls.collection / f"{record_id}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(render(cls, title))
    except FileExistsError:
        raise ScaffoldError(
            f"{cls.collection}/{record_id}.yml already exists; not overwritten "
            "(edit it, or give another id with --id)"
        ) from None
    return path

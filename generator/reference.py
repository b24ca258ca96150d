"""The editors' field reference: one page per collection, generated from the record schema.

Written into ``docs/reference/`` (a folder the generator owns) on every ``explainer generate``,
so the guide cannot drift from :mod:`generator.schema`: a field added there is documented here
by the same change. The hand-written half of the guide lives in ``docs/editing/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator import escape, scaffold
from generator.json_schema import describe, schema_path
from generator.render import front_matter
from generator.schema import COLLECTIONS, FieldSpec, Kind, Record, fields_of
from generator.writer import MARKER

FOLDER = "reference"


def value_help(spec: FieldSpec) -> str:
    """What to write in a field, in an editor's words (backticks mark literal text)."""
    kind = spec.kind
    choices = ", ".join(f"`{c}`" for c in spec.choices)
    default = f" (default `{spec.choices[0]}`)" if spec.choices else ""
    helps = {
        Kind.TEXT: f"one line of plain text, up to {spec.max_length} characters",
        Kind.LONGTEXT: f"plain text, may span lines, up to {spec.max_length} characters",
        Kind.PROSE: f"light Markdown (`*emphasis*`, `[links](https://…)`), up to "
        f"{spec.max_length} characters",
        Kind.REF: f"the id of a {_noun(spec)}",
        Kind.REFS: f"a list of {_noun(spec)} ids, e.g. `[a, b]`",
        Kind.TEXTS: f"a list of one-line texts, up to {spec.max_length} characters each",
        Kind.DATE: "a date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
        Kind.BOOL: "`true` or `false` (default `false`)",
        Kind.CHOICE: f"one of {choices}{default}",
        Kind.COUNTRY: "a country code (ISO 3166-1 alpha-2, in capitals)",
        Kind.COUNTRIES: "a list of country codes, e.g. `[RU, UA]`",
        Kind.URL: "an address starting with `https://` (or `http://`)",
        Kind.PARTY: "a country code in capitals (`RU`), or an organisation's name in full",
        Kind.ITEMS: "a list of entries, each with "
        + ", ".join(f"`{name}:`" for name, _ in fields_of(spec.item or _Nothing)),
    }
    text = helps[kind]
    if spec.min_items:
        text += f"; at least {spec.min_items}"
    return text


@dataclass(frozen=True)
class _Nothing:
    """The item class of a field that has no items: no fields."""


def _noun(spec: FieldSpec) -> str:
    return COLLECTIONS[spec.ref].singular if spec.ref else "record"


def code_spans(text: str) -> Markup:
    """Our own documentation text as HTML: `backticks` become ``<code>``, the rest is escaped."""
    parts = text.split("`")
    return Markup(
        "".join(
            f"<code>{escape.block(part)}</code>" if odd else str(escape.block(part))
            for odd, part in ((i % 2 == 1, p) for i, p in enumerate(parts))
        )
    )


def field_row(name: str, spec: FieldSpec, prefix: str = "") -> str:
    example = f"<code>{escape.block(spec.example)}</code>" if spec.example else ""
    cells = [
        f"<code>{escape.block(name)}</code>",
        "required" if spec.required else "optional",
        str(code_spans(value_help(spec))),
        str(code_spans(describe(spec, say_required=False))),
        example,
    ]
    row = f'<tr id="field-{prefix}{name}">'
    return row + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def field_table(cls: type[Any], prefix: str = "") -> str:
    """The fields of ``cls`` (a record, or an item of a list of nested records, whose rows
    are anchored ``field-<list>.<field>``) as one raw HTML table (no Markdown parsing)."""
    head = "".join(
        f"<th>{h}</th>" for h in ("Field", "Required", "What to write", "Meaning", "Example")
    )
    rows = "\n".join(field_row(name, spec, prefix) for name, spec in fields_of(cls))
    return (
        # No class: Material styles tables without one.
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _page(title: str, body: str) -> str:
    return f"{front_matter(title)}{MARKER}\n\n# {escape.inline(title)}\n\n{body.strip()}\n"


def item_tables(cls: type[Record]) -> str:
    """A table for the items of each list of nested records (``positions``, ``corrections``)."""
    return "".join(
        f"### Each item of `{name}`\n\n{field_table(spec.item, prefix=name + '.')}\n\n"
        for name, spec in fields_of(cls)
        if spec.kind is Kind.ITEMS and spec.item is not None
    )


def collection_page(cls: type[Record]) -> str:
    """The reference page of one collection: what it is, its fields, a new record."""
    example = scaffold.render(cls, "Ada Lovelace")
    body = f"""
<p>{code_spans(cls.doc)}</p>

<p>Each record is one file, <code>content/{cls.collection}/&lt;id&gt;.yml</code>; the id is the
file name. Editors that read JSON Schema check the fields while you type, using
<code>{schema_path(cls.collection)}</code>.</p>

## Fields

{field_table(cls)}

{item_tables(cls)}## A new {cls.singular}

`explainer new {cls.singular} "Ada Lovelace"` writes this file for you to fill in:

````yaml
{example.rstrip()}
````
"""
    return _page(f"Fields of a {cls.singular}", body)


def index_page() -> str:
    items = "\n".join(
        f"- [{escape.inline(cls.singular.capitalize())}]({name}.md): {code_spans(cls.doc)}"
        for name, cls in COLLECTIONS.items()
    )
    body = f"""
Every field of every kind of record, generated from the record schema of this explainer, so
this list is always the one `explainer check` uses.

{items}
"""
    return _page("Field reference", body)


def pages() -> dict[str, str]:
    """Every reference page: source path under ``docs/`` → Markdown text."""
    found = {f"{FOLDER}/index.md": index_page()}
    for name, cls in COLLECTIONS.items():
        found[f"{FOLDER}/{name}.md"] = collection_page(cls)
    return found

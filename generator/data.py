"""``data/``: every record as data for researchers and other newsrooms, and a page about it.

- **JSON**: ``data/<collection>.json`` (a list of records) and ``data/story.json`` (all of
  them). Each record has its ``id``, the absolute ``page_url`` of its page (not ``url``: a
  source's ``url`` is where to read the source) and every schema field; a reference is
  ``{"id": …, "page_url": …}``, so a reader can follow it without a lookup; dates are strings as
  written (``2026``, ``2026-01`` or ``2026-01-31``); a field not given is ``null`` (``[]`` for
  lists). Prose fields are the light Markdown the editors wrote. One record per line.
- **CSV**: ``data/<collection>.csv``, RFC 4180 (CRLF, quoted when needed), UTF-8 without a
  byte-order mark, one row per record, references as ids. List items are joined with ``; ``
  (the checker refuses ``; `` inside an item, so a cell splits back exactly); a list of items
  with fields of their own (links, corrections) is a JSON array in its cell. A text cell that
  a spreadsheet would run as a formula gets a leading ``'`` (:func:`generator.escape.csv_cell`);
  the JSON keeps the text exact.
- **datapackage.json**: a Frictionless Data Package (v2) describing each file; field types and
  descriptions come from the record schema (:func:`generator.schema.fields_of`), so they cannot
  drift from what the checker accepts.
- **data/index.md**: the readers' Data page, listing the files, their fields and the licence
  (``extra: data_license`` in ``mkdocs.yml``, written as a Data Package licence).

A source's saved text (``content/sources/<id>.txt``) is someone else's article: it is part of
the data only when the source says its licence allows it (``text_public: true``), as ``text`` in
the JSON (:func:`public_text`); the CSV never carries it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from generator import escape, incremental, routes
from generator.dates import PartialDate
from generator.feeds import host_of
from generator.link import Story
from generator.reference import code_spans
from generator.render import front_matter
from generator.schema import COLLECTIONS, FieldSpec, Kind, Record, Source, fields_of
from generator.siteconfig import SiteConfig
from generator.validate import LIST_SEPARATOR
from generator.writer import MARKER

if TYPE_CHECKING:
    from generator.outputs import Inputs

if any(n in ("id", "page_url") for c in COLLECTIONS.values() for n, _ in fields_of(c)):
    raise RuntimeError("a schema field is named id or page_url, which data/ uses for its own")

FOLDER = "data"
PAGE = f"{FOLDER}/index.md"
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PAGE_URL = "page_url"
"""The field naming a record's own page (a source's ``url`` is where to read the source)."""
_LISTS = (Kind.REFS, Kind.TEXTS, Kind.COUNTRIES)
"""List fields of plain values: one CSV cell with the items joined by '; '."""
_SPECS = {name: tuple(fields_of(cls)) for name, cls in COLLECTIONS.items()}
"""Each collection's schema fields, read once: they are asked for on every record."""
_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def produce(inputs: Inputs) -> dict[str, bytes]:
    """Every file of ``data/``: JSON and CSV per collection, the story, the package, the page."""
    story, site = inputs.story, inputs.site
    host_of(site)  # absolute URLs are needed: fail early and clearly without site_url
    urls = Addresses(site)
    files: dict[str, bytes] = {}
    every: dict[str, str] = {}
    for name in COLLECTIONS:  # in the preview, made again only for a collection that changed
        every[name], files[f"{FOLDER}/{name}.json"], files[f"{FOLDER}/{name}.csv"] = (
            incremental.unit(
                inputs.session, ("data", name), None, partial(_files, story, urls, name)
            )
        )
    files[f"{FOLDER}/story.json"] = dump_story(about(site), every)
    files[f"{FOLDER}/datapackage.json"] = dump(package(site))
    files[PAGE] = page(site).encode("utf-8")
    return files


def _files(story: Story, urls: Addresses, name: str) -> tuple[str, bytes, bytes]:
    """One collection's records as JSON lines (for ``story.json``), its JSON file, its CSV."""
    records = records_of(story, name)
    lines = _record_lines([record_json(urls, r) for r in records])
    return lines, (lines + "\n").encode("utf-8"), csv_file(urls, name, records)


def records_of(story: Story, collection: str) -> list[Record]:
    """A collection's records by id: a stable order that does not depend on dates."""
    return sorted(story.collection(collection).values(), key=lambda r: r.id)


def dump(value: Any) -> bytes:
    """Small JSON (the package), indented for reading."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _record_lines(rows: list[dict[str, Any]]) -> str:
    """A list of records, one per line: readable, diffable, and written by the fast (C) JSON
    encoder, which ``indent`` would turn off (three times slower at 10,000 records)."""
    if not rows:
        return "[]"
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]"


def dump_story(head: dict[str, Any], every: dict[str, str]) -> bytes:
    """``story.json``: the story's title, address and licence, then ``records`` by collection
    (``every``: each collection's records as :func:`_record_lines` wrote them)."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    parts = [f"{json.dumps(name)}: {lines}" for name, lines in every.items()]
    return (opening + ', "records": {\n' + ",\n".join(parts) + "\n}}\n").encode("utf-8")


def license_of(site: SiteConfig) -> dict[str, str]:
    """``extra: data_license`` from ``mkdocs.yml`` (name, title, path), or nothing."""
    given = site.extra.get("data_license")
    if not isinstance(given, dict):
        return {}
    return {k: str(given[k]) for k in ("name", "title", "path") if given.get(k)}


def about(site: SiteConfig) -> dict[str, Any]:
    licence = license_of(site)
    return {
        "title": site.name,
        "description": site.description,
        "url": site.url,
        "licenses": [licence] if licence else [],
    }


# -- JSON ------------------------------------------------------------------------------------


class Addresses:
    """The absolute address of each record's page, each worked out once (a record is named
    by every reference to it)."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.known: dict[tuple[str, str], str] = {}

    def __call__(self, collection: str, record_id: str) -> str:
        key = (collection, record_id)
        if key not in self.known:
            where = routes.place_of(collection, record_id)
            self.known[key] = self.site.absolute(where.src, where.anchor)
        return self.known[key]


def public_text(record: Record) -> str | None:
    """A source's saved text, only where its licence allows publishing it (``text_public``)."""
    if isinstance(record, Source) and record.text_public and record.text:
        return record.text
    return None


def record_json(urls: Addresses, record: Record) -> dict[str, Any]:
    """One record as JSON: id, url, then every schema field in declaration order."""
    out: dict[str, Any] = {"id": record.id, PAGE_URL: urls(record.collection, record.id)}
    for name, spec in _SPECS[record.collection]:
        out[name] = json_value(urls, spec, getattr(record, name))
    text = public_text(record)
    if text is not None:
        out["text"] = text
    return out


def json_value(urls: Addresses, spec: FieldSpec, value: Any) -> Any:
    """A field's value in JSON: references with their URL, dates as written, '' as null."""
    if spec.kind is Kind.REF:
        return _ref(urls, spec, value) if value else None
    if spec.kind is Kind.REFS:
        return [_ref(urls, spec, v) for v in value]
    if spec.kind is Kind.ITEMS:
        return [_item_json(urls, spec, item) for item in value]
    if spec.kind in _LISTS:
        return list(value)
    if spec.kind is Kind.BOOL:
        return bool(value)
    return _scalar(value)


def _item_json(urls: Addresses, spec: FieldSpec, item: Any) -> dict[str, Any]:
    """One item of an ITEMS field (a link, a correction): its own fields, converted alike."""
    assert spec.item is not None
    return {name: json_value(urls, sub, getattr(item, name)) for name, sub in fields_of(spec.item)}


def _scalar(value: str | PartialDate | None) -> str | None:
    """Text as written, a date at its precision; a field not given is None."""
    if isinstance(value, PartialDate):
        return value.iso()
    return value or None


def _ref(urls: Addresses, spec: FieldSpec, record_id: str) -> dict[str, str]:
    assert spec.ref is not None
    return {"id": record_id, PAGE_URL: urls(spec.ref, record_id)}


# -- CSV -------------------------------------------------------------------------------------


def columns(cls: type[Record]) -> list[str]:
    return ["id", PAGE_URL, *(name for name, _ in fields_of(cls))]


def csv_value(urls: Addresses, spec: FieldSpec, value: Any) -> str:
    """A field's value in one CSV cell: ids for references, lists joined with '; ', a list of
    items (links, corrections) as a JSON array, as Table Schema's ``array`` type reads it."""
    if spec.kind is Kind.ITEMS:
        items = [_item_json(urls, spec, item) for item in value]
        return json.dumps(items, ensure_ascii=False) if items else ""
    if spec.kind in _LISTS:
        return LIST_SEPARATOR.join(value)
    if spec.kind is Kind.BOOL:
        return "true" if value else "false"
    return str(value) if value else ""


def csv_file(urls: Addresses, collection: str, records: Iterable[Record]) -> bytes:
    """RFC 4180: a header row, one row per record, CRLF line ends, quotes only when needed."""
    cls = COLLECTIONS[collection]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns(cls))
    for record in records:
        cells = [record.id, urls(collection, record.id)]
        cells += [csv_value(urls, spec, getattr(record, name)) for name, spec in _SPECS[collection]]
        writer.writerow([escape.csv_cell(cell) for cell in cells])
    return out.getvalue().encode("utf-8")


# -- the Data Package ------------------------------------------------------------------------


def describe(spec: FieldSpec) -> str:
    """A field's description for data users, from the schema's own doc."""
    text = spec.doc
    if spec.ref:
        each = "each the id" if spec.kind is Kind.REFS else "the id"
        text = f"{text.rstrip('.')} ({each} of a record in {spec.ref}.csv)."
    if spec.kind is Kind.ITEMS and spec.item is not None:
        keys = ", ".join(name for name, _ in fields_of(spec.item))
        text += f" Each item has {keys}; in CSV, a JSON array."
    elif spec.kind in _LISTS:
        text += " In CSV, items are separated by '; '."
    if spec.kind is Kind.DATE:
        text += " Written at its precision: YYYY, YYYY-MM or YYYY-MM-DD."
    return text


def table_field(name: str, spec: FieldSpec) -> dict[str, Any]:
    """One Table Schema field, derived from the record schema."""
    field: dict[str, Any] = {"name": name, "type": "string", "description": describe(spec)}
    constraints: dict[str, Any] = {}
    if spec.kind in _LISTS:
        field |= {"type": "list", "delimiter": LIST_SEPARATOR, "itemType": "string"}
    elif spec.kind is Kind.ITEMS:
        field["type"] = "array"
    elif spec.kind is Kind.BOOL:
        field |= {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    elif spec.kind is Kind.DATE:
        constraints["pattern"] = _DATE_PATTERN
    elif spec.kind is Kind.URL:
        field["format"] = "uri"
    elif spec.kind is Kind.CHOICE:
        constraints["enum"] = list(spec.choices)
    if spec.required and spec.kind not in (*_LISTS, Kind.ITEMS):
        constraints["required"] = True
    return field | ({"constraints": constraints} if constraints else {})


def table_schema(cls: type[Record]) -> dict[str, Any]:
    fields = [
        {
            "name": "id",
            "type": "string",
            "description": "The record's id (its file name).",
            "constraints": {"required": True, "unique": True},
        },
        {
            "name": PAGE_URL,
            "type": "string",
            "format": "uri",
            "description": "The address of the record's page on the site.",
        },
        *(table_field(name, spec) for name, spec in fields_of(cls)),
    ]
    foreign = [
        {"fields": [name], "reference": {"resource": spec.ref, "fields": ["id"]}}
        for name, spec in fields_of(cls)
        if spec.kind is Kind.REF and spec.ref
    ]
    return {"fields": fields, "primaryKey": ["id"]} | ({"foreignKeys": foreign} if foreign else {})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "story"


def package(site: SiteConfig) -> dict[str, Any]:
    """``datapackage.json``: a tabular resource per CSV file, and the JSON files beside them."""
    resources: list[dict[str, Any]] = []
    for name, cls in COLLECTIONS.items():
        resources.append(
            {
                "name": name,
                "type": "table",
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": cls.doc,
                "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\r\n"},
                "schema": table_schema(cls),
            }
        )
    for name in [*COLLECTIONS, "story"]:
        what = "Every record" if name == "story" else f"The {name}"
        if name in ("sources", "story"):
            what += " (a source's own text, as text, only when text_public is true)"
        resources.append(
            {
                "name": f"{name}-json",
                "path": f"{name}.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": f"{what} as JSON, each reference with its id and page_url.",
            }
        )
    info = about(site)
    return {
        "$schema": PACKAGE_PROFILE,
        "name": _slug(site.name),
        "title": info["title"],
        "description": info["description"],
        "homepage": site.url,
        "licenses": info["licenses"],
        "resources": resources,
    }


# -- the readers' page -----------------------------------------------------------------------


def _licence_line(site: SiteConfig) -> str:
    licence = license_of(site)
    if not licence:
        return "<p>No licence is stated for this data: ask the publisher before reusing it.</p>"
    title = str(escape.block(licence.get("title") or licence.get("name", "")))
    if licence.get("path"):
        title = f'<a href="{escape.attr(licence["path"])}">{title}</a>'
    return f"<p>Our records are published under {title}.</p>"


def _files_table() -> str:
    rows = [
        f"| [{escape.inline(name)}.csv]({name}.csv) · [{escape.inline(name)}.json]"
        f"({name}.json) | {code_spans(cls.doc)} |"
        for name, cls in COLLECTIONS.items()
    ]
    rows.append("| [story.json](story.json) | Every record above, in one file. |")
    rows.append(
        "| [datapackage.json](datapackage.json) | A Frictionless Data Package describing "
        "every file, its fields and their types. |"
    )
    return "| file | what it holds |\n| --- | --- |\n" + "\n".join(rows)


def _fields_table(cls: type[Record]) -> str:
    rows = [
        f"<tr><td><code>{escape.block(f['name'])}</code></td><td>{escape.block(f['type'])}</td>"
        f"<td>{code_spans(f['description'])}</td></tr>"
        for f in table_schema(cls)["fields"]
    ]
    head = "<tr><th>Field</th><th>Type</th><th>Meaning</th></tr>"
    return f"<table>\n<thead>{head}</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def page(site: SiteConfig) -> str:
    """The Data page, ``data/index.md``."""
    sections = "\n\n".join(
        f"### {escape.inline(name.capitalize())}\n\n{_fields_table(cls)}"
        for name, cls in COLLECTIONS.items()
    )
    body = f"""
Every record behind this explainer, as data for researchers and other newsrooms, rebuilt with
the site each time it is published.

## Licence

{_licence_line(site)}

<p>The sources' own texts (the articles quoted) belong to their publishers: they are
not included, unless a source's licence allows it (<code>text_public</code> is true); its text
is then the <code>text</code> of that source in the JSON files. Each source is listed with its
publisher and address.</p>

## Files

{_files_table()}

JSON keeps everything exactly as written, with each reference as its `id` and the `page_url`
of its page. CSV files have one row per record, UTF-8, with references as ids and list items
separated by `; `. A text cell that would start with `=`, `+`, `-` or `@` begins with `'` in
the CSV, so that a spreadsheet shows it as text instead of running it as a formula; the JSON
has the exact text. Dates keep the precision they were written with: `2026`, `2026-01` or
`2026-01-31`.

## Follow the story

- [Developments](../feed.xml) (Atom feed): every meeting and event.
- [What changed](../changes.xml) (Atom feed): each change to the records.
- [Calendar of meetings](../calendar.ics) (iCalendar): subscribe to see the next round appear.
  A meeting known only to the month spans that month and says so; one known only to the year
  is left out until its month is known.

## Fields

{sections}
"""
    return f"{front_matter('Data')}{MARKER}\n\n# Data\n\n{body.strip()}\n"

"""``data/``: JSON and CSV per collection, ``story.json``, a Frictionless Data Package, and the
readers' Data page; all derived from the record schema."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import frictionless
import pytest

from generator import data, escape, outputs, siteconfig
from generator.build import check
from generator.dates import PartialDate
from generator.history import History
from generator.link import Story
from generator.project import Project
from generator.schema import COLLECTIONS, FieldSpec, Kind, Record, Source, fields_of
from generator.siteconfig import SiteConfig
from tests.conftest import MINIMAL, ROOT, STORIES, problems_of

STORY_ROOTS = {"real": ROOT, "harbour": STORIES / "harbour"}
SITE = SiteConfig(
    name="Test", url="https://news.example.org/story/", extra={"explainer": {"id_year": 2024}}
)


@pytest.fixture(scope="module", params=sorted(STORY_ROOTS))
def built(request: pytest.FixtureRequest) -> tuple[Story, SiteConfig, dict[str, bytes]]:
    root = STORY_ROOTS[request.param]
    story = check(Project(root)).story
    site = siteconfig.read(root / "mkdocs.yml")
    return story, site, data.produce(outputs.Inputs(story, History(), site=site))


def _value(spec: FieldSpec, value: Any) -> Any:
    """A field's JSON value back to what the checker holds."""
    if spec.kind is Kind.REF:
        return value["id"] if value else ""
    if spec.kind is Kind.REFS:
        return tuple(v["id"] for v in value)
    if spec.kind is Kind.ITEMS:
        assert spec.item is not None
        return tuple(_built(spec.item, v) for v in value)
    if spec.kind in (Kind.TEXTS, Kind.COUNTRIES):
        return tuple(value)
    if spec.kind is Kind.DATE:
        return PartialDate.parse(value) if value else None
    return "" if value is None else value


def _built(cls: type[Any], obj: dict[str, Any], **extra: Any) -> Any:
    return cls(**extra, **{name: _value(spec, obj[name]) for name, spec in fields_of(cls)})


def from_json(cls: type[Record], obj: dict[str, Any]) -> Record:
    """A record rebuilt from its JSON, the way a researcher's script would."""
    extra: dict[str, Any] = {"id": obj["id"]}
    if cls is Source and "text" in obj:  # a source whose text may be published
        extra["text"] = obj["text"]
    record: Record = _built(cls, obj, **extra)
    return record


def published(record: Record) -> Record:
    """What the data may hold: a source's saved text (someone else's article) only when its
    licence allows it."""
    if isinstance(record, Source) and not record.text_public:
        return dataclasses.replace(record, text="")
    return record


def test_story_json_round_trips_to_the_checkers_records(built):
    story, site, files = built
    loaded = json.loads(files["data/story.json"])
    assert loaded["url"] == site.url
    for name, cls in COLLECTIONS.items():
        records = [from_json(cls, obj) for obj in loaded["records"][name]]
        assert records == [published(r) for r in data.records_of(story, name)]
        assert json.loads(files[f"data/{name}.json"]) == loaded["records"][name]


def test_references_carry_the_address_of_their_record(built):
    _story, site, files = built
    quotes = json.loads(files["data/quotes.json"])
    people = {p["id"]: p["page_url"] for p in json.loads(files["data/people.json"])}
    for quote in quotes:
        assert quote["speaker"]["page_url"] == people[quote["speaker"]["id"]]
        assert quote["page_url"] == f"{site.url}quotes/{quote['id']}/"
    for source in json.loads(files["data/sources.json"]):  # its own url is the source's
        assert source["page_url"] == f"{site.url}sources/{source['id']}/"
        assert source["url"] != source["page_url"]


def test_dates_keep_their_precision():
    story = check(Project(ROOT)).story
    files = data.produce(outputs.Inputs(story, site=SITE))
    meetings = {m["id"]: m for m in json.loads(files["data/meetings.json"])}
    assert meetings["moscow-putin"]["date"] == "2026-01"
    assert meetings["moscow-putin"]["end_date"] is None
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(files["data/meetings.csv"].decode()))}
    assert rows["moscow-putin"]["date"] == "2026-01"


def test_csv_has_one_row_per_record_crlf_and_lists_joined(built):
    story, _site, files = built
    for name, cls in COLLECTIONS.items():
        raw = files[f"data/{name}.csv"].decode("utf-8")
        assert raw.endswith("\r\n")
        assert "\n" not in raw.replace("\r\n", "")  # our records have no line breaks
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        assert rows[0] == data.columns(cls)
        assert len(rows) - 1 == len(story.collection(name))
        assert [r[0] for r in rows[1:]] == sorted(story.collection(name))
    meetings = {
        r["id"]: r for r in csv.DictReader(io.StringIO(files["data/meetings.csv"].decode()))
    }
    for record in story.meetings.values():
        row = meetings[record.id]
        assert row["participants"].split("; ") == list(record.participants or [""])


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(content):
    project = content(
        {
            **MINIMAL,
            "people/eve.yml": "name: '=HYPERLINK(\"http://x\",\"y\")'\nrole: '+1 envoy'\n"
            "country: US\naffiliation: '-2'\nbio: '@SUM(A1)'\naliases: ['=x', 'Eve']\n",
        }
    )
    story = check(project).story
    files = data.produce(outputs.Inputs(story, site=SITE))
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(files["data/people.csv"].decode()))}
    eve = rows["eve"]
    assert eve["name"] == '\'=HYPERLINK("http://x","y")'
    assert (eve["role"], eve["affiliation"], eve["bio"]) == ("'+1 envoy", "'-2", "'@SUM(A1)")
    assert eve["aliases"] == "'=x; Eve"
    as_json = next(p for p in json.loads(files["data/people.json"]) if p["id"] == "eve")
    assert as_json["name"] == '=HYPERLINK("http://x","y")'  # exact in the JSON
    assert rows["ada-lovelace"]["name"] == "Ada Lovelace"


def test_a_list_item_may_not_hold_the_csv_separator(content):
    project = content(
        {**MINIMAL, "people/eve.yml": "name: Eve\nrole: R\ncountry: US\naliases: ['Eve; Evelyn']\n"}
    )
    assert problems_of(project) == [
        "content/people/eve.yml:4:11: aliases[0]: contains '; ', which separates the items of "
        "a list in the CSV data (write a comma or a dash instead)"
    ]


def test_the_package_validates_with_frictionless(built, tmp_path: Path):
    _story, _site, files = built
    for path, payload in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
    report = frictionless.validate(tmp_path / "data" / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    assert len(report.tasks) == 2 * len(COLLECTIONS) + 1


def test_the_package_is_derived_from_the_schema(built):
    _story, _site, files = built
    package = json.loads(files["data/datapackage.json"])
    tables = {r["name"]: r for r in package["resources"] if r.get("type") == "table"}
    assert set(tables) == set(COLLECTIONS)
    for name, cls in COLLECTIONS.items():
        fields = tables[name]["schema"]["fields"]
        assert [f["name"] for f in fields] == data.columns(cls)
        docs = {f["name"]: f["description"] for f in fields}
        for field, spec in fields_of(cls):
            assert docs[field].startswith(spec.doc.rstrip("."))
    assert package["licenses"][0]["name"] in {"CC-BY-4.0", "ODC-By-1.0"}


def test_a_broken_package_is_caught(tmp_path: Path):
    """Non-vacuous: frictionless does reject a table that breaks its schema."""
    story = check(Project(ROOT)).story
    files = data.produce(outputs.Inputs(story, site=SITE))
    files["data/meetings.csv"] = files["data/meetings.csv"].replace(b",held,", b",maybe,", 1)
    for path, payload in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(payload)
    report = frictionless.validate(tmp_path / "data" / "datapackage.json")
    assert not report.valid
    assert {"constraint-error"} == {kind for row in report.flatten(["type"]) for kind in row}


def test_source_texts_are_never_published():
    story = check(Project(ROOT)).story
    text = story.sources["article"].text
    sentence = max(text.split("\n"), key=len).strip()
    assert len(sentence) > 80
    files = data.produce(outputs.Inputs(story, site=SITE))
    for payload in files.values():
        assert sentence.encode() not in payload
        assert sentence[:60].encode() not in payload


def test_a_source_text_is_published_only_when_its_licence_allows(content):
    words = "The council met on Tuesday. The vote was close."
    project = content(
        {
            **MINIMAL,
            "sources/open.yml": "title: Open\npublisher: P\ntext_public: true\n",
            "sources/open.txt": words + "\n",
            "sources/closed.yml": "title: Closed\npublisher: P\n",
            "sources/closed.txt": "Someone else's article, not ours to publish.\n",
        }
    )
    story = check(project).story
    files = data.produce(outputs.Inputs(story, site=SITE))
    sources = {s["id"]: s for s in json.loads(files["data/sources.json"])}
    assert sources["open"]["text"].strip() == words
    assert sources["open"]["text_public"] is True
    assert "text" not in sources["closed"]
    assert all(b"not ours to publish" not in payload for payload in files.values())
    assert words.encode() not in files["data/sources.csv"]  # the CSV never carries texts
    loaded = json.loads(files["data/story.json"])["records"]["sources"]
    rebuilt = {obj["id"]: from_json(Source, obj) for obj in loaded}
    assert rebuilt["open"] == story.sources["open"]


def test_the_data_page_lists_files_fields_and_the_licence(built):
    _story, site, files = built
    page = files["data/index.md"].decode("utf-8")
    for name, cls in COLLECTIONS.items():
        assert f"]({name}.csv)" in page
        assert f"]({name}.json)" in page
        for field, _spec in fields_of(cls):
            assert f"<code>{escape.block(field)}</code>" in page
    assert str(escape.attr(site.extra["data_license"]["path"])) in page
    assert "not included" in page


def test_without_a_licence_the_page_says_so():
    assert "No licence is stated" in data.page(SITE)

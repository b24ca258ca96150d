"""Structured data and share meta, from the checked story to each page's front matter: the
schema.org nodes, the ``@id`` scheme, card specs, and one page expanded by a JSON-LD processor
(PyLD) that may not touch the network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import Any

import pytest
import yaml
from pyld import jsonld as pyld

from generator import jsonld, routes, share
from generator.build import check
from generator.indexes import INDEX_LIMIT
from generator.outputs import Inputs
from generator.project import Project
from generator.render import plan, render
from generator.siteconfig import SiteConfig, read
from tests.conftest import ROOT, STORIES

BASE = "https://example.github.io/explainer/"


@cache
def _inputs(story: str = "real") -> Inputs:
    """The real story, the harbour story, or the harbour story with its indexes split."""
    root = ROOT if story == "real" else STORIES / "harbour"
    checked = check(Project(root))
    site = read(root / "mkdocs.yml")
    if story == "harbour-split":
        site = replace(site, extra={"explainer": {"index_limit": 2}})
    return Inputs(story=checked.story, standfirst=checked.standfirst, site=site)


def _front(inputs: Inputs) -> dict[str, dict[str, Any]]:
    """Every generated page's front matter, read back from the rendered Markdown."""
    limit = inputs.site.count("index_limit", INDEX_LIMIT)
    pages = render(inputs.story, standfirst=inputs.standfirst, limit=limit, head=share.head(inputs))
    return {src: yaml.safe_load(text.split("---\n")[1]) for src, text in pages.items()}


def _graphs(inputs: Inputs) -> dict[str, dict[str, Any]]:
    return {src: json.loads(m["jsonld"]) for src, m in _front(inputs).items()}


def _node(graph: dict[str, Any], ident: str) -> dict[str, Any]:
    found = [n for n in graph["@graph"] if n["@id"] == ident]
    assert len(found) == 1, ident
    return found[0]  # type: ignore[no-any-return]


def _referenced(value: Any) -> Iterator[str]:
    """Every ``{"@id": …}`` reference inside a node's properties."""
    if isinstance(value, dict):
        if set(value) == {"@id"}:
            yield value["@id"]
        for item in value.values():
            yield from _referenced(item)
    elif isinstance(value, list):
        for item in value:
            yield from _referenced(item)


def test_ids_are_the_record_place_plus_its_kind():
    story = _inputs().story
    expected = {
        story.people["steve-witkoff"]: "people/steve-witkoff/#person",
        story.meetings["florida-dmitriev"]: "meetings/florida-dmitriev/#meeting",
        story.topics["peace-talks"]: "topics/peace-talks/#topic",
        story.events["cabinet-meeting"]: "events/cabinet-meeting/#event",
        story.quotes["trump-extreme-cold"]: "quotes/trump-extreme-cold/#quote",
        story.sources["article"]: "sources/article/#source",
    }
    for record, ident in expected.items():
        assert jsonld.node_id(record, _inputs().site) == BASE + ident
    assert jsonld.website_id(_inputs().site) == f"{BASE}#website"


def test_person_on_the_profile_with_its_cyrillic_native_name():
    graph = _graphs(_inputs())["people/kirill-dmitriev.md"]
    person = _node(graph, f"{BASE}people/kirill-dmitriev/#person")
    assert person == {
        "@id": f"{BASE}people/kirill-dmitriev/#person",
        "@type": "Person",
        "name": "Kirill Dmitriev",
        "url": f"{BASE}people/kirill-dmitriev/",
        "alternateName": ["Dmitriev", "Кирилл Дмитриев"],
        "jobTitle": "Russian Special Envoy",
        "nationality": {"@type": "Country", "name": "Russia", "identifier": "RU"},
        "description": "Russian special envoy who met U.S. envoy Steve Witkoff in Florida.",
        "subjectOf": [{"@id": f"{BASE}sources/article/#source"}],
    }
    page = _node(graph, f"{BASE}people/kirill-dmitriev/")
    assert page["@type"] == "ProfilePage"
    assert page["mainEntity"] == {"@id": person["@id"]}
    assert [i["name"] for i in page["breadcrumb"]["itemListElement"]] == [
        _inputs().site.name,
        "People",
        "Kirill Dmitriev",
    ]


def test_person_affiliation_and_links(content):
    project = content(
        {
            "people/ada.yml": "name: Ada Lovelace\nrole: Analyst\ncountry: GB\n"
            "affiliation: Analytical Society\n"
            "links: [{title: Wiki, url: 'https://example.org/ada'}]\n",
            "sources/notes.yml": "title: Notes\npublisher: Memoirs\nkind: statement\n"
            "url: https://example.org/notes\npublished: 1843-09\n",
        }
    )
    checked = check(project)
    inputs = Inputs(checked.story, site=SiteConfig(name="T", url="https://example.org/t/"))
    graphs = _graphs(inputs)
    person = _node(graphs["people/ada.md"], "https://example.org/t/people/ada/#person")
    assert person["affiliation"] == {"@type": "Organization", "name": "Analytical Society"}
    assert person["sameAs"] == ["https://example.org/ada"]
    assert "alternateName" not in person
    source = _node(graphs["sources/notes.md"], "https://example.org/t/sources/notes/#source")
    assert source == {
        "@id": "https://example.org/t/sources/notes/#source",
        "@type": "CreativeWork",
        "name": "Notes",
        "publisher": {"@type": "Organization", "name": "Memoirs"},
        "url": "https://example.org/notes",
        "datePublished": "1843-09",
    }


def test_events_keep_their_date_precision_status_place_and_attendees():
    timeline = _graphs(_inputs())["timeline/index.md"]
    moscow = _graphs(_inputs())["meetings/moscow-putin.md"]
    meeting = _node(moscow, f"{BASE}meetings/moscow-putin/#meeting")
    assert meeting["startDate"] == "2026-01"
    assert meeting["eventStatus"] == "https://schema.org/EventScheduled"
    assert meeting["location"] == {"@type": "Place", "name": "Moscow, Russia"}
    assert meeting["attendee"] == [
        {"@id": f"{BASE}people/{p}/#person"}
        for p in ("steve-witkoff", "jared-kushner", "josh-gruenbaum", "vladimir-putin")
    ]
    scheduled = _graphs(_inputs())["meetings/abu-dhabi-round.md"]
    assert _node(scheduled, f"{BASE}meetings/abu-dhabi-round/#meeting")["eventStatus"] == (
        "https://schema.org/EventScheduled"
    )
    cabinet = _graphs(_inputs())["events/cabinet-meeting.md"]
    event = _node(cabinet, f"{BASE}events/cabinet-meeting/#event")
    assert event["@type"] == "Event"
    assert event["startDate"] == "2026-01-29"
    assert {"@id": f"{BASE}people/vladimir-putin/#person"} in event["about"]
    assert "location" not in event
    listed = _node(timeline, f"{BASE}timeline/")["mainEntity"]["itemListElement"]
    assert [i["item"]["@id"] for i in listed][:2] == [
        f"{BASE}meetings/moscow-putin/#meeting",
        f"{BASE}meetings/uae-trilateral/#meeting",
    ]


def test_a_cancelled_meeting_is_event_cancelled():
    graph = _graphs(_inputs("harbour"))["meetings/site-visit.md"]
    meeting = _node(graph, "https://example.org/harbour/meetings/site-visit/#meeting")
    assert meeting["eventStatus"] == "https://schema.org/EventCancelled"


def test_quotation_names_speaker_date_source_and_where_it_was_said():
    graph = _graphs(_inputs())["quotes/trump-extreme-cold.md"]
    quote = _node(graph, f"{BASE}quotes/trump-extreme-cold/#quote")
    assert quote["@type"] == "Quotation"
    assert quote["text"].startswith("And because of the cold, extreme cold")
    assert quote["spokenByCharacter"] == {"@id": f"{BASE}people/donald-trump/#person"}
    assert quote["dateCreated"] == "2026-01-29"
    assert quote["isBasedOn"] == {"@id": f"{BASE}sources/article/#source"}
    assert quote["recordedAt"] == {"@id": f"{BASE}events/cabinet-meeting/#event"}
    source = _node(_graphs(_inputs())["sources/article.md"], f"{BASE}sources/article/#source")
    assert source["@type"] == "NewsArticle"
    assert source["publisher"] == {"@type": "Organization", "name": "internewscast.com"}


def test_home_page_is_the_website():
    graph = _graphs(_inputs())["index.md"]
    site = _node(graph, f"{BASE}#website")
    assert site["@type"] == "WebSite"
    assert site["url"] == BASE
    assert site["name"] == _inputs().site.name


@pytest.mark.parametrize("story", ["real", "harbour", "harbour-split"])
def test_every_record_is_one_node_described_once_on_its_own_place(story):
    inputs = _inputs(story)
    graphs = _graphs(inputs)
    described: dict[str, str] = {}
    referenced: set[str] = set()
    for src, graph in graphs.items():
        for node in graph["@graph"]:
            referenced |= set(_referenced(node))
            if len(node) > 3:  # more than a stub: @id, @type and name
                assert node["@id"] not in described, f"{node['@id']} on {src} and elsewhere"
                described[node["@id"]] = src
    assert referenced <= set(described)
    for name in routes.ROUTES:
        for record in inputs.story.collection(name).values():
            ident = jsonld.node_id(record, inputs.site)
            assert described[ident] == routes.place(record).src, ident


def test_a_split_index_lists_its_group_pages_and_records_sit_under_their_group():
    base = "https://example.org/harbour/"
    graphs = _graphs(_inputs("harbour-split"))
    first = _node(graphs["timeline/index.md"], f"{base}timeline/")
    groups = [i["item"]["@id"] for i in first["mainEntity"]["itemListElement"]]
    assert groups[0] == f"{base}timeline/pages/2025-02/"
    group = _node(graphs["timeline/pages/2025-02.md"], groups[0])
    listed = [i["item"]["@id"] for i in group["mainEntity"]["itemListElement"]]
    assert f"{base}events/storm/#event" in listed
    storm = _node(graphs["events/storm.md"], f"{base}events/storm/")
    trail = [i["item"] for i in storm["breadcrumb"]["itemListElement"]]
    assert trail == [base, f"{base}timeline/", groups[0], f"{base}events/storm/"]
    council = _node(graphs["meetings/council-vote.md"], f"{base}meetings/council-vote/")
    assert council["breadcrumb"]["itemListElement"][1]["item"] == f"{base}meetings/"


def test_card_specs_name_every_generated_page():
    inputs = _inputs()
    cards = share.card_specs(inputs)
    pages = plan(inputs.story, inputs.standfirst)
    assert [c.path for c in cards] == [share.card_path(p.src) for p in pages]
    paths = {c.path: c for c in cards}
    assert len(paths) == len(cards)
    assert {"cards/index.png", "cards/timeline/index.png"} <= set(paths)
    witkoff = paths["cards/people/steve-witkoff.png"]
    assert (witkoff.title, witkoff.subtitle) == (
        "Steve Witkoff",
        "U.S. Special Envoy, Trump administration · United States",
    )
    florida = paths["cards/meetings/florida-dmitriev.png"]
    assert florida.subtitle == "About 31 January 2026, Florida, United States"
    assert all(c.title and c.subtitle and len(c.subtitle) <= 120 for c in cards)
    assert {c.story for c in cards} == {inputs.site.name}


def test_share_meta_in_front_matter():
    front = _front(_inputs())
    witkoff = front["people/steve-witkoff.md"]
    assert witkoff["explainer"]["type"] == "profile"
    assert witkoff["explainer"]["url"] == f"{BASE}people/steve-witkoff/"
    assert witkoff["explainer"]["image"] == f"{BASE}cards/people/steve-witkoff.png"
    assert witkoff["description"].startswith(
        "U.S. Special Envoy, Trump administration · United States. U.S. special envoy who"
    )
    assert front["meetings/florida-dmitriev.md"]["explainer"]["type"] == "article"
    assert front["index.md"]["explainer"]["type"] == "website"
    assert front["index.md"]["explainer"]["image"] == f"{BASE}cards/index.png"
    for src, meta in front.items():
        assert len(meta["description"]) <= 200, src
        assert meta["explainer"]["url"].startswith(BASE), src


def test_description_is_cut_at_a_word():
    assert share.shorten("one two three", 9) == "one two…"
    assert share.shorten("one  two\nthree", 100) == "one two three"
    assert share.shorten("abcdefghij", 5) == "abcd…"


def test_description_is_escaped_for_the_theme_and_the_rest_is_plain(content):
    project = content(
        {
            "people/ada.yml": "name: Ada & <Co>\nrole: 'R&D \"lead\" <b>'\ncountry: GB\n",
            "sources/notes.yml": "title: Notes\npublisher: Memoirs\n",
        }
    )
    checked = check(project)
    inputs = Inputs(checked.story, site=SiteConfig(name="T", url="https://example.org/t/"))
    front = _front(inputs)["people/ada.md"]
    assert front["description"] == "R&amp;D &quot;lead&quot; &lt;b&gt; · United Kingdom."
    assert front["explainer"]["title"] == "Ada & <Co>"


def test_without_a_site_url_pages_carry_no_head_meta():
    inputs = Inputs(_inputs().story, site=SiteConfig())
    front = _front(inputs)
    assert all(set(m) <= {"title", "hide"} for m in front.values())


SCHEMA_CONTEXT = {"@context": {"@vocab": "http://schema.org/"}}
"""A stand-in for https://schema.org's context (which cannot be fetched here): the real one
maps every term into this vocabulary and types ``url``, ``sameAs`` … as ``@id``."""


def test_a_json_ld_processor_expands_a_profile_without_the_network():
    requested: list[str] = []

    def offline(url: str, options: dict[str, Any]) -> dict[str, Any]:
        requested.append(url)
        if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
            raise pyld.JsonLdError("offline", "loading document failed", {"url": url})
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": SCHEMA_CONTEXT,
        }

    graph = _graphs(_inputs())["people/kirill-dmitriev.md"]
    expanded = pyld.expand(graph, {"documentLoader": offline})
    assert requested == ["https://schema.org"]
    nodes = {n["@id"]: n for n in expanded}
    person = nodes[f"{BASE}people/kirill-dmitriev/#person"]
    assert person["@type"] == ["http://schema.org/Person"]
    names = [v["@value"] for v in person["http://schema.org/alternateName"]]
    assert names == ["Dmitriev", "Кирилл Дмитриев"]
    nationality = person["http://schema.org/nationality"][0]
    assert nationality["@type"] == ["http://schema.org/Country"]
    page = nodes[f"{BASE}people/kirill-dmitriev/"]
    assert page["http://schema.org/mainEntity"] == [{"@id": person["@id"]}]

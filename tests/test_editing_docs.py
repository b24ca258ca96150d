"""The editors' guide: every field documented (the reference is generated from the schema),
every message the checker can print explained, every guide page in the navigation."""

from __future__ import annotations

import fnmatch
import re

import pytest
import yaml

from generator import reference, scaffold
from generator.outputs import OWNED
from generator.schema import COLLECTIONS, Kind, fields_of
from tests import messages
from tests.conftest import ROOT

GUIDE = ROOT / "docs/editing"
ERRORS = (GUIDE / "errors.md").read_text("utf-8")
DOCUMENTED = set(re.findall(r"^### `([^`]+)`", ERRORS, flags=re.MULTILINE))


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_every_field_has_documentation_and_a_row(collection: str) -> None:
    cls = COLLECTIONS[collection]
    assert cls.doc.strip()
    page = reference.pages()[f"reference/{collection}.md"]
    for name, spec in fields_of(cls):
        assert spec.doc.strip().endswith("."), f"{collection}.{name} needs a sentence of doc"
        assert f'<tr id="field-{name}"><td><code>' in page, f"{collection}.{name} has no row"
        assert reference.value_help(spec), f"{collection}.{name}: say what to write"
    rows = re.findall(r'<tr id="field-([a-z_]+)">', page)
    assert rows == [name for name, _ in fields_of(cls)]


def test_every_kind_says_what_to_write() -> None:
    for kind in Kind:
        spec_kind = next(
            (s for cls in COLLECTIONS.values() for _, s in fields_of(cls) if s.kind is kind), None
        )
        if spec_kind is not None:
            assert reference.value_help(spec_kind)


def test_reference_shows_what_explainer_new_writes() -> None:
    page = reference.pages()["reference/people.md"]
    assert scaffold.render(COLLECTIONS["people"], "Ada Lovelace").rstrip() in page


def test_reference_text_is_escaped() -> None:
    page = reference.pages()["reference/people.md"]
    assert "<id>" not in page.split("````yaml")[0]
    assert "<code>content/people/&lt;id&gt;.yml</code>" in page


def test_reference_pages_are_generated_not_committed() -> None:
    assert "reference" in OWNED.folders
    assert "changes" in OWNED.folders
    ignored = (ROOT / ".gitignore").read_text("utf-8").splitlines()
    assert "/docs/reference/" in ignored
    assert "/docs/changes/" in ignored


def test_the_extractor_finds_the_messages() -> None:
    """Non-vacuous: the source scan must see the messages it is meant to see."""
    found = messages.messages()
    assert len(found) > 40
    assert {"required field is missing", "unknown field '…'", "unknown … '…'"} <= found
    assert "only http and https URLs are allowed" in found  # urls.py _RULES
    assert "invalid id '…'" in found  # loader.py _name_problem
    assert "day is out of range for month" in found  # dates.py ValueError


@pytest.mark.parametrize("message", sorted(messages.messages()))
def test_every_message_is_explained(message: str) -> None:
    assert message in DOCUMENTED, f"explain `{message}` in docs/editing/errors.md"


def test_every_explained_message_still_exists() -> None:
    assert sorted(DOCUMENTED - messages.messages()) == []


def _nav_files(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [f for item in node for f in _nav_files(item)]
    if isinstance(node, dict):
        return [f for value in node.values() for f in _nav_files(value)]
    return []


def test_guide_is_in_the_site_but_out_of_the_readers_sidebar() -> None:
    """The guide is for editors (issue 9): out of the sidebar, still built (``not_in_nav``, so
    MkDocs' strict validation accepts it) and linked from the footer (``extra.guide``)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    nav = _nav_files(config["nav"])
    kept = config["not_in_nav"].split()
    guide = [f"editing/{page.name}" for page in sorted(GUIDE.glob("*.md"))]
    assert len(guide) >= 6
    for page in [*guide, *reference.pages()]:
        assert page not in nav
        assert any(fnmatch.fnmatch("/" + page, pattern) for pattern in kept), page
    assert "changes/index.md" in nav
    assert config["extra"]["guide"] == "editing/"
    assert "config.extra.guide" in (ROOT / "theme/main.html").read_text("utf-8")


def test_guide_index_links_every_guide_page() -> None:
    """Out of the sidebar, the guide's own index is the way to each of its pages."""
    index = (GUIDE / "index.md").read_text("utf-8")
    for page in sorted(GUIDE.glob("*.md")):
        if page.name != "index.md":
            assert f"]({page.name})" in index, page.name


def test_guide_links_to_the_reference_of_every_collection() -> None:
    index = reference.pages()["reference/index.md"]
    for collection in COLLECTIONS:
        assert f"]({collection}.md)" in index
    assert "](../reference/index.md)" in (GUIDE / "index.md").read_text("utf-8")

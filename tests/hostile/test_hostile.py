"""Every entry of ``tests/hostile/CATALOGUE.md`` as a data-driven case (see README.md).

Reject and accept cases run the real command line in-process, one small project each. Literal
cases are batched into one site built twice with MkDocs (hostile and benign), then compared page
by page after parsing the HTML. Scenario cases are procedures below, named by the case file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import cli, routes
from generator.build import check
from generator.outputs import OWNED
from generator.project import Project
from generator.schema import COLLECTIONS, fields_of
from tests.conftest import ROOT, SITE_YML, copy_project, run_explainer, write_files
from tests.hostile.hostile_base import BASE
from tests.htmlcheck import (
    benign_twin,
    compare_literal,
    display,
    links_at,
    parse_site,
    shown_at,
    squash,
)

CASES = Path(__file__).parent / "cases"
Snapshot = dict[str, tuple[bytes, int]]


@dataclass
class Case:
    name: str
    entry: str
    title: str
    expect: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    delete: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    record: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    hostile: dict[str, Any] = field(default_factory=dict)
    scenario: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, list[str | dict[str, str]]] = field(default_factory=dict)


def read_case(path: Path) -> Case:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {
        "entry",
        "title",
        "expect",
        "files",
        "raw",
        "repeat",
        "delete",
        "problems",
        "warnings",
        "values",
        "record",
        "fields",
        "hostile",
        "scenario",
        "options",
        "shown",
    }
    assert set(data) <= known, f"{path.name}: unknown keys {set(data) - known}"
    assert data["expect"] in ("reject", "accept", "literal", "scenario"), path.name
    files: dict[str, str | bytes] = dict(data.get("files") or {})
    for rel, text in (data.get("raw") or {}).items():
        files[rel] = text.encode("latin-1")
    for rep in data.get("repeat") or []:  # appended in order: text × times
        head = files.get(rep["path"], "")
        assert isinstance(head, str)
        files[rep["path"]] = head + rep["text"] * rep.get("times", 1)
    return Case(
        name=path.stem,
        entry=data["entry"],
        title=data["title"],
        expect=data["expect"],
        files=files,
        delete=data.get("delete") or [],
        problems=data.get("problems") or [],
        warnings=data.get("warnings") or [],
        values=data.get("values") or {},
        record=data.get("record", ""),
        fields=data.get("fields") or {},
        hostile=data.get("hostile") or {},
        scenario=data.get("scenario", ""),
        options=data.get("options") or {},
        shown=data.get("shown") or {},
    )


ALL = [read_case(p) for p in sorted(CASES.glob("*.yml"))]


def cases(kind: str) -> list[Any]:
    return [pytest.param(c, id=c.name) for c in ALL if c.expect == kind]


def test_every_entry_of_the_notes_has_a_case() -> None:
    """Sections A–E of the notes have 56 entries; 56 (workflow injection) is issue 4's."""
    covered = {int(re.sub(r"\D", "", c.entry)) for c in ALL}
    assert set(range(1, 56)) - covered == set()


# -- helpers ---------------------------------------------------------------------------------


def snapshot(folder: Path) -> Snapshot:
    """Every file under ``folder`` with its bytes and mtime: 'nothing written' means equal."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def apply(case: Case, content: Path) -> None:
    write_files(content, case.files)
    for rel in case.delete:
        (content / rel).unlink()


def run_cli(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = cli.main(["--root", str(root), *args])
    err = capsys.readouterr().err
    return code, err.splitlines()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base story, generated once: each reject case starts from a copy of it."""
    root = tmp_path_factory.mktemp("generated")
    write_files(root / "content", dict(BASE))
    write_files(root / "docs", {"about.md": "# About\n"})
    write_files(root, {"mkdocs.yml": SITE_YML})
    assert cli.main(["--root", str(root), "generate"]) == 0
    return root


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(generated, root, copy_function=shutil.copy2)
    return root


# -- reject and accept -----------------------------------------------------------------------


@pytest.mark.parametrize("case", cases("reject"))
def test_reject(case: Case, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apply(case, project / "content")
    before = snapshot(project / "docs")
    code, lines = run_cli(project, capsys, "generate")
    errors = sum(not line.startswith("warning: ") for line in case.problems)
    plural = "s" if errors != 1 else ""
    assert lines == [*case.problems, f"{errors} error{plural}; nothing was written"]
    assert code == cli.EXIT_CONTENT
    assert snapshot(project / "docs") == before


@pytest.mark.parametrize("case", cases("accept"))
def test_accept(case: Case, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apply(case, project / "content")
    code, lines = run_cli(project, capsys, "generate")
    assert (code, lines) == (0, case.warnings)
    story = check(Project(project)).story
    for ref, expected in case.values.items():
        collection, record_id = ref.split("/")
        record = story.collection(collection)[record_id]
        for name, value in expected.items():
            assert str(getattr(record, name)) == value, f"{ref}.{name}"
    for page in (project / "docs").rglob("*.md"):
        assert b"\r" not in page.read_bytes(), page
    # accepted means published: the record's canonical place (its page, or its element on a
    # list page, as routes.py says) shows it
    assert case.shown, f"{case.name}: say what the accepted record's page shows (shown:)"
    for where, texts in case.shown.items():
        place = routes.place_of(*where.split("/"))
        markdown = (project / "docs" / place.src).read_text(encoding="utf-8")
        seen, links = shown_at(markdown, place.anchor), links_at(markdown, place.anchor)
        for text in texts:
            if isinstance(text, dict):  # {href: url}: a link to exactly that address
                assert text["href"] in links, f"{where}: no link to {text['href']} in {links}"
            else:
                assert text in seen, f"{where}: {text!r} not shown in {seen!r}"


# -- literal: one site with every hostile value, one with benign words -------------------------


def literal_values() -> Iterator[tuple[Case, str, str]]:
    """(case, hostile text, benign text) for every hostile string of every literal case.

    The benign text is one unique word with the same line structure (line breaks and blank
    lines make ``<br>`` and paragraphs, which are the template's, not the record's)."""
    for number, case in enumerate(c for c in ALL if c.expect == "literal"):
        for name, value in case.hostile.items():
            for index, text in enumerate(value if isinstance(value, list) else [value]):
                word = f"Benign{number}x{name.replace('_', '')}x{index}"
                yield case, text, benign_twin(text, word)


def _texts(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def literal_content(benign: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(BASE)
    words = {(c.name, t): w for c, t, w in literal_values()}
    for case in (c for c in ALL if c.expect == "literal"):
        data = dict(case.fields)
        for name, value in case.hostile.items():
            texts = value if isinstance(value, list) else [value]
            shown = [words[case.name, t] if benign else t for t in texts]
            data[name] = shown if isinstance(value, list) else shown[0]
        assert f"{case.record}.yml" not in files, f"{case.name}: record id already used"
        files[f"{case.record}.yml"] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return files


def build_site(base: Path, files: dict[str, str | bytes]) -> Path:
    project = copy_project(ROOT, base)
    shutil.rmtree(project.content)
    write_files(project.content, files)
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    return project.site


@pytest.fixture(scope="module")
def literal_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    hostile = build_site(tmp_path_factory.mktemp("hostile") / "p", literal_content(False))
    control = build_site(tmp_path_factory.mktemp("control") / "p", literal_content(True))
    return hostile, control


def test_literal_payloads_are_distinct() -> None:
    """A payload inside another would be counted twice; keep them apart."""
    texts = [squash(t) for _, t, _ in literal_values()]
    for i, a in enumerate(texts):
        for j, b in enumerate(texts):
            assert i == j or a not in b, (a, b)


@pytest.mark.site
@pytest.mark.parametrize("case", cases("literal"))
def test_literal(case: Case, literal_sites: tuple[Path, Path]) -> None:
    """The case's text shows literally wherever the benign word did, on pages with exactly
    the elements and attributes of the benign build."""
    hostile, control = parsed_sites(literal_sites)
    collection = case.record.split("/")[0]
    kinds = {name: spec.kind for name, spec in fields_of(COLLECTIONS[collection])}
    for _, text, benign in (v for v in literal_values() if v[0] is case):
        kind = next(kinds[name] for name, value in case.hostile.items() if text in _texts(value))
        shown = compare_literal(hostile, control, display(text, kind), display(benign, kind))
        assert shown > 0, f"{case.name}: the field is shown nowhere, so nothing was tested"


@pytest.mark.site
def test_literal_site_has_no_new_element_anywhere(literal_sites: tuple[Path, Path]) -> None:
    """Injected markup could land away from the field's own place (the navigation, the
    search index): every page of the hostile build has the benign build's elements."""
    hostile, control = parsed_sites(literal_sites)
    assert hostile.keys() == control.keys()
    for page in hostile:
        assert hostile[page][0] == control[page][0], f"{page}: elements or attributes differ"


_PARSED: dict[tuple[Path, Path], tuple[Any, Any]] = {}


def parsed_sites(sites: tuple[Path, Path]) -> tuple[Any, Any]:
    if sites not in _PARSED:
        _PARSED[sites] = (parse_site(sites[0]), parse_site(sites[1]))
    return _PARSED[sites]


# -- scenarios -------------------------------------------------------------------------------


def links_in(docs: Path) -> set[str]:
    """Every link target of the generated Markdown (Markdown links and raw HTML hrefs)."""
    found: set[str] = set()
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        found.update(re.findall(r"\]\(([^)\s]+)\)", text))
        found.update(re.findall(r'href="([^"]+)"', text))
    return found


def scenario_stale_page(case: Case, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """E52: delete (or rename) a record; its page and every link to it go, nothing else."""
    hand = snapshot(root / "docs")
    before = json.loads((root / ".explainer" / "manifest.json").read_text(encoding="utf-8"))
    hand = {k: v for k, v in hand.items() if k not in before["files"]}
    assert "about.md" in hand, "the hand-written pages are in the comparison"
    gone = case.options["gone"]
    apply(case, root / "content")
    code, lines = run_cli(root, capsys, "generate")
    assert (code, lines) == (0, [])
    docs = root / "docs"
    assert not (docs / gone).exists()
    stem = Path(gone).stem
    assert not [t for t in links_in(docs) if stem in t]
    for page in case.options.get("present", []):
        assert (docs / page).is_file()
    after = snapshot(docs)
    assert {k: after[k] for k in hand} == hand, "a hand-written page was modified"
    manifest = json.loads((root / ".explainer" / "manifest.json").read_text(encoding="utf-8"))
    assert gone not in manifest["files"]


def scenario_foreign_file(case: Case, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """E53: a hand-written file inside a generated folder is neither replaced nor deleted."""
    write_files(root / "docs", case.options["docs"])
    before = snapshot(root / "docs")
    apply(case, root / "content")
    code, lines = run_cli(root, capsys, "generate")
    assert code == cli.EXIT_BUILD
    expected = [p.replace("{owned}", OWNED.describe()) for p in case.problems]
    assert lines == expected
    assert snapshot(root / "docs") == before


def scenario_one_bad_among_many(case: Case, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """E54: record 900 of 1,000 is wrong: every record is checked first, nothing is written."""
    count, bad = case.options["count"], case.options["bad"]
    template = case.options["template"]
    files: dict[str, str | bytes] = {
        f"quotes/q{i:04d}.yml": template.replace("DATE", bad if i == 900 else "1843")
        for i in range(1, count + 1)
    }
    write_files(root / "content", files)
    before = snapshot(root / "docs")
    code, lines = run_cli(root, capsys, "generate")
    assert (code, lines) == (cli.EXIT_CONTENT, case.problems)
    assert snapshot(root / "docs") == before


def scenario_deterministic(case: Case, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """E55: two runs under different hash seeds, time zones, locales, working folders and
    file-system orders write the same bytes."""
    del capsys
    trees = []
    for index, env in enumerate(case.options["environments"]):
        shutil.rmtree(root / "docs")
        write_files(root / "docs", {"about.md": "# About\n"})
        if index % 2:  # the same files created in the opposite order
            saved = {p: p.read_bytes() for p in sorted((root / "content").rglob("*.yml"))}
            shutil.rmtree(root / "content")
            write_files(
                root / "content",
                {
                    p.relative_to(root / "content").as_posix(): data
                    for p, data in reversed(saved.items())
                },
            )
        cwd = root / "content" if index % 2 else root
        proc = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(root), "generate"],
            cwd=cwd,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        trees.append({k: v[0] for k, v in snapshot(root / "docs").items()})
    assert all(tree == trees[0] for tree in trees)


SCENARIOS: dict[str, Callable[[Case, Path, pytest.CaptureFixture[str]], None]] = {
    "stale-page": scenario_stale_page,
    "foreign-file": scenario_foreign_file,
    "one-bad-among-many": scenario_one_bad_among_many,
    "deterministic": scenario_deterministic,
}


@pytest.mark.parametrize("case", cases("scenario"))
def test_scenario(case: Case, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    SCENARIOS[case.scenario](case, project, capsys)

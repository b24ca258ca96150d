"""Shared fixtures: small projects built inline (after mkdocs' ``tests/base.py::tempdir``),
copies of the real explainer, and site builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator import writer
from generator.build import Project, check
from generator.errors import ContentError
from generator.outputs import OWNED

ROOT = Path(__file__).resolve().parent.parent
STORIES = Path(__file__).resolve().parent / "stories"
EXPLAINER = [sys.executable, "-m", "generator"]

MINIMAL = {
    "people/ada-lovelace.yml": "name: Ada Lovelace\nrole: Analyst\ncountry: GB\n",
    "sources/notes.yml": "title: Notes\npublisher: Taylor's Scientific Memoirs\n",
}
"""The smallest valid content: one person and one source."""

SITE_YML = (
    "site_name: Test story\nsite_url: https://news.example.org/story/\n"
    "extra: {explainer: {id_year: 2026}}\n"
)
"""The least ``mkdocs.yml`` a project needs to be generated: feeds, the calendar and the data
need the site's address and the year of their ids (:mod:`generator.feeds`)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/ from the current output",
    )


def write_files(base: Path, files: dict[str, str | bytes]) -> None:
    """Write ``{relative path: text}`` under ``base``; text is dedented."""
    for rel, data in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")


def write_generated(docs: Path, work: Path, files: dict[str, str]) -> writer.WriteResult:
    """The writer, owning what the real registry of outputs owns."""
    return writer.write(docs, work, files, OWNED)


def set_explainer_setting(project: Project, name: str, value: object) -> None:
    """Set ``extra.explainer.<name>`` in a project's ``mkdocs.yml``, keeping its other
    settings (appending a second ``extra:`` key would silently replace the first)."""
    config = yaml.safe_load(project.config.read_text("utf-8")) or {}
    config.setdefault("extra", {}).setdefault("explainer", {})[name] = value
    project.config.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")


def _generated(folder: str, names: list[str]) -> set[str]:
    """What the generator owns at the top of ``docs/`` (:data:`generator.outputs.OWNED`)."""
    if Path(folder).name != "docs":
        return set()
    return {n for n in names if n in OWNED.folders or n in OWNED.files}


def copy_project(source: Path, target: Path) -> Project:
    """Copy an explainer's own files (not its build output) into ``target``."""
    for name in ("content", "docs", "theme"):
        if (source / name).exists():
            shutil.copytree(
                source / name,
                target / name,
                ignore=_generated if name == "docs" else None,
            )
    shutil.copy2(source / "mkdocs.yml", target / "mkdocs.yml")
    if not (target / "theme").exists():
        shutil.copytree(ROOT / "theme", target / "theme")
    return Project(target)


@pytest.fixture
def content(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Project]:
    """Make a project whose ``content/`` holds exactly the given files."""

    def make(files: dict[str, str | bytes]) -> Project:
        write_files(tmp_path / "content", files)
        (tmp_path / "docs").mkdir(exist_ok=True)
        if not (tmp_path / "mkdocs.yml").exists():
            write_files(tmp_path, {"mkdocs.yml": SITE_YML})
        return Project(tmp_path)

    return make


def problems_of(project: Project) -> list[str]:
    """Every problem a check of ``project`` reports, as the lines editors see."""
    try:
        checked = check(project)
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return [str(p) for p in checked.warnings]


@pytest.fixture
def real_project(tmp_path: Path) -> Project:
    """A copy of this repository's explainer (content, docs, theme, mkdocs.yml)."""
    return copy_project(ROOT, tmp_path / "explainer")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: two trees compare equal when identical."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_explainer(
    project: Project, *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run the real command line on a project, as an editor would (optionally in another
    environment or working folder, for reproducibility tests)."""
    return subprocess.run(
        [*EXPLAINER, "--root", str(project.root), *args],
        text=True,
        capture_output=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real explainer built once per session with ``explainer build``; its ``site/``."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("built") / "explainer")
    proc = run_explainer(project, "build")
    assert proc.returncode == 0, proc.stderr
    return project.site

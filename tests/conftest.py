"""Shared fixtures: small projects built inline (after mkdocs' ``tests/base.py::tempdir``),
copies of the real explainer, and site builds."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
import yaml

from generator import build_child, cards, writer
from generator.build import check
from generator.errors import ContentError
from generator.outputs import OWNED
from generator.project import Project

ROOT = Path(__file__).resolve().parent.parent
STORIES = Path(__file__).resolve().parent / "stories"
EXPLAINER = [sys.executable, "-m", "generator"]

os.environ.setdefault(build_child.TEMPLATE_CACHE, str(ROOT / ".explainer" / "test-templates"))
"""Every build of every test project keeps the theme's templates compiled in one folder, not
in its own fresh ``.explainer/cache/``: Material's templates are compiled once a run instead of
once a build (about 0.45 s of each). ``tests/test_build_child.py`` tests the cache itself."""

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


def write_generated(
    docs: Path, work: Path, files: Mapping[str, writer.File | str]
) -> writer.WriteResult:
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
    return {n for n in names if n in OWNED.tops}


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


def environment() -> dict[str, str]:
    """The environment of a test's run as it is when the test runs, with a fixed build date:
    read then, not when a module is imported, so the run's shared folder of cards
    (:func:`shared_cards`) is in it."""
    return {**os.environ, "SOURCE_DATE_EPOCH": "1769904000"}


def _run_root(factory: pytest.TempPathFactory) -> Path:
    """A folder unique to this test run that every pytest-xdist worker shares: the parent of a
    worker's base temporary folder (``pytest-N/popen-gwK``), or the base folder itself when
    the run has no workers."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(factory: pytest.TempPathFactory, source: Path, engine: str) -> Path:
    """``explainer build`` of a copy of the story at ``source`` with ``engine``, done once per
    test run however many tests and xdist workers ask: the first takes a file lock and builds,
    the others wait for it and share the result. The tests that use it only read the site.

    A failed build is not remembered, so every test that needs it fails with the build's own
    message."""
    name = f"{source.name if source != ROOT else 'real'}-{engine}"
    folder = _run_root(factory) / "shared-builds" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    project = Project(folder / "explainer")
    with (folder.parent / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            project = copy_project(source, folder / "explainer")
            proc = run_explainer(project, "build", "--engine", engine)
            assert proc.returncode == 0, proc.stderr
            (folder / "built").touch()
    return project.site


@pytest.fixture(scope="session", autouse=True)
def shared_cards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every project of this test run draws its share cards from one shared folder
    (:data:`generator.cards.SHARED_ENV`), so a card is drawn once a run, not once a project
    (the suite drew some 4,000 cards, at 25 ms each). Each project still keeps its own copy
    in its own cache. The cards' own tests call :func:`generator.cards.cards` with folders
    of their own."""
    folder = _run_root(tmp_path_factory) / "cards"
    before = os.environ.get(cards.SHARED_ENV)
    os.environ[cards.SHARED_ENV] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(cards.SHARED_ENV, None)
    else:
        os.environ[cards.SHARED_ENV] = before


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real explainer built once per test run with ``explainer build``; its ``site/``."""
    return build_once(tmp_path_factory, ROOT, "mkdocs")


@pytest.fixture(scope="session")
def built_story(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """``built_story(story, engine)``: the ``site/`` of ``"real"`` or a story under
    ``tests/stories/`` built by ``engine``, once per test run (:func:`build_once`)."""

    def get(story: str, engine: str) -> Path:
        return build_once(tmp_path_factory, ROOT if story == "real" else STORIES / story, engine)

    return get


LONGEST_FIRST = (
    "test_properties.py",
    "test_faults.py",
    "test_pages.py",
    "test_incremental.py",
    "test_history.py",
    "test_robust_builds.py",
    "test_site.py",
    "test_unit_cache.py",
    "test_dos.py",
)
"""The test files that take longest (``pytest --durations``, summed per file), in that order.
Under pytest-xdist they are handed out first, so that no worker starts one of them when the
others are nearly done; a plain run keeps the collection order. This needs xdist's
``--no-loadscope-reorder`` (``PARALLEL`` in the Makefile): by default ``loadfile`` hands out
the files with the most tests first, which put the three longest files, with few tests each,
at the end of the run."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))

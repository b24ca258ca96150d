"""Crash ``explainer build`` at every named fault point, and by SIGKILL at random moments:
``docs/`` and ``site/`` must stay usable, and the next plain run must recover by itself and
produce exactly what a clean build would."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build import Project
from generator.faults import POINTS
from tests.conftest import EXPLAINER, ROOT, copy_project, tree, write_files

pytestmark = pytest.mark.site

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1769904000"}
EDIT = {
    # a new name shows on many pages; a deleted quote removes links from several pages
    "people/steve-witkoff.yml": "name: Steven Witkoff\nrole: U.S. Special Envoy\ncountry: US\n"
    "aliases: [Witkoff]\nsources: [article]\n",
}
DELETE = ("quotes/witkoff-encouraged.yml",)


def run(project: Project, fault: str = "") -> subprocess.CompletedProcess[str]:
    env = {**ENV, "EXPLAINER_FAULT": fault} if fault else ENV
    return subprocess.run(
        [*EXPLAINER, "--root", str(project.root), "build"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def edit(project: Project) -> None:
    write_files(project.content, dict(EDIT))
    for rel in DELETE:
        (project.content / rel).unlink()


@dataclass
class States:
    """A built project before the edit (copied for each crash), and docs/ and site/ of a
    clean build before and after the edit."""

    built: Path
    before: dict[str, dict[str, bytes]]
    after: dict[str, dict[str, bytes]]


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> States:
    before = copy_project(ROOT, tmp_path_factory.mktemp("before") / "p")
    assert run(before).returncode == 0
    after = copy_project(ROOT, tmp_path_factory.mktemp("after") / "p")
    edit(after)
    assert run(after).returncode == 0
    return States(
        before.root,
        {"docs": tree(before.docs), "site": tree(before.site)},
        {"docs": tree(after.docs), "site": tree(after.site)},
    )


def crashed_copy(states: States, target: Path) -> Project:
    shutil.copytree(states.built, target, symlinks=True)
    project = Project(target)
    edit(project)
    return project


@pytest.mark.parametrize("point", POINTS)
def test_crash_at_fault_point_then_recover(point: str, states: States, tmp_path: Path) -> None:
    project = crashed_copy(states, tmp_path / "p")
    proc = run(project, point)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    before, after = states.before, states.after
    docs, site = tree(project.docs), tree(project.site)
    # the site in use is always the previous one, whole
    assert site == before["site"]
    # every page in docs/ is whole: the previous or the next version of itself
    for rel, data in docs.items():
        assert data in (before["docs"].get(rel), after["docs"].get(rel)), rel
    if point in ("docs-staged", "docs-journal"):
        assert docs == before["docs"]
    if point in ("docs-manifest", "site-built", "site-journal"):
        assert docs == after["docs"]
    # the next plain run needs no cleaning and builds what a clean build builds
    proc = run(project)
    assert proc.returncode == 0, proc.stderr
    assert tree(project.docs) == after["docs"]
    assert tree(project.site) == after["site"]
    # nothing is left half done: the manifest, and the caches whole (no temporary file)
    assert sorted(p.name for p in project.work.iterdir()) == ["cache", "manifest.json"]
    cached = {p.name for p in project.cache.iterdir()}
    assert "trees.json" in cached
    assert cached <= {"trees.json", "cards"}, cached  # never a temporary file


def start_build(project: Project, own_group: bool = False) -> subprocess.Popen[bytes]:
    """``explainer build`` in the background, to be killed; ``own_group`` puts it in its own
    process group so that the engine it starts can be killed with it."""
    return subprocess.Popen(
        [*EXPLAINER, "--root", str(project.root), "build"],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=own_group,
    )


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2, 1.5])
def test_sigkill_at_any_moment_leaves_a_whole_site(
    delay: float, states: States, tmp_path: Path
) -> None:
    """A kill from outside, at a moment the process does not choose."""
    project = crashed_copy(states, tmp_path / "p")
    proc = start_build(project)
    time.sleep(delay)
    proc.kill()
    proc.wait(timeout=60)
    assert tree(project.site) in (states.before["site"], states.after["site"])
    assert run(project).returncode == 0
    assert tree(project.site) == states.after["site"]
    assert tree(project.docs) == states.after["docs"]


def test_kill_when_staging_appears(states: States, tmp_path: Path) -> None:
    """Kill as soon as the engine starts writing the new site."""
    project = crashed_copy(states, tmp_path / "p")
    proc = start_build(project, own_group=True)
    deadline = time.monotonic() + 120  # hang guard only
    while not (project.work / "site-new").exists() and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the engine subprocess too
    proc.wait(timeout=60)
    assert tree(project.site) == states.before["site"]
    assert run(project).returncode == 0
    assert tree(project.site) == states.after["site"]


def test_rejected_content_leaves_docs_and_site_alone(states: States, tmp_path: Path) -> None:
    project = crashed_copy(states, tmp_path / "p")
    write_files(project.content, {"meetings/moscow-putin.yml": "date: 2026-02-30\n"})
    proc = run(project)
    assert proc.returncode == 1
    assert tree(project.docs) == states.before["docs"]
    assert tree(project.site) == states.before["site"]

"""The benchmark's synthetic explainer (``tests/bench/synth.py``) is deterministic and valid,
and ``EXPLAINER_TIMINGS`` reports the stages ``make bench`` splits a build into. The bench
itself (``make bench``) measures time; nothing here does."""

from __future__ import annotations

import json
import os
from pathlib import Path

from generator.build import check
from generator.outputs import OUTPUTS
from generator.project import Project
from tests.bench.synth import Sizes, make_project
from tests.conftest import run_explainer, tree


def test_the_same_n_writes_the_same_bytes(tmp_path: Path) -> None:
    first = tree(make_project(300, tmp_path / "a"))
    assert first == tree(make_project(300, tmp_path / "b"))
    assert first != tree(make_project(301, tmp_path / "c"))


def test_the_synthetic_story_passes_check_with_the_issues_proportions(tmp_path: Path) -> None:
    project = Project(make_project(400, tmp_path / "story"))
    story = check(project).story
    sizes = Sizes.of(400)
    assert (len(story.people), len(story.meetings), len(story.events)) == (40, 40, 20)
    assert (len(story.sources), len(story.quotes)) == (sizes.sources, sizes.quotes) == (20, 280)
    assert all(source.text for source in story.sources.values())
    assert any(person.native_name and person.aliases for person in story.people.values())
    assert {m.status for m in story.meetings.values()} == {"held", "scheduled", "cancelled"}
    assert any(m.parties and not m.participants for m in story.meetings.values())
    assert (project.content / "standfirst.md").is_file()
    assert "site_url: https://example.org/bench/" in project.config.read_text(encoding="utf-8")


def test_timings_name_each_stage_only_when_asked(tmp_path: Path) -> None:
    project = Project(make_project(100, tmp_path / "story"))
    out = tmp_path / "timings.json"
    proc = run_explainer(project, "generate", env={**_env(), "EXPLAINER_TIMINGS": str(out)})
    assert proc.returncode == 0, proc.stderr
    stages = json.loads(out.read_text(encoding="utf-8"))
    outputs = {f"render: {output.name}" for output in OUTPUTS}
    assert set(stages) == {"load", "validate", "link", "render", "write", "keep", *outputs}
    assert sum(stages[name] for name in outputs) <= stages["render"], "within render"
    assert all(isinstance(s, float) and s >= 0 for s in stages.values())
    out.unlink()
    assert run_explainer(project, "check", env=_env()).returncode == 0
    assert not out.exists()


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "EXPLAINER_TIMINGS"}

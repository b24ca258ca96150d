"""Two builds of the same commit are byte-identical, whatever the time zone, locale, hash seed,
working folder, wall clock or the order in which the file system lists the content."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project, run_explainer, tree

pytestmark = pytest.mark.site


def build(
    base: Path, env: dict[str, str], cwd: Path, reverse: bool
) -> tuple[dict[str, bytes], ...]:
    project = copy_project(ROOT, base)
    if reverse:  # the same files, created in the opposite order (directory order differs)
        files = {p: p.read_bytes() for p in sorted(project.content.rglob("*")) if p.is_file()}
        shutil.rmtree(project.content)
        for path, data in reversed(files.items()):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    clean = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ", "LANG")}
    env = {**clean, "SOURCE_DATE_EPOCH": "1769904000", **env}
    proc = run_explainer(project, "build", env=env, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return tree(project.docs), tree(project.site)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(
        tmp_path / "one" / "explainer",
        {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"},
        ROOT,
        reverse=False,
    )
    (tmp_path / "elsewhere").mkdir()
    second = build(
        tmp_path / "two" / "a-longer-folder-name",
        {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "de_DE.UTF-8", "PYTHONHASHSEED": "4"},
        tmp_path / "elsewhere",
        reverse=True,
    )
    assert first[0] == second[0]
    assert first[1].keys() == second[1].keys()
    differing = [name for name in first[1] if first[1][name] != second[1][name]]
    assert differing == []
    assert b"1769904000" not in first[1]["sitemap.xml"]  # the date is written, not the number
    assert b"2026-02-01" in first[1]["sitemap.xml"]

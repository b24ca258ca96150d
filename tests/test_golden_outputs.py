"""Golden files of the feeds, the calendar and the data of the harbour story (without git
history, so every date comes from the records). ``make goldens`` rewrites them; review the diff
of ``tests/golden_outputs/`` like any other change."""

from __future__ import annotations

from pathlib import Path

from generator import calendar_ics, feeds, outputs, siteconfig
from generator import data as open_data
from generator.build import check
from generator.project import Project
from tests.conftest import STORIES

GOLDEN = Path(__file__).parent / "golden_outputs"
HARBOUR = STORIES / "harbour"


def _files() -> dict[str, bytes]:
    inputs = outputs.Inputs(
        check(Project(HARBOUR)).story, site=siteconfig.read(HARBOUR / "mkdocs.yml")
    )
    return {
        **feeds.produce(inputs),
        **calendar_ics.produce(inputs),
        **open_data.produce(inputs),
    }


def test_golden_outputs(request):
    files = _files()
    if request.config.getoption("--update-goldens"):
        for old in GOLDEN.rglob("*"):
            if old.is_file():
                old.unlink()
        for rel, payload in files.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(payload)
    stored = {
        p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()
    }
    assert sorted(stored) == sorted(files), "files added or removed: run make goldens"
    for rel, payload in files.items():
        assert payload == stored[rel], f"{rel} differs from tests/golden_outputs/: make goldens"

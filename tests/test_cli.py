"""The command line: exit codes, messages editors read, and nothing written on failure."""

from __future__ import annotations

import subprocess
import sys

from generator.cli import format_problem, main
from generator.errors import Problem
from tests.conftest import MINIMAL, ROOT, run_explainer


def test_check_prints_summary_and_exits_zero(content, capsys):
    project = content(MINIMAL)
    assert main(["--root", str(project.root), "check"]) == 0
    out = capsys.readouterr()
    assert out.out == (
        "content is valid: 1 person, 0 meetings, 0 events, 0 quotes, 1 source, 0 topics, 0 claims\n"
    )
    assert out.err == ""


def test_invalid_content_prints_every_error_sorted_then_fails_once(content, capsys):
    project = content(
        {
            **MINIMAL,
            "people/b.yml": "name: B\nrole: x\ncountry: ZZ\n",
            "people/a.yml": "name: A\nrole: x\n",
        }
    )
    assert main(["--root", str(project.root), "check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/people/a.yml:1:1: country: required field is missing (add 'country:')",
        "content/people/b.yml:3:10: country: 'ZZ' is not an ISO 3166-1 alpha-2 country code "
        "(use an ISO 3166-1 alpha-2 code such as US or UA)",
        "2 errors; nothing was written",
    ]


def test_github_format_annotates_lines(content, capsys):
    project = content({**MINIMAL, "people/a.yml": "name: A\nrole: x\ncountry: ZZ\n"})
    assert main(["--root", str(project.root), "check", "--format", "github"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "::error file=content/people/a.yml,line=3,col=10::country: 'ZZ' is not an ISO 3166-1 "
        "alpha-2 country code (use an ISO 3166-1 alpha-2 code such as US or UA)"
    )


def test_github_format_escapes_workflow_command_syntax():
    problem = Problem("content/a,b:c.yml", 1, 2, "f", "50% bad\nline", "x")
    assert format_problem(problem, "github") == (
        "::error file=content/a%2Cb%3Ac.yml,line=1,col=2::f: 50%25 bad%0Aline (x)"
    )


def test_generate_writes_nothing_when_content_is_invalid(content):
    project = content(MINIMAL)
    assert run_explainer(project, "generate").returncode == 0
    before = {p: p.read_bytes() for p in project.docs.rglob("*") if p.is_file()}
    (project.content / "people" / "ada-lovelace.yml").write_text("name: Ada\n")
    proc = run_explainer(project, "generate")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1] == "2 errors; nothing was written"
    assert {p: p.read_bytes() for p in project.docs.rglob("*") if p.is_file()} == before


def test_usage_error_exits_two(content):
    proc = run_explainer(content(MINIMAL), "frobnicate")
    assert proc.returncode == 2


def test_check_never_loads_what_only_later_stages_use():
    """``explainer check`` is an editor's every save: the share cards' Pillow, the templates'
    Jinja, the calendar and the preview's watcher cost a third of a second of imports it does
    not need (generator/build.py imports them in the functions that use them)."""
    later = ("PIL", "jinja2", "icalendar", "watchdog", "generator.outputs", "generator.serve")
    script = (
        "import sys\n"
        "from generator import cli\n"
        f"code = cli.main(['--root', {str(ROOT)!r}, 'check'])\n"
        f"print(code, sorted(m for m in {later!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr

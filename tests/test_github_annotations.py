"""``explainer check --format github``: problems become workflow commands that GitHub shows on
the changed line of a pull request, and no record text can break out of one."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from generator.cli import format_problem
from generator.errors import Problem, Severity
from generator.project import Project
from tests.conftest import MINIMAL, run_explainer

Make = Callable[[dict[str, str | bytes]], Project]

COMMAND = re.compile(r"^::(error|warning) file=([^,:]*),line=(\d+),col=(\d+)::([^\r\n]*)$")
"""One complete workflow command on one line; nothing may follow it or start another."""


def test_check_prints_one_annotation_per_problem(content: Make) -> None:
    project = content(
        {
            **MINIMAL,
            "people/bob.yml": "name: Bob\nrole: Analyst\ncountry: gb\nnmae: x\n",
            "meetings/talks.yml": (
                "title: Talks\nend_date: 2026-02-30\nlocation: Geneva\nparticipants: [bob]\n"
                "summary: They met.\nsources: [notes]\nurl: http://example.com\ndate: 2026\n"
            ),
        }
    )
    proc = run_explainer(project, "check", "--format", "github")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[-1] == "4 errors; nothing was written"
    assert lines[:-1] == [
        "::error file=content/meetings/talks.yml,line=2,col=11::end_date: day is out of range for "
        "month (write YYYY, YYYY-MM or YYYY-MM-DD)",
        "::error file=content/meetings/talks.yml,line=7,col=1::url: unknown field 'url' "
        "(known fields: title, date, approximate, end_date, after, location, participants, "
        "parties, status, summary, topics, sources, corrections)",
        "::error file=content/people/bob.yml,line=3,col=10::country: 'gb' is not an ISO 3166-1 "
        "alpha-2 country code (write GB in capitals)",
        "::error file=content/people/bob.yml,line=4,col=1::nmae: unknown field 'nmae' "
        "(did you mean 'name'?)",
    ]


def test_warnings_become_warning_annotations(content: Make) -> None:
    project = content(
        {**MINIMAL, "sources/site.yml": "title: Site\npublisher: P\nurl: http://example.com\n"}
    )
    proc = run_explainer(project, "check", "--format", "github")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "::warning file=content/sources/site.yml,line=3,col=6::url: plain http link "
        "(use https if the site supports it)"
    ]


def test_text_format_is_unchanged(content: Make) -> None:
    project = content({**MINIMAL, "people/bob.yml": "name: Bob\nrole: Analyst\ncountry: gb\n"})
    proc = run_explainer(project, "check")
    assert proc.stderr.splitlines()[0] == (
        "content/people/bob.yml:3:10: country: 'gb' is not an ISO 3166-1 alpha-2 country code "
        "(write GB in capitals)"
    )


@pytest.mark.parametrize(
    ("path", "message", "expected"),
    [
        ("content/a.yml", "100% sure", "::error file=content/a.yml,line=3,col=5::f: 100%25 sure"),
        (
            "content/a.yml",
            "two\nlines\r\n::warning::injected",
            "::error file=content/a.yml,line=3,col=5::f: two%0Alines%0D%0A::warning::injected",
        ),
        (
            "content/a,line=1:b.yml",
            "m",
            "::error file=content/a%2Cline=1%3Ab.yml,line=3,col=5::f: m",
        ),
        (
            "content/a\n::error file=x::pwned.yml",
            "m",
            "::error file=content/a%0A%3A%3Aerror file=x%3A%3Apwned.yml,line=3,col=5::f: m",
        ),
        ("content/100%.yml", "m", "::error file=content/100%25.yml,line=3,col=5::f: m"),
    ],
)
def test_escaping(path: str, message: str, expected: str) -> None:
    line = format_problem(Problem(path, 3, 5, "f", message), "github")
    assert line == expected
    assert COMMAND.match(line), "the command must stay one line with intact properties"


def test_hint_and_warning_level() -> None:
    problem = Problem("c.yml", 1, 2, "url", "plain http link", "use https", Severity.WARNING)
    assert format_problem(problem, "github") == (
        "::warning file=c.yml,line=1,col=2::url: plain http link (use https)"
    )

"""Denial of service: huge files, deep nesting, alias bombs, long lines, ten thousand files.

Each attack runs the real command line in a child process under a 1 GiB address-space limit
and a generous timeout (hang guards, not performance assertions). The child reports its own
time and peak memory; the figures go to ``tests/artifacts/dos.json`` for the closing note.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.limits import MAX_FILES, MAX_RECORD_BYTES
from tests.conftest import ROOT, SITE_YML, problems_of, write_files

pytestmark = pytest.mark.site  # slow: thousands of files
ARTIFACTS = ROOT / "tests" / "artifacts"
LIMIT = 1024**3

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from generator import cli
    started = time.perf_counter()
    code = cli.main(sys.argv[1:])
    seconds = time.perf_counter() - started
    # VmHWM is this program's own peak (ru_maxrss may keep the forking parent's)
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak = int(status.split()[0])
    print(json.dumps({{"code": code, "seconds": seconds, "peak_kib": peak}}), file=sys.stdout)
    """
)

PERSON = "name: Person {n}\nrole: Envoy\ncountry: US\nsources: [s]\n"
SOURCE = "title: Source\npublisher: Publisher\n"


def person(extra: str) -> dict[str, str | bytes]:
    return {"sources/s.yml": SOURCE, "people/p.yml": PERSON.format(n=0) + extra}


def many(count: int) -> dict[str, str | bytes]:
    """``count`` valid records: a tenth people, a tenth meetings, the rest quotes."""
    files: dict[str, str | bytes] = {"sources/s.yml": SOURCE}
    tenth = count // 10
    for n in range(tenth):
        files[f"people/p{n}.yml"] = PERSON.format(n=n)
        files[f"meetings/m{n}.yml"] = (
            f"title: Meeting {n}\ndate: 2026-01-{n % 28 + 1:02d}\nlocation: Somewhere\n"
            f"participants: [p{n}, p{(n + 1) % tenth}]\nsummary: They met.\nsources: [s]\n"
        )
    for n in range(count - 2 * tenth - 1):
        files[f"quotes/q{n}.yml"] = (
            f"speaker: p{n % tenth}\ntext: Words number {n}.\ndate: 2026\n"
            f"meeting: m{n % tenth}\nsource: s\n"
        )
    return files


ATTACKS: dict[str, tuple[Callable[[], dict[str, str | bytes]], str, int]] = {
    # name: (files, command, expected exit code)
    "huge file (50,000 entries, 1.4 MB)": (
        lambda: person("".join(f"k{n}: value number {n}\n" for n in range(50_000))),
        "check",
        1,
    ),
    # Just under the size cap, so the parser really reads a big mapping (10,000 unknown keys).
    "big mapping under the cap (10,000 entries, 248 KB)": (
        lambda: person("".join(f"k{n}: value number {n}\n" for n in range(10_000))),
        "check",
        1,
    ),
    "deep nesting (30,000 [)": (lambda: person("a: " + "[" * 30_000 + "]" * 30_000), "check", 1),
    "deep nesting (25,000 {a: )": (
        lambda: person("a: " + "{a: " * 25_000 + "}" * 25_000),
        "check",
        1,
    ),
    "alias bomb (9 levels)": (
        lambda: person(
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            + "".join(
                f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
        ),
        "check",
        1,
    ),
    "long line under the size cap (250 KB quote)": (
        lambda: {
            **person(""),
            "quotes/q.yml": "speaker: p\ndate: 2026\nsource: s\ntext: " + "word " * 50_000,
        },
        "check",
        1,
    ),
    "long line over the size cap (10 MB)": (
        lambda: person("bio: " + "x" * 10_000_000),
        "check",
        1,
    ),
    "long line of one plain scalar (250 KB, no spaces)": (
        lambda: person("bio: " + "x" * (MAX_RECORD_BYTES - 200)),
        "check",
        1,
    ),
    "ten thousand files, check": (lambda: many(10_000), "check", 0),
    "ten thousand files, generate": (lambda: many(10_000), "generate", 0),  # make bench
    "ten thousand broken files": (
        lambda: {f"people/p{n}.yml": "name: [\n" for n in range(10_000)},
        "check",
        1,
    ),
    "over the file limit": (
        lambda: {f"topics/t{n}.yml": "title: T\n" for n in range(MAX_FILES + 1)},
        "check",
        1,
    ),
}


@pytest.fixture(scope="module")
def figures() -> Iterator[dict[str, dict[str, float]]]:
    """Each attack's time and peak memory, added to ``dos.json``: ``make test`` and ``make
    bench`` each run some of the attacks, and neither drops the other's figures."""
    path = ARTIFACTS / "dos.json"
    try:
        found: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = {}
    yield found
    ARTIFACTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")


HEAVY = {"ten thousand files, generate"}
"""Attacks run by ``make bench`` (marker ``bench``), not ``make test``: generating 10,000
records draws 10,000 share cards, about 160 s of the suite's 2 cores for a figure the
benchmark measures anyway (``generate`` at 10,000 records). ``make test`` keeps the same
10,000 files through ``check``, where a hostile number of files meets the loader."""


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.bench) if n in HEAVY else n for n in ATTACKS]
)
def test_attack_is_refused_or_handled_within_bounds(
    name: str, tmp_path: Path, figures: dict[str, dict[str, float]]
) -> None:
    make, command, expected = ATTACKS[name]
    write_files(tmp_path / "content", make())
    write_files(tmp_path, {"mkdocs.yml": SITE_YML})
    (tmp_path / "docs").mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD.format(limit=LIMIT), "--root", str(tmp_path), command],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,  # hang guard only
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]  # never a crash (-11) or MemoryError
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["code"] == expected, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    if expected:
        assert proc.stderr.rstrip().endswith("nothing was written")
    figures[name] = {
        "seconds": round(result["seconds"], 2),
        "peak_mib": round(result["peak_kib"] / 1024, 1),
    }
    print(f"{name}: {figures[name]}")


def test_the_file_limit_is_a_setting_and_the_error_names_it(content) -> None:
    project = content({f"topics/t{n}.yml": "title: T\n" for n in range(4)})
    project.config.write_text(
        "site_name: x\nsite_url: https://x.org/\nextra:\n  explainer:\n    max_files: 3\n",
        encoding="utf-8",
    )
    assert problems_of(project) == [
        "content:1:1: (content): 4 records, over the 3 limit (raise extra.explainer.max_files "
        "in mkdocs.yml if the story is meant to be this big)"
    ]
    project.config.write_text(
        "site_name: x\nsite_url: https://x.org/\nextra:\n  explainer:\n    max_files: 4\n",
        encoding="utf-8",
    )
    assert problems_of(project) == []

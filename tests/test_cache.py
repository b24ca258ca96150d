"""The caches only save time. The parse cache (``.explainer/cache/trees.json``): with it,
without it, cold, warm, damaged or forged, the loader gives the same trees and the generator the
same pages. The remembered check (``check.json``): the same warnings and counts as a full check,
and a full check after any change to content, code, or the memory itself."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator import build, loader, memo, workers
from generator.build import generate
from generator.errors import ContentError, Problem
from generator.project import Project
from generator.schema import COLLECTIONS
from tests.conftest import ROOT, copy_project, run_explainer, tree

CACHE = Path(".explainer") / "cache"


def load(project: Project, cache: bool = True) -> tuple[list[loader.LoadedFile], list[str]]:
    files, problems = loader.load(
        project.root, project.content, cache_dir=project.root / CACHE if cache else None
    )
    return files, [str(p) for p in problems]


def cache_file(project: Project) -> Path:
    return project.root / CACHE / loader.TreeCache.FILE


def rewrite(path: Path, change: object) -> None:
    """Replace the cache body with ``change(entries)`` and a matching checksum: a cache that
    passes the integrity check but holds what the loader never wrote."""
    head, _, body = path.read_bytes().partition(b"\n")
    entries = change(json.loads(body))  # type: ignore[operator]
    body = json.dumps(entries).encode()
    meta = json.loads(head) | {"sha256": hashlib.sha256(body).hexdigest()}
    path.write_bytes(json.dumps(meta).encode() + b"\n" + body)


def test_cold_and_warm_cache_load_what_no_cache_loads(real_project: Project) -> None:
    plain = load(real_project, cache=False)
    assert not cache_file(real_project).exists()
    cold = load(real_project)
    assert cache_file(real_project).exists()
    warm = load(real_project)
    assert plain == cold == warm
    assert len(plain[0]) > 20


def test_loading_in_processes_loads_and_caches_what_one_process_loads(
    real_project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A big story is parsed by forked workers (``loader._load_all``): the same records and
    problems in the same order, and the same tree cache, cold and warm (a worker's copy of
    the cache would otherwise keep the entries it used, and the next cache would lose them)."""
    people = real_project.content / "people"
    (people / "zz-broken.yml").write_text("name: [never closed\n", encoding="utf-8")
    (people / "aa-tab.yml").write_text("name:\tAda\n", encoding="utf-8")
    monkeypatch.setattr(workers, "ITEMS_PER_WORKER", 10**9)
    one_process = [load(real_project), load(real_project)]
    cached = cache_file(real_project).read_bytes()
    shutil.rmtree(real_project.root / CACHE)
    pids = tmp_path / "pids"
    parse = loader.parse

    def noting(text: str) -> loader.Mapping:
        with pids.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return parse(text)

    monkeypatch.setattr(loader, "parse", noting)
    monkeypatch.setattr(workers, "ITEMS_PER_WORKER", 1)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # a thread an earlier test left
    cold = load(real_project)
    parsers = set(pids.read_text(encoding="utf-8").split())
    assert len(parsers) == 2, "two workers parsed"
    assert str(os.getpid()) not in parsers
    assert cache_file(real_project).read_bytes() == cached
    warm = load(real_project)
    assert [cold, warm] == one_process
    assert cache_file(real_project).read_bytes() == cached, "the warm run kept every entry"
    assert any("zz-broken.yml" in p for p in cold[1]), cold[1]


def test_loading_with_another_thread_alive_stays_in_one_process(
    real_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build reads git's history in a thread while the records load, and a fork copies a
    lock that thread holds as held forever: then the files are parsed here."""
    parsers: set[int] = set()
    parse = loader.parse

    def noting(text: str) -> loader.Mapping:
        parsers.add(os.getpid())
        return parse(text)

    monkeypatch.setattr(loader, "parse", noting)
    monkeypatch.setattr(workers, "ITEMS_PER_WORKER", 1)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        files, problems = load(real_project)
    finally:
        done.set()
        other.join()
    assert parsers == {os.getpid()}
    assert (files, problems) == load(real_project, cache=False)


def test_a_warm_load_parses_nothing(real_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load(real_project)
    parsed: list[str] = []
    monkeypatch.setattr(loader, "parse", parsed.append)
    assert load(real_project) == expected
    assert parsed == []


def test_an_edited_file_is_parsed_again(real_project: Project) -> None:
    load(real_project)
    person = real_project.content / "people" / "dmitry-peskov.yml"
    person.write_text(person.read_text(encoding="utf-8").replace("Kremlin spokesperson", "X"))
    files, _ = load(real_project)
    assert files == load(real_project, cache=False)[0]
    peskov = next(f for f in files if f.id == "dmitry-peskov")
    assert peskov.root.items["role"][1] == loader.Scalar("X", 4, 7)


def test_a_damaged_cache_is_ignored_and_replaced(real_project: Project) -> None:
    expected = load(real_project, cache=False)
    load(real_project)
    path = cache_file(real_project)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20  # one flipped bit in the body: the checksum no longer holds
    path.write_bytes(bytes(data))
    assert load(real_project) == expected
    assert loader.TreeCache.open(path.parent)._old, "the damaged cache was not rewritten"
    for broken in (b"", b"{}\n[]", b"not json at all", path.read_bytes()[:100]):
        path.write_bytes(broken)
        assert load(real_project) == expected


def every(value: object) -> object:
    """A forgery: every entry replaced by ``value``."""
    return lambda entries: {key: json.loads(json.dumps(value)) for key in entries}


@pytest.mark.parametrize(
    "forgery",
    [
        every(["s", "plain text, not a mapping", 1, 1, True, False]),
        every(["m", "1", 1, []]),
        every(["m", 1, 1, [[["s", "k", 1, 1, 1, 0], None]]]),
        every(["m", 1, 1, [[["q", 1, 1, []], ["s", "v", 1, 1, True, False]]]]),
        every(["x"]),
        every({"m": 1}),
        lambda entries: {key: value[:2] for key, value in entries.items()},
        lambda entries: [],
    ],
)
def test_entries_the_loader_never_wrote_are_parsed_afresh(
    real_project: Project, forgery: object
) -> None:
    expected = load(real_project, cache=False)
    load(real_project)
    rewrite(cache_file(real_project), forgery)
    assert load(real_project) == expected


def test_duplicate_keys_in_a_forged_entry_are_refused(real_project: Project) -> None:
    expected = load(real_project, cache=False)
    load(real_project)
    key = ["s", "name", 2, 1, True, False]

    def twice(entries: dict[str, list[object]]) -> dict[str, list[object]]:
        value = ["s", "Someone", 2, 7, True, False]
        return {k: ["m", 1, 1, [[key, value], [key, value]]] for k in entries}

    rewrite(cache_file(real_project), twice)
    assert load(real_project) == expected


def test_a_loader_change_drops_every_entry(
    real_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(real_project)
    monkeypatch.setattr(loader, "_CACHE_VERSION", "another-loader")
    assert loader.TreeCache.open(cache_file(real_project).parent)._old == {}


def test_errors_are_found_again_on_a_warm_run(content) -> None:
    project = content(
        {
            "people/ada.yml": "name: Ada\nrole: Analyst\ncountry: GB\n",
            "people/bad.yml": "name: [unclosed\n",
        }
    )
    first = load(project)
    second = load(project)
    assert first == second
    assert any("bad.yml" in p and "YAML syntax" in p for p in second[1])
    entries = json.loads(cache_file(project).read_bytes().partition(b"\n")[2])
    assert len(entries) == 1  # only the file that loaded


def test_an_unwritable_cache_costs_nothing_but_time(real_project: Project) -> None:
    if os.geteuid() == 0:
        (real_project.root / ".explainer").mkdir()
        (real_project.root / CACHE).write_text("a file where the folder should be")
    else:
        (real_project.root / CACHE).mkdir(parents=True)
        (real_project.root / CACHE).chmod(0o500)
    assert load(real_project) == load(real_project, cache=False)


def test_pages_are_byte_identical_with_or_without_the_cache(
    real_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(real_project)  # cold: every file parsed, the cache written
    cold = tree(real_project.docs)
    shutil.rmtree(real_project.docs / "people")
    (real_project.docs / "index.md").unlink()
    generate(real_project)  # warm: every tree from the cache
    assert tree(real_project.docs) == cold
    plain = copy_project(ROOT, tmp_path / "plain")
    monkeypatch.setattr(loader.TreeCache, "open", lambda folder: None)
    generate(plain)  # no cache at all
    assert tree(plain.docs) == cold
    assert not (plain.root / CACHE / loader.TreeCache.FILE).exists()


# -- the remembered check (generator/memo.py) ---------------------------------------------------

WARNED = {
    "people/ada.yml": "name: Ada\nrole: Analyst\ncountry: GB\nsources: [notes]\n",
    "sources/notes.yml": "title: Notes\npublisher: P\nurl: http://plain.example/notes\n",
}
"""Valid content with a warning (a plain http link), so that warnings are remembered too."""


def checks_run(monkeypatch: pytest.MonkeyPatch) -> list[Project]:
    """Every full check from now on."""
    ran: list[Project] = []
    real = build.check

    def spy(project: Project) -> build.Checked:
        ran.append(project)
        return real(project)

    monkeypatch.setattr(build, "check", spy)
    return ran


def full(project: Project) -> tuple[list[Problem], dict[str, int]]:
    checked = build.check(project)
    return checked.warnings, {n: len(checked.story.collection(n)) for n in COLLECTIONS}


def test_a_passing_check_is_remembered_with_its_warnings(content, monkeypatch) -> None:
    project = content(WARNED)
    expected = full(project)
    assert expected[0], "the content should raise a warning"
    ran = checks_run(monkeypatch)
    assert memo.check(project) == expected
    assert memo.check(project) == expected
    assert len(ran) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda c: (c / "people" / "ada.yml").write_text("name: Ada\nrole: X\ncountry: GB\n"),
        lambda c: (c / "people" / "bob.yml").write_text("name: Bob\nrole: X\ncountry: GB\n"),
        lambda c: (c / "people" / "ada.yml").unlink(),
        lambda c: (c / "people" / "ada.yaml").write_text("backup"),
        lambda c: (c / "people" / "zoe.yml").symlink_to(c / "people" / "ada.yml"),
        lambda c: (c / "sources" / "notes.txt").write_text("The notes."),
        lambda c: (c / "standfirst.md").write_text("---\ntitle: T\n---\nHello.\n"),
        lambda c: (c / "topics").mkdir(),
        lambda c: (c / "people" / "ada.yml").write_text("name: [broken\n"),
        lambda c: (c.parent / "mkdocs.yml").write_text("site_name: Another\n"),
    ],
)
def test_any_change_to_content_runs_the_full_check(content, monkeypatch, change) -> None:
    project = content(WARNED)
    memo.check(project)
    change(project.content)
    ran = checks_run(monkeypatch)
    try:
        expected: object = full(project)
    except ContentError as exc:
        expected = exc.problems
    ran.clear()
    try:
        got: object = memo.check(project)
    except ContentError as exc:
        got = exc.problems
    assert got == expected
    assert len(ran) == 1


@pytest.mark.parametrize("name", ["ada.yml~", ".ada.yml.swp", ".DS_Store", "4913", ".git/x"])
def test_editors_scratch_files_keep_the_check_remembered(content, monkeypatch, name) -> None:
    """The loader passes them over, so the remembered check does too, and still answers."""
    project = content(WARNED)
    expected = memo.check(project)
    scratch = project.content / "people" / name
    scratch.parent.mkdir(exist_ok=True)
    scratch.write_text("scratch")
    ran = checks_run(monkeypatch)
    assert memo.check(project) == expected
    assert ran == []


def test_a_failing_check_is_never_remembered(content, monkeypatch) -> None:
    project = content({**WARNED, "people/bad.yml": "name: Bad\n"})
    ran = checks_run(monkeypatch)
    for _ in range(2):
        with pytest.raises(ContentError):
            memo.check(project)
    assert len(ran) == 2
    assert not (project.work / "cache" / memo.FILE).exists()


def test_another_generator_or_a_damaged_memory_checks_afresh(content, monkeypatch) -> None:
    project = content(WARNED)
    expected = memo.check(project)
    path = project.work / "cache" / memo.FILE
    ran = checks_run(monkeypatch)
    monkeypatch.setattr(memo, "code_version", lambda: b"another generator")
    assert memo.check(project) == expected
    assert len(ran) == 1
    good = path.read_text(encoding="utf-8")
    data = json.loads(good)
    for broken in (
        "",
        good[:40],
        json.dumps(data | {"sizes": {"people": "1"}}),
        json.dumps(data | {"warnings": [["p", "1", 1, "f", "m", ""]]}),
        json.dumps(data | {"warnings": [["p", 1, 1, "f", "m"]]}),
        json.dumps([data]),
    ):
        path.write_text(broken, encoding="utf-8")
        ran.clear()
        assert memo.check(project) == expected
        assert len(ran) == 1, broken


def test_a_check_is_not_remembered_when_content_changed_during_it(content, monkeypatch) -> None:
    project = content(WARNED)
    real = build.check

    def editing(project: Project) -> build.Checked:
        checked = real(project)
        (project.content / "people" / "ada.yml").write_text("name: Ada\nrole: Y\ncountry: GB\n")
        return checked

    monkeypatch.setattr(build, "check", editing)
    memo.check(project)
    assert not (project.work / "cache" / memo.FILE).exists()


def test_check_prints_the_same_with_or_without_memory(real_project: Project) -> None:
    first = run_explainer(real_project, "check")
    assert (real_project.work / "cache" / memo.FILE).exists()
    second = run_explainer(real_project, "check")
    assert first.returncode == second.returncode == 0
    assert (first.stdout, first.stderr) == (second.stdout, second.stderr)


def test_the_loader_leaves_no_cycles_for_the_paused_collector(content) -> None:
    """Loading runs with the garbage collector paused (it would only rescan nodes that live
    as long as the story), so nothing it drops may need the collector, broken files included."""
    project = content({f"people/p{i}.yml": "name: [unclosed\n" for i in range(50)} | WARNED)
    gc.collect()
    gc.disable()
    try:
        load(project, cache=False)
        assert gc.collect() == 0
    finally:
        gc.enable()


_MODULES_AFTER_CHECK = """
import sys
from generator import cli
code = cli.main(["--root", sys.argv[1], "check"])
print(code, " ".join(sorted(sys.modules)))
"""


def test_a_remembered_check_imports_neither_the_pipeline_nor_yaml(real_project: Project) -> None:
    """The warm check's cost at 10,000 records was half imports: a remembered answer needs only
    the fingerprint, so the pipeline (and PyYAML, Jinja, Pillow behind it) stays unloaded."""

    def modules() -> set[str]:
        proc = subprocess.run(
            [sys.executable, "-c", _MODULES_AFTER_CHECK, str(real_project.root)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        code, *names = proc.stdout.splitlines()[-1].split()
        assert code == "0", proc.stderr
        return set(names)

    first = modules()  # nothing remembered yet: the whole check runs
    assert {"generator.build", "yaml"} <= first
    again = modules()
    assert not {"generator.build", "generator.loader", "yaml", "jinja2", "PIL"} & again

"""The parse cache (``.explainer/cache/trees.json``) only saves time: with it, without it, cold,
warm, damaged or forged, the loader gives the same trees and the generator the same pages."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from generator import loader
from generator.build import Project, generate
from tests.conftest import ROOT, copy_project, tree

CACHE = Path(".explainer") / "cache"


def load(project: Project, cache: bool = True) -> tuple[list[loader.LoadedFile], list[str]]:
    files, problems = loader.load(
        project.root, project.content, project.root / CACHE if cache else None
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


def test_errors_are_found_again_on_a_warm_run(content) -> None:  # type: ignore[no-untyped-def]
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
    assert not (plain.root / CACHE).exists()

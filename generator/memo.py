"""A check remembered: ``explainer check`` on content it has already passed answers at once.

Editors and the pre-commit hook run ``check`` again and again on content that has not changed.
A passing check is kept in ``.explainer/cache/check.json`` under a fingerprint of everything it
read: the path, kind and SHA-256 of every entry under ``content/`` (stray files and symlinks
included, since they are problems too; editors' backup and swap files left out, since no check
reads them), ``mkdocs.yml`` (it holds settings such as the file
limit), the generator's own code and the versions of the packages whose data it checks
against. Any change makes another fingerprint, and the full check runs. Only passing checks
are kept (errors are always found afresh); a memory that is damaged, foreign or unreadable is
ignored; a check during which the content changed is not kept. ``generate`` and ``build``
never use it: they need the records themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import Problem, Severity
from generator.limits import MAX_TEXT_BYTES
from generator.project import Project
from generator.schema import COLLECTIONS
from generator.scratch import ignored

if TYPE_CHECKING:
    from generator.build import Checked

FILE = "check.json"
_PACKAGES = ("PyYAML", "pycountry", "babel")
"""Packages whose behaviour or data a check depends on (YAML parsing, countries, dates)."""


def check(project: Project) -> tuple[list[Problem], dict[str, int]]:
    """What ``explainer check`` reports (warnings, and the number of records of each
    collection): remembered when this content has passed before, else found by the pipeline's
    check and kept. The pipeline is imported only then: a remembered answer needs none of it
    (its imports were half of a warm check at 10,000 records)."""
    key = fingerprint(project.root, project.content, (project.config,))
    known = recall(project.cache, key) if key else None
    if known:
        return known
    from generator import build  # noqa: PLC0415 - late: see the docstring

    checked: Checked = build.check(project)
    sizes = {name: len(checked.story.collection(name)) for name in COLLECTIONS}
    if key and fingerprint(project.root, project.content, (project.config,)) == key:
        remember(project.cache, key, checked.warnings, sizes)
    return checked.warnings, sizes


def code_version(packages: tuple[str, ...] = _PACKAGES) -> bytes:
    """A fingerprint of the generator's code and templates, of the Python running it, and of
    the versions of ``packages``: what, besides its input, decides what a run gives."""
    digest = hashlib.sha256(sys.version.encode() + b"\0")
    here = Path(__file__).parent
    for path in sorted(here.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            data = path.read_bytes()
            digest.update(f"{path.relative_to(here).as_posix()}\0{len(data)}\0".encode() + data)
    for name in packages:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}=={metadata.version(name)}\0".encode())
    return digest.digest()


def fingerprint(root: Path, content: Path, also: tuple[Path, ...] = ()) -> str | None:
    """The SHA-256 of everything a check of ``content`` reads (and of the files ``also``
    names, such as ``mkdocs.yml``, present or not), or None when it cannot be taken cheaply
    and safely (a file over the loader's size limits, an unreadable entry)."""
    digest = hashlib.sha256(code_version())
    if content.is_relative_to(root):
        digest.update(content.relative_to(root).as_posix().encode())
    try:
        for path in also:
            data = path.read_bytes() if path.is_file() else b"absent"
            digest.update(f"A\0{path.name}\0{len(data)}\0".encode() + data)
        _walk(digest, str(content), "")
    except (OSError, _TooBig):
        return None
    return digest.hexdigest()


class _TooBig(Exception):
    """A file the loader refuses by its size: fingerprinting it would read it all."""


def _walk(digest: Any, folder: str, rel: str) -> None:
    """Every entry under ``folder`` in name order: its kind, path and (for a file) contents;
    symlinks are named with their target and never followed. Editors' backup and swap files
    are passed over, as the loader passes them over: a Vim swap file rewritten as one types
    would otherwise send every check of 10,000 records down the full path (1.8 s, not 0.2)."""
    with os.scandir(folder) as scan:
        entries = sorted((e for e in scan if not ignored(e.name)), key=lambda entry: entry.name)
    for entry in entries:
        path = f"{rel}{entry.name}"
        if entry.is_symlink():
            digest.update(f"L\0{path}\0{os.readlink(entry.path)}\0".encode())
        elif entry.is_dir(follow_symlinks=False):
            digest.update(f"D\0{path}\0".encode())
            _walk(digest, entry.path, path + "/")
        elif entry.is_file(follow_symlinks=False):
            if entry.stat(follow_symlinks=False).st_size > MAX_TEXT_BYTES:
                raise _TooBig(path)
            with open(entry.path, "rb") as file:
                data = file.read()
            digest.update(f"F\0{path}\0{len(data)}\0".encode() + hashlib.sha256(data).digest())
        else:
            digest.update(f"O\0{path}\0".encode())


def recall(cache: Path, key: str) -> tuple[list[Problem], dict[str, int]] | None:
    """The warnings and collection sizes of the passing check remembered under ``key``."""
    try:
        data = json.loads((cache / FILE).read_bytes())
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        warnings = [_problem(item) for item in data["warnings"]]
        sizes = data["sizes"]
        if not (isinstance(sizes, dict) and all(type(n) is int for n in sizes.values())):
            return None
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return warnings, {str(name): n for name, n in sizes.items()}


def _problem(item: Any) -> Problem:
    path, line, col, field, message, hint = item
    if not all(isinstance(text, str) for text in (path, field, message, hint)):
        raise TypeError("text")
    if type(line) is not int or type(col) is not int:
        raise TypeError("position")
    return Problem(path, line, col, field, message, hint, Severity.WARNING)


def remember(cache: Path, key: str, warnings: list[Problem], sizes: dict[str, int]) -> None:
    """Keep a passing check; a failure to write costs time next run, nothing else."""
    if any(p.severity is not Severity.WARNING for p in warnings):
        return
    data = {
        "key": key,
        "sizes": sizes,
        "warnings": [[p.path, p.line, p.col, p.field, p.message, p.hint] for p in warnings],
    }
    temporary = cache / f".{FILE}.{os.getpid()}"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, cache / FILE)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)

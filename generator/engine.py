"""Run the site engine (MkDocs, or Zensical) as a separate program.

The generator core never imports MkDocs: the engine is a subprocess reading ``mkdocs.yml``.
The site is built into a staging folder and swapped in, so a failed build leaves ``site/``
as it was.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from generator import build_child, faults, harden, history, search, timings, workers
from generator.errors import BuildError, writing

ENGINES = ("mkdocs", "zensical")


def source_date_epoch(root: Path) -> str:
    """``SOURCE_DATE_EPOCH`` from the environment, else the last commit's time, else 0,
    so that the same commit always builds the same bytes."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    out = history.git(root, ["git", "log", "-1", "--format=%ct"])
    return (out or "").strip() or "0"


def engine_command(engine: str, config: Path, site_dir: Path) -> list[str]:
    if engine == "mkdocs":
        return [
            sys.executable,
            "-P",  # the installed code, never a same-named folder where it runs
            "-m",
            "generator.build_child",  # MkDocs, saying which pages it has written
            "build",
            "--strict",
            "--quiet",
            "--config-file",
            str(config),
            "--site-dir",
            str(site_dir),
        ]
    if engine == "zensical":
        exe = shutil.which("zensical", path=str(Path(sys.executable).parent)) or "zensical"
        return [exe, "build", "--config-file", str(config), "--clean"]
    raise BuildError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def build_site(
    root: Path,
    config: Path,
    site: Path,
    work: Path,
    engine: str = "mkdocs",
    *,
    templates: Path | None = None,
    meanwhile: Callable[[], None] | None = None,
    late: Callable[[Path], None] | None = None,
) -> None:
    """Build the site into a staging folder, harden it, then swap it in for ``site``.

    Zensical has no option for the output folder, so it writes where ``mkdocs.yml`` says,
    without the swap. ``templates``: where MkDocs may keep the theme's templates compiled.
    ``meanwhile``: called while the engine runs (keeping the generator's work in the cache:
    :func:`generator.build.build`). ``late``: called with the staged site once it is built and
    hardened, before the swap, to add what was not ready when the engine started (share
    cards: :func:`generator.build.build`).
    """
    recover_site(site, work)
    staged = work / "site-new" if engine == "mkdocs" else site
    if engine == "mkdocs" and staged.exists():
        shutil.rmtree(staged)
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": source_date_epoch(root),
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "NO_MKDOCS_2_WARNING": "1",  # Material's end-of-life banner; the README covers it
    }
    if engine == "mkdocs" and templates is not None:  # a cache named in the environment wins
        env[build_child.TEMPLATE_CACHE] = str(build_child.templates_folder(templates))
    aside = work / ASIDE
    ahead: harden.Ahead = {}
    command = engine_command(engine, config, staged)
    try:
        if engine == "mkdocs" and second_core():  # pages hardened as MkDocs writes them
            alongside = harden.Alongside(staged, aside, DEATH_HOOK)
            env[build_child.REPORT_FD] = str(alongside.fd)
            try:
                with writing(staged):  # a refused write() names no file: name the site
                    _run(engine, command, root, env, (alongside.fd,), meanwhile=meanwhile)
            except BaseException:
                alongside.stop()
                raise
            ahead = alongside.finish()
        else:
            with writing(staged):
                _run(engine, command, root, env, (), meanwhile=meanwhile)
        faults.point("site-built")
        with timings.stage("search"):
            search.index_site(staged)
        with timings.stage("harden"):
            harden.harden_site(staged, worker_setup=DEATH_HOOK, ahead=ahead, aside=aside)
        if late is not None:
            late(staged)
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    if staged != site:
        _swap(staged, site, work)


def second_core() -> bool:
    """Whether hardening beside the engine can run on a core of its own (and fork)."""
    return workers.cores() > 1 and "fork" in multiprocessing.get_all_start_methods()


ASIDE = "site-hardened"
"""Where pages hardened while MkDocs is still running wait (:class:`generator.harden.Alongside`)
until it has finished and they are moved in."""


def _run(
    engine: str,
    command: list[str],
    root: Path,
    env: dict[str, str],
    fds: tuple[int, ...],
    *,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Run the engine to the end, and ``meanwhile`` while it runs (the engine is stopped if
    that fails); BuildError with the engine's output if it fails, or the OSError that stopped
    MkDocs (:func:`generator.build_child.refused`)."""
    try:
        proc = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=fds,
            preexec_fn=DEATH_HOOK,  # noqa: PLW1509 - this process starts no thread in a build
        )
    except OSError as exc:
        raise BuildError(f"cannot run {engine}: {exc}") from None
    with proc:  # on the way out of an exception: the engine killed, its pipes closed
        try:
            if meanwhile is not None:
                meanwhile()
            stdout, stderr = proc.communicate()
        except BaseException:
            proc.kill()
            raise
    refused = build_child.refused(proc.returncode, stderr) if engine == "mkdocs" else None
    if refused is not None:  # a full disk, a read-only folder: one line, as for our own writes
        raise refused
    if proc.returncode != 0:
        raise BuildError(f"{engine} build failed:\n{stderr or stdout}")


def die_with_parent() -> None:
    """Have Linux kill the engine when explainer dies, so that an orphaned engine never
    writes into a staging folder the next run has taken over."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1
DEATH_HOOK = die_with_parent if sys.platform == "linux" else None
"""What the engine and the hardening processes run first, where the system has it."""


def recover_site(site: Path, work: Path) -> None:
    """Finish a swap a crash interrupted (the journal says the new site was complete), or
    drop a half-built one; the previous ``site/`` is never touched before the journal."""
    if (work / SITE_JOURNAL).exists():
        _commit_site(site, work)
    for leftover in (work / "site-new", work / "site-old", work / ASIDE):
        if leftover.exists():
            shutil.rmtree(leftover)


SITE_JOURNAL = "site-journal"


def _swap(new: Path, site: Path, work: Path) -> None:
    old = work / "site-old"
    if old.exists():
        shutil.rmtree(old)
    (work / SITE_JOURNAL).write_bytes(b"")
    faults.point("site-journal")
    _commit_site(site, work)


def _commit_site(site: Path, work: Path) -> None:
    new, old = work / "site-new", work / "site-old"
    if new.exists():
        if site.exists() and not old.exists():
            os.rename(site, old)
        faults.point("site-swap")
        os.rename(new, site)
    (work / SITE_JOURNAL).unlink()
    if old.exists():
        shutil.rmtree(old)

"""Builds that survive real editing: two builds at once, a full disk or a read-only folder.

How each case is made, honestly:
- concurrent builds are real ``explainer build`` processes started together;
- "disk full" is simulated twice: in a subprocess whose file-size limit (``RLIMIT_FSIZE``,
  ``SIGXFSZ`` ignored) makes the kernel refuse the write with ``EFBIG``; and in-process, where
  the writer's ``Path.write_bytes`` raises ``OSError(ENOSPC)`` (the tests run as root, and a
  small tmpfs needs mount privileges);
- "read-only" as root, where ``chmod`` does not stop writes: ``chattr +i`` (immutable) on the
  folder, which stops root too; the test says so and fails if the file system refuses the flag.
"""

from __future__ import annotations

import errno
import fcntl
import os
import resource
import select
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator import cli, lock, serve
from generator.errors import BuildError
from generator.project import Project
from tests.conftest import (
    EXPLAINER,
    ROOT,
    STORIES,
    copy_project,
    environment,
    run_explainer,
    tree,
)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The harbour story built once, alone: what every other build must equal."""
    project = copy_project(STORIES / "harbour", tmp_path_factory.mktemp("clean") / "h")
    proc = run_explainer(project, "build", env=environment())
    assert proc.returncode == 0, proc.stderr
    return project


# -- two builds at once ----------------------------------------------------------------------


@pytest.mark.site
def test_three_builds_at_once_wait_for_each_other(clean: Project, tmp_path: Path) -> None:
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    procs = [
        subprocess.Popen(
            [*EXPLAINER, "--root", str(project.root), "build"],
            env=environment(),
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        assert all(
            line.startswith("waiting: another build is running (pid ") for line in err.splitlines()
        ), err
    assert tree(project.site) == tree(clean.site)
    assert tree(project.docs) == tree(clean.docs)


@contextmanager
def holding(work: Path) -> Iterator[None]:
    """Hold the build lock from this process, as a running build would."""
    work.mkdir(parents=True, exist_ok=True)
    with (work / lock.LOCK).open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


def test_a_second_build_waits_and_says_for_whom(clean: Project, tmp_path: Path) -> None:
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    with holding(project.work):
        proc = subprocess.Popen(
            [*EXPLAINER, "--root", str(project.root), "generate"],
            env=environment(),
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # it says it waits (read before letting go: a child slow to start on a busy machine,
        # or under pytest-xdist, would otherwise find the lock free), and waits as long as
        # the lock is held: no pages yet
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 120)
        assert ready, "the second build never said that it waits"
        said = proc.stderr.readline()
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=1.5)
        assert not (project.docs / "people").exists()
    _, rest = proc.communicate(timeout=120)
    err = said + rest
    assert proc.returncode == 0, err
    assert err.splitlines() == [f"waiting: another build is running (pid {os.getpid()})"]
    assert tree(project.docs) == tree(clean.docs)


def test_a_build_gives_up_after_the_wait_naming_the_holder(tmp_path: Path) -> None:
    said: list[str] = []
    with holding(tmp_path), pytest.raises(BuildError) as caught:  # noqa: SIM117
        with lock.held(tmp_path, said.append, wait=0.3):
            pytest.fail("took a lock another build holds")
    assert said == [f"waiting: another build is running (pid {os.getpid()})"]
    assert str(caught.value).startswith(f"another build is running (pid {os.getpid()})")


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    """flock dies with its process: a crashed build never leaves a stale lock."""
    with subprocess.Popen(
        [
            "python3",
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
            str(tmp_path / lock.LOCK),
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    with lock.held(tmp_path, pytest.fail, wait=5):
        pass


# -- a full disk, a read-only folder ---------------------------------------------------------


def _file_size_limit(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes; the write fails with EFBIG."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def run_limited(project: Project, command: str, limit: int) -> subprocess.CompletedProcess[str]:
    """The real command line, where no file may grow past ``limit`` bytes: a full disk."""
    return subprocess.run(
        [*EXPLAINER, "--root", str(project.root), command],
        env=environment(),
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
        timeout=300,
        preexec_fn=lambda: _file_size_limit(limit),
    )


def test_a_full_disk_is_one_line_and_leaves_docs_as_they_were(
    clean: Project, tmp_path: Path
) -> None:
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    proc = run_explainer(project, "generate", env=environment())
    assert proc.returncode == 0, proc.stderr
    before = tree(project.docs)
    record = project.content / "people" / "tom-berg.yml"
    record.write_text(record.read_text() + "bio: " + "Long. " * 600 + "\n")
    proc = run_limited(project, "generate", 4096)
    assert proc.returncode == cli.EXIT_BUILD
    assert proc.stderr.startswith("error: cannot write .explainer/stage/"), proc.stderr
    assert proc.stderr.count("\n") == 1
    assert ": File too large (free some space or make it writable, then run again)" in proc.stderr
    assert tree(project.docs) == before
    proc = run_explainer(project, "generate", env=environment())  # space again: it goes through
    assert proc.returncode == 0, proc.stderr
    assert "Long. Long." in (project.docs / "people" / "tom-berg.md").read_text()


def test_enospc_at_a_page_write_names_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    assert cli.main(["--root", str(project.root), "generate"]) == 0
    before = tree(project.docs)
    record = project.content / "people" / "tom-berg.yml"
    record.write_text(record.read_text().replace("Harbour master", "Port captain"))
    capsys.readouterr()
    real = Path.write_bytes

    def full(path: Path, data: bytes) -> int:
        if "stage" in path.parts and path.name == "tom-berg.md":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert cli.main(["--root", str(project.root), "generate"]) == cli.EXIT_BUILD
    assert capsys.readouterr().err == (
        "error: cannot write .explainer/stage/people/tom-berg.md: No space left on device "
        "(free some space or make it writable, then run again)\n"
    )
    assert tree(project.docs) == before


@pytest.mark.site
def test_a_full_disk_while_the_engine_writes_is_one_line_and_leaves_site_as_it_was(
    clean: Project, tmp_path: Path
) -> None:
    """MkDocs' own write refused (here: Material's script bundle, past a 64 KB file limit,
    while the generator has nothing to write): one line naming the file, not MkDocs'
    traceback; ``site/`` as it was, and the next build goes through."""
    shutil.copytree(clean.root, tmp_path / "h", symlinks=True)
    project = Project(tmp_path / "h")
    before = tree(project.site)
    proc = run_limited(project, "build", 64 * 1024)
    assert proc.returncode == cli.EXIT_BUILD
    assert proc.stderr.startswith("error: cannot write .explainer/site-new/"), proc.stderr
    assert proc.stderr.count("\n") == 1
    assert ": File too large (free some space or make it writable, then run again)" in proc.stderr
    assert tree(project.site) == before
    proc = run_explainer(project, "build", env=environment())
    assert proc.returncode == 0, proc.stderr
    assert tree(project.site) == before
    assert not (project.work / "site-new").exists()


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """Make ``path`` unwritable even for root (``chattr +i``); undo it afterwards."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"this test needs chattr +i on {path}: {done.stderr}"
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.site
@pytest.mark.parametrize("folder", ["docs", "docs/data", "site"])
def test_a_read_only_folder_is_one_line_and_changes_nothing(
    folder: str, clean: Project, tmp_path: Path
) -> None:
    shutil.copytree(clean.root, tmp_path / "h", symlinks=True)
    project = Project(tmp_path / "h")
    before = {"docs": tree(project.docs), "site": tree(project.site)}
    record = project.content / "people" / "tom-berg.yml"
    record.write_text(record.read_text().replace("Harbour master", "Port captain"))
    with immutable(project.root / folder):
        proc = run_explainer(project, "build", env=environment())
        assert proc.returncode == cli.EXIT_BUILD
        assert proc.stderr.startswith(f"error: cannot write {folder}"), proc.stderr
        assert proc.stderr.count("\n") == 1
        assert ": Operation not permitted (free some space" in proc.stderr
        assert tree(project.site) == before["site"]
        if folder.startswith("docs"):  # a subfolder too: not some entries swapped and not others
            assert tree(project.docs) == before["docs"]
    proc = run_explainer(project, "build", env=environment())  # writable again: finished by itself
    assert proc.returncode == 0, proc.stderr
    assert "Port captain" in (project.site / "people" / "tom-berg" / "index.html").read_text()


def test_the_preview_waits_for_a_running_build(
    clean: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``serve`` regenerates under the same lock, so it never writes beside a ``make site``."""
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    with holding(project.work):
        worker = threading.Thread(target=serve.regenerate, args=(project, lambda problems: None))
        worker.start()
        worker.join(timeout=1.5)
        assert worker.is_alive()  # waiting for the lock
        assert not (project.docs / "people").exists()
    worker.join(timeout=120)
    assert not worker.is_alive()
    err = capsys.readouterr().err
    assert err.startswith(f"waiting: another build is running (pid {os.getpid()})\n"), err
    assert tree(project.docs) == tree(clean.docs)

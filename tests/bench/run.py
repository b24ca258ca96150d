"""``make bench``: what an explainer of N synthetic records costs, measured in one run.

For each N (default 1,000 and 10,000) it writes a synthetic project (:mod:`tests.bench.synth`)
into ``.explainer/bench/n<N>/``, commits it to a throwaway git repository (so pages carry their
change history as a real story's do), and measures with the real command line:

- ``explainer check`` cold (no cache) and warm (nothing changed);
- ``explainer generate`` into an empty ``docs/``, then again with nothing changed;
- ``explainer build`` from clean, split into generator, engine and post-processing (the
  search index, hardening) by the stage times the build writes when ``EXPLAINER_TIMINGS`` is
  set; then from clean again with ``.explainer/cache`` kept (parsed trees, share cards,
  history), as a CI run with a cache or an editor's second ``make site`` has it;
- bare ``mkdocs build`` and ``zensical build`` of the same ``docs/`` (a failure is recorded,
  not raised); then bare MkDocs and the build with caches kept again, in turn (``--pairs``), for
  the median of their ratios;
- the largest HTML page, the pages over 150 KB, the search index;
- in Debian's Chromium: the bytes a reader downloads to open the home page, and then to see the
  first search results for a person's name;
- with ``explainer serve`` running: seconds from saving one person's YAML until the served page
  shows the change, for three saves in a row, and their median.

Peak memory is the largest resident set of any process of a step (``wait4``'s ``ru_maxrss``
covers the child and the descendants it waited for). Times are wall-clock seconds on a shared
machine: compare the ratios within one run, not absolute times across runs. Each step starts
after ``sync``, so that it does not pay for writing out what the step before it left.

Each build (ours, bare MkDocs', Zensical's) starts on a calm disk: every site of the step
before it is deleted (:func:`_remove_sites`), then the bench waits :data:`CALM_SECONDS`. This
machine's file system (ext4 without a journal) skips inodes freed in the last 60 seconds when
it allocates new ones (``recently_deleted`` in ``find_inode_bit``, found with ``perf``):
creating 10,000 files took 4.0 s right after 30,000 were deleted, 0.26 s before and 62 s
after. A build started inside that window pays for the deletion by how many files it creates
and when: bare MkDocs creates 30,000 early, ours also Pagefind's 10,000 near its end, so the
ratio depended on how fast MkDocs was (1.17 to 1.43 in one run, the fastest MkDocs giving the
worst). No build pays for another's deletions now, as on a fresh clone in CI.

The results go to ``.explainer/bench/results.json`` and a Markdown table is printed.

    python -m tests.bench.run 1000 10000
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Response, sync_playwright

from generator.outputs import OWNED
from tests.bench.synth import ROOT, Sizes, make_project
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

OUT = ROOT / ".explainer" / "bench"
PREFIX = "bench"
"""The path of the synthetic story's ``site_url`` (see :meth:`Synth.config`)."""
PAGE_LIMIT = 150 * 1024
SAVE_PAUSE = 4.0
"""Seconds between two saves of the edit → preview figure: the preview's checks after a run
and MkDocs' rebuild are over by then, as they are between an editor's saves."""
FIXED_ENV = {
    "SOURCE_DATE_EPOCH": "1767225600",
    "TZ": "UTC",
    "LC_ALL": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "NO_MKDOCS_2_WARNING": "1",
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


@dataclass
class Step:
    """One program run: wall time, exit code, peak memory, and what it said if it failed."""

    seconds: float
    returncode: int
    max_rss_mb: float
    error: str = ""
    cpu_seconds: float = 0.0
    """User and system time of the process and the descendants it waited for: on a shared
    machine, less disturbed by the others' load than the wall-clock time."""


STEP_LIMIT = 3 * 3600.0
"""Seconds after which a step is killed and recorded as given up: at 50,000 records Zensical
0.0.73 once sat in a futex wait with 2 s of CPU for 21 minutes, and the run waited for ever."""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Step:
    """Run ``command`` to the end (or :data:`STEP_LIMIT`); its time and the peak RSS of it and
    its descendants."""
    os.sync()  # what the last step (or the bench's cleaning) left unwritten is not this step's
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=out
        )
        timer = threading.Timer(STEP_LIMIT, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if seconds >= STEP_LIMIT and proc.returncode < 0:
        text += f"\ngave up after {STEP_LIMIT:.0f} s"
    error = text[-2000:] if proc.returncode else ""
    cpu = round(usage.ru_utime + usage.ru_stime, 3)
    return Step(round(seconds, 3), proc.returncode, round(usage.ru_maxrss / 1024, 1), error, cpu)


CODE: Path | None = None
"""Another checkout's ``generator/`` to measure instead of this one (``--code``)."""


def explainer(project: Path, *args: str) -> list[str]:
    """The command line, from this checkout or from ``--code`` (for a before/after)."""
    path = f"sys.path.insert(0, {str(CODE)!r}); " if CODE else ""
    code = f"import sys; {path}from generator.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code, "--root", str(project), *args]


CALM_SECONDS = 62.0
"""How long after deleting files the file system allocates new ones at full speed again: it
skips inodes freed in the last 60 seconds (see the module docstring)."""


def _remove_sites(project: Path) -> None:
    """Delete every site a build left (ours, bare MkDocs', Zensical's), then wait until the
    file system no longer skips the inodes that freed, or any the step before freed: what any
    build step does first, so that each starts on a calm disk (see the module docstring)."""
    for site in (project / "site", project / "zensical-site", _bare_site(project)):
        shutil.rmtree(site, ignore_errors=True)
    os.sync()  # a dirty inode table block would make the window five minutes longer
    time.sleep(CALM_SECONDS)


def _bare_site(project: Path) -> Path:
    return project.parent / f"{project.name}-bare-site"


def _clean(project: Path, *, cache: bool) -> None:
    """Remove what a build leaves (and the cache, when asked), as on a fresh checkout; the
    sites last, since removing them waits for a calm disk: the generated ``docs/`` alone is
    some 20,000 files at 10,000 records (pages, share cards, data), and a build started right
    after they were deleted paid for it, while the bare MkDocs it was compared with did not."""
    OWNED.clear(project / "docs")
    work = project / ".explainer"
    if work.exists():
        for child in work.iterdir():
            if child.name != "cache" or cache:
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
    _remove_sites(project)


def _git_init(project: Path) -> Step:
    env = {**GIT_ENV, "GIT_CONFIG_GLOBAL": "/dev/null"}
    (project / ".gitignore").write_text("site/\nzensical-site/\n.explainer/\n.cache/\n")
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "Synthetic content"],
    ):
        step = run(command, project, env)
        if step.returncode:
            return step
    return step


def timed_build(project: Path, result: dict[str, Any]) -> None:
    """``explainer build`` from clean, with the stage times it writes."""
    _clean(project, cache=True)
    stages = project.parent / f"{project.name}-timings.json"
    stages.unlink(missing_ok=True)
    step = run(explainer(project, "build"), project, {"EXPLAINER_TIMINGS": str(stages)})
    result["build"] = asdict(step)
    if step.returncode == 0 and stages.exists():
        times = json.loads(stages.read_text())
        site = times.pop("site", 0.0)
        late = times.get("cards after the engine", 0.0)  # cards not done when it finished
        after = times.get("harden", 0.0) + times.get("search", 0.0) + late  # post-processing
        result["build_stages"] = times | {"engine": round(site - after, 3)}
        result["build_generator"] = round(step.seconds - site, 3)


def bare_engines(project: Path, result: dict[str, Any]) -> None:
    """The same ``docs/`` built by MkDocs alone and by Zensical alone, into scratch folders."""
    result["bare_mkdocs"] = bare_mkdocs(project)
    config = project / "zensical.yml"
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(re.sub(r"^site_dir: .*$", "site_dir: zensical-site", text, flags=re.M))
    shutil.rmtree(project / ".cache", ignore_errors=True)
    _remove_sites(project)
    zensical = str(Path(sys.executable).parent / "zensical")
    command = [zensical, "build", "--config-file", config.name, "--clean"]
    result["zensical"] = asdict(run(command, project, FIXED_ENV))
    config.unlink()


def sizes(site: Path, result: dict[str, Any]) -> None:
    pages = sorted(
        ((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")),
        reverse=True,
    )
    index = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    result["pages"] = len(pages)
    result["largest_pages"] = [{"path": p, "bytes": b} for b, p in pages[:5]]
    result["pages_over_150kb"] = sum(b > PAGE_LIMIT for b, _ in pages)
    result["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    if index:  # Pagefind's, which a reader fetches a few chunks of (see first results below)
        total = sum(p.stat().st_size for p in index)
        result["search_index"] = {"bytes": total, "files": len(index)}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The bench prints its own table."""


@contextlib.contextmanager
def static_server(site: Path) -> Iterator[str]:
    """``site/`` served at ``/bench/`` on 127.0.0.1, as Pages would publish it; its home URL."""
    with tempfile.TemporaryDirectory() as top:
        (Path(top) / PREFIX).symlink_to(site.resolve())
        handler = functools.partial(_Quiet, directory=top)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/{PREFIX}/"
        finally:
            httpd.shutdown()
            httpd.server_close()


SEARCH_INPUTS = "input.md-search__input, .pagefind-ui__search-input, input[type=search]"
SEARCH_RESULTS = ".md-search-result__item, .pagefind-ui__result, [data-search-result]"


def reader_bytes(site: Path, name: str, result: dict[str, Any]) -> None:
    """What Chromium downloads to open the home page, then to show results for ``name``."""
    responses: list[Response] = []
    with static_server(site) as home, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            # Playwright wants a Python function: a bound builtin like list.append fails
            context.on("response", lambda response: responses.append(response))  # noqa: PLW0108
            page = context.new_page()
            page.goto(home, wait_until="networkidle")
            opened = len(responses)
            result["home_download"] = _body_bytes(responses)
            started = time.perf_counter()
            page.locator(SEARCH_INPUTS).first.click()
            page.keyboard.type(name, delay=20)
            page.locator(SEARCH_RESULTS).first.wait_for(timeout=120_000)
            result["search_seconds"] = round(time.perf_counter() - started, 3)
            result["search_download"] = _body_bytes(responses[opened:])
            result["search_query"] = name
        except Exception as exc:
            result["browser_error"] = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            browser.close()


def _body_bytes(responses: list[Any]) -> dict[str, int]:
    """Sum of response bodies, as served (no compression) and as gzip would send them."""
    raw = packed = 0
    for response in responses:
        try:
            body = response.body()
        except Exception:
            continue
        raw += len(body)
        packed += len(gzip.compress(body, 6)) if body else 0
    return {"bytes": raw, "gzip": packed, "requests": len(responses)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


def _wait(until: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if until():
            return True
        time.sleep(0.05)
    return False


def edit_to_preview(project: Path, person: str, result: dict[str, Any], saves: int = 3) -> None:
    """Seconds from saving one person's YAML to the served page showing the change, for
    ``saves`` saves in a row (each a new role, a few seconds apart, as an editor works), and
    their median: one save moves by a few tenths on this machine."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/{PREFIX}/"
    log = project.parent / f"{project.name}-serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            explainer(project, "serve", "--addr", f"127.0.0.1:{port}"),
            cwd=project,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        try:
            page = f"{base}people/{person}/"
            started = time.perf_counter()
            if not _wait(lambda: _fetch(page) is not None, 900):
                result["preview_error"] = "serve did not answer within 900 s"
                return
            result["serve_start_seconds"] = round(time.perf_counter() - started, 3)
            record = project / "content" / "people" / f"{person}.yml"
            text = record.read_text(encoding="utf-8")
            try:
                found = _saves(record, text, page, saves)
            finally:
                record.write_text(text, encoding="utf-8")
            if len(found) == saves:
                result["edit_to_preview_each"] = found
                result["edit_to_preview"] = statistics.median(found)
            else:
                result["preview_error"] = f"save {len(found) + 1} did not show within 600 s"
        finally:
            _stop(proc)
    result["preview_log"] = log.read_text(encoding="utf-8", errors="replace")[-1500:]


def _saves(record: Path, text: str, page: str, saves: int) -> list[float]:
    """Each save's seconds until ``page`` shows its new role; stops at one that never does."""
    found: list[float] = []
    for index in range(saves):
        if index:
            time.sleep(SAVE_PAUSE)
        marker = f"Bench edit {4817 + index}"
        new = re.sub(r"^role: .*$", f"role: {marker}", text, flags=re.M)
        record.write_text(new, encoding="utf-8")
        started = time.perf_counter()
        if not _wait(functools.partial(_shows, page, marker), 600):
            break
        found.append(round(time.perf_counter() - started, 3))
    return found


def _shows(page: str, marker: str) -> bool:
    return marker in (_fetch(page) or "")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the preview (it ends its MkDocs child), then to its own process group."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)


def bare_mkdocs(project: Path) -> dict[str, Any]:
    """The same ``docs/`` built by MkDocs alone, into a scratch folder (left for the next
    build step to delete, as each build deletes the sites before it)."""
    _remove_sites(project)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    command += ["--config-file", "mkdocs.yml", "--site-dir", str(_bare_site(project))]
    return asdict(run(command, project, FIXED_ENV))


def warm_build(project: Path) -> dict[str, Any]:
    """``explainer build`` of a fresh checkout whose ``.explainer/cache`` was kept (CI's cache,
    an editor's second ``make site``), with the stage times it writes: one pair's ratio moves
    by a tenth between runs, and the stages say where."""
    _clean(project, cache=False)
    stages = project.parent / f"{project.name}-warm-timings.json"
    stages.unlink(missing_ok=True)
    step = asdict(run(explainer(project, "build"), project, {"EXPLAINER_TIMINGS": str(stages)}))
    if stages.exists():
        step["stages"] = json.loads(stages.read_text(encoding="utf-8"))
    return step


def edited_build(project: Path, result: dict[str, Any], pairs: int) -> None:
    """A pull request's build, ``pairs`` times: one person's role changed since the cache was
    kept (each time to a new value), so the pages and outputs that show it are made again and
    the rest reused; then bare MkDocs of the same ``docs/``. One pair moves by ±0.1 on this
    machine, as the builds with caches kept do, so the table shows each pair and their
    median. The record is put back after."""
    record = sorted((project / "content" / "people").glob("*.yml"))[2]
    text = record.read_text(encoding="utf-8")
    found = []
    try:
        for index in range(pairs):
            role = f"role: Bench edit {2291 + index}"
            record.write_text(re.sub(r"^role: .*$", role, text, flags=re.M), encoding="utf-8")
            found.append({"warm": warm_build(project), "bare": bare_mkdocs(project)})
    finally:
        record.write_text(text, encoding="utf-8")
    result["edited_pairs"] = found
    result["build_edited"], result["bare_edited"] = found[0]["warm"], found[0]["bare"]


def more_pairs(project: Path, result: dict[str, Any], pairs: int) -> None:
    """Bare MkDocs, then a build with caches kept, ``pairs - 1`` times more: one pair's ratio
    moves by ±0.1 on this machine, so the table shows each pair's and their median."""
    found = [{"bare": result.get("bare_mkdocs") or {}, "warm": result.get("build_warm") or {}}]
    for _ in range(pairs - 1):
        found.append({"bare": bare_mkdocs(project), "warm": warm_build(project)})
    result["pairs"] = found


def bench(n: int, *, browser: bool = True, preview: bool = True, pairs: int = 3) -> dict[str, Any]:
    """Every measurement for one N."""
    project = OUT / f"n{n}"
    result: dict[str, Any] = {"n": n, "records": asdict(Sizes.of(n))}
    started = time.perf_counter()
    make_project(n, project)
    result["synth_seconds"] = round(time.perf_counter() - started, 3)
    result["git"] = asdict(_git_init(project))
    _say(n, "check")
    _clean(project, cache=True)
    result["check_cold"] = asdict(run(explainer(project, "check"), project))
    result["check_warm"] = asdict(run(explainer(project, "check"), project))
    _say(n, "generate")
    result["generate"] = asdict(run(explainer(project, "generate"), project))
    result["generate_unchanged"] = asdict(run(explainer(project, "generate"), project))
    _say(n, "build")
    timed_build(project, result)
    _say(n, "bare engines")
    bare_engines(project, result)
    _say(n, "build with caches")
    result["build_warm"] = warm_build(project)
    if (project / "site").is_dir():
        sizes(project / "site", result)
        people = sorted((project / "content" / "people").glob("*.yml"))
        cyrillic = next(p for p in people if "native_name" in p.read_text(encoding="utf-8"))
        name = re.search(r"^name: (.*)$", cyrillic.read_text(encoding="utf-8"), re.M)
        if browser and name:
            _say(n, "browser")
            reader_bytes(project / "site", name.group(1), result)
    _say(n, f"{pairs - 1} more pairs of bare mkdocs and build with caches")
    more_pairs(project, result, pairs)
    _say(n, f"{pairs} builds after one record is edited, each with bare mkdocs")
    edited_build(project, result, pairs)
    if preview:
        _say(n, "edit → preview")
        edit_to_preview(project, sorted(project.glob("content/people/*.yml"))[1].stem, result)
    steps = [v for v in result.values() if isinstance(v, dict) and "max_rss_mb" in v]
    result["peak_rss_mb"] = max((s["max_rss_mb"] for s in steps), default=0)
    pairs_run = [*result.get("pairs", []), *result.get("edited_pairs", [])]  # build_warm: 1st
    ours = [result.get("build"), *(p.get("warm") for p in pairs_run)]
    result["build_peak_rss_mb"] = max((s["max_rss_mb"] for s in ours if s), default=0)
    return result


def _say(n: int, what: str) -> None:
    print(f"[bench n={n}] {what} …", file=sys.stderr, flush=True)


def _s(step: dict[str, Any] | None) -> str:
    """Wall-clock seconds, and CPU seconds in brackets."""
    if not step:
        return "—"
    if step.get("returncode"):
        return f"failed after {step['seconds']:.1f} s"
    return f"{step['seconds']:.2f} s ({step.get('cpu_seconds', 0):.2f})"


def _why(step: dict[str, Any]) -> str:
    """The last line a failed step printed, for the table (the whole text is in the JSON)."""
    lines = [line for line in step.get("error", "").splitlines() if line.strip()]
    return f": {lines[-1][:160]}" if step.get("returncode") and lines else ""


def _get(result: dict[str, Any], step: str, figure: str) -> float | None:
    value = (result.get(step) or {}).get(figure)
    return float(value) if value is not None else None


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "—"


def _kb(value: int | None) -> str:
    return f"{value / 1024:,.0f} KB" if value is not None else "—"


def _rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, figure) for one N."""
    build, bare = r.get("build") or {}, r.get("bare_mkdocs") or {}
    stages = r.get("build_stages", {})
    ok = not build.get("returncode") and not bare.get("returncode")
    build_s, bare_s = (build.get("seconds"), bare.get("seconds")) if ok else (None, None)
    over = (build_s - bare_s) / bare_s if build_s and bare_s else None
    largest = (r.get("largest_pages") or [{}])[0]
    home, search = r.get("home_download", {}), r.get("search_download", {})
    zensical = r.get("zensical", {})
    warm = r.get("build_warm") or {}
    edited, bare_edited = r.get("build_edited") or {}, r.get("bare_edited") or {}
    return [
        ("pages (times: wall s (CPU s))", f"{r.get('pages', '—')}"),
        ("`check` cold / warm", f"{_s(r.get('check_cold'))} / {_s(r.get('check_warm'))}"),
        (
            "`check` warm ÷ cold, wall (CPU)",
            f"{_ratio(_get(r, 'check_warm', 'seconds'), _get(r, 'check_cold', 'seconds'))} ("
            + _ratio(_get(r, "check_warm", "cpu_seconds"), _get(r, "check_cold", "cpu_seconds"))
            + ")",
        ),
        (
            "`generate` (empty docs/) / unchanged",
            f"{_s(r.get('generate'))} / {_s(r.get('generate_unchanged'))}",
        ),
        ("`build` from clean", _s(build)),
        (
            "… generator / engine / search index / hardening",
            f"{r.get('build_generator', 0):.2f} / {stages.get('engine', 0):.2f} / "
            f"{stages.get('search', 0):.2f} / {stages.get('harden', 0):.2f} s",
        ),
        (
            "… of the generator: load / pages / share cards",
            f"{stages.get('load', 0):.2f} / {stages.get('render: pages', 0):.2f} / "
            f"{stages.get('render: cards', 0):.2f} s",
        ),
        (
            "… share cards drawn beside the engine: still to wait for, then written",
            f"{stages.get('cards after the engine', 0):.2f} s",
        ),
        ("bare `mkdocs build` of the same docs/", _s(bare)),
        ("**build ÷ bare mkdocs** (goal ≤ 1.25)", _ratio(build_s, bare_s)),
        (
            "… the same in CPU seconds",
            _ratio(build.get("cpu_seconds"), bare.get("cpu_seconds")) if ok else "—",
        ),
        (
            "generator + post-processing over bare mkdocs",
            f"{over:+.0%}" if over is not None else "—",
        ),
        (
            "… our own stages (build less its engine stage) over bare mkdocs",
            f"{(build_s - stages['engine']) / bare_s:+.0%}"
            if build_s and bare_s and "engine" in stages
            else "—",
        ),
        ("`build` from clean again, caches kept", _s(warm)),
        (
            "… ÷ bare mkdocs, wall (CPU)",
            f"{_ratio(warm.get('seconds'), bare_s)} "
            f"({_ratio(warm.get('cpu_seconds'), bare.get('cpu_seconds'))})"
            if ok and warm and not warm.get("returncode")
            else "—",
        ),
        ("… each pair (bare, then ours) and their median", _pairs(r.get("pairs") or [])),
        (
            "`build` after one record is edited, caches kept / bare mkdocs",
            f"{_s(edited)} / {_s(bare_edited)} = "
            + _ratio(edited.get("seconds"), bare_edited.get("seconds"))
            if edited and bare_edited and not edited.get("returncode")
            else "—",
        ),
        ("… each pair (ours, then bare) and their median", _pairs(r.get("edited_pairs") or [])),
        ("`zensical build` (cold)", _s(zensical) + _why(zensical)),
        (
            "zensical ÷ bare mkdocs",
            _ratio(zensical.get("seconds"), bare_s) if not zensical.get("returncode") else "—",
        ),
        (
            "edit → preview (goal ≤ 2 s)",
            f"{r['edit_to_preview']:.1f} s (each: "
            + ", ".join(f"{t:.1f}" for t in r.get("edit_to_preview_each", []))
            + ")"
            if "edit_to_preview" in r
            else r.get("preview_error", "—"),
        ),
        (
            "peak RSS: `build` / bare MkDocs / Zensical (goal < 500 MB for a build)",
            f"{r.get('build_peak_rss_mb', 0):.0f} / {_rss(bare)} / {_rss(zensical)} MB",
        ),
        ("largest page (goal ≤ 150 KB)", f"{_kb(largest.get('bytes'))} `{largest.get('path')}`"),
        ("pages over 150 KB", str(r.get("pages_over_150kb", "—"))),
        (
            "Pagefind's index, all of it (none of it is fetched until a reader searches)",
            f"{_kb(r.get('search_index', {}).get('bytes'))} in "
            f"{r.get('search_index', {}).get('files', '—')} files",
        ),
        ("open the home page (raw / gzip)", f"{_kb(home.get('bytes'))} / {_kb(home.get('gzip'))}"),
        (
            "then first results for a name (goal ≤ 300 KB)",
            f"{_kb(search.get('bytes'))} / {_kb(search.get('gzip'))}"
            if search
            else r.get("browser_error", "—")[:80],
        ),
    ]


def _rss(step: dict[str, Any] | None) -> str:
    """The peak resident set of one step, in MB."""
    return f"{step['max_rss_mb']:.0f}" if step and "max_rss_mb" in step else "—"


def _pairs(pairs: list[dict[str, Any]]) -> str:
    """``1.34, 1.29 (median 1.31)``: each pair's ratio of ours with caches kept to bare MkDocs."""
    ratios = [
        p["warm"]["seconds"] / p["bare"]["seconds"]
        for p in pairs
        if p["warm"].get("seconds")
        and p["bare"].get("seconds")
        and not p["warm"].get("returncode")
        and not p["bare"].get("returncode")
    ]
    if not ratios:
        return "—"
    shown = ", ".join(f"{x:.2f}" for x in ratios)
    return f"{shown} (median {statistics.median(ratios):.2f})"


def table(results: list[dict[str, Any]]) -> str:
    columns = [_rows(r) for r in results]
    head = "| what | " + " | ".join(f"N = {r['n']:,}" for r in results) + " |"
    lines = [head, "|---" * (len(results) + 1) + "|"]
    for i, (what, _) in enumerate(columns[0]):
        lines.append(f"| {what} | " + " | ".join(c[i][1] for c in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Measure explainer at N synthetic records.")
    parser.add_argument("n", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")
    parser.add_argument("--no-preview", action="store_true", help="skip edit → preview")
    parser.add_argument(
        "--pairs",
        type=int,
        default=3,
        help="times bare mkdocs and a build with caches run, unedited and after an edit",
    )
    parser.add_argument("--out", type=Path, default=OUT / "results.json")
    parser.add_argument(
        "--code", type=Path, help="measure the generator of another checkout (a before/after)"
    )
    args = parser.parse_args(argv)
    global CODE  # noqa: PLW0603 - one setting for every command of the run
    CODE = args.code.resolve() if args.code else None
    results = [
        bench(n, browser=not args.no_browser, preview=not args.no_preview, pairs=args.pairs)
        for n in args.n
    ]
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "runs": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"\n(all figures: {shown})")


if __name__ == "__main__":
    main()

"""The build's MkDocs launcher (:mod:`generator.build_child`): it reports each HTML page once
written, and never makes MkDocs wait on the pipe."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from generator import build, build_child, engine, harden, unit_cache
from generator.outputs import OWNED
from tests.conftest import STORIES, copy_project, run_explainer, tree


def test_reports_each_html_page_after_writing_it(tmp_path: Path) -> None:
    read, write = os.pipe()
    seen: list[str] = []

    def write_file(content: bytes, path: str) -> None:
        Path(path).write_bytes(content)
        seen.append(path)

    wrapped = build_child.reporting(write_file, write)
    page, sitemap = str(tmp_path / "a" / "index.html"), str(tmp_path / "sitemap.xml")
    (tmp_path / "a").mkdir()
    wrapped(b"<html></html>", page)
    wrapped(b"<urlset/>", sitemap)
    os.close(write)
    with os.fdopen(read, "rb") as lines:
        assert lines.read() == os.fsencode(page) + b"\n"
    assert seen == [page, sitemap]


def test_a_full_pipe_never_blocks_the_engine(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.set_blocking(write, False)
    try:
        while True:
            os.write(write, b"x" * 4096)
    except BlockingIOError:
        pass

    def write_file(content: bytes, path: str) -> None:
        Path(path).write_bytes(content)

    wrapped = build_child.reporting(write_file, write)
    wrapped(b"<html></html>", str(tmp_path / "index.html"))  # returns: the line is dropped
    assert (tmp_path / "index.html").read_bytes() == b"<html></html>"
    os.close(read)
    wrapped(b"<html>2</html>", str(tmp_path / "index.html"))  # no reader left: still written
    os.close(write)
    assert (tmp_path / "index.html").read_bytes() == b"<html>2</html>"


def test_a_build_hardening_alongside_mkdocs_equals_one_hardening_after_it(
    tmp_path: Path, monkeypatch
) -> None:
    """The same project built with pages hardened while MkDocs runs and with every page
    hardened after it: the same bytes; and the first did harden ahead every page MkDocs
    rendered (a page it only copies from ``docs/`` is hardened after)."""
    project = copy_project(STORIES / "harbour", tmp_path / "p")
    build.generate(project)
    given: list[int] = []
    real_harden_site = harden.harden_site

    def harden_site(site: Path, **kwargs: object) -> None:
        given.append(len(kwargs.get("ahead") or {}))  # type: ignore[arg-type]
        real_harden_site(site, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(harden, "harden_site", harden_site)
    engine.build_site(project.root, project.config, project.site, project.work)
    alongside = tree(project.site)

    class Nothing(harden.Alongside):
        def finish(self) -> harden.Ahead:
            super().finish()
            return {}

    monkeypatch.setattr(harden, "Alongside", Nothing)
    engine.build_site(project.root, project.config, project.site, project.work)
    assert tree(project.site) == alongside
    pages = {name for name in alongside if name.endswith(".html")}
    copied = {name for name in pages if (project.docs / name).exists()}  # the embed page
    assert copied == {"embed/timeline/index.html"}
    assert given == [len(pages - copied), 0]


def test_compiled_templates_give_the_same_site_and_follow_an_edited_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme's templates kept compiled (:data:`generator.build_child.TEMPLATE_CACHE`): the
    build that fills the cache and the one that reads it give the bytes of a build without
    it; a template edited between builds is compiled again, never served stale, and so is a
    damaged entry."""
    monkeypatch.delenv(build_child.TEMPLATE_CACHE)  # the project's own cache, not the tests'
    project = copy_project(STORIES / "harbour", tmp_path / "p")
    build.generate(project)
    engine.build_site(project.root, project.config, project.site, project.work)
    without = tree(project.site)
    for _ in range(2):  # the first fills the cache, the second reads it
        engine.build_site(
            project.root, project.config, project.site, project.work, templates=project.templates
        )
        assert tree(project.site) == without
    kept = list(project.templates.iterdir())
    assert len(kept) > 10
    assert all(path.suffix == ".cache" for path in kept)  # no temporary file left
    main = project.root / "theme" / "main.html"
    main.write_text(
        main.read_text(encoding="utf-8").replace(">Corrections</a>", ">Corrigenda</a>"),
        encoding="utf-8",
    )
    engine.build_site(
        project.root, project.config, project.site, project.work, templates=project.templates
    )
    home = (project.site / "index.html").read_text(encoding="utf-8")
    assert ">Corrigenda</a>" in home
    assert ">Corrections</a>" not in home
    edited = tree(project.site)
    damage(project.templates)
    engine.build_site(
        project.root, project.config, project.site, project.work, templates=project.templates
    )
    assert tree(project.site) == edited


def damage(folder: Path) -> None:
    """Every compiled template in ``folder`` keeps Jinja's header, then garbage."""
    for entry in folder.glob("*.cache"):
        entry.write_bytes(bc_magic + b"garbage where the checksum's pickle should be")


def test_the_generators_templates_are_kept_compiled_and_read_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``generate`` keeps its own templates compiled in the project's cache too
    (:func:`generator.render.keep_compiled`): a later run reads them back without compiling
    (the entries are not written again) and writes the same ``docs/``; a damaged entry, or a
    cache it cannot write, costs only the compiling."""
    monkeypatch.delenv(build_child.TEMPLATE_CACHE)  # the project's own cache, not the tests'
    project = copy_project(STORIES / "harbour", tmp_path / "p")
    assert run_explainer(project, "generate").returncode == 0
    docs = tree(project.docs)
    kept = {path: path.stat().st_mtime_ns for path in project.templates.iterdir()}
    assert len(kept) > 10
    assert all(path.suffix == ".cache" for path in kept)  # no temporary file left
    OWNED.clear(project.docs)
    assert run_explainer(project, "generate").returncode == 0
    assert tree(project.docs) == docs
    assert {path: path.stat().st_mtime_ns for path in project.templates.iterdir()} == kept
    damage(project.templates)  # compiled again
    OWNED.clear(project.docs)
    shutil.rmtree(project.cache / unit_cache.FOLDER)  # or no page is rendered at all
    proc = run_explainer(project, "generate")
    assert proc.returncode == 0, proc.stderr
    assert tree(project.docs) == docs
    blocked = copy_project(STORIES / "harbour", tmp_path / "blocked")
    blocked.cache.mkdir(parents=True)
    blocked.templates.write_text("a file where the folder should be", encoding="utf-8")
    proc = run_explainer(blocked, "generate")
    assert proc.returncode == 0, proc.stderr
    assert tree(blocked.docs) == docs


def test_a_refused_file_is_read_back_as_the_oserror_it_was() -> None:
    line = build_child.REFUSED + '[28, "No space left on device", "/x/site-new/a.html"]\n'
    found = build_child.refused(build_child.REFUSED_EXIT, "MkDocs said things\n" + line)
    assert isinstance(found, OSError)
    assert (found.errno, found.strerror, found.filename) == (
        28,
        "No space left on device",
        "/x/site-new/a.html",
    )
    unnamed = build_child.refused(build_child.REFUSED_EXIT, build_child.REFUSED + '[27, "x", null]')
    assert unnamed is not None
    assert unnamed.filename is None
    assert build_child.refused(1, line) is None  # another exit: MkDocs' own failure
    assert build_child.refused(build_child.REFUSED_EXIT, "Traceback …\n") is None
    assert build_child.refused(build_child.REFUSED_EXIT, build_child.REFUSED + "[1, 2") is None
    assert build_child.refused(build_child.REFUSED_EXIT, build_child.REFUSED + '["a"]') is None


@pytest.mark.site
def test_the_engine_runs_the_installed_code_not_a_folder_of_the_project(tmp_path: Path) -> None:
    """``python -m`` puts the folder it runs in first on the path; a story folder holding a
    ``generator/`` must not have it run in place of ours (the engine runs there)."""
    project = copy_project(STORIES / "harbour", tmp_path / "h")
    planted = project.root / "generator"
    planted.mkdir()
    (planted / "__init__.py").write_text("")
    for child in ("build_child", "serve_child"):
        (planted / f"{child}.py").write_text("raise SystemExit('the planted copy ran')\n")
    proc = run_explainer(project, "build")  # from here; the engine runs in the story folder
    assert proc.returncode == 0, proc.stderr
    assert (project.site / "index.html").is_file()


@pytest.mark.site
def test_the_builds_mkdocs_writes_the_pages_bare_mkdocs_does_without_materials_index(
    tmp_path: Path,
) -> None:
    """The launcher's MkDocs (:func:`generator.build_child.skip_theme_index`) gives every
    file a bare ``mkdocs build`` gives, byte for byte, but Material's search index, which
    it does not build (Pagefind answers the search box)."""
    project = copy_project(STORIES / "harbour", tmp_path / "p")
    build.generate(project)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    env.pop(build_child.TEMPLATE_CACHE, None)
    sites = {}
    for name, module in (("ours", "generator.build_child"), ("bare", "mkdocs")):
        site = tmp_path / name
        command = [sys.executable, "-m", module, "build", "--strict", "--quiet"]
        command += ["--config-file", str(project.config), "--site-dir", str(site)]
        subprocess.run(command, cwd=project.root, env=env, check=True)
        sites[name] = tree(site)
    assert "search/search_index.json" in sites["bare"]
    assert sites["ours"] == {k: v for k, v in sites["bare"].items() if not k.startswith("search/")}
    assert b'<form class="md-search__form" name="search">' in sites["ours"]["index.html"]


WAITS_FOR_FILE = """
import pathlib, sys, time
for _ in range(400):
    if pathlib.Path(sys.argv[1]).exists():
        sys.exit(0)
    time.sleep(0.05)
sys.exit("the file never came")
"""


def test_the_work_given_for_meanwhile_runs_while_the_engine_does(tmp_path: Path) -> None:
    """A build keeps its cache while MkDocs runs (``meanwhile``): here an engine that ends
    only once the work has run, so the work ran before the engine ended."""
    flag = tmp_path / "kept"
    command = [sys.executable, "-c", WAITS_FOR_FILE, str(flag)]
    engine._run("mkdocs", command, tmp_path, dict(os.environ), (), meanwhile=flag.touch)
    assert flag.exists()


def test_work_failing_beside_the_engine_stops_the_engine(tmp_path: Path) -> None:
    """The error of the work beside the engine is the build's, and the engine does not go on
    writing the site alone."""
    started = tmp_path / "started"
    command = [sys.executable, "-c", WAITS_FOR_FILE, str(tmp_path / "never")]
    seen: list[subprocess.Popen[str]] = []
    popen = subprocess.Popen

    def noting(*args: object, **kwargs: object) -> subprocess.Popen[str]:
        proc: subprocess.Popen[str] = popen(*args, **kwargs)  # type: ignore[call-overload]
        seen.append(proc)
        return proc

    def failing() -> None:
        started.touch()
        raise OSError(28, "No space left on device")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "Popen", noting)
        with pytest.raises(OSError, match="No space"):
            engine._run("mkdocs", command, tmp_path, dict(os.environ), (), meanwhile=failing)
    assert started.exists()
    killed = seen[0].returncode
    assert killed is not None
    assert killed < 0, "the engine was killed"

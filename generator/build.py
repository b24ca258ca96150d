"""The pipeline, top to bottom: load → validate → link → render → write (→ site engine).

Each stage lives in the module named after what it holds. Problems from load, validate and
link are collected and raised together, once, as :class:`~generator.errors.ContentError`;
nothing is written unless the whole story is valid.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator import (
    build_child,
    excerpts,
    history,
    home,
    incremental,
    limits,
    link,
    loader,
    routes,
    siteconfig,
    timings,
    unit_cache,
    validate,
    workers,
    writer,
)
from generator.errors import ContentError, Problem, Severity, writing
from generator.link import Story
from generator.project import Project

# The stages after the check (outputs, render, the engine) are imported inside the functions
# that run them: they bring Pillow, fonts, Jinja and the feed and calendar libraries, a third of
# a second of imports that an editor's `explainer check` never uses (its warm run at 10,000
# records took 1.2 s on a slow day; the goal is under 1 s).
if TYPE_CHECKING:
    from generator import cards, outputs


@dataclass
class Checked:
    story: Story
    warnings: list[Problem]
    standfirst: home.Standfirst = field(default_factory=home.Standfirst)
    """The editors' text for the top of the home page (``content/standfirst.md``)."""
    site: siteconfig.SiteConfig = field(default_factory=siteconfig.SiteConfig)
    """``mkdocs.yml`` as the check read it, so that generating does not read it again."""


def check(project: Project, session: incremental.Session | None = None) -> Checked:
    """Load, validate and link every record; raise ContentError with every error found. A
    ``session`` (the preview's) remembers the files from run to run, so only the files that
    changed are read and validated again."""
    site = siteconfig.read(project.config)
    with timings.stage("load"):
        files, problems = loader.load(
            project.root,
            project.content,
            site.count("max_files", limits.MAX_FILES),
            cache_dir=project.cache,
            memo=session.loaded if session else None,
        )
    with timings.stage("validate"):
        records, partials, found = validate.validate(files, session.validated if session else None)
    problems += found
    known = loader.known_ids(project.content, session.loaded if session else None)
    with timings.stage("link"):
        story, found = link.link(records, partials, known, session.linked if session else None)
    problems += found
    if (project.docs / excerpts.METHODOLOGY[0]).is_file():
        story.methodology = excerpts.METHODOLOGY[0]
    standfirst, found = home.load(project.root, project.content, known["people"])
    problems += found
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ContentError(problems)
    return Checked(story, sorted(problems), standfirst, site)


def generate(
    project: Project, session: incremental.Session | None = None
) -> tuple[Checked, writer.WriteResult]:
    """Check, produce every output (:mod:`generator.outputs`), and write them into ``docs/``.
    With a ``session`` (the preview's), only the pages and outputs that read something an
    edit changed are made again (:mod:`generator.incremental`); without one, those the last
    build kept in the cache are reused the same way (:mod:`generator.unit_cache`), and what
    this one made is kept. The files are the same either way."""
    checked, result, _, keep = _generate(project, session)
    keep()
    return checked, result


def _generate(
    project: Project, session: incremental.Session | None = None, later: cards.Later | None = None
) -> tuple[Checked, writer.WriteResult, dict[str, writer.File], Callable[[], None]]:
    """:func:`generate` but for keeping what it made in the cache, which is left to the
    function returned last (a build calls it while the engine runs: the engine does not
    read the cache); and the files it wrote. With ``later``, share cards to draw may be left
    to it (drawn from the moment they are known, the first output: while this process makes
    the rest, writes ``docs/`` and the cache, and the engine runs), and out of ``docs/`` until
    :func:`_add_cards`."""
    from generator import outputs, render  # noqa: PLC0415 - late: see the note at the imports

    render.keep_compiled(build_child.templates_folder(project.templates))
    checked, found = _check_and_history(project, session)
    site = checked.site
    checked.warnings += _nav_problems(site)
    with timings.stage("render"):
        inputs = outputs.Inputs(
            story=checked.story,
            history=found,
            standfirst=checked.standfirst,
            site=site,
            cache=project.cache,
            later=later,
        )
        if session is None:  # a build: what the last one kept, under the key of this run
            key, made = unit_cache.key(_around(inputs)), incremental.Session(build=True)
            unit_cache.restore(made, project.cache, key)
        else:
            key, made = "", session
        files = _produce(inputs, made)
    with timings.stage("write"):
        result = writer.write(
            project.docs,
            project.work,
            files,
            outputs.OWNED,
            session.written if session else None,
            trusted=session is not None and session.loaded.trusted,
        )
    result.made_again, result.reused = len(made.computed), made.reused
    return checked, result, files, partial(_keep, project, key, made, files, result.hashes)


def _keep(
    project: Project,
    key: str,
    made: incremental.Session,
    files: dict[str, writer.File],
    hashes: dict[str, str],
) -> None:
    """Keep a build's units in the cache under ``key`` (:mod:`generator.unit_cache`), each
    file as a link to the page just written (by its ``hashes``); nothing if nothing was made
    again, or if this was the preview (no key)."""
    if key and made.computed:
        with timings.stage("keep"):
            written = {id(data): (rel, hashes[rel]) for rel, data in files.items()}
            unit_cache.keep(made, project.cache, key, project.docs, written)


def _check_and_history(
    project: Project, session: incremental.Session | None
) -> tuple[Checked, history.History]:
    """The check, and git's history read meanwhile: in a build, by a forked process, so that
    neither waits for the other's turn in the interpreter and the records can be parsed on
    both cores (:func:`generator.loader._load_all`; at 10,000 records the first history is
    about 4 s of parsing); in the preview, whose history memo must outlive the read, or where
    this process already has a thread, by a thread."""
    memo = session.history if session else None
    read = partial(history.read, project.root, project.cache, memo=memo)
    if session is None and workers.alone():
        from generator.engine import DEATH_HOOK  # noqa: PLC0415 - late: see the imports

        log = workers.Forked(read, DEATH_HOOK)
        try:
            checked = check(project, session)
        except BaseException:
            log.stop()
            raise
        return checked, log.result()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(read)
        checked = check(project, session)
        return checked, pending.result()  # the thread ends with the pool: none when workers fork


def _produce(inputs: outputs.Inputs, session: incremental.Session) -> dict[str, writer.File]:
    """Every output, each page and output made again only when something it read changed
    since the ``session`` last made or kept it."""
    from generator import outputs  # noqa: PLC0415 - late: see the note at the imports

    view = session.begin(inputs.story, _around(inputs))
    try:
        files = outputs.produce(dataclasses.replace(inputs, story=view, session=session))
    except BaseException:
        session.reset()
        raise
    session.end()
    return files


def _around(inputs: outputs.Inputs) -> tuple[object, ...]:
    """What every unit may read besides the story (compared whole, :meth:`Session.begin`)."""
    return (inputs.history, inputs.standfirst, inputs.site, inputs.story.methodology)


def _nav_problems(site: siteconfig.SiteConfig) -> list[Problem]:
    """A warning for each collection of record pages ``mkdocs.yml`` lets into the sidebar."""
    if not site.has_nav:
        return []
    return [
        Problem(
            "mkdocs.yml",
            1,
            1,
            "not_in_nav",
            f"record pages {pattern} are not listed",
            f"add the line {pattern} under not_in_nav",
            Severity.WARNING,
        )
        for pattern in routes.unlisted_record_pages(site.not_in_nav)
    ]


def build(project: Project, engine_name: str = "mkdocs") -> tuple[Checked, writer.WriteResult]:
    """Generate, then build ``site/`` with the site engine.

    With MkDocs, many share cards to draw (a build from clean: one per page) are drawn while
    it runs (:class:`generator.cards.Later`), then written into ``docs/`` and the staged site
    (:func:`_add_cards`): ``docs/`` and ``site/`` end as they would have had the cards been
    drawn first (``tests/test_cards_later.py``).
    """
    from generator import cards, engine, share  # noqa: PLC0415 - late: see the note at the imports

    beside = engine_name == "mkdocs" and engine.second_core()
    fresh = not (project.docs / share.CARD_FOLDER).exists()  # see cards.Later
    later = cards.Later(engine.DEATH_HOOK) if beside and fresh else None
    try:
        checked, result, files, keep = _generate(project, later=later)
        late = None
        if later is not None and later.specs:
            late = partial(_add_cards, project, later, files, result)
        with timings.stage("site"):  # the engine, then search index and hardening (timed apart)
            engine.build_site(
                project.root,
                project.config,
                project.site,
                project.work,
                engine_name,
                templates=project.templates,
                meanwhile=keep,
                late=late,
            )
    finally:
        if later is not None:
            later.close()
    return checked, result


def _add_cards(
    project: Project,
    later: cards.Later,
    files: dict[str, writer.File],
    result: writer.WriteResult,
    staged: Path,
) -> None:
    """The cards drawn while the engine ran: written into ``docs/`` with everything else
    (only their folders change), and into the staged site, as MkDocs would have copied them."""
    from generator import outputs  # noqa: PLC0415 - late: see the note at the imports

    with timings.stage("cards after the engine"):  # waiting for them; then writing them
        drawn = later.finish()
        more = writer.write(project.docs, project.work, files | drawn, outputs.OWNED)
    result.unchanged = more.unchanged - len(result.written)  # the first write's count them
    result.written += more.written
    result.removed += more.removed
    result.hashes = more.hashes
    with writing(staged):
        for path, card in drawn.items():
            target = staged / path
            target.parent.mkdir(parents=True, exist_ok=True)
            writer.place(card, target)


def changes_since(project: Project, checked: Checked, since: str = "") -> list[str]:
    """What the What changed page says about the commits after ``since``, as plain lines (for
    a pull request's log: the base of the pull request)."""
    from generator import changes, render  # noqa: PLC0415 - late: see the note at the imports

    found = history.read(project.root, project.cache, since)
    return changes.report(checked.story, found, render.country_name)

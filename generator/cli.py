"""The ``explainer`` command: the only place that prints problems and picks exit codes.

Exit codes: 0 success, 1 invalid content, 2 usage error, 3 build failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator import lock, memo, timings
from generator.errors import BuildError, ContentError, Problem, Severity, file_error
from generator.project import Project
from generator.schema import COLLECTIONS

# The pipeline (and the editors' commands) are imported by the commands that run them:
# ``explainer check`` on content that passed before is answered by generator.memo, and the
# pipeline's imports (about 0.3 s) were a third of such a check at 10,000 records.
if TYPE_CHECKING:
    from generator import build as pipeline
    from generator.writer import WriteResult

EXIT_CONTENT, EXIT_USAGE, EXIT_BUILD = 1, 2, 3


def _escape_data(text: str) -> str:
    """A workflow command's message: a line break would end the command and start another."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property value: as data, and ``,`` and ``:`` end a property."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_problem(problem: Problem, style: str) -> str:
    """One problem as a line: ``path:line:col: field: problem (hint)``, or a GitHub
    workflow command that annotates the line in a pull request."""
    if style == "github":
        level = "error" if problem.severity is Severity.ERROR else "warning"
        message = f"{problem.field}: {problem.message}" + (
            f" ({problem.hint})" if problem.hint else ""
        )
        path = _escape_property(problem.path)
        return f"::{level} file={path},line={problem.line},col={problem.col}::" + _escape_data(
            message
        )
    return str(problem)


def _report(problems: Sequence[Problem], style: str) -> None:
    for problem in sorted(problems):
        print(format_problem(problem, style), file=sys.stderr)


def _sizes(checked: pipeline.Checked) -> dict[str, int]:
    return {name: len(checked.story.collection(name)) for name in COLLECTIONS}


def _reuse(result: WriteResult) -> str:
    """How much of the run the cache spared (:mod:`generator.unit_cache`)."""
    if result.made_again is None:
        return ""
    return f" (made {result.made_again} pages and outputs, reused {result.reused} from the cache)"


def _summary(sizes: dict[str, int]) -> str:
    counts = ", ".join(
        f"{n} {COLLECTIONS[name].singular if n == 1 else name}" for name, n in sizes.items()
    )
    return f"content is valid: {counts}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="explainer",
        description="Check an explainer's YAML records in content/, write its pages into docs/ "
        "and build the site. Errors read path:line:col: field: problem (hint).",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="project folder holding content/, docs/ and mkdocs.yml",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the content only (fast)")
    check.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="text for people (default); github for annotations on a pull request's lines",
    )
    commands.add_parser("generate", help="validate, then write Markdown into docs/")
    build = commands.add_parser("build", help="generate, then build site/")
    build.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs")
    changed = commands.add_parser(
        "changes",
        help="print what the What changed page will say, field by field (for a pull request: "
        "--since its base)",
    )
    changed.add_argument(
        "--since", default="", metavar="REF", help="only commits after this commit, branch or tag"
    )
    preview = commands.add_parser("serve", help="live preview that follows content/ edits")
    preview.add_argument("--addr", default="127.0.0.1:8000")
    _add_editor_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project(args.root.resolve())
    if args.command in ("new", "schema"):
        return _editor_command(project, args)
    style = getattr(args, "format", "text")
    try:
        if args.command == "check":
            warnings, sizes = memo.check(project)
            _report(warnings, style)
            print(_summary(sizes))
        elif args.command == "serve":
            from generator.serve import serve  # noqa: PLC0415 - a check need not load the preview

            return serve(project, args.addr, lambda problems: _report(problems, "text"))
        else:
            _pipeline_command(project, args, style)
        timings.write()
    except ContentError as exc:
        _report(exc.problems, style)
        errors = sum(p.severity is Severity.ERROR for p in exc.problems)
        print(f"{errors} error{'s' if errors != 1 else ''}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUILD
    except OSError as exc:  # a full disk, a read-only folder: one line, never a traceback
        print(f"error: {file_error(project.root, exc)}", file=sys.stderr)
        return EXIT_BUILD
    return 0


def _pipeline_command(project: Project, args: argparse.Namespace, style: str) -> None:
    """``generate``, ``changes`` and ``build``: the commands that run the pipeline (imported
    here, not with this module: see the note at the imports)."""
    from generator import build as pipeline  # noqa: PLC0415

    started = time.perf_counter()
    if args.command == "generate":
        with lock.held(project.work, _say):
            checked, result = pipeline.generate(project)
        _report(checked.warnings, style)
        print(
            f"{_summary(_sizes(checked))}\nwrote {len(result.written)} pages, removed "
            f"{len(result.removed)}, {result.unchanged} unchanged{_reuse(result)}"
        )
    elif args.command == "changes":
        checked = pipeline.check(project)
        lines = pipeline.changes_since(project, checked, args.since)
        print("\n".join(lines) if lines else "no change to any value readers see")
    else:
        with lock.held(project.work, _say):
            checked, result = pipeline.build(project, args.engine)
        _report(checked.warnings, style)
        print(
            f"{_summary(_sizes(checked))}\nwrote {len(result.written)} pages{_reuse(result)}; "
            f"built site/ with {args.engine} in {time.perf_counter() - started:.1f} s"
        )


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _add_editor_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``new`` and ``schema``: the commands that help editors write records."""
    new = commands.add_parser("new", help='start a record: explainer new person "Jared Kushner"')
    kinds = sorted(cls.singular for cls in COLLECTIONS.values())
    new.add_argument("kind", choices=kinds, help="what sort of record")
    new.add_argument("title", help="name or title; the id (file name) is made from it")
    new.add_argument("--id", dest="record_id", help="choose the id instead")
    schema = commands.add_parser(
        "schema", help="check that schemas/*.schema.json match the record schema"
    )
    schema.add_argument("--write", action="store_true", help="rewrite the stale files")


def _editor_command(project: Project, args: argparse.Namespace) -> int:
    from generator import json_schema, scaffold  # noqa: PLC0415 - PyYAML, pycountry: not for check

    if args.command == "new":
        try:
            path = scaffold.create(project.content, args.kind, args.title, args.record_id)
        except scaffold.ScaffoldError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"created {path.relative_to(project.root).as_posix()}: fill it in, then run check")
        return 0
    if args.write:
        changed = json_schema.write_all(project.root)
        print(f"wrote {len(changed)} schema files" + (": " + ", ".join(changed) if changed else ""))
        return 0
    stale = json_schema.stale(project.root)
    for rel in stale:
        print(f"{rel}: out of date (run: explainer schema --write)", file=sys.stderr)
    return EXIT_CONTENT if stale else 0


if __name__ == "__main__":
    sys.exit(main())

"""The home page's own inputs: the editors' standfirst, and who counts as a key person.

The standfirst is ``content/standfirst.md``: optional front matter (``title``, ``key_people``)
and a few paragraphs of light Markdown. It is content like any record, so it is read with the
same strict YAML loader and its text is escaped as ``prose``: editors write words, not markup.
Key people are data, not code: the editors' ``key_people`` list when there is one, otherwise the
people who appear most often on the timeline.

Example ``content/standfirst.md``::

    ---
    title: Peace talks explained
    key_people: [steve-witkoff, kirill-dmitriev]
    ---
    In January 2026 U.S. envoys met Vladimir Putin in Moscow …
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import loader
from generator.errors import Problem
from generator.escape import prose_links
from generator.schema import ID_PATTERN
from generator.urls import url_problem
from generator.validate import did_you_mean

if TYPE_CHECKING:
    from generator.link import Story
    from generator.schema import Person

STANDFIRST = "standfirst.md"
"""Its file name inside ``content/``."""

MAX_KEY_PEOPLE = 6
"""Cards shown when the editors do not choose: two rows of three on a desktop."""

_FIELDS = {"title": "one line of text", "key_people": "a list of person ids"}
_MAX_TITLE = 120
_MAX_TEXT = 4000


@dataclass(frozen=True)
class Standfirst:
    """What the editors wrote for the top of the home page."""

    title: str = "The story at a glance"
    """The home page's heading."""
    text: str = ""
    """A few paragraphs of light Markdown (emphasis, http(s) links)."""
    key_people: tuple[str, ...] = ()
    """Person ids for the key people cards, in the editors' order; empty means automatic."""
    path: str = ""
    """The file it came from, relative to the project root, for error messages."""


def _split(text: str) -> tuple[str, str, int]:
    """Front matter, body, and the line the body starts on (front matter is optional)."""
    if not text.startswith("---\n"):
        return "", text, 1
    end = text.find("\n---\n", 3)
    if end == -1:
        return "", text, 1
    front = text[4 : end + 1]
    return front, text[end + 5 :], front.count("\n") + 3


def load(root: Path, content: Path, people: set[str]) -> tuple[Standfirst, list[Problem]]:
    """Read ``content/standfirst.md`` if it exists; report every fault in it."""
    path = content / STANDFIRST
    if not path.is_file():
        return Standfirst(), []
    rel = path.relative_to(root).as_posix()
    try:
        text = loader.decode(path.read_bytes())
    except loader.LoadError as exc:  # the loader's own located error
        return Standfirst(path=rel), [_located(rel, exc, 0)]
    front, body, body_line = _split(text)
    try:
        fields = loader.parse(front) if front.strip() else loader.Mapping(1, 1)
    except loader.LoadError as exc:
        return Standfirst(path=rel), [_located(rel, exc, 1)]
    problems: list[Problem] = []
    title, chosen = _fields(rel, fields, people, problems)
    body = body.strip()
    _check_body(rel, body, body_line, problems)
    return Standfirst(title or Standfirst.title, body, chosen, rel), problems


def _located(rel: str, exc: loader.LoadError, offset: int) -> Problem:
    """A loader error as a problem, its line counted from the top of the file."""
    return Problem(rel, exc.line + offset, exc.col, "front matter", exc.message, exc.hint)


def _fields(
    rel: str, fields: loader.Mapping, people: set[str], problems: list[Problem]
) -> tuple[str, tuple[str, ...]]:
    """The title and the key people, from the located front matter (lines are shifted by
    one: the front matter starts on the file's second line)."""
    title: str = ""
    chosen: tuple[str, ...] = ()
    for name, (key, node) in fields.items.items():
        line, col = key.line + 1, key.col
        if name not in _FIELDS:
            hint = did_you_mean(name, _FIELDS) or "known fields: " + ", ".join(_FIELDS)
            problems.append(Problem(rel, line, col, name, "unknown field", hint))
        elif name == "title":
            title = node.value.strip() if isinstance(node, loader.Scalar) else ""
            if not title or "\n" in title or len(title) > _MAX_TITLE:
                problems.append(
                    Problem(
                        rel, line, col, name, f"expected {_FIELDS[name]}", "write a short title"
                    )
                )
                title = ""
        else:
            chosen = _people(rel, node, people, problems)
    return title, chosen


def _people(
    rel: str, node: loader.Node, people: set[str], problems: list[Problem]
) -> tuple[str, ...]:
    if not isinstance(node, loader.Sequence):
        problems.append(
            Problem(
                rel,
                node.line + 1,
                node.col,
                "key_people",
                "expected a list of person ids",
                "write [first-id, second-id]",
            )
        )
        return ()
    ids: list[str] = []
    for index, item in enumerate(node.items):
        value = item.value if isinstance(item, loader.Scalar) else ""
        if not ID_PATTERN.match(value) or value not in people:
            hint = did_you_mean(value, people) or f"add content/people/{value}.yml"
            problems.append(
                Problem(
                    rel,
                    item.line + 1,
                    item.col,
                    f"key_people[{index}]",
                    f"unknown person '{value}'",
                    hint,
                )
            )
        else:
            ids.append(value)
    return tuple(ids)


def _check_body(rel: str, body: str, line: int, problems: list[Problem]) -> None:
    if len(body) > _MAX_TEXT:
        problems.append(
            Problem(
                rel,
                line,
                1,
                "text",
                f"{len(body)} characters, over the limit of {_MAX_TEXT}",
                "a standfirst is a few sentences",
            )
        )
    for href in prose_links(body):
        problem = url_problem(href)
        if problem:
            problems.append(
                Problem(
                    rel, line, 1, "text", f"link '{href}': {problem}", "link only to http(s) pages"
                )
            )


def key_people(story: Story, standfirst: Standfirst) -> list[Person]:
    """The editors' choice, or the people on the most timeline entries (ties by name)."""
    if standfirst.key_people:
        return [story.people[pid] for pid in standfirst.key_people if pid in story.people]
    counts = {
        pid: len(story.meetings_of.get(pid, [])) + len(story.events_of.get(pid, []))
        for pid in story.people
    }
    ranked = sorted(
        (p for p in story.people.values() if counts[p.id]),
        key=lambda p: (-counts[p.id], p.name),
    )
    return ranked[:MAX_KEY_PEOPLE]

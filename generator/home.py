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

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import loader, validate
from generator.errors import Problem
from generator.schema import ID_PATTERN, FieldSpec, Kind

if TYPE_CHECKING:
    from generator.link import Story
    from generator.schema import Person

STANDFIRST = "standfirst.md"
"""Its file name inside ``content/``."""

MAX_KEY_PEOPLE = 6
"""Cards shown when the editors do not choose: two rows of three on a desktop."""

FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec(
        Kind.TEXT, "The home page's heading.", max_length=120, example="Peace talks explained"
    ),
    "key_people": FieldSpec(
        Kind.REFS,
        "Ids of the people shown as cards, in order; without it, the people on the most "
        "timeline entries.",
        ref="people",
    ),
}
"""The standfirst's front matter: the one declaration it is checked against, as a record's
fields are (:func:`generator.validate.check_fields`)."""

TEXT = FieldSpec(Kind.PROSE, "A few paragraphs of light Markdown under the title.", max_length=4000)
"""The standfirst's body, checked as a prose field named ``text``."""


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
    values, found = validate.check_fields(rel, fields, FIELDS)
    problems = [dataclasses.replace(p, line=p.line + 1) for p in found]  # front starts on 2
    chosen = _known_people(rel, fields, values.get("key_people", ()), people, problems)
    body, found = validate.check_value(
        rel, loader.Scalar(body.strip(), body_line, 1, plain=False), "text", TEXT
    )
    problems += found
    title = values.get("title") or Standfirst.title
    return Standfirst(title, body, chosen, rel), problems


def _located(rel: str, exc: loader.LoadError, offset: int) -> Problem:
    """A loader error as a problem, its line counted from the top of the file."""
    return Problem(rel, exc.line + offset, exc.col, "front matter", exc.message, exc.hint)


def _known_people(
    rel: str,
    fields: loader.Mapping,
    ids: tuple[str, ...],
    people: set[str],
    problems: list[Problem],
) -> tuple[str, ...]:
    """The key people that exist; each unknown one is reported where it was written (an id
    that is not even well formed was reported by the field check already)."""
    node = fields.items["key_people"][1] if "key_people" in fields.items else None
    items = node.items if isinstance(node, loader.Sequence) else []
    for index, item in enumerate(items):
        pid = item.value if isinstance(item, loader.Scalar) else ""
        if pid in people or not ID_PATTERN.match(pid):
            continue
        hint = validate.did_you_mean(pid, people) or f"add content/people/{pid}.yml"
        problems.append(
            Problem(
                rel,
                item.line + 1,
                item.col,
                f"key_people[{index}]",
                f"unknown person '{pid}'",
                hint,
            )
        )
    return tuple(pid for pid in ids if pid in people)


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

"""What the pages say about change history: the "last changed" line and short history at the
end of a record page, and the rows of the "What changed" page. The history itself comes from
:mod:`generator.history`, field by field.

These are Jinja globals (registered in :mod:`generator.render`); like every template helper
they return :class:`~markupsafe.Markup` built only from escaped text. Notes and old values are
written by people, so they are record text too and go through :func:`generator.escape.inline`.
Ids in old values are shown by the record's current name when it still exists, else by the id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator import escape, routes
from generator.dates import PartialDate
from generator.diffs import TEXT, FieldChange, Value
from generator.history import Change, History
from generator.link import Story
from generator.pages import index_page, md_href
from generator.schema import COLLECTIONS, FieldSpec, Kind, Record, fields_of

RECENT_LIMIT = 200
"""Record changes on the "What changed" page; older ones stay in the repository's history."""
OWN_HISTORY_LIMIT = 10
"""Changes listed at the end of a record's page."""
LONG_TEXT = 80
"""Characters beyond which a changed text is shown by its changed words only."""
CONTEXT_WORDS = 3
"""Unchanged words kept either side of the changed ones."""
MAX_WORDS = 25
"""Changed words shown at most, per side."""

FOLDER = "changes"
CHANGES_PAGE = index_page(FOLDER)
_MINUS = "\u2212"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _day(change: Change) -> PartialDate:
    date = change.date
    return PartialDate(date.year, date.month, date.day)


def _time(change: Change) -> str:
    day = _day(change)
    return f'<time datetime="{day.iso()}">{escape.block(day.display())}</time>'


@pass_context
def last_changed(ctx: Context, record: Record) -> Markup:
    """'Last changed on 31 January 2026 (what changed)': the last change of a value, or
    nothing when history does not know one."""
    history: History = ctx["history"]
    change = history.last_changed(record.collection, record.id)
    if change is None:
        return Markup("")
    link = md_href(ctx["page_src"], CHANGES_PAGE)
    return Markup(f"Last changed on {_time(change)} ([what changed]({link})).")


@pass_context
def own_history(ctx: Context, record: Record) -> Markup:
    """The record's own changes, newest first, one line each: date, fields, editor's note."""
    history: History = ctx["history"]
    own = history.of(record.collection, record.id)
    lines = []
    for change in own[:OWN_HISTORY_LIMIT]:
        what = "; ".join(_field_lines(ctx, change)) or change.status
        note = f" · Editor’s note: {change.note}" if change.note else ""
        lines.append(f"- {_time(change)} · {escape.inline(what + note)}")
    if len(own) > OWN_HISTORY_LIMIT:
        lines.append(f"- {len(own) - OWN_HISTORY_LIMIT} earlier changes not shown")
    return Markup("\n".join(lines))


def _row(story: Story, page_src: str, change: Change) -> Markup:
    record = story.collection(change.collection).get(change.record_id)
    noun = COLLECTIONS[change.collection].singular
    if record is None:
        name = change.label or f"{change.collection}/{change.record_id}"
        what = f"{escape.inline(name)} (no longer published)"
    else:
        what = f"[{escape.inline(story.label_of(record))}]({routes.md_link(page_src, record)})"
    return Markup(f"{escape.inline(change.status.capitalize())} {noun}: {what}")


Line = tuple[Markup, Markup]
"""A list item of the "What changed" page: its indentation and its text."""
Day = tuple[Markup, list[Line]]
"""A day's heading and its lines."""


@pass_context
def recent_changes(ctx: Context) -> list[Day]:
    """The newest changes, grouped by day (UTC), newest first. A commit with a note is one
    item with its records under it; the records of a commit without one stand alone."""
    history: History = ctx["history"]
    days: dict[str, list[Line]] = {}
    previous = ""
    for change in history.changes[:RECENT_LIMIT]:
        lines = days.setdefault(_day(change).iso(), [])
        depth = 1 if change.note else 0
        if change.note and change.commit != previous:
            lines.append((Markup(""), escape.inline(change.note)))
        previous = change.commit
        lines.append((_indent(depth), _row(ctx["story"], ctx["page_src"], change)))
        lines += [(_indent(depth + 1), escape.inline(f)) for f in _field_lines(ctx, change)]
    return [(escape.inline(PartialDate.parse(iso).display()), lines) for iso, lines in days.items()]


def _indent(depth: int) -> Markup:
    return Markup("    " * depth)


# -- field changes in words ------------------------------------------------------------------


def _field_lines(ctx: Context, change: Change) -> list[str]:
    country = cast(Callable[[str], str], ctx.environment.globals["country"])
    return field_lines(ctx["story"], change, country)


def field_lines(story: Story, change: Change, country: Callable[[str], str]) -> list[str]:
    """'location: Warsaw → Kraków', 'participants: + Hiro Tanaka', one per changed field, as
    plain text (the caller escapes it); ``country`` names a country code."""
    specs = dict(fields_of(COLLECTIONS[change.collection]))
    shown = _Shown(story, country)
    return [shown.line(f, specs.get(f.field)) for f in change.fields]


def report(story: Story, history: History, country: Callable[[str], str]) -> list[str]:
    """The changes as plain lines for a terminal or a CI log, newest first: per commit, the
    note readers will see and each record's field changes, as the What changed page says them.
    Control characters are dropped, so record text cannot steer a terminal or a CI runner."""
    lines: list[str] = []
    previous = ""
    for change in history.changes:
        if change.commit != previous:
            note = f"note: {change.note}" if change.note else "no Change-note: listed without one"
            lines += ["", f"commit {change.commit[:12]} ({_day(change).display()}), {note}"]
            previous = change.commit
        record = story.collection(change.collection).get(change.record_id)
        name = story.label_of(record) if record else change.label or change.record_id
        noun = COLLECTIONS[change.collection].singular
        lines.append(f"  {change.status.capitalize()} {noun}: {name} ({change.record_id})")
        lines += [f"    {line}" for line in field_lines(story, change, country)]
    return [_CONTROL.sub("", line) for line in lines[1:]]


class _Shown:
    """Values as readers read them: names for ids, dates at their precision, country names."""

    def __init__(self, story: Story, country: Callable[[str], str]) -> None:
        self.story, self.country = story, country

    def line(self, change: FieldChange, spec: FieldSpec | None) -> str:
        if change.field == TEXT and spec is None:
            return f"{TEXT}: stored copy {_verb(change.before, change.after)}"
        if change.added or change.removed or change.reordered:
            parts = [f"{_MINUS} {self.value(v, spec)}" for v in change.removed]
            parts += [f"+ {self.value(v, spec)}" for v in change.added]
            return f"{change.field}: {', '.join(parts) or 'reordered'}"
        before, after = self.value(change.before, spec), self.value(change.after, spec)
        if _empty(change.before):
            return f"{change.field}: + {after}"
        if _empty(change.after):
            return f"{change.field}: {_MINUS} {before}"
        if max(len(before), len(after)) > LONG_TEXT:
            before, after = _changed_words(before, after)
        return f"{change.field}: {before} → {after}"

    def value(self, value: Value, spec: FieldSpec | None) -> str:
        """One value on one line."""
        if value is None or _empty(value):
            return "(none)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(self.value(item, spec) for item in value)
        if isinstance(value, dict):
            return self._tagged(value, spec)
        return self._text(" ".join(value.split()), spec)

    def _text(self, text: str, spec: FieldSpec | None) -> str:
        """A text, or the name of the record or country it is the id or code of."""
        if spec and spec.ref:
            record = self.story.collection(spec.ref).get(text)
            return self.story.label_of(record) if record else text
        if spec and spec.kind in (Kind.COUNTRY, Kind.COUNTRIES):
            return self.country(text)
        return text

    def _tagged(self, value: dict[str, Any], spec: FieldSpec | None) -> str:
        """A date, or one item of a list of mappings (a link, a correction), its values shown
        by their own specs when the schema declares the item's class (``spec.item``)."""
        if isinstance(value.get("date"), str):
            try:
                return PartialDate.parse(value["date"]).display()
            except ValueError:
                return str(value["date"])
        item = value.get("item")
        if not isinstance(item, dict):
            return "(changed)"
        item_class = getattr(spec, "item", None)
        specs = dict(fields_of(item_class)) if item_class else {}
        return ": ".join(self.value(v, specs.get(k)) for k, v in item.items() if not _empty(v))


def _empty(value: Value) -> bool:
    return value is None or value in ("", [])


def _verb(before: Value, after: Value) -> str:
    return "added" if _empty(before) else "removed" if _empty(after) else "changed"


def _changed_words(before: str, after: str) -> tuple[str, str]:
    """The words that differ, with a few unchanged ones either side and '…' for the rest."""
    old, new = before.split(), after.split()
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return _excerpt(old, start, end), _excerpt(new, start, end)


def _excerpt(words: list[str], start: int, end: int) -> str:
    first, last = max(0, start - CONTEXT_WORDS), len(words) - max(0, end - CONTEXT_WORDS)
    middle = words[first:last]
    cut = len(middle) > MAX_WORDS
    text = " ".join(middle[:MAX_WORDS]) + (" …" if cut else "")
    return f"“{'… ' if first else ''}{text}{' …' if last < len(words) and not cut else ''}”"

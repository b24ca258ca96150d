"""What the pages say about change history: the "last changed" line of a record page and the
rows of the "What changed" page. The history itself comes from :mod:`generator.history`.

These are Jinja globals (registered in :mod:`generator.render`); like every template helper
they return :class:`~markupsafe.Markup` built only from escaped text. Commit subjects are
written by people, so they are record text too and go through :func:`generator.escape.inline`.
"""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator import escape, routes
from generator.dates import PartialDate
from generator.history import Change, History
from generator.link import Story
from generator.pages import index_page, md_href
from generator.schema import COLLECTIONS, Record

RECENT_LIMIT = 200
"""Rows on the "What changed" page; older changes stay in the repository's history."""

FOLDER = "changes"
CHANGES_PAGE = index_page(FOLDER)


def _day(change: Change) -> PartialDate:
    date = change.date
    return PartialDate(date.year, date.month, date.day)


def _time(change: Change) -> str:
    day = _day(change)
    return f'<time datetime="{day.iso()}">{escape.block(day.display())}</time>'


@pass_context
def last_changed(ctx: Context, record: Record) -> Markup:
    """'Last changed on 31 January 2026 (what changed)', or nothing when history is unknown."""
    history: History = ctx["history"]
    change = history.last_changed(record.collection, record.id)
    if change is None:
        return Markup("")
    link = md_href(ctx["page_src"], CHANGES_PAGE)
    return Markup(f"Last changed on {_time(change)} ([what changed]({link})).")


def _row(story: Story, page_src: str, change: Change) -> Markup:
    record = story.collection(change.collection).get(change.record_id)
    noun = COLLECTIONS[change.collection].singular
    if record is None:
        what = f"{escape.inline(f'{change.collection}/{change.record_id}')} (no longer published)"
    else:
        what = f"[{escape.inline(story.label_of(record))}]({routes.md_link(page_src, record)})"
    return Markup(f"{escape.inline(change.status.capitalize())} {noun}: {what}")


Day = tuple[Markup, list[tuple[Markup, list[Markup]]]]
"""A day's heading and its commits, each with its note and its rows."""


@pass_context
def recent_changes(ctx: Context) -> list[Day]:
    """The newest changes, grouped by day (UTC) and by commit, newest first."""
    history: History = ctx["history"]
    story: Story = ctx["story"]
    days: dict[str, dict[str, tuple[Markup, list[Markup]]]] = {}
    for change in history.changes[:RECENT_LIMIT]:
        commits = days.setdefault(_day(change).iso(), {})
        note = escape.inline(change.subject) if change.subject else Markup("(no note)")
        _, rows = commits.setdefault(change.commit, (note, []))
        rows.append(_row(story, ctx["page_src"], change))
    return [
        (escape.inline(PartialDate.parse(iso).display()), list(commits.values()))
        for iso, commits in days.items()
    ]

"""Pictures of the story as static SVG, drawn at generation time: no JavaScript to see them.

Two charts: "who was in the room" (a row per person, the timeline's entries as marks on a time
axis) and "who met whom" (people on a circle, shared meetings as weighted edges). Both are
deterministic (same story, same bytes), carry ``<title>``/``<desc>``, are followed by the same
facts as a table, and take every colour from CSS classes styled with Material's variables, so
they follow the light and the dark scheme. Every record text goes through
:mod:`generator.escape`.

The room chart places marks in *percentages* of its width, with text at a fixed size, so it
stays readable from a phone to a desktop without scaling its labels; the network keeps its
shape through a ``viewBox`` and is capped in width by the stylesheet.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator import escape, routes
from generator.dates import MONTHS, PartialDate
from generator.link import Entry
from generator.pages import html_href, index_page
from generator.schema import Meeting, Record
from generator.views import kind_of, people_of, status_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from generator.link import Story
    from generator.schema import Person

ROW = 44
"""Height of one person's row in the room chart: a line for the name, a line for marks."""
AXIS = 34
"""Height of the time axis under the rows."""
ROOM_PEOPLE = 12
"""Rows of the room chart: the people most present in its window, so it stays readable."""
ROOM_MONTHS = 12
"""The room chart's window: the last months of the story (the full picture is the timeline)."""
NETWORK_PEOPLE = 24
"""Nodes of the network: the people with the most shared meetings (each profile lists all)."""
LEFT, RIGHT = 2.0, 98.0
"""The span of the time axis, in percent of the chart's width (room for marks at the ends)."""


def span(date: PartialDate) -> tuple[dt.date, dt.date]:
    """The first and last day a partial date may stand for."""
    month_first, month_last = (date.month, date.month) if date.month else (1, 12)
    first = dt.date(date.year, month_first, date.day or 1)
    last_day = date.day or calendar.monthrange(date.year, month_last)[1]
    return first, dt.date(date.year, month_last, last_day)


def entry_span(entry: Entry) -> tuple[dt.date, dt.date]:
    first, last = span(entry.date)
    if entry.end_date is not None:
        last = max(last, span(entry.end_date)[1])
    return first, last


class Axis:
    """Maps days onto percentages of the width, between :data:`LEFT` and :data:`RIGHT`."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self.days = max((last - first).days, 1)

    def x(self, day: dt.date) -> float:
        return LEFT + (RIGHT - LEFT) * (day - self.first).days / self.days

    def ticks(self) -> list[tuple[dt.date, str]]:
        """Month starts, thinned to at most six labels; the 15th too on short spans."""
        months: list[dt.date] = []
        day = dt.date(self.first.year, self.first.month, 1)
        while day <= self.last:
            if day >= self.first:
                months.append(day)
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if self.days <= 92:
            mids = [dt.date(d.year, d.month, 15) for d in [self.first, *months]]
            days = sorted({d for d in [*months, *mids] if self.first <= d <= self.last})
            return [(d, f"{d.day} {MONTHS[d.month - 1][:3]}") for d in days]
        step = math.ceil(len(months) / 6)
        return [(d, f"{MONTHS[d.month - 1][:3]} {d.year}") for d in months[::step]]


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _when(entry: Entry) -> str:
    return entry.date.display(entry.approximate)


def window(story: Story, months: int = ROOM_MONTHS) -> list[Entry]:
    """The timeline's entries in its last ``months`` months that have any (a date known only
    to the year counts as a month of its own), so that quiet months cost nothing."""
    keys = sorted({(e.date.year, e.date.month or 0) for e in story.timeline})
    kept = set(keys[-months:])
    return [e for e in story.timeline if (e.date.year, e.date.month or 0) in kept]


def room_rows(
    story: Story, entries: list[Entry] | None = None, limit: int | None = None
) -> list[tuple[Person, list[Entry]]]:
    """People on ``entries`` (the whole timeline by default) with their entries, the most
    present first (ties by name), at most ``limit`` of them."""
    rows: dict[str, list[Entry]] = {}
    for entry in story.timeline if entries is None else entries:
        for pid in people_of(entry):
            rows.setdefault(pid, []).append(entry)
    ordered = sorted(rows, key=lambda pid: (-len(rows[pid]), story.people[pid].name))
    return [(story.people[pid], rows[pid]) for pid in ordered[:limit]]


def _mark(axis: Axis, entry: Entry, person: Person, y: int) -> str:
    """One entry on a person's row: a dot for a day, a bar for a month or a year."""
    first, last = entry_span(entry)
    classes = f"chart-mark chart-mark--{kind_of(entry)} chart-mark--{status_of(entry)}"
    label = escape.block(f"{person.name}: {entry.title}, {_when(entry)} ({status_of(entry)})")
    tip = f"<title>{label}</title>"
    if first == last:
        x = _pct(axis.x(first))
        if isinstance(entry, Meeting):
            return f'<circle class="{classes}" cx="{x}" cy="{y}" r="6">{tip}</circle>'
        return (
            f'<rect class="{classes}" x="{x}" y="{y - 5}" width="10" height="10" '
            f'transform="translate(-5 0)">{tip}</rect>'
        )
    width = max(axis.x(last) - axis.x(first), 0.5)
    return (
        f'<rect class="{classes} chart-mark--span" x="{_pct(axis.x(first))}" y="{y - 3}" '
        f'width="{_pct(width)}" height="6" rx="3">{tip}</rect>'
    )


def room_chart(story: Story, page_src: str) -> Markup:
    """Who was in the room: SVG plus the same facts as a table; empty without entries.

    Bounded so that it stays readable as the story grows: the last :data:`ROOM_MONTHS`
    months, and the :data:`ROOM_PEOPLE` people most present in them; a note says what was
    left out and links to the full picture (the timeline and the people)."""
    shown = window(story)
    rows = room_rows(story, shown, ROOM_PEOPLE)
    if not rows:
        return Markup("")
    everyone = len(room_rows(story))
    spans = [entry_span(e) for e in shown]
    axis = Axis(min(s[0] for s in spans), max(s[1] for s in spans))
    height = ROW * len(rows) + AXIS
    parts = [
        f'<svg class="explainer-chart explainer-room" width="100%" height="{height}" '
        'role="img" aria-labelledby="chart_room_title chart_room_desc">',
        '<title id="chart_room_title">Who was in the room</title>',
        f'<desc id="chart_room_desc">{_room_desc(story, rows)}</desc>',
    ]
    for day, _label in axis.ticks():
        x = _pct(axis.x(day))
        parts.append(f'<line class="chart-grid" x1="{x}" x2="{x}" y1="0" y2="{height - AXIS}"/>')
    for index, (person, entries) in enumerate(rows):
        top = index * ROW
        parts.append(
            f'<text class="chart-label" x="0" y="{top + 15}">{escape.block(person.name)}</text>'
        )
        y = top + 30
        parts.append(f'<line class="chart-row" x1="0" x2="100%" y1="{y}" y2="{y}"/>')
        parts.extend(_mark(axis, entry, person, y) for entry in entries)
    for day, label in axis.ticks():
        x = _pct(axis.x(day))
        parts.append(
            f'<text class="chart-tick" x="{x}" y="{height - 10}" text-anchor="middle">'
            f"{escape.block(label)}</text>"
        )
    parts.append("</svg>")
    caption = (
        '<figcaption class="explainer-legend"><span class="legend-meeting">● meeting</span> '
        '<span class="legend-event">■ event</span> '
        '<span class="legend-scheduled">○ scheduled</span> '
        '<span class="legend-span">▬ sometime that month</span></figcaption>'
    )
    table = _room_table(story, rows, page_src)
    bounded = len(shown) < len(story.timeline) or len(rows) < everyone
    note = _full_picture(
        page_src,
        f"The chart shows the {len(rows)} people most present in the last {ROOM_MONTHS} "
        f"months with meetings or events, of {everyone} on the timeline.",
    )
    return _figure("explainer-figure", parts, caption, table + (note if bounded else ""))


def _full_picture(page_src: str, what: str) -> str:
    timeline = escape.attr(html_href(page_src, index_page("timeline")))
    people = escape.attr(html_href(page_src, index_page("people")))
    return (
        f'<p class="explainer-more">{escape.block(what)} The full picture: '
        f'<a href="{timeline}">the whole timeline</a> and <a href="{people}">everyone</a>, '
        "each person's page with their own timeline and whom they met.</p>"
    )


def _room_desc(story: Story, rows: list[tuple[Person, list[Entry]]]) -> Markup:
    busiest = ", ".join(f"{p.name} ({len(e)})" for p, e in rows[:3])
    entries = len({e.id for _, row in rows for e in row})
    people = f"{len(rows)} {'person' if len(rows) == 1 else 'people'}"
    items = f"{entries} {'meeting or event' if entries == 1 else 'meetings and events'}"
    return escape.block(
        f"{people} across {items}; the most present: {busiest}. The table below lists every mark."
    )


def _room_table(story: Story, rows: list[tuple[Person, list[Entry]]], page_src: str) -> str:
    """The chart's facts: who, on which entries, when."""
    body = []
    for person, entries in rows:
        items = "; ".join(
            f'<a href="{_href(page_src, e)}">{escape.block(e.title)}</a> '
            f"({escape.block(_when(e))}{'' if status_of(e) == 'held' else ', ' + status_of(e)})"
            for e in entries
        )
        body.append(
            f'<tr><th scope="row"><a href="{_href(page_src, person)}">'
            f"{escape.block(person.name)}</a></th><td>{len(entries)}</td><td>{items}</td></tr>"
        )
    return _table(
        "Who was in the room, as a table",
        ("Person", "Entries", "Meetings and events"),
        body,
    )


def _table(summary: str, headers: tuple[str, ...], body: list[str]) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    return (
        f'<details class="explainer-chart-table"><summary>{summary}</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></details>"
    )


def _href(page_src: str, record: Record) -> Markup:
    return escape.attr(routes.html_link(page_src, record))


# -- who met whom ------------------------------------------------------------------------------

WIDTH, HEIGHT = 480, 380
"""The network's viewBox; the stylesheet caps its width so labels stay about 16 px."""
RADIUS = 140


def pairs(story: Story) -> dict[tuple[str, str], int]:
    """Shared held meetings for each pair of people (ids in sorted order), from the linked
    story's ``met_with`` so that profiles and the network always agree."""
    return {
        (min(pid, other.id), max(pid, other.id)): count
        for pid, others in story.met_with.items()
        for other, count in others
    }


def _ring(people: list[Person]) -> dict[str, tuple[float, float, float]]:
    """Node positions on a circle, first at the top, clockwise: id → (x, y, angle)."""
    spots = {}
    for index, person in enumerate(people):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(people), 1)
        x = WIDTH / 2 + RADIUS * math.cos(angle)
        y = HEIGHT / 2 + RADIUS * math.sin(angle)
        spots[person.id] = (x, y, angle)
    return spots


def short_names(people: list[Person]) -> dict[str, str]:
    """Surnames as node labels, full names where two people share one."""
    last = {p.id: p.name.split()[-1] if p.name.split() else p.name for p in people}
    clash = {name for name in last.values() if list(last.values()).count(name) > 1}
    return {p.id: p.name if last[p.id] in clash else last[p.id] for p in people}


def network_chart(
    story: Story, page_src: str, order: Callable[[Person], tuple[str, str]]
) -> Markup:
    """Who met whom: SVG plus the same facts as a table; people ordered round the circle by
    ``order`` (by country, then name, so that delegations sit together)."""
    everyone = pairs(story)
    people = sorted(_most_met(story, everyone, NETWORK_PEOPLE), key=order)
    if not people:
        return Markup("")
    kept = {p.id for p in people}
    counts = {pair: n for pair, n in everyone.items() if pair[0] in kept and pair[1] in kept}
    spots = _ring(people)
    heaviest = max(counts.values(), default=1)
    met = {pid for pair in counts for pid in pair}
    parts = [
        f'<svg class="explainer-chart explainer-network" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-labelledby="chart_network_title chart_network_desc">',
        '<title id="chart_network_title">Who met whom</title>',
        f'<desc id="chart_network_desc">{_network_desc(story, counts, len(people))}</desc>',
    ]
    for (a, b), count in sorted(counts.items(), key=lambda item: (item[1], item[0])):
        (x1, y1, _), (x2, y2, _) = spots[a], spots[b]
        width = 1.5 + 4.5 * (count - 1) / max(heaviest - 1, 1)
        label = escape.block(
            f"{story.people[a].name} and {story.people[b].name}: "
            f"{count} shared meeting{'' if count == 1 else 's'}"
        )
        parts.append(
            f'<line class="chart-edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke-width="{width:.1f}"><title>{label}</title></line>'
        )
    labels = short_names(people)
    for person in people:
        parts.append(_node(person, spots[person.id], labels[person.id], person.id in met))
    parts.append("</svg>")
    caption = (
        '<figcaption class="explainer-legend">Lines join people who were in the same held '
        "meeting; the thicker the line, the more meetings. Hollow circles: no shared meeting "
        "on record.</figcaption>"
    )
    table = _network_table(story, counts, page_src)
    if len(people) < len(story.people):
        table += _full_picture(
            page_src,
            f"The chart shows the {len(people)} people with the most shared meetings, of "
            f"{len(story.people)}.",
        )
    return _figure("explainer-figure explainer-figure--network", parts, caption, table)


def _most_met(story: Story, counts: dict[tuple[str, str], int], limit: int) -> list[Person]:
    """Everyone while the story names at most ``limit`` people; beyond that the ``limit``
    with the most shared meetings (ties by name), so the circle stays legible."""
    if len(story.people) <= limit:
        return list(story.people.values())
    total: dict[str, int] = {}
    for (a, b), count in counts.items():
        total[a] = total.get(a, 0) + count
        total[b] = total.get(b, 0) + count
    ranked = sorted(story.people.values(), key=lambda p: (-total.get(p.id, 0), p.name))
    return ranked[:limit]


def _figure(classes: str, svg: list[str], caption: str, table: str) -> Markup:
    """A chart as readers get it: the SVG and its caption in a figure, then the same facts as
    a table for screen readers. Every part is already escaped markup."""
    return Markup(f'<figure class="{classes}">{"".join(svg)}{caption}</figure>\n{table}')


def _node(person: Person, spot: tuple[float, float, float], label: str, met: bool) -> str:
    x, y, angle = spot
    cos, sin = math.cos(angle), math.sin(angle)
    anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
    lx, ly = x + 14 * cos, y + 14 * sin + (6 if sin >= -0.3 else 0)
    if abs(cos) < 0.3:
        ly = y + (24 if sin > 0 else -12)
    state = "chart-node" if met else "chart-node chart-node--alone"
    return (
        f'<circle class="{state}" cx="{x:.1f}" cy="{y:.1f}" r="8">'
        f"<title>{escape.block(person.name)}</title></circle>"
        f'<text class="chart-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">'
        f"{escape.block(label)}</text>"
    )


def _network_desc(story: Story, counts: dict[tuple[str, str], int], people: int) -> Markup:
    if not counts:
        return escape.block(f"{people} people; no two of them share a held meeting on record.")
    (a, b), most = max(counts.items(), key=lambda item: (item[1], item[0]))
    return escape.block(
        f"{people} people and {len(counts)} pairs who shared a held meeting; the most often "
        f"together: {story.people[a].name} and {story.people[b].name} ({most}). "
        "The table below lists every pair."
    )


def _network_table(story: Story, counts: dict[tuple[str, str], int], page_src: str) -> str:
    body = []
    ranked = sorted(
        counts.items(),
        key=lambda item: (-item[1], story.people[item[0][0]].name, story.people[item[0][1]].name),
    )
    for (a, b), count in ranked:
        first, second = story.people[a], story.people[b]
        body.append(
            f'<tr><td><a href="{_href(page_src, first)}">{escape.block(first.name)}</a>'
            f'</td><td><a href="{_href(page_src, second)}">'
            f"{escape.block(second.name)}</a></td><td>{count}</td></tr>"
        )
    return _table("Who met whom, as a table", ("Person", "Met", "Shared meetings"), body)

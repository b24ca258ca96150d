"""Atom 1.0 feeds for readers who follow the story: ``feed.xml`` (developments: one entry per
timeline entry) and ``changes.xml`` (what changed in the records, one entry per commit, titled
by its ``Change-note:``, with each record's field changes as the What changed page words them).

Written with the standard library's ElementTree, which escapes text and attributes for XML
(README, "Dependencies", says why not feedgen). Everything is reproducible: no build clock.

- **Ids** are tag URIs (RFC 4151), ``tag:<host of site_url>,<id_year>:<collection>/<id>``, made
  from the record's id, never its title, so an entry keeps its id when its title or date is
  corrected. ``id_year`` is set once in ``mkdocs.yml``
  (``extra: {explainer: {id_year: 2026}}``) and must never change; a year taken from the story
  or from git could change, and with it every id.
- **published** is the record's date at the start of its span, at 00:00 UTC: a month-only date
  (``2026-01``) is published as 1 January 2026, a year-only date as 1 January, where the site's
  timeline also sorts them. The entry's text states the date as written ("January 2026").
- **updated** is the time of the last commit that changed the record's values (git history).
  When history does not know the record (no git checkout, a shallow clone, an uncommitted
  file), it is ``published``: the one time the record itself states.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from generator import changes, escape, incremental, routes, views
from generator.dates import PartialDate, display_range
from generator.errors import BuildError
from generator.history import Change, History
from generator.link import Entry, Story
from generator.pages import index_page
from generator.render import country_name
from generator.schema import COLLECTIONS, Meeting, Record
from generator.siteconfig import SiteConfig

if TYPE_CHECKING:
    from generator.incremental import Session
    from generator.outputs import Inputs

FEED = "feed.xml"
CHANGES_FEED = "changes.xml"
ATOM = "http://www.w3.org/2005/Atom"
CHANGES_LIMIT = 200
"""Commits in ``changes.xml``, newest first; older ones stay in the repository's history."""
CHANGE_LINES_LIMIT = 50
"""Records listed in one commit's entry; the rest are counted, with a link to What changed.
A first commit adds every record: at 10,000 records its entry alone was 2.5 MB, more than a
feed reader fetches, and the preview wrote it again after every save."""
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def produce(inputs: Inputs) -> dict[str, bytes]:
    """Both feeds, as bytes. In the preview's session each is a unit of its own: a saved
    person is named in the changes feed, and must not make the developments feed again."""
    made = {FEED: developments, CHANGES_FEED: changes_feed}
    args = (inputs.story, inputs.history, inputs.site, inputs.session)
    return {
        name: incremental.unit(inputs.session, ("feed", name), None, partial(make, *args))
        for name, make in made.items()
    }


# -- ids and times ---------------------------------------------------------------------------


def host_of(site: SiteConfig) -> str:
    """The host of ``site_url``: feeds, the calendar and the data need the site's address."""
    host = urlsplit(site.url).hostname if site.url else None
    if not host:
        raise BuildError(
            "mkdocs.yml has no site_url; feeds, the calendar and the data need the site's "
            "address (site_url: https://…/)"
        )
    return host


def tag_uri(site: SiteConfig, specific: str) -> str:
    """A stable id: ``tag:example.org,2026:meetings/florida-dmitriev`` (RFC 4151)."""
    host = host_of(site)
    settings = site.extra.get("explainer")
    year = settings.get("id_year") if isinstance(settings, dict) else None
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
        raise BuildError(
            "mkdocs.yml: extra.explainer.id_year must be a year (id_year: 2026): the year the "
            "story was first published, set once and never changed; it makes feed ids, "
            f"not {year!r}"
        )
    return f"tag:{host},{year:04d}:{specific}"


def start_of(date: PartialDate) -> dt.datetime:
    """The first instant of a date's span, in UTC: ``2026-01`` → 2026-01-01T00:00:00Z."""
    return dt.datetime(date.year, date.month or 1, date.day or 1, tzinfo=dt.UTC)


def changed_at(history: History, record: Record, fallback: dt.datetime) -> dt.datetime:
    """When the record's file last changed (git), else ``fallback``."""
    change = history.last_changed(record.collection, record.id)
    return dt.datetime.fromtimestamp(change.time, tz=dt.UTC) if change else fallback


def rfc3339(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- Atom ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One Atom entry, before it becomes XML."""

    id: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    summary_html: str
    related: tuple[str, ...] = ()


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def _link(parent: ET.Element, href: str, rel: str = "alternate", mime: str = "") -> None:
    attrs = {"rel": rel, "href": href} | ({"type": mime} if mime else {})
    ET.SubElement(parent, f"{{{ATOM}}}link", attrs)


def atom(
    site: SiteConfig, *, feed_id: str, title: str, self_src: str, alternate: str, items: list[Item]
) -> bytes:
    """An Atom 1.0 document. ``updated`` is the newest entry's (the epoch when there is none:
    still reproducible, and older than anything real)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if site.description:
        _text(feed, "subtitle", site.description)
    _text(feed, "updated", rfc3339(max((i.updated for i in items), default=EPOCH)))
    _link(feed, site.absolute(self_src), "self", "application/atom+xml")
    _link(feed, alternate, "alternate", "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", site.name)
    _text(author, "uri", site.url)
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _text(entry, "published", rfc3339(item.published))
        _text(entry, "updated", rfc3339(item.updated))
        _link(entry, item.link, "alternate", "text/html")
        for href in item.related:
            _link(entry, href, "related", "text/html")
        _text(entry, "summary", item.summary_html, type="html")
    ET.indent(feed)
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


# -- developments ----------------------------------------------------------------------------


def _headline(entry: Entry) -> str:
    """The line above the summary: date as written, kind, status and place."""
    end: PartialDate | None = entry.end_date
    parts = [display_range(entry.date, end, entry.approximate), views.kind_of(entry)]
    if views.status_of(entry) != "held":
        parts.append(views.status_of(entry))
    if isinstance(entry, Meeting):
        parts.append(entry.location)
    return " · ".join(parts)


def development(history: History, site: SiteConfig, entry: Entry) -> Item:
    """The feed entry of one meeting or event."""
    where = routes.place(entry)
    published = start_of(entry.date)
    return Item(
        id=tag_uri(site, f"{entry.collection}/{entry.id}"),
        title=entry.title,
        link=site.absolute(where.src, where.anchor),
        published=published,
        updated=changed_at(history, entry, published),
        summary_html=f"<p>{escape.html_text(_headline(entry))}</p>{escape.prose(entry.summary)}",
    )


def developments(
    story: Story, history: History, site: SiteConfig, session: Session | None = None
) -> bytes:
    """``feed.xml``: every timeline entry, newest first (in the preview's ``session``, an
    entry is made again only when it changed)."""
    items = [
        incremental.unit(
            session, ("development", e.collection, e.id), e, partial(development, history, site, e)
        )
        for e in reversed(story.timeline)
    ]
    timeline = site.absolute(index_page("timeline"))
    title = f"{site.name}: developments"
    feed_id = tag_uri(site, FEED)
    return atom(site, feed_id=feed_id, title=title, self_src=FEED, alternate=timeline, items=items)


# -- what changed ----------------------------------------------------------------------------


def _change_line(story: Story, site: SiteConfig, change: Change) -> tuple[str, str]:
    """A change as an HTML list item (the record, then its field changes as the What changed
    page words them) and the absolute URL of its record ('' once removed)."""
    record = story.collection(change.collection).get(change.record_id)
    noun = COLLECTIONS[change.collection].singular
    what = escape.html_text(f"{change.status.capitalize()} {noun}: ")
    fields = "".join(
        f"<li>{escape.html_text(line)}</li>"
        for line in changes.field_lines(story, change, country_name)
    )
    details = f"<ul>{fields}</ul>" if fields else ""
    if record is None:
        name = f"{change.label or change.collection + '/' + change.record_id}"
        gone = escape.html_text(f"{name} (no longer published)")
        return f"<li>{what}{gone}{details}</li>", ""
    where = routes.place(record)
    url = site.absolute(where.src, where.anchor)
    label = f'<a href="{escape.html_text(url)}">{escape.html_text(story.label_of(record))}</a>'
    return f"<li>{what}{label}{details}</li>", url


def _title(story: Story, commit: list[Change]) -> str:
    """The editor's ``Change-note:``, else what changed: one record by name, or a count."""
    if commit[0].note:
        return commit[0].note
    if len(commit) > 1:
        return f"{len(commit)} records changed"
    change = commit[0]
    record = story.collection(change.collection).get(change.record_id)
    name = story.label_of(record) if record else change.label or change.record_id
    return f"{change.status.capitalize()} {COLLECTIONS[change.collection].singular}: {name}"


def _commits(history: History) -> Iterable[list[Change]]:
    """The newest commits that changed records, each with its changes, newest first."""
    by_commit: dict[str, list[Change]] = {}
    for change in history.changes:
        if change.commit not in by_commit and len(by_commit) == CHANGES_LIMIT:
            break
        by_commit.setdefault(change.commit, []).append(change)
    return by_commit.values()


def commit_item(
    story: Story, site: SiteConfig, commit: list[Change], session: Session | None = None
) -> Item:
    """The entry of one commit: its note (or what changed) as the title, the records it
    changed, field by field, as the text (in the preview's ``session``, a change's line is
    written again only when what it names changed: a first commit changes every record)."""
    first = commit[0]
    lines = [
        incremental.unit(
            session,
            ("change", change.commit, change.collection, change.record_id),
            change,
            partial(_change_line, story, site, change),
        )
        for change in commit[:CHANGE_LINES_LIMIT]
    ]
    when = dt.datetime.fromtimestamp(first.time, tz=dt.UTC)
    related = tuple(dict.fromkeys(url for _, url in lines if url))
    link = site.absolute(changes.CHANGES_PAGE)
    return Item(
        id=tag_uri(site, f"changes/{first.commit}"),
        title=_title(story, commit),
        link=link,
        published=when,
        updated=when,
        summary_html="<ul>" + "".join(line for line, _ in lines) + _more(commit, link) + "</ul>",
        related=related,
    )


def _more(commit: list[Change], link: str) -> str:
    """The list item that counts the changes an entry leaves out (:data:`CHANGE_LINES_LIMIT`),
    or nothing."""
    left = len(commit) - CHANGE_LINES_LIMIT
    if left <= 0:
        return ""
    words = f"and {left:,} more record{'s' if left > 1 else ''}"
    return f'<li>{words}: see <a href="{escape.html_text(link)}">What changed</a></li>'


def corrections(story: Story, site: SiteConfig) -> list[Item]:
    """One entry per correction of any record (``corrections: [{date, text}]``), dated at the
    correction's day. Its id is the record's and the correction's place in the list, which
    never shrinks (editors never delete a correction)."""
    items = []
    for record in story.corrected:
        where = routes.place(record)
        for number, correction in enumerate(record.corrections, start=1):
            when = start_of(correction.date)
            items.append(
                Item(
                    id=tag_uri(site, f"{record.collection}/{record.id}/corrections/{number}"),
                    title=f"Correction: {story.label_of(record)}",
                    link=site.absolute(where.src, where.anchor),
                    published=when,
                    updated=when,
                    summary_html=str(escape.prose(correction.text)),
                )
            )
    return items


def changes_feed(
    story: Story, history: History, site: SiteConfig, session: Session | None = None
) -> bytes:
    """``changes.xml``: one entry per commit that changed records, plus corrections."""
    items = [commit_item(story, site, commit, session) for commit in _commits(history)]
    items += corrections(story, site)
    items.sort(key=lambda item: (item.updated, item.id), reverse=True)
    title = f"{site.name}: what changed"
    page = site.absolute(changes.CHANGES_PAGE)
    feed_id = tag_uri(site, CHANGES_FEED)
    return atom(
        site, feed_id=feed_id, title=title, self_src=CHANGES_FEED, alternate=page, items=items
    )

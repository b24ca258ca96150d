"""What a build produces: the one registry of outputs.

Each output is a producer of ``{path under docs/: bytes}`` and declares the entries of
``docs/`` it owns (whole folders, or single files at the top). Everything about generated files
is derived from :data:`OUTPUTS`: what the writer may replace or delete, what tests copy, what
``make clean`` removes. A path produced twice is an error, never a silent overwrite.

A new output is one module with a ``produce(inputs) -> dict[str, bytes]`` function and one line
in :data:`OUTPUTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from pathlib import Path
from typing import TypeVar

from generator import (
    calendar_ics,
    cards,
    changes,
    corrections,
    embed,
    feeds,
    home,
    incremental,
    indexes,
    reference,
    render,
    routes,
    share,
    timings,
)
from generator import data as open_data
from generator.errors import BuildError
from generator.history import History
from generator.incremental import Session
from generator.link import Story
from generator.pages import HOME
from generator.siteconfig import SiteConfig
from generator.writer import File, Owned

T = TypeVar("T")


@dataclass(frozen=True)
class Inputs:
    """Everything an output may read: the checked story and what surrounds it."""

    story: Story
    history: History = field(default_factory=History)
    standfirst: home.Standfirst = field(default_factory=home.Standfirst)
    site: SiteConfig = field(default_factory=SiteConfig)
    cache: Path | None = None
    """A folder for outputs that cache expensive work between builds (``.explainer/cache``);
    None disables caching."""
    session: Session | None = None
    """In the preview: what the last regeneration made and read, so that only the pages and
    outputs an edit reaches are made again (:mod:`generator.incremental`). ``story`` is then
    the session's read-noting view of the story."""
    later: cards.Later | None = None
    """In a build that runs the site engine next: where many share cards to draw are left,
    to be drawn while the engine runs (:class:`generator.cards.Later`)."""

    @cached_property
    def pages(self) -> list[render.Page]:
        """Every generated page (:func:`generator.render.plan`), planned once for the outputs
        that go through them (the pages, their heads, their share cards)."""
        limit = self.site.count("index_limit", indexes.INDEX_LIMIT)
        snippet = embed.snippet(self.site)
        return render.plan(self.story, self.standfirst, limit, snippet, self.session)


Producer = Callable[[Inputs], Mapping[str, File]]


@dataclass(frozen=True)
class Output:
    """One kind of generated file: its name, the entries of ``docs/`` it owns, its producer.

    An entry ending in ``/`` is a folder the output owns outright; any other is one file.
    """

    name: str
    owns: tuple[str, ...]
    produce: Producer
    units: bool = False
    """Whether the producer splits its work into units of :mod:`generator.incremental` itself
    (a page, a card); any other output is one unit."""


def _pages(inputs: Inputs) -> dict[str, File]:
    """The Markdown pages, and beside each split index the map that forwards old anchors."""
    limit = inputs.site.count("index_limit", indexes.INDEX_LIMIT)
    files = render.render_files(
        inputs.story,
        inputs.history,
        head=share.head(inputs),
        session=inputs.session,
        pages=inputs.pages,
    )
    for index in indexes.INDEXES:
        files.update(_unit(inputs, ("maps", index.folder), partial(_maps, index, inputs, limit)))
    return files


def _maps(index: indexes.Index, inputs: Inputs, limit: int) -> dict[str, bytes]:
    """Beside a split index: the map that forwards old anchors, and the timeline's entries."""
    files = {}
    forward = indexes.anchors(index, inputs.story, limit, routes.html_link)
    if forward:
        files[f"{index.folder}/{indexes.ANCHORS}"] = forward
    if forward and "entries_file" in index.context:
        files[f"{index.folder}/{indexes.ENTRIES}"] = indexes.entries(
            inputs.story, routes.html_link, session=inputs.session
        )
    return files


def _unit(inputs: Inputs, ident: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or in a session its last result when nothing it read has changed."""
    return incremental.unit(inputs.session, ident, None, compute)


def _page_folders() -> tuple[str, ...]:
    """Folders of record pages and of index pages, each once."""
    found = [*routes.folders(), *(index.folder for index in indexes.INDEXES)]
    return tuple(f"{folder}/" for folder in dict.fromkeys(found))


def _cards(inputs: Inputs) -> dict[str, File]:
    """Every page's share card, drawn again only when its text changed (cached by content)."""
    cache = inputs.cache / cards.CACHE_FOLDER if inputs.cache else None
    shared = cards.shared_folder()
    if inputs.session is None:
        return cards.cards(share.card_specs(inputs), cache, shared)
    return inputs.session.cards(
        share.card_specs(inputs), lambda todo: cards.cards(todo, cache, shared, inputs.later)
    )


def _reference(inputs: Inputs) -> dict[str, bytes]:
    return {src: text.encode("utf-8") for src, text in reference.pages().items()}


PAGES = (*_page_folders(), changes.FOLDER + "/", HOME)
"""The entries of ``docs/`` the pages fill."""

CARDS = tuple(
    f"{share.CARD_FOLDER}/{entry}" if entry.endswith("/") else share.card_path(entry)
    for entry in PAGES
)
"""The share cards' entries, one per entry of pages (``cards/people/``, ``cards/index.png``):
an edit that redraws one person's card swaps in ``cards/people/`` (1,000 cards at 10,000
records), not all 10,000 cards (:mod:`generator.writer` relinks every file of a folder it
swaps)."""

OUTPUTS: tuple[Output, ...] = (
    Output("cards", CARDS, _cards, units=True),
    Output("pages", PAGES, _pages, units=True),
    Output("reference", (reference.FOLDER + "/",), _reference),
    Output("feeds", (feeds.FEED, feeds.CHANGES_FEED), feeds.produce),
    Output("calendar", (calendar_ics.CALENDAR,), calendar_ics.produce),
    Output("data", (open_data.FOLDER + "/",), open_data.produce),
    Output("embed", (embed.FOLDER + "/",), embed.produce),
    Output("corrections", (corrections.FOLDER + "/",), corrections.produce),
)
"""Every output of a build, in the order they are produced: the share cards first, since a
build from clean starts drawing them on the other core as soon as they are known
(:class:`generator.cards.Later`), while this one makes the rest."""


@cache  # one per output, kept with the paths it found each entry of (Owned.entry_of)
def owned(outputs: tuple[Output, ...] = OUTPUTS) -> Owned:
    entries = [entry for output in outputs for entry in output.owns]
    return Owned(
        tuple(e.rstrip("/") for e in entries if e.endswith("/")),
        tuple(e for e in entries if not e.endswith("/")),
    )


OWNED = owned()
"""What the generator owns in ``docs/``, derived from :data:`OUTPUTS`."""


def produce(inputs: Inputs, outputs: tuple[Output, ...] = OUTPUTS) -> dict[str, File]:
    """Run every output; refuse a path produced twice or outside the output's own entries."""
    files: dict[str, File] = {}
    producer: dict[str, str] = {}
    for output in outputs:
        mine = owned((output,))
        with timings.stage(f"render: {output.name}"):  # within "render"; for make bench
            if output.units:
                made = output.produce(inputs)
            else:
                made = _unit(inputs, ("output", output.name), partial(output.produce, inputs))
        for path, data in made.items():
            if mine.entry_of(path) is None:
                raise BuildError(
                    f"output {output.name!r} produced {path!r}, outside what it owns "
                    f"({', '.join(output.owns)})"
                )
            if path in files:
                raise BuildError(
                    f"{path!r} is produced twice, by outputs {producer[path]!r} and {output.name!r}"
                )
            files[path] = data
            producer[path] = output.name
    return files

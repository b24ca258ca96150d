"""What a build produces: the one registry of outputs.

Each output is a producer of ``{path under docs/: bytes}`` and declares the entries of
``docs/`` it owns (whole folders, or single files at the top). Everything about generated files
is derived from :data:`OUTPUTS`: what the writer may replace or delete, what tests copy, what
``make clean`` removes. A path produced twice is an error, never a silent overwrite.

A new output is one module with a ``produce(inputs) -> dict[str, bytes]`` function and one line
in :data:`OUTPUTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import (
    cards,
    changes,
    corrections,
    embed,
    home,
    indexes,
    reference,
    render,
    routes,
    share,
)
from generator.errors import BuildError
from generator.history import History
from generator.link import Story
from generator.pages import HOME
from generator.siteconfig import SiteConfig
from generator.writer import Owned


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


Producer = Callable[[Inputs], Mapping[str, bytes]]


@dataclass(frozen=True)
class Output:
    """One kind of generated file: its name, the entries of ``docs/`` it owns, its producer.

    An entry ending in ``/`` is a folder the output owns outright; any other is one file.
    """

    name: str
    owns: tuple[str, ...]
    produce: Producer


def _pages(inputs: Inputs) -> dict[str, bytes]:
    """The Markdown pages, and beside each split index the map that forwards old anchors."""
    limit = inputs.site.count("index_limit", indexes.INDEX_LIMIT)
    pages = render.render(
        inputs.story,
        inputs.history,
        inputs.standfirst,
        limit,
        embed.snippet(inputs.site),
        head=share.head(inputs),
    )
    files = {src: text.encode("utf-8") for src, text in pages.items()}
    for index in indexes.INDEXES:
        forward = indexes.anchors(index, inputs.story, limit, routes.html_link)
        if forward:
            files[f"{index.folder}/{indexes.ANCHORS}"] = forward
        if forward and "entries_file" in index.context:
            files[f"{index.folder}/{indexes.ENTRIES}"] = indexes.entries(
                inputs.story, routes.html_link
            )
    return files


def _page_folders() -> tuple[str, ...]:
    """Folders of record pages and of index pages, each once."""
    found = [*routes.folders(), *(index.folder for index in indexes.INDEXES)]
    return tuple(f"{folder}/" for folder in dict.fromkeys(found))


def _cards(inputs: Inputs) -> dict[str, bytes]:
    """Every page's share card, drawn again only when its text changed (cached by content)."""
    cache = inputs.cache / cards.CACHE_FOLDER if inputs.cache else None
    return cards.cards(share.card_specs(inputs), cache)


def _reference(inputs: Inputs) -> dict[str, bytes]:
    return {src: text.encode("utf-8") for src, text in reference.pages().items()}


OUTPUTS: tuple[Output, ...] = (
    Output(
        "pages",
        (*_page_folders(), changes.FOLDER + "/", HOME),
        _pages,
    ),
    Output("reference", (reference.FOLDER + "/",), _reference),
    Output("embed", (embed.FOLDER + "/",), embed.produce),
    Output("corrections", (corrections.FOLDER + "/",), corrections.produce),
    Output("cards", (share.CARD_FOLDER + "/",), _cards),
)
"""Every output of a build, in the order they are produced."""


def owned(outputs: tuple[Output, ...] = OUTPUTS) -> Owned:
    entries = [entry for output in outputs for entry in output.owns]
    return Owned(
        tuple(e.rstrip("/") for e in entries if e.endswith("/")),
        tuple(e for e in entries if not e.endswith("/")),
    )


OWNED = owned()
"""What the generator owns in ``docs/``, derived from :data:`OUTPUTS`."""


def produce(inputs: Inputs, outputs: tuple[Output, ...] = OUTPUTS) -> dict[str, bytes]:
    """Run every output; refuse a path produced twice or outside the output's own entries."""
    files: dict[str, bytes] = {}
    producer: dict[str, str] = {}
    for output in outputs:
        mine = owned((output,))
        for path, data in output.produce(inputs).items():
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

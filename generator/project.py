"""Where an explainer's files are: :class:`Project`, in a module of its own so that a command
that needs only the paths (``explainer check`` answered from :mod:`generator.memo`) does not
import the pipeline to learn them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where an explainer's files are; everything is relative to one root folder."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def work(self) -> Path:
        """Scratch space beside ``docs/`` and ``site/`` (same file system, so renames are
        atomic); git-ignored."""
        return self.root / ".explainer"

    @property
    def cache(self) -> Path:
        """What later runs may reuse (parsed trees, a passing check, the history of each
        commit); only ever saves time, safe to delete."""
        return self.work / "cache"

    @property
    def templates(self) -> Path:
        """The theme's templates, compiled (:data:`generator.build_child.TEMPLATE_CACHE`)."""
        return self.cache / "templates"

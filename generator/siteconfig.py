"""What the generator needs from ``mkdocs.yml``, read once per build: the site's name, its
description, its absolute address and the ``extra`` settings a story may give (the data
licence, for example).

The core never imports MkDocs; it reads the file as YAML. ``mkdocs.yml`` may carry tags only
MkDocs understands (``!ENV``, ``!!python/name:``), so those read as plain text or nothing here:
the generator never needs their values.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.errors import BuildError
from generator.pages import page_url


class _Lenient(yaml.SafeLoader):
    """SafeLoader that reads any unknown tag as the plain value under it."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None  # pragma: no cover - PyYAML has no other node kinds


_Lenient.add_multi_constructor("!", _untagged)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


@dataclass(frozen=True)
class SiteConfig:
    """The site as readers and other sites see it."""

    name: str = "Explainer"
    description: str = ""
    url: str = ""
    """``site_url`` with a trailing slash, or empty when the story gives none."""
    extra: dict[str, Any] = field(default_factory=dict)
    language: str = "en"
    """``theme.language``: the ``lang`` of pages the generator writes as HTML itself."""
    not_in_nav: str = ""
    """MkDocs' ``not_in_nav`` patterns (gitignore style), as written."""
    has_nav: bool = False

    @property
    def base_path(self) -> str:
        """The path the site is served under (``/explainer/``), ``/`` without a site_url."""
        return urlsplit(self.url).path or "/" if self.url else "/"

    def count(self, name: str, default: int) -> int:
        """A whole-number setting of the generator, ``extra: {explainer: {name: N}}``; one that
        is not a whole number above 0 is refused, naming the setting."""
        settings = self.extra.get("explainer")
        value = settings.get(name, default) if isinstance(settings, dict) else default
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise BuildError(
                f"mkdocs.yml: extra.explainer.{name} must be a whole number above 0, not {value!r}"
            )
        return value

    def absolute(self, src: str, anchor: str = "") -> str:
        """The absolute URL of a page (by its source path under ``docs/``) or a file.

        Pages (``.md``) publish at their directory URL; any other file at its own path.
        """
        if not self.url:
            raise BuildError(
                "mkdocs.yml has no site_url; feeds, share cards and structured data need the "
                "site's absolute address (site_url: https://…/)"
            )
        path = page_url(src) if src.endswith(".md") else posixpath.normpath(src)
        return self.url + path + (f"#{anchor}" if anchor else "")


def _language(theme: object) -> str:
    language = theme.get("language") if isinstance(theme, dict) else None
    return str(language) if language else "en"


def read(config: Path) -> SiteConfig:
    """Read ``mkdocs.yml``; a missing file gives the defaults (tests build bare content)."""
    try:
        text = config.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SiteConfig()
    except OSError as exc:
        raise BuildError(f"cannot read {config}: {exc.strerror}") from None
    try:
        data = yaml.load(text, Loader=_Lenient)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise BuildError(f"{config} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{config} is not a mapping of settings")
    url = str(data.get("site_url") or "")
    if url and not url.endswith("/"):
        url += "/"
    if url and urlsplit(url).scheme not in {"http", "https"}:
        raise BuildError(f"{config}: site_url must start with https:// or http://, not {url!r}")
    extra = data.get("extra")
    return SiteConfig(
        name=str(data.get("site_name") or "Explainer"),
        description=str(data.get("site_description") or ""),
        url=url,
        extra=extra if isinstance(extra, dict) else {},
        language=_language(data.get("theme")),
        not_in_nav=str(data.get("not_in_nav") or ""),
        has_nav="nav" in data,
    )

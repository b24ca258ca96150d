"""Which URLs a record may carry: plain absolute http(s), nothing a browser reads differently.

Python's ``urlsplit`` and browsers disagree on backslashes, tabs and credentials, so anything
where they could disagree is refused rather than normalised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$"
)
_BAD_CHARS = re.compile(r"[\s\\\x00-\x1f\x7f-\x9f<>\"`{}|^]")


_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
"""Characters a reader cannot see in a URL: bidi controls, zero-width and other spaces."""


def _port_ok(url: str) -> bool:
    try:
        port = urlsplit(url).port
    except ValueError:
        return False
    return port != 0


def _parses(url: str) -> bool:
    """``urlsplit`` raises on some malformed URLs (``https://ex[ample.org``)."""
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


def _visible(url: str) -> bool:
    return not any(unicodedata.category(c) in _HIDDEN_CATEGORIES for c in url)


def _named_host(url: str) -> bool:
    """WHATWG parses a host whose last label is a number (``127.0.0.1``, ``2130706433``,
    ``0x7f.1``) as an IPv4 address; sources are named sites, never bare addresses."""
    labels = (urlsplit(url).hostname or "").rstrip(".").split(".")
    return not re.fullmatch(r"[0-9]+|0x[0-9a-f]*", labels[-1])


_RULES: tuple[tuple[Callable[[str], bool], str], ...] = (
    (
        lambda u: not _BAD_CHARS.search(u),
        "URL contains a space, backslash, quote or control character",
    ),
    (_visible, "URL contains an invisible or bidirectional control character"),
    (_parses, "URL is malformed"),
    (lambda u: u.startswith(("http://", "https://")), "only http and https URLs are allowed"),
    (lambda u: "@" not in urlsplit(u).netloc, "URL must not contain credentials (user@host)"),
    (lambda u: bool(urlsplit(u).hostname), "URL has no host"),
    (
        lambda u: (urlsplit(u).hostname or "").isascii(),
        "URL host must be ASCII (write it in punycode, xn--…)",
    ),
    (lambda u: bool(_HOST.match(urlsplit(u).hostname or "")), "URL host is not a valid host name"),
    (_named_host, "URL host is an IP address, not a site name"),
    (_port_ok, "URL port is out of range"),
)


def url_problem(url: str) -> str | None:
    """Why ``url`` may not be published, or None when it is a clean http(s) URL.

    The rules run in order and each assumes the ones before it passed.

    >>> url_problem("javascript:alert(1)")
    'only http and https URLs are allowed'
    """
    for passes, message in _RULES:
        if not passes(url):
            return message
    return None


def is_plain_http(url: str) -> bool:
    """True for ``http:`` links, which deserve a warning but not a failure."""
    return url.startswith("http://")


ARCHIVE_HOSTS = frozenset(
    {
        "web.archive.org",
        "archive.today",
        "archive.ph",
        "archive.is",
        "archive.li",
        "archive.vn",
        "archive.md",
        "archive.fo",
        "perma.cc",
    }
)
"""Web archives a source's ``archive_url`` may point at (the Wayback Machine, archive.today
and its mirrors, Perma.cc): anything else could be a look-alike serving other words."""


def archive_problem(archive_url: str, original: str) -> str | None:
    """Why ``archive_url`` is not an archived copy of ``original``, or None.

    >>> archive_problem("https://web.archive.org/web/2024/https://b.example/", "https://a.example/")
    'does not contain the original url'
    """
    problem = url_problem(archive_url)
    if problem:
        return problem
    host = urlsplit(archive_url).hostname or ""
    if host not in ARCHIVE_HOSTS:
        return f"URL host {host} is not allowed here"
    if not original:
        return "needs url, the address of the original"
    bare = original.split("://", 1)[1]
    if bare not in archive_url:
        return "does not contain the original url"
    return None

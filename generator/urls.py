"""Which URLs a record may carry: plain absolute http(s), nothing a browser reads differently.

Python's ``urlsplit`` and browsers disagree on backslashes, tabs and credentials, so anything
where they could disagree is refused rather than normalised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$"
)
_BAD_CHARS = re.compile(r"[\s\\\x00-\x1f\x7f-\x9f<>\"`{}|^]")


def _port_ok(url: str) -> bool:
    try:
        urlsplit(url).port  # noqa: B018 - reading it raises ValueError on a bad port
    except ValueError:
        return False
    return True


_RULES: tuple[tuple[Callable[[str], bool], str], ...] = (
    (
        lambda u: not _BAD_CHARS.search(u),
        "URL contains a space, backslash, quote or control character",
    ),
    (lambda u: u.startswith(("http://", "https://")), "only http and https URLs are allowed"),
    (lambda u: "@" not in urlsplit(u).netloc, "URL must not contain credentials (user@host)"),
    (lambda u: bool(urlsplit(u).hostname), "URL has no host"),
    (
        lambda u: (urlsplit(u).hostname or "").isascii(),
        "URL host must be ASCII (write it in punycode, xn--…)",
    ),
    (lambda u: bool(_HOST.match(urlsplit(u).hostname or "")), "URL host is not a valid host name"),
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

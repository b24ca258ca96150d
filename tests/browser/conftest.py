"""The browser harness: the real explainer's ``site/`` served on 127.0.0.1 by a Python
``http.server`` thread, and Debian's Chromium driven by Playwright.

Every page a test opens through :func:`open_page` is watched: console errors, uncaught
exceptions, failed requests and any request that leaves the local server fail the test.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import pytest
from playwright.sync_api import Browser, Page, Request, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SUBPATH = "/explainer/"
"""Where the sub-path server publishes the site, as a GitHub Pages project site would."""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean; the browser reports what went wrong."""


@dataclass
class Server:
    """A static file server on 127.0.0.1; ``home`` is the site's home page URL."""

    origin: str
    home: str

    def url(self, path: str = "") -> str:
        return self.home + path


def _serve(folder: Path, prefix: str = "/") -> Iterator[Server]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield Server(origin, origin + prefix)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def server(built_site: Path) -> Iterator[Server]:
    """The real explainer at the root of a local server."""
    yield from _serve(built_site)


@pytest.fixture(scope="session")
def subpath_server(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The same site published under :data:`SUBPATH`, with nothing at the server's root."""
    root = tmp_path_factory.mktemp("subpath")
    shutil.copytree(built_site, root / SUBPATH.strip("/"))
    yield from _serve(root, SUBPATH)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """What a page did that a reader would not want: errors, and requests leaving the site."""

    origin: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def failed(self, request: Request) -> None:
        """A request that failed, except those cut short because the test navigated on or
        closed the page while the search worker was still loading (``net::ERR_ABORTED``)."""
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed ({request.failure}): {request.url}")

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.origin + "/", "data:"))]

    def check(self) -> None:
        assert self.errors == [], "the page reported errors"
        assert self.foreign() == [], "requests left the local server"
        assert self.requests, "no request was recorded: the watch is not working"


OpenPage = Callable[..., tuple[Page, Watched]]


@pytest.fixture
def open_page(browser: Browser, server: Server) -> Iterator[OpenPage]:
    """Open ``path`` of ``on`` (default: the root server) in a fresh context; every page is
    checked for errors and foreign requests when the test ends."""
    opened: list[tuple[Any, Watched]] = []

    def open_(
        path: str = "",
        *,
        on: Server | None = None,
        width: int = 1280,
        height: int = 800,
        scheme: Literal["light", "dark"] = "light",
        javascript: bool = True,
    ) -> tuple[Page, Watched]:
        target = on or server
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            java_script_enabled=javascript,
            service_workers="block",
        )
        page = context.new_page()
        watched = Watched(target.origin)
        page.on("request", lambda request: watched.requests.append(request.url))
        page.on(
            "console",
            lambda msg: (
                watched.errors.append(f"console: {msg.text}") if msg.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: watched.errors.append(f"uncaught: {exc}"))
        page.on("requestfailed", watched.failed)
        page.on(
            "response",
            lambda response: (
                watched.errors.append(f"HTTP {response.status}: {response.url}")
                if response.status >= 400
                else None
            ),
        )
        opened.append((context, watched))
        page.goto(target.url(path), wait_until="load")
        return page, watched

    yield open_
    for context, watched in opened:
        context.close()
        watched.check()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

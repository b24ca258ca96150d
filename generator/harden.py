"""Harden a built site before it is swapped in: a Content-Security-Policy on every page, and
``rel="noopener noreferrer"`` on every absolute link.

This runs on the engine's HTML output, so it works the same for MkDocs and Zensical and needs no
theme template. GitHub Pages cannot send headers, so the policy is a ``<meta http-equiv>`` put
first in ``<head>`` (it only covers what comes after it). Scripts may come from the site itself
(``'self'``: the theme's bundle and any ``extra_javascript``) or be one of the theme's own inline
scripts, allowed by their sha256 hash. The theme's inline scripts are known in advance
(:data:`THEME_SCRIPTS`); an inline script that is not one of them stops the build, because it
can only have come from content or from a theme change someone must review.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from html.parser import HTMLParser
from multiprocessing.connection import Connection
from pathlib import Path

from generator import workers as shared
from generator.errors import BuildError, writing

THEME_SCRIPTS = {
    "sha256-nicDKD8N+Ac4e1sdTbP9Yt9soQHHjvjNS5ZFHpWH9VI=": "Material 9.8.2: __md_scope, "
    "__md_get/__md_set (its base path replaced by BASE before hashing)",
    "sha256-9Ua2/jklLh4+MkVSC6SIxGGiMjEFg2cwR7rrrcpAWn8=": "Zensical 0.0.73: the same, adding a "
    "trailing slash to the base path",
    "sha256-DrEMJJ29sL7vIloQzly+VUGMxKcBTMII+OfW7Y8AkG4=": "Material 9.8.2 and Zensical: colour "
    "palette",
    "sha256-/8wPdzX9q0NNJXyA5lzsLojXFpkeaXVxhbfkUOQaWy8=": "Material 9.8.2 and Zensical: open "
    "the tab named by the URL's hash",
}
"""Hashes of the inline scripts the theme writes, after :func:`_normalised`; a theme upgrade
that changes them fails the build with the new hash to review and add here."""

POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
"""No ``frame-ancestors``, ``report-uri`` or ``sandbox``: browsers ignore them in a meta tag.
``'wasm-unsafe-eval'`` lets the search (Pagefind, :mod:`generator.search`) compile its
WebAssembly, and nothing else: it does not allow ``eval`` of JavaScript."""

_DATA_TYPES = {"application/json", "application/ld+json", "text/template"}
_BASE = re.compile(r'^(__md_scope=new URL\()("(?:\.|\.\.(?:/\.\.)*|/[\w.~/-]*)")(,location\))')
"""Material's base path: ``"."``, ``"../.."`` or the site's path (``"/explainer/"`` on 404)."""


def sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _normalised(script: str) -> str:
    """Material writes the page's base path into its first script; hash it without."""
    return _BASE.sub(r'\1"BASE"\3', script, count=1)


class _Scan(HTMLParser):
    """Where the ``<head>`` tag ends, every ``<a>`` tag, and every inline script's text.

    The tokenizer is the standard library's, unchanged, so pages split into tags exactly as
    before; only the work per tag is cut. A page of 10,000 records has a hundred thousand tags,
    and all but a few are neither ``<head>``, ``<a>``, ``<script>`` nor ``<style>`` (the last
    changes how what follows is read): for those, :meth:`parse_starttag` returns where the tag
    ends, found by the same check the full parse starts with, without reading attributes the
    handlers would ignore. Outside a script or style element an end tag only matters for its
    end, which is the first ``>`` after it whatever its form.
    """

    _WANTED = frozenset(
        {
            "head",
            "a",
            "script",
            *HTMLParser.CDATA_CONTENT_ELEMENTS,
            *getattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS", ()),  # newer Pythons: title, textarea
        }
    )
    """Tags read in full: those the handlers use, and those that change how the text after
    them is tokenized."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.head_end = -1
        self.anchors: list[tuple[int, int, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None
        self._start = 0
        self._base = 0
        """Where ``rawdata`` starts in the page: a tag left unfinished by :meth:`feed` is read
        again by :meth:`close`, from the leftover text only."""
        self.feed(text)
        self._base = len(text) - len(self.rawdata)
        self.close()

    def parse_starttag(self, i: int) -> int:
        name = _TAG_NAME.match(self.rawdata, i + 1)
        if name is None or name.group(1).lower() in self._WANTED:
            self._start = self._base + i
            return super().parse_starttag(i)
        return self.check_for_whole_start_tag(i)

    def parse_endtag(self, i: int) -> int:
        if self.cdata_elem is not None:
            return super().parse_endtag(i)
        close = self.rawdata.find(">", i + 1)
        return close + 1 if close >= 0 else -1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        start = self._start
        if tag == "head" and self.head_end < 0:
            self.head_end = start + len(raw)
        elif tag == "a":
            self.anchors.append((start, start + len(raw), attrs))
        elif tag == "script":
            values = dict(attrs)
            kind = (values.get("type") or "").lower()
            if "src" not in values and kind not in _DATA_TYPES:
                self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)")
"""A start tag's name, as :mod:`html.parser` reads it (its ``tagfind_tolerant``)."""


def inline_scripts(page: str) -> list[str]:
    """The text of every inline, executable script of a page."""
    return _Scan(page).scripts


def unknown_scripts(page: str) -> Iterator[tuple[str, str]]:
    """(normalised hash, start of text) of each inline script the theme did not write."""
    return _unknown(inline_scripts(page))


def _unknown(scripts: list[str]) -> Iterator[tuple[str, str]]:
    for script in scripts:
        digest = sha256(_normalised(script))
        if digest not in THEME_SCRIPTS:
            yield digest, script[:80]


def harden_page(page: str, name: str = "page") -> str:
    """The page with its CSP meta tag and safe external links; BuildError on a foreign script."""
    scan = _Scan(page)
    if scan.head_end < 0:
        raise BuildError(f"{name}: no <head>, so no Content-Security-Policy can be set")
    foreign = list(_unknown(scan.scripts))
    if foreign:
        digest, opening = foreign[0]
        raise BuildError(
            f"{name}: inline script {opening!r} is not one of the theme's ({digest}); if a theme "
            "upgrade added it, review it and add its hash to generator/harden.py THEME_SCRIPTS"
        )
    hashes = " ".join(sorted({f"'{sha256(s)}'" for s in scan.scripts}))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY.format(hashes=hashes)}">'
    out: list[str] = []
    last = 0
    for start, end, attrs in scan.anchors:
        rewritten = _safe_anchor(attrs)
        if rewritten is None:
            continue
        out += [page[last:start], rewritten]
        last = end
    out.append(page[last:])
    result = "".join(out)  # every <a> comes after <head>, so head_end still holds
    return result[: scan.head_end] + meta + result[scan.head_end :]


def _safe_anchor(attrs: list[tuple[str, str | None]]) -> str | None:
    """The ``<a>`` tag again with ``noopener noreferrer`` if it leaves the site; else None."""
    values = dict(attrs)
    href = html.unescape(values.get("href") or "").strip().lower()
    if not href.startswith(("http://", "https://", "//")):
        return None
    rel = (values.get("rel") or "").split()
    if "noopener" in rel and "noreferrer" in rel:
        return None
    rel += [word for word in ("noopener", "noreferrer") if word not in rel]
    kept = [(k, v) for k, v in attrs if k != "rel"] + [("rel", " ".join(rel))]
    written = "".join(
        f" {k}" if v is None else f' {k}="{html.escape(v, quote=True)}"' for k, v in kept
    )
    return f"<a{written}>"


def harden_site(
    site: Path,
    workers: int | None = None,
    worker_setup: Callable[[], None] | None = None,
    ahead: Ahead | None = None,
    aside: Path | None = None,
) -> None:
    """Harden every HTML page of a built site in place.

    Pages are independent, so a big site is shared among processes (one per core, ``workers``
    to choose); the bytes written are the same either way, and the page reported when one
    fails is the first in sorted order, as with one process. ``worker_setup`` runs in each
    worker first (the engine passes its die-with-parent hook).

    Pages hardened ahead, while the engine was still writing (:class:`Alongside`), are moved
    in from ``aside`` if the engine's file is still the one that was read; every other page is
    hardened here.
    """
    names = [path.relative_to(site).as_posix() for path in sorted(site.rglob("*.html"))]
    ahead = ahead or {}
    failures: dict[str, str] = {}
    todo: list[str] = []
    for name in names:
        done = ahead.get(name)
        if aside is None or done is None or done[0] != signature(site / name):
            todo.append(name)
        elif done[1] is not None:
            failures[name] = done[1]
        else:
            try:
                os.replace(aside / name, site / name)
            except OSError:  # gone, or another file system: harden the engine's file
                todo.append(name)
    work = functools.partial(_harden_file, site)
    results = shared.forked_map(lambda i: work(todo[i]), len(todo), workers, worker_setup)
    failures.update((name, failure) for name, failure in zip(todo, results, strict=True) if failure)
    first = next((name for name in names if name in failures), None)
    if first is not None:
        raise BuildError(failures[first])


def _harden_file(site: Path, name: str) -> str | None:
    """Harden one page in place; the reason it cannot be, if so (a worker's errors are
    returned, not raised, so that every worker finishes its pages)."""
    path = site / name
    with writing(path):  # a full disk names the page
        return _harden_into(path.read_text(encoding="utf-8"), name, path)


def _harden_into(page: str, name: str, target: Path) -> str | None:
    """Write ``page`` hardened to ``target``; the reason it cannot be hardened, if so."""
    try:
        hardened = harden_page(page, name)
    except BuildError as exc:
        return str(exc)
    target.write_text(hardened, encoding="utf-8", newline="")
    return None


Signature = tuple[int, int, int, int]
"""A file's inode, size, and modification and change times: what tells the page that was
hardened ahead from one the engine wrote again after."""

Ahead = dict[str, tuple[Signature, str | None]]
"""Pages hardened while the engine was still running, by name: the signature of the engine's
file as it was read, and why it cannot be hardened (None: its hardened copy waits aside)."""


def signature(path: Path) -> Signature:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def harden_reported(site: Path, aside: Path, lines: Iterable[bytes]) -> Ahead:
    """Harden each page of ``site`` named in ``lines`` (its absolute path, as the engine
    reported it written) into the same place under ``aside``, leaving the engine's file as
    it is. A page that cannot be read whole, or written aside, is left out: it is hardened
    at the end instead."""
    prefix = os.path.abspath(site) + os.sep
    ahead: Ahead = {}
    twice: set[str] = set()
    for line in lines:
        if line in (b"\n", b""):  # the engine has exited (Alongside.finish)
            break
        path = os.fsdecode(line.rstrip(b"\n"))
        if not path.startswith(prefix):
            continue
        name = path[len(prefix) :].replace(os.sep, "/")
        if name in ahead or name in twice:  # written again: only its last state counts, so
            ahead.pop(name, None)  # it is hardened at the end, whatever the clock's ticks
            twice.add(name)
            continue
        done = _harden_aside(site, aside, name)
        if done is not None:
            ahead[name] = done
    return ahead


def _harden_aside(site: Path, aside: Path, name: str) -> tuple[Signature, str | None] | None:
    source = site / name
    try:
        before = signature(source)
        page = source.read_text(encoding="utf-8")
        if signature(source) != before:  # written again while it was read
            return None
        target = aside / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return before, _harden_into(page, name, target)
    except (OSError, UnicodeDecodeError):
        return None


class Alongside:
    """A process that hardens pages into ``aside`` as the engine reports them written.

    The engine is given :attr:`fd`, the writing end of a pipe (see
    :mod:`generator.build_child`). When the engine has exited, :meth:`finish` closes it and
    returns what was hardened ahead, for :func:`harden_site`; if the process failed, nothing
    was, and every page is hardened then. One process only: the engine has the other core.
    """

    def __init__(self, site: Path, aside: Path, setup: Callable[[], None] | None = None) -> None:
        context = multiprocessing.get_context("fork")
        read, self.fd = os.pipe()
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_alongside, args=(site, aside, (read, self.fd), sender, setup), daemon=True
        )
        self._process.start()
        os.close(read)
        sender.close()

    def finish(self) -> Ahead:
        """What was hardened ahead, once the engine has exited. An empty line after the
        engine's says so: the end of the pipe would not come while anything the engine
        started still held it."""
        try:
            os.set_blocking(self.fd, True)  # the engine made the pipe non-blocking
            os.write(self.fd, b"\n")
            ahead: Ahead = self._results.recv()
        except (EOFError, OSError):
            ahead = {}
        finally:
            self.stop()
        return ahead

    def stop(self) -> None:
        """End the process (the engine failed: nothing it hardened is wanted)."""
        self._close_fd()
        if self._process.pid is not None:
            self._process.terminate()  # after finish, it has already ended
            self._process.join()
        self._results.close()

    def _close_fd(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _alongside(
    site: Path,
    aside: Path,
    pipe: tuple[int, int],
    results: Connection,
    setup: Callable[[], None] | None,
) -> None:
    read, write = pipe
    os.close(write)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's: it stops this one
    if setup:
        setup()
    try:
        with os.fdopen(read, "rb") as lines:
            ahead = harden_reported(site, aside, lines)
    except Exception:  # a page this cannot harden ahead is hardened at the end
        ahead = {}
    results.send(ahead)

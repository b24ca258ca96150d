"""Search without a download on every page: Pagefind indexes the built site in chunks, and the
site's search box loads the index only when a reader types.

Material's own search fetches its whole index (13 MB at 10,000 records) on every page load.
So the built site is indexed here, after the site engine and before hardening, for MkDocs and
Zensical alike; ``theme/assets/search.js`` puts Pagefind behind Material's search box
(Material never fetches its own index: the script renames the form it looks for).

What is indexed is each page's canonical text, once (README, "Search", has the numbers):

- a record's page marks its own content (``data-pagefind-body`` in its template): the person's
  profile, the quote and its attribution, a meeting's facts and summary. Lists of other
  records on it (a person's timeline, "more from", participants, change history) are the
  other records' own content, indexed on their pages. The page's title (its ``h1``) is
  indexed as Pagefind's title either way, so a name finds its person;
- a page the generator does not mark (hand-written) is searchable whole (``theme/main.html``);
- index pages (``quotes/``, ``quotes/pages/<part>/``) are left out: each copies a slice of
  the records, and would come back as a duplicate result for every word of them;
- a quote's context (the source's sentences around it) and a source's "cited by" list are
  left out: they are other text, and the largest share of the words.

Indexing 4.5 million words at 10,000 records cost 1.1 GB of memory and returned each name up
to four times; the canonical text is a sixth of that. Pagefind is a compiled program shipped in
a PyPI wheel (``pagefind[extended]``, pinned): nothing is downloaded at build time. The
extended build segments Chinese and Japanese words.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator import indexes, routes
from generator.errors import BuildError

ROOT_SELECTOR = "article.md-content__inner"
"""The page's article in Material's and Zensical's markup (not the sidebar or footer)."""
EXCLUDE_SELECTORS = (".explainer-context", ".explainer-cited", "[aria-hidden=true]")
"""Text inside a record's own content that is not the record's: a quote's surrounding source
sentences, and the list of records citing a source (each indexed on its own page)."""
FOLDER = "pagefind"


def index_site(site: Path) -> None:
    """Write the Pagefind index into ``site/pagefind/``; the same pages give the same bytes."""
    command = [
        sys.executable,
        "-P",  # the installed code, never a same-named folder where it runs
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-subdir",
        FOLDER,
        "--root-selector",
        ROOT_SELECTOR,
        "--glob",
        pages_glob(site),
        "--silent",
    ]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"cannot run pagefind: {exc}") from None
    if proc.returncode != 0:
        raise BuildError(f"pagefind failed:\n{proc.stderr or proc.stdout}")


def pages_glob(site: Path) -> str:
    """Every HTML page of ``site`` but the index pages, as one Pagefind glob.

    An index page (``quotes/``, and a split index's ``quotes/pages/<part>/``) lists copies of
    records, so each would come back as a duplicate result for every word of them. A glob
    cannot say "but not", so this one names what to take: the pages at the top, every page
    under a folder of hand-written pages, and under an index's folder its records' pages
    (``quotes/<id>/index.html``): the index itself is one folder above them, its parts
    (:data:`generator.indexes.PARTS`) one below."""
    lists = {index.folder for index in indexes.INDEXES} | set(routes.folders())
    patterns = ["*.html"]
    for folder in sorted(p.name for p in site.iterdir() if p.is_dir() and p.name != FOLDER):
        patterns.append(f"{folder}/*/*.html" if folder in lists else f"{folder}/**/*.html")
    return "{" + ",".join(patterns) + "}"

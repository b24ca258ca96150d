"""Search without a download on every page: Pagefind indexes the built site in chunks, and the
site's search box loads the index only when a reader types.

Material's own search fetches its whole index (13 MB at 10,000 records) on every page load.
Measured at 10,000 records (README, "Search"), Pagefind's first results for a name cost about
180 KB, and nothing before the reader types. So the built site is indexed here, after the site
engine and before hardening, for MkDocs and Zensical alike; ``theme/assets/search.js`` puts
Pagefind behind Material's search box (Material never fetches its own index: the script renames
the form it looks for). Only the article of each page is indexed (not the sidebar or footer),
and pages without one (the embeddable timeline) are left out.

Pagefind is a compiled program shipped in a PyPI wheel (``pagefind[extended]``, pinned): nothing
is downloaded at build time. The extended build segments Chinese and Japanese words.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.errors import BuildError

ROOT_SELECTOR = "article.md-content__inner"
"""The page's article in Material's and Zensical's markup."""
FOLDER = "pagefind"


def index_site(site: Path) -> None:
    """Write the Pagefind index into ``site/pagefind/``; the same pages give the same bytes."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-subdir",
        FOLDER,
        "--root-selector",
        ROOT_SELECTOR,
        "--silent",
    ]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"cannot run pagefind: {exc}") from None
    if proc.returncode != 0:
        raise BuildError(f"pagefind failed:\n{proc.stderr or proc.stdout}")

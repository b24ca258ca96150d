"""The files in ``content/`` that editors' programs make on their own, and nothing reads.

Apart from :mod:`generator.loader` so that a remembered check (:mod:`generator.memo`) can pass
them over without importing the loader and PyYAML.
"""

from __future__ import annotations

import fnmatch
import re

IGNORED = (
    ".*",  # hidden: .DS_Store, ._x (macOS), .#x (Emacs lock), .x.swp (Vim), .~lock.x# (Office)
    "*~",  # backups: Emacs, Vim with 'backup', gedit, nano
    "#*#",  # Emacs auto-save
    "*.swp",  # Vim swap files kept beside the file under another name ('directory' option)
    "*.swo",
    "*.swx",
    "4913",  # Vim's probe that the folder is writable, made and deleted on every save
    "*___jb_tmp___",  # JetBrains' safe write
    "*___jb_old___",
    "Thumbs.db",  # Windows Explorer
    "desktop.ini",
)
"""Files in ``content/`` that editors' programs make on their own, as git's usual ignore lists
(github/gitignore's Global/ templates) name them: the loader, the preview and the remembered
check pass them over. Files a person makes (``.yaml``, ``.bak``, ``.orig``, a ``README.md``)
are still reported."""


_IGNORED = re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in IGNORED))
"""The patterns as one expression: asked of every entry of ``content/`` (20,000 at 10,000
records) by a remembered check, one match took 0.3 µs where eleven took 2.8 µs."""


def ignored(name: str) -> bool:
    """Whether a file name in ``content/`` is an editor's backup or swap file (:data:`IGNORED`)."""
    return _IGNORED.match(name) is not None

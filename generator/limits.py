"""The loader's size limits, in a module of their own: :mod:`generator.memo` fingerprints
``content/`` under the same limits without importing the loader (and PyYAML) to learn them."""

from __future__ import annotations

MAX_RECORD_BYTES = 256 * 1024
MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 8
MAX_FILES = 20_000
"""Records a story may hold by default; ``extra: {explainer: {max_files: N}}`` in
``mkdocs.yml`` raises it."""
MAX_FILES_SETTING = "extra.explainer.max_files"

"""explainer: YAML records in, a checked story model and plain Markdown pages out.

The pipeline lives in :func:`generator.build.generate`; read that first. The core never
imports MkDocs: it writes Markdown that MkDocs (with Material) or Zensical turns into a site.
"""

from __future__ import annotations

__version__ = "0.1.0"

"""Named points where a crash would hurt most, so that tests can crash there on purpose.

``EXPLAINER_FAULT=<point>`` in the environment kills the process with SIGKILL when it reaches
that point: no ``finally``, no ``atexit``, as with a power cut or the OOM killer. Without the
variable each point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "docs-staged",  # every page written to .explainer/stage, nothing committed yet
    "docs-journal",  # the commit journal written, no folder swapped yet
    "docs-replace",  # the first of the files replaced one by one in docs/, the others not
    "docs-swap",  # the first generated folder swapped in, the others not
    "docs-manifest",  # every folder swapped in, the manifest not yet
    "site-built",  # the engine built .explainer/site-new, not yet hardened or swapped
    "site-journal",  # the site's journal written, site/ not yet swapped
    "site-swap",  # site/ moved aside, the new one not yet in its place: no site/ at all
)


def point(name: str) -> None:
    """Die here if the environment asks for it (see the module docstring)."""
    if os.environ.get("EXPLAINER_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)

"""The Corrections page: every correction of every record, newest first, each linked to the
record it corrects (its place comes from :mod:`generator.routes`).

Corrections are an ordinary schema field (``corrections`` on every record, see
:mod:`generator.schema`), shown on top of the record's own page and its timeline entry; this
output gathers them in one place, linked from the footer of every page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import render
from generator.pages import index_page

if TYPE_CHECKING:
    from generator.outputs import Inputs

FOLDER = "corrections"
PAGE = index_page(FOLDER)


def produce(inputs: Inputs) -> dict[str, bytes]:
    """The one page of this output, ``corrections/index.md``."""
    page = render.Page(PAGE, "corrections.md.j2", "Corrections", {})
    return {PAGE: render.render_page(page, inputs.story, inputs.history).encode("utf-8")}

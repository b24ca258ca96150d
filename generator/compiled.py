"""Jinja templates kept compiled between runs, for the generator's own templates
(:func:`generator.render.keep_compiled`) and the theme's in MkDocs' process
(:func:`generator.build_child.cache_templates`).

Jinja's :class:`~jinja2.FileSystemBytecodeCache` keys each entry by the template's name and
file and checks its source's checksum, and writes an entry aside and renames it in, so an
edited template is compiled again and a killed run leaves no half-written entry. It is not
made for a folder that is damaged or blocked: an entry whose bytes were damaged after the
header stops the run with an ``UnpicklingError``, and a file where the folder should be with
``NotADirectoryError``. A cache only ever saves time, so here a damaged or unreadable entry
is compiled again, and one that cannot be written is not kept.
"""

from __future__ import annotations

from contextlib import suppress

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's bytecode cache in a folder that may be damaged, unreadable or unwritable."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # any damage (a pickle, marshal, folder): compile it again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):  # not kept: compiled again next time
            super().dump_bytecode(bucket)

"""Field-level differences between two versions of a record, as readers see them in the
change log: "location: Warsaw → Kraków", "participants: + Hiro Tanaka".

Records are compared by value, never by text, so a commit that only reworded a comment or
re-indented a file changes nothing. Values are first encoded as plain JSON data (strings,
booleans, lists, small tagged mappings), which is what the history cache stores; how they are
shown (labels for ids, dates at their precision) is decided at render time by
:mod:`generator.changes`. Lists are compared item by item whatever the field, so removing an
item from any list (a participant, a link, a correction) is always visible.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import TypeAlias

from generator.dates import PartialDate
from generator.schema import Record, fields_of

Value: TypeAlias = str | bool | list["Value"] | dict[str, "Value"] | None
"""A field's value as JSON data: dates are ``{"date": "2026-01"}``, items of a list of
mappings (links) are ``{"item": {...}}``, a source's stored text is ``{"digest": sha256}``."""

TEXT = "text"
"""A source's stored text (its ``.txt``): compared by digest, never shown."""


class NotCached(ValueError):
    """Cached data that is not what this code writes: the entry is ignored and computed again
    (never shown to editors, so not a content problem)."""


@dataclass(frozen=True)
class FieldChange:
    """How one field differs between two versions: a scalar's ``before`` and ``after``, or
    the items a list gained and lost (and whether only their order changed)."""

    field: str
    before: Value = None
    after: Value = None
    added: tuple[Value, ...] = ()
    removed: tuple[Value, ...] = ()
    reordered: bool = False

    def to_json(self) -> dict[str, Value]:
        return {
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "added": list(self.added),
            "removed": list(self.removed),
            "reordered": self.reordered,
        }

    @classmethod
    def from_json(cls, data: object) -> FieldChange:
        """Read back what :meth:`to_json` wrote; raise NotCached on anything else."""
        if not isinstance(data, dict) or set(data) != set(_KEYS):
            raise NotCached("not a field change")
        name, added, removed, reordered = (
            data["field"],
            data["added"],
            data["removed"],
            data["reordered"],
        )
        if not (
            isinstance(name, str)
            and isinstance(added, list)
            and isinstance(removed, list)
            and isinstance(reordered, bool)
        ):
            raise NotCached("not a field change")
        return cls(name, data["before"], data["after"], tuple(added), tuple(removed), reordered)


_KEYS = ("field", "before", "after", "added", "removed", "reordered")


def encode(value: object) -> Value:
    """A field value as JSON data, the same for equal values whatever their history."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, PartialDate):
        return {"date": value.iso()}
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"item": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise TypeError(f"cannot encode a {type(value).__name__} field value")


def values_of(record: Record) -> dict[str, Value]:
    """The schema fields of a record, encoded, in declaration order (a source's stored text
    is compared separately, from its own file: see :func:`text_value`)."""
    return {name: encode(getattr(record, name)) for name, _ in fields_of(type(record))}


def text_value(text: str | None) -> Value:
    """A source's stored text as a digest: the change log says that it changed, never what it
    says (the texts are other people's articles)."""
    if not text:
        return None
    return {"digest": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def compare(old: dict[str, Value], new: dict[str, Value]) -> tuple[FieldChange, ...]:
    """Every field whose value differs, in the order the fields are declared."""
    names = list(old) + [name for name in new if name not in old]
    changes = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if isinstance(before, list) or isinstance(after, list):
            changes.append(_list_change(name, before, after))
        else:
            changes.append(FieldChange(name, before, after))
    return tuple(changes)


def _list_change(name: str, before: Value, after: Value) -> FieldChange:
    """Items gained and lost (counted, so a duplicate removed shows), or a reordering."""
    old = before if isinstance(before, list) else []
    new = after if isinstance(after, list) else []
    added, removed = _minus(new, old), _minus(old, new)
    return FieldChange(
        name, added=tuple(added), removed=tuple(removed), reordered=not added and not removed
    )


def _minus(items: list[Value], others: list[Value]) -> list[Value]:
    """The items of ``items`` not matched by one in ``others``, in their order."""
    pool = list(others)
    left = []
    for item in items:
        if item in pool:
            pool.remove(item)
        else:
            left.append(item)
    return left

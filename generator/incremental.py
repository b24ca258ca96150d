"""Regenerate only what an edit reaches: each page and output remembers what it read.

The live preview regenerates after every save, and at 10,000 records rendering every page
again takes tens of seconds, though one saved person reaches a few dozen pages. Guessing which
pages a record reaches (its own page, the pages that link to it, their neighbours…) is a second
copy of every template's logic, and goes stale the day a template shows one more thing. So the
pages say it themselves: while a *unit* of work (one page, one card, one output) runs, every
lookup it makes in the story is noted (:class:`Recorder`, through read-noting views of the
story's mappings and lists: :func:`tracked`). The next run reuses a unit's result only when
its own input (its :class:`~generator.render.Page`) is equal, and every value it looked up is
equal to what it was, key by key; a unit that iterated a whole collection depends on all of it.

What a unit may read besides the story (the history, the site's settings, the standfirst) is
compared whole, once per run (:meth:`Session.begin`): any change there starts afresh. Code and
templates are not compared: the preview's process holds them for its lifetime (restart it after
editing them, as the README says).

Equal is Python's ``==`` on frozen dataclasses (records, dates, matches), which compares
values, never identity; so a unit is only ever reused when rendering it again would read the
same values, and the result is byte-identical to a clean run (``tests/test_incremental.py``
checks whole ``docs/`` after edits, additions, deletions and renames).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import io
import pickle
import secrets
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from generator import history, link, loader, validate, writer
from generator.link import Story

if TYPE_CHECKING:  # drawing cards needs Pillow and fonts, which `explainer check` never does
    from generator.cards import CardSpec

T = TypeVar("T")


class _All:
    """The key of a read that saw a whole mapping or list (iterated it, or took its length)."""

    def __repr__(self) -> str:
        return "ALL"

    def __reduce__(self) -> str:
        return "ALL"  # unpickled (from a worker process) as the one ALL, not a copy


ALL: Any = _All()
MISSING: Any = object()

Key = tuple[str, Hashable]
"""A read: the name of a mapping (a :class:`~generator.link.Story` field, or a name given to
:meth:`Session.watch`) and the key looked up, or :data:`ALL`."""


class Recorder:
    """Collects the reads of the unit now running; reads outside any unit are not noted
    (what a whole run reads before its units, e.g. the plan of pages, is compared as the
    units' own inputs instead)."""

    def __init__(self) -> None:
        self.reads: set[Key] | None = None

    def note(self, name: str, key: Hashable) -> None:
        if self.reads is not None:
            self.reads.add((name, key))

    @contextlib.contextmanager
    def unit(self) -> Iterator[set[Key]]:
        outer, self.reads = self.reads, set()
        try:
            yield self.reads
        finally:
            if outer is not None:
                outer |= self.reads
            self.reads = outer


class ReadMap(Mapping[Any, Any]):
    """A mapping that notes each key looked up in it. For a ``defaultdict`` a missing key
    gives a fresh default without storing it, so rendering one page never changes what the
    next one sees."""

    def __init__(self, name: str, data: Mapping[Any, Any], recorder: Recorder) -> None:
        self._name, self._data, self._recorder = name, data, recorder
        factory = getattr(data, "default_factory", None)
        self._default: Callable[[], Any] | None = factory

    def __getitem__(self, key: Any) -> Any:
        self._recorder.note(self._name, key)
        if key in self._data or self._default is None:
            return self._data[key]
        return self._default()

    def get(self, key: Any, default: Any = None) -> Any:
        self._recorder.note(self._name, key)
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._recorder.note(self._name, key)
        return key in self._data

    def __iter__(self) -> Iterator[Any]:
        self._recorder.note(self._name, ALL)
        return iter(self._data)

    def __len__(self) -> int:
        self._recorder.note(self._name, ALL)
        return len(self._data)


class ReadList(Sequence[Any]):
    """A list any read of which depends on all of it."""

    def __init__(self, name: str, data: Sequence[Any], recorder: Recorder) -> None:
        self._name, self._data, self._recorder = name, data, recorder

    def __getitem__(self, index: Any) -> Any:
        self._recorder.note(self._name, ALL)
        return self._data[index]

    def __len__(self) -> int:
        self._recorder.note(self._name, ALL)
        return len(self._data)

    def __iter__(self) -> Iterator[Any]:
        self._recorder.note(self._name, ALL)
        return iter(self._data)


def containers(story: Story) -> dict[str, Any]:
    """The story's mappings and lists by field name: everything a unit can look up in it."""
    return {
        f.name: getattr(story, f.name)
        for f in dataclasses.fields(story)
        if isinstance(getattr(story, f.name), dict | list)
    }


def tracked(story: Story, recorder: Recorder) -> Story:
    """A copy of ``story`` whose mappings and lists note every read in ``recorder``."""
    view = copy.copy(story)
    for name, data in containers(story).items():
        wrapped = ReadList if isinstance(data, list) else ReadMap
        setattr(view, name, wrapped(name, data, recorder))
    return view


def _differences(name: str, old: Any, new: Any) -> set[Key]:
    """The keys of ``name`` whose values differ between two runs' mappings (or lists), and
    ``(name, ALL)`` when any does. A mapping only one run has (None in the other) differs in
    every key it holds."""
    if old is new:
        return set()
    if old is None or new is None or isinstance(new, list) or isinstance(old, list):
        either = old if new is None else new
        keys = set(either) if isinstance(either, dict) else set()
        return {(name, key) for key in keys} | {(name, ALL)} if old != new else set()
    was = old.get  # never old[key]: a defaultdict would store the key
    found = {  # one pass over the new mapping, then the keys it dropped
        (name, key)
        for key, value in new.items()
        if (b := was(key, MISSING)) is not value and value != b
    }
    found.update((name, key) for key in old.keys() - new.keys())
    return found | {(name, ALL)} if found else set()


@dataclass
class _Unit:
    given: Any
    reads: frozenset[Key]
    result: Any
    inner: frozenset[Hashable] = frozenset()
    """The units it ran inside it: reusing it reuses them (they are kept for next time)."""


def digest(value: Any) -> str:
    """A fingerprint of ``value`` that is equal in any process exactly when the value is:
    its pickle without the memo (so the same value built twice, or from a cache, with other
    objects shared, gives the same bytes), hashed. Only ever computed and compared; nothing
    is ever unpickled from it. A value pickle cannot take gets a random fingerprint each
    time, so nothing that read it is ever reused from disk."""
    if value is MISSING:
        return "missing"
    out = io.BytesIO()
    pickler = pickle.Pickler(out, 5)
    pickler.fast = True
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return f"unpicklable {secrets.token_hex(16)}"  # equal to no other, in any process
    return hashlib.blake2b(out.getbuffer(), digest_size=16).hexdigest()


def _joined(kind: str, parts: Iterator[str]) -> str:
    """A fingerprint of a container from its parts' (each of a known length)."""
    hashed = hashlib.blake2b(kind.encode() + b"\0", digest_size=16)
    for part in parts:
        hashed.update(part.encode() + b"\0")
    return hashed.hexdigest()


@dataclass
class Kept:
    """The units an earlier process made, as :mod:`generator.unit_cache` read them from disk:
    each unit's ident with the fingerprint (:func:`digest`) of its input, the reads it made
    (indices into :attr:`reads`) and its result; and each read with the fingerprint of the
    value it saw. A unit is reused when its input and every value it read fingerprint the
    same now."""

    units: dict[Hashable, tuple[str, tuple[int, ...], Any]] = field(default_factory=dict)
    reads: list[tuple[Key, str]] = field(default_factory=list)


@dataclass
class Session:
    """What a long-running process (the preview) keeps from one regeneration to the next."""

    loaded: loader.Memo = field(default_factory=loader.Memo)
    """Each record file as last loaded (:func:`generator.loader.load`)."""
    validated: validate.Memo = field(default_factory=dict)
    """Each loaded file's record (:func:`generator.validate.validate`)."""
    linked: link.Memo = field(default_factory=link.Memo)
    """Each record's reference problems (:func:`generator.link.link`)."""
    history: history.Memo = field(default_factory=dict)
    """The change history last read from git (:func:`generator.history.read`)."""
    written: writer.Memo = field(default_factory=dict)
    """Each file written into ``docs/``, as left there (:func:`generator.writer.write`)."""
    recorder: Recorder = field(default_factory=Recorder)
    surroundings: Any = MISSING
    """What every unit may read besides the story, as of the last run (compared whole)."""
    _units: dict[Hashable, _Unit] = field(default_factory=dict)
    _old: dict[str, Any] = field(default_factory=dict)
    _new: dict[str, Any] = field(default_factory=dict)
    _dirty: set[Key] = field(default_factory=set)
    _diffed: set[str] = field(default_factory=set)
    _compared: bool = False
    """Whether every mapping now in the run is in :attr:`_diffed`."""
    _used: set[Hashable] = field(default_factory=set)
    _inner: list[set[Hashable]] = field(default_factory=list)
    _cards: dict[CardSpec, writer.File] = field(default_factory=dict)
    reused: int = 0
    computed: set[Hashable] = field(default_factory=set)
    """The units the last run made again (the others it reused): for the preview's log and
    for tests."""
    kept: Kept | None = None
    """Units an earlier process made (a build's cache), reused when what they read is equal."""
    build: bool = False
    """A build's session: one run in a process of its own. Its units may be made in forked
    processes, one per core (:meth:`record`; never in the preview's, whose process runs
    threads), and it holds no cards for a next run (they are in the card cache on disk)."""
    _now: dict[Key, str] = field(default_factory=dict)
    _valid: set[Hashable] = field(default_factory=set)
    """The units known good in this run: checked once, made, or reused."""
    _by_id: dict[int, tuple[Any, str]] = field(default_factory=dict)

    def begin(self, story: Story, surroundings: Any) -> Story:
        """Start a run over ``story``; returns the view of it units must read."""
        if surroundings != self.surroundings:
            self._units.clear()
        self.surroundings = surroundings
        self._new = containers(story)
        self._used, self._inner = set(), []
        self._dirty, self._diffed, self._compared = set(), set(), False
        self.reused, self.computed = 0, set()
        self._now, self._valid, self._by_id = {}, set(), {}
        return tracked(story, self.recorder)

    def watch(self, name: str, data: Mapping[Any, Any]) -> Mapping[Any, Any]:
        """``data`` (made during this run, for its units to read) as a read-noting view.
        Until now every key of ``name`` counted as changed (:meth:`_changed`); from now on
        only those whose value differs from the last run's do. Units judged before were
        judged against more changes, never fewer, so none of them was wrongly reused."""
        self._new[name] = data
        self._diffed.discard(name)
        self._dirty = {key for key in self._dirty if key[0] != name}
        self._compared = False
        self._now = {key: value for key, value in self._now.items() if key[0] != name}
        return ReadMap(name, data, self.recorder)

    def unit(self, ident: Hashable, given: Any, compute: Callable[[], T]) -> T:
        """``compute()``'s result, or the last run's when ``given`` and every value it read
        are equal to what they were."""
        if self._inner:
            self._inner[-1].add(ident)
        if self.ready(ident, given):
            old = self._units[ident]
            if ident in self.computed:  # made in this run, by a worker (:meth:`add`)
                self._used.add(ident)
            else:
                self._keep(ident)
            if self.recorder.reads is not None:  # inside another unit: it read all this too
                self.recorder.reads |= old.reads
            return old.result  # type: ignore[no-any-return]
        self._used.add(ident)
        self._inner.append(set())
        try:
            with self.recorder.unit() as reads:
                result = compute()
        finally:
            inner = frozenset(self._inner.pop())
        self._units[ident] = _Unit(given, frozenset(reads), result, inner)
        self.computed.add(ident)
        return result

    def ready(self, ident: Hashable, given: Any) -> bool:
        """Whether :meth:`unit` would reuse a result for ``ident``: one made in this run
        (:meth:`add`), in the last run when nothing it read has changed, or by an earlier
        process (:attr:`kept`) when everything it read fingerprints the same now."""
        if ident in self._valid:
            return True
        old = self._units.get(ident)
        if old is not None and old.given == given and self._unread(old.reads):
            self._valid.add(ident)
            return True
        found = self._from_kept(ident, given)
        if found is None:
            return False
        self._units[ident] = found
        self._valid.add(ident)
        return True

    def _from_kept(self, ident: Hashable, given: Any) -> _Unit | None:
        entry = self.kept.units.pop(ident, None) if self.kept is not None else None
        if entry is None or self.kept is None:
            return None
        fingerprint, ids, result = entry
        if self._digest(given) != fingerprint:
            return None
        reads = [self.kept.reads[i] for i in ids]
        if any(self.now(key) != seen for key, seen in reads):
            return None
        return _Unit(given, frozenset(key for key, _ in reads), result)

    def now(self, key: Key) -> str:
        """The fingerprint of the value ``key`` reads in this run (a mapping not made yet
        matches nothing)."""
        if key not in self._now:
            name, wanted = key
            data = self._new.get(name, MISSING)
            if data is MISSING:
                return "not made yet"
            value = data if wanted is ALL or isinstance(data, list) else data.get(wanted, MISSING)
            self._now[key] = self._digest(value)
        return self._now[key]

    def _digest(self, value: Any) -> str:
        """:func:`digest`, taken once per object in a run: a record is read under its id,
        in lists and whole mappings, and is the input of its page and of its card. A mapping
        or a list is the fingerprint of its type and, in order, its keys and its values'
        fingerprints: two are equal exactly when the containers hold equal items in the same
        order, as with :func:`digest`, without pickling each record again."""
        found = self._by_id.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        if isinstance(value, dict):
            parts = (f"{len(r)}:{r}{self._digest(v)}" for k, v in value.items() for r in [repr(k)])
            made = _joined(type(value).__qualname__, parts)
        elif isinstance(value, list):
            made = _joined("list", (self._digest(v) for v in value))
        else:
            made = digest(value)
        self._by_id[id(value)] = (value, made)  # the object is held, so its id is not reused
        return made

    def record(self, compute: Callable[[], T]) -> tuple[T, frozenset[Key]]:
        """``compute()`` and what it read: a unit's work, done in another process (a worker
        forked from this one) that sends both back for :meth:`add`."""
        with self.recorder.unit() as reads:
            result = compute()
        return result, frozenset(reads)

    def add(self, ident: Hashable, given: Any, reads: frozenset[Key], result: Any) -> None:
        """A unit made elsewhere in this run (:meth:`record`): :meth:`unit` returns it."""
        self._units[ident] = _Unit(given, reads, result)
        self.computed.add(ident)
        self._valid.add(ident)

    def made(self) -> Iterator[tuple[Hashable, str, frozenset[Key], Any, bool]]:
        """Every unit of this run, with its input's fingerprint, its reads, its result, and
        whether it ran inside another unit (whose code uses its result; an outer unit's
        result goes into ``docs/`` as it is): what :mod:`generator.unit_cache` keeps for the
        next process."""
        nested = {inner for ident in self._used for inner in self._units[ident].inner}
        for ident in sorted(self._used, key=repr):
            unit = self._units[ident]
            given = self._digest(unit.given)  # once per object: a page's and its card's
            yield ident, given, unit.reads, unit.result, ident in nested

    def _keep(self, ident: Hashable) -> None:
        """Count ``ident`` and the units inside it as reused, so the run keeps them all."""
        self._used.add(ident)
        self.reused += 1
        for inner in self._units[ident].inner:
            if inner in self._units and inner not in self._used:
                self._keep(inner)

    def cards(
        self, specs: list[CardSpec], draw: Callable[[list[CardSpec]], Mapping[str, writer.File]]
    ) -> dict[str, writer.File]:
        """Each card's image, drawn (``draw``) only for the specs not drawn in this session."""
        if self.build:
            return dict(draw(specs))
        todo = [spec for spec in specs if spec not in self._cards]
        drawn = draw(todo) if todo else {}
        self._cards = {spec: self._cards.get(spec) or drawn[spec.path] for spec in specs}
        return {spec.path: image for spec, image in self._cards.items()}

    def _unread(self, reads: frozenset[Key]) -> bool:
        """Whether no value in ``reads`` changed since the last run: one set operation."""
        return reads.isdisjoint(self._changed())

    def _changed(self) -> set[Key]:
        """Every key whose value differs from the last run's, with ``(name, ALL)`` for each
        mapping or list that differs at all; each mapping compared once per run (again if
        :meth:`watch` gives it anew: a mapping not made yet counts as changed throughout)."""
        if not self._compared:  # asked by every reuse check: 25,000 a run at 10,000 records
            for name in (self._new.keys() | self._old.keys()) - self._diffed:
                self._dirty |= _differences(name, self._old.get(name), self._new.get(name))
                self._diffed.add(name)
            self._compared = True
        return self._dirty

    def reset(self) -> None:
        """Forget every unit (after a run that failed half-way: what it stored was read from
        a story the next run will not compare against)."""
        self._units.clear()
        self._cards.clear()
        self._old, self._new = {}, {}
        self._dirty, self._diffed, self._compared = set(), set(), False
        self.surroundings = MISSING

    def end(self) -> None:
        """Close the run: what it read becomes what the next run compares against."""
        for ident in set(self._units) - self._used:
            del self._units[ident]
        self._old = self._new  # and still this run's values, for :meth:`now` and :meth:`made`


def unit(session: Session | None, ident: Hashable, given: Any, compute: Callable[[], T]) -> T:
    """``compute()``; in a session, the last run's result when nothing it read has changed
    (:meth:`Session.unit`)."""
    return compute() if session is None else session.unit(ident, given, compute)

"""Stage 2, validate: a located YAML tree becomes a typed record, field by field.

Every check is driven by the :class:`~generator.schema.FieldSpec` of the field, so adding a field
to the schema is all it takes to check it. All problems of a file are collected, not just the
first.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pycountry

from generator.dates import PartialDate
from generator.errors import Problem, Severity
from generator.escape import prose_links
from generator.loader import LoadedFile, Mapping, Node, Scalar, Sequence
from generator.schema import COLLECTIONS, ID_PATTERN, FieldSpec, Record, build, fields_of
from generator.urls import archive_problem, is_plain_http, url_problem

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
LIST_SEPARATOR = "; "
"""Joins the items of a list in one CSV cell (:mod:`generator.data`), so no item may hold it."""


class _Checker:
    """Collects the problems of one file while its fields are converted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, node: Node | None, name: str, message: str, hint: str = "") -> None:
        line, col = (node.line, node.col) if node else (1, 1)
        self.problems.append(Problem(self.path, line, col, name, message, hint))

    def problems_at(self, name: str) -> list[Problem]:
        return [p for p in self.problems if p.field == name]

    def warn(self, node: Node, name: str, message: str, hint: str = "") -> None:
        self.problems.append(
            Problem(self.path, node.line, node.col, name, message, hint, Severity.WARNING)
        )

    # -- scalars ---------------------------------------------------------------------------

    def scalar(self, node: Node, name: str, expected: str) -> Scalar | None:
        if isinstance(node, Scalar):
            return node
        got = "a list" if isinstance(node, Sequence) else "a mapping"
        self.error(
            node,
            name,
            f"expected {expected}, got {got}",
            "quote the value" if expected == "text" else f"write {expected}",
        )
        return None

    def text(self, node: Node, name: str, spec: FieldSpec, multiline: bool = False) -> str:
        scalar = self.scalar(node, name, "text")
        if scalar is None:
            return ""
        value = "" if scalar.plain and scalar.value in _NULLS else scalar.value
        value = value.strip(" ") if multiline is False else value.strip()
        if scalar.comment_after:
            self.error(
                scalar,
                name,
                "unquoted text followed by ' #': YAML drops the rest of the line as a comment",
                "quote the value",
            )
        if not multiline and "\n" in value:
            self.error(scalar, name, "must be one line", "remove the line breaks")
        if "\t" in value and not multiline:
            self.error(scalar, name, "contains a tab", "use spaces")
        if len(value) > spec.max_length:
            self.error(
                scalar,
                name,
                f"{len(value)} characters, over the limit of {spec.max_length}",
                "shorten it",
            )
        self._invisible(scalar, name, value, strict=not multiline)
        if value and unicodedata.normalize("NFC", value) != value:
            self.warn(scalar, name, "text is not in Unicode NFC form", "retype accented letters")
        return value

    def _invisible(self, node: Scalar, name: str, value: str, strict: bool) -> None:
        """Bidi overrides and invisible characters hide what a reader sees (Trojan Source)."""
        for pattern, what in (
            (_BIDI, "a bidirectional control"),
            (_INVISIBLE, "an invisible character"),
        ):
            found = pattern.search(value)
            if not found:
                continue
            message = f"contains {what} (U+{ord(found.group()):04X})"
            if strict:
                self.error(node, name, message, "delete it")
            else:
                self.warn(node, name, message, "delete it unless it is meant")

    def word(self, node: Node, name: str, what: str) -> tuple[Scalar | None, str]:
        scalar = self.scalar(node, name, what)
        if scalar is None:
            return None, ""
        value = "" if scalar.plain and scalar.value in _NULLS else scalar.value.strip()
        return scalar, value

    # -- kinds -------------------------------------------------------------------------------

    def convert(self, node: Node, name: str, spec: FieldSpec) -> Any:
        handler: Callable[[Node, str, FieldSpec], Any] = getattr(self, f"_{spec.kind.value}")
        return handler(node, name, spec)

    def _text(self, node: Node, name: str, spec: FieldSpec) -> str:
        return self.text(node, name, spec)

    def _longtext(self, node: Node, name: str, spec: FieldSpec) -> str:
        return self.text(node, name, spec, multiline=True)

    def _prose(self, node: Node, name: str, spec: FieldSpec) -> str:
        value = self.text(node, name, spec, multiline=True)
        for href in prose_links(value):
            problem = url_problem(href)
            if problem:
                self.error(node, name, f"link '{href}': {problem}", "link only to http(s) pages")
        return value

    def _ref(self, node: Node, name: str, spec: FieldSpec) -> str:
        scalar, value = self.word(node, name, "an id")
        if scalar and value and not ID_PATTERN.match(value):
            self.error(
                scalar,
                name,
                f"'{value}' is not a valid id",
                "ids are lowercase letters, digits and single hyphens",
            )
        return value

    def _date(self, node: Node, name: str, spec: FieldSpec) -> PartialDate | None:
        scalar, value = self.word(node, name, "a date")
        if scalar is None or not value:
            return None
        try:
            date = PartialDate.parse(value)
        except ValueError as exc:
            self.error(scalar, name, str(exc), "write YYYY, YYYY-MM or YYYY-MM-DD")
            return None
        if spec.day and date.day is None:
            self.error(scalar, name, f"'{value}' needs the day", "write YYYY-MM-DD")
        return date

    def _bool(self, node: Node, name: str, spec: FieldSpec) -> bool:
        scalar, value = self.word(node, name, "true or false")
        if scalar is None or value in ("", "false", "False"):
            return False
        if value in ("true", "True"):
            return True
        self.error(scalar, name, f"expected true or false, got '{value}'", "write true or false")
        return False

    def _choice(self, node: Node, name: str, spec: FieldSpec) -> str:
        scalar, value = self.word(node, name, "a word")
        if scalar is None or not value:
            return "" if spec.required else spec.choices[0]
        if value not in spec.choices:
            self.error(
                scalar,
                name,
                f"'{value}' is not one of " + ", ".join(spec.choices),
                did_you_mean(value, spec.choices),
            )
            return spec.choices[0]
        return value

    def _country(self, node: Node, name: str, spec: FieldSpec) -> str:
        scalar, value = self.word(node, name, "a country code")
        if scalar and value and not is_country(value):
            self._not_a_country(
                scalar, name, value, "use an ISO 3166-1 alpha-2 code such as US or UA"
            )
        return value

    def _not_a_country(self, scalar: Scalar, name: str, value: str, otherwise: str) -> None:
        hint = f"write {value.upper()} in capitals" if is_country(value.upper()) else otherwise
        self.error(scalar, name, f"'{value}' is not an ISO 3166-1 alpha-2 country code", hint)

    def _party(self, node: Node, name: str, spec: FieldSpec) -> str:
        """Two letters are a country code (``RU``); anything longer names an organisation, so
        an organisation is written in full ("European Union", not "EU")."""
        value = self.text(node, name, spec)
        if isinstance(node, Scalar) and is_code_like(value) and not is_country(value):
            self._not_a_country(
                node, name, value, "use an ISO code such as US, or write the organisation's name"
            )
        return value

    def _url(self, node: Node, name: str, spec: FieldSpec) -> str:
        scalar, value = self.word(node, name, "a URL")
        if scalar is None or not value:
            return value
        problem = url_problem(value)
        host = urlsplit(value).hostname if problem is None else None
        if problem:
            self.error(scalar, name, problem, "use a plain http(s) address")
        elif spec.hosts and host not in spec.hosts:
            self.error(
                scalar,
                name,
                f"URL host {host} is not allowed here",
                "use " + ", ".join(sorted(spec.hosts)),
            )
        elif is_plain_http(value):
            self.warn(scalar, name, "plain http link", "use https if the site supports it")
        return value

    def items(self, node: Node, name: str, spec: FieldSpec) -> list[tuple[str, Node]]:
        """The items of a list field, each with its ``name[i]`` for messages."""
        if not isinstance(node, Sequence):
            if isinstance(node, Scalar) and node.plain and node.value in _NULLS:
                return []
            self.error(node, name, "expected a list", "write [a, b] or one '- item' per line")
            return []
        return [(f"{name}[{i}]", item) for i, item in enumerate(node.items)]

    def _unique(self, values: list[tuple[str, Node, str]], name: str) -> tuple[str, ...]:
        seen: set[str] = set()
        for item_name, item, value in values:
            if value in seen:
                self.error(item, item_name, f"'{value}' is listed twice", "remove one")
            seen.add(value)
        return tuple(v for _, _, v in values if v)

    def _refs(self, node: Node, name: str, spec: FieldSpec) -> tuple[str, ...]:
        values = [(n, i, self._ref(i, n, spec)) for n, i in self.items(node, name, spec)]
        return self._unique(values, name)

    def _texts(self, node: Node, name: str, spec: FieldSpec) -> tuple[str, ...]:
        values = [(n, i, self.text(i, n, spec)) for n, i in self.items(node, name, spec)]
        for item_name, item, value in values:
            if LIST_SEPARATOR in value:
                self.error(
                    item,
                    item_name,
                    "contains '; ', which separates the items of a list in the CSV data",
                    "write a comma or a dash instead",
                )
        return self._unique(values, name)

    def _countries(self, node: Node, name: str, spec: FieldSpec) -> tuple[str, ...]:
        values = [(n, i, self._country(i, n, spec)) for n, i in self.items(node, name, spec)]
        return self._unique(values, name)

    def _items(self, node: Node, name: str, spec: FieldSpec) -> tuple[Any, ...]:
        """A list of nested records (``links``, ``positions``, ``corrections``): each item is
        checked against the fields of ``spec.item``, its problems named ``name[i].field``."""
        assert spec.item is not None, f"{name}: an ITEMS field needs its item class"
        specs = dict(fields_of(spec.item))
        items = []
        for item_name, item in self.items(node, name, spec):
            if not isinstance(item, Mapping):
                fields = " and ".join(_required(specs))
                self.error(item, item_name, f"expected a mapping with {fields}")
                continue
            values = self.fields(item, specs, prefix=f"{item_name}.")
            self._one_of(item, item_name, values, getattr(spec.item, "one_of", ()))
            items.append(build(spec.item, values))
        return tuple(items)

    def _one_of(
        self, item: Mapping, name: str, values: dict[str, Any], pair: tuple[str, ...]
    ) -> None:
        """Exactly one of two fields (a position's ``by`` or ``party``)."""
        given = [field for field in pair if values.get(field)]
        if pair and not given and not self.problems_at(name):
            first, second = pair
            self.error(item, name, f"needs {first} or {second}", f"add {first}: or {second}:")
        elif len(given) > 1:
            first, second = pair
            self.error(
                item.items[second][0],
                f"{name}.{second}",
                f"has both {first} and {second}",
                f"keep one of {first} and {second}",
            )

    # -- mappings ----------------------------------------------------------------------------

    def fields(
        self, mapping: Mapping, specs: dict[str, FieldSpec], prefix: str = ""
    ) -> dict[str, Any]:
        """Convert the fields of ``mapping`` that ``specs`` names; flag the rest."""
        values: dict[str, Any] = {}
        for key, (key_node, _) in mapping.items.items():
            if key not in specs:
                self.error(
                    key_node, prefix + key, f"unknown field '{key}'", _unknown_hint(key, specs)
                )
        for name, spec in specs.items():
            if name not in mapping.items:
                if spec.required:
                    self.error(
                        mapping, prefix + name, "required field is missing", f"add '{name}:'"
                    )
                continue
            node = mapping.items[name][1]
            before = len(self.problems)
            value = self.convert(node, prefix + name, spec)
            if spec.required and value in ("", None) and len(self.problems) == before:
                self.error(node, prefix + name, "required field is empty", "fill it in")
            if isinstance(value, tuple) and len(value) < spec.min_items:
                self.error(
                    node,
                    prefix + name,
                    f"needs at least {spec.min_items} item" + ("s" if spec.min_items > 1 else ""),
                    "add one",
                )
            values[name] = value
        return values


def _required(specs: dict[str, FieldSpec]) -> list[str]:
    return [name for name, spec in specs.items() if spec.required]


def is_code_like(value: str) -> bool:
    """Two ASCII letters: meant as a country code, whatever its case."""
    return len(value) == 2 and value.isascii() and value.isalpha()


def check_fields(
    path: str, mapping: Mapping, specs: dict[str, FieldSpec]
) -> tuple[dict[str, Any], list[Problem]]:
    """Check a mapping that is not a record (the home page's front matter) against field
    specs, exactly as a record's fields are checked."""
    checker = _Checker(path)
    return checker.fields(mapping, specs), checker.problems


def check_value(path: str, node: Node, name: str, spec: FieldSpec) -> tuple[Any, list[Problem]]:
    """Check one value (the home page's Markdown body) as a field of kind ``spec.kind``."""
    checker = _Checker(path)
    return checker.convert(node, name, spec), checker.problems


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code, written in capitals as the standard does."""
    if len(code) != 2 or not code.isascii() or not code.isupper():
        return False
    try:
        return pycountry.countries.get(alpha_2=code) is not None
    except LookupError:
        return False


def did_you_mean(word: str, choices: object) -> str:
    """A hint naming the closest known word, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)  # type: ignore
    return f"did you mean '{close[0]}'?" if close else ""


def _unknown_hint(key: str, specs: dict[str, FieldSpec]) -> str:
    if key == "id":
        return "the id is the file name; remove this field"
    return did_you_mean(key, specs) or "known fields: " + ", ".join(specs)


@dataclass(frozen=True)
class Partial:
    """What could be read of a record that has errors, so that its references are still
    checked and an editor sees every problem of a run at once."""

    cls: type[Record]
    path: str
    values: dict[str, Any]
    marks: dict[str, tuple[int, int]]
    failed: frozenset[str] = frozenset()
    """Fields with an error already reported: checks that need them are skipped."""

    def usable(self, *names: str) -> bool:
        """Whether every named field was read without error."""
        return not self.failed & set(names)


def _marks(root: Mapping) -> dict[str, tuple[int, int]]:
    """Where each field's key, each item of a list field (``name[i]``) and each field of a
    nested item (``name[i].field``, at its value) was written, so that errors found after
    loading point at the exact spot."""
    marks = {}
    for name, (key, node) in root.items.items():
        marks[name] = (key.line, key.col)
        if not isinstance(node, Sequence):
            continue
        for i, item in enumerate(node.items):
            marks[f"{name}[{i}]"] = (item.line, item.col)
            if isinstance(item, Mapping):
                marks.update(
                    {f"{name}[{i}].{k}": (v.line, v.col) for k, (_, v) in item.items.items()}
                )
    return marks


def validate_file(loaded: LoadedFile) -> tuple[Record | Partial, list[Problem]]:
    """Turn one loaded file into its record, or a Partial when it has errors."""
    cls = COLLECTIONS[loaded.collection]
    checker = _Checker(loaded.path)
    specs = dict(fields_of(cls))
    values = checker.fields(loaded.root, specs)
    marks = _marks(loaded.root)
    _check_dates(checker, loaded.root, values)
    _check_archive(checker, loaded.root, values)
    _check_disputed(checker, loaded.root, values)
    if any(p.severity is Severity.ERROR for p in checker.problems):
        failed = frozenset(re.split(r"[\[.]", p.field)[0] for p in checker.problems)
        return Partial(cls, loaded.path, values, marks, failed), checker.problems
    extra: dict[str, Any] = {"text": loaded.text or ""} if loaded.collection == "sources" else {}
    record = cls(id=loaded.id, path=loaded.path, marks=marks, **values, **extra)
    return record, checker.problems


def _check_dates(checker: _Checker, root: Mapping, values: dict[str, Any]) -> None:
    start, end = values.get("date"), values.get("end_date")
    if (
        isinstance(start, PartialDate)
        and isinstance(end, PartialDate)
        and end.latest < start.earliest
    ):
        checker.error(
            root.items["end_date"][1],
            "end_date",
            f"ends ({end}) before it begins ({start})",
            "swap date and end_date",
        )


def _check_archive(checker: _Checker, root: Mapping, values: dict[str, Any]) -> None:
    archive = values.get("archive_url")
    if not archive or checker.problems_at("archive_url"):  # empty, or already reported
        return
    problem = archive_problem(archive, values.get("url", ""))
    if problem:
        checker.error(
            root.items["archive_url"][1],
            "archive_url",
            problem,
            "link the web.archive.org, archive.today or perma.cc copy of url",
        )


def _check_disputed(checker: _Checker, root: Mapping, values: dict[str, Any]) -> None:
    """A claim is disputed between accounts: one account alone cannot dispute anything."""
    positions = values.get("positions")
    if values.get("status") == "disputed" and positions is not None and len(positions) < 2:
        checker.error(
            root.items["positions"][0],
            "positions",
            "a disputed claim needs at least two positions",
            "add the other account, or make the status unconfirmed",
        )


Memo = dict[int, tuple[LoadedFile, "Record | Partial", list[Problem]]]
"""What a long-running process (the preview) validated, by the loaded file it came from (the
loader's memo gives back the same object for a file that did not change)."""


def validate(
    files: list[LoadedFile], memo: Memo | None = None
) -> tuple[list[Record], list[Partial], list[Problem]]:
    """Validate every loaded file: the good records, the broken ones' partial values, and all
    problems. With ``memo`` (kept between runs), a file loaded as the same object as last time
    gives the same record object, unvalidated again."""
    records: list[Record] = []
    partials: list[Partial] = []
    problems: list[Problem] = []
    seen: Memo = {}
    for loaded in files:
        known = memo.get(id(loaded)) if memo is not None else None
        if known is not None and known[0] is loaded:
            result, found = known[1], known[2]
        else:
            result, found = validate_file(loaded)
        seen[id(loaded)] = (loaded, result, found)
        problems.extend(found)
        if isinstance(result, Partial):
            partials.append(result)
        else:
            records.append(result)
    if memo is not None:
        memo.clear()
        memo.update(seen)
    return records, partials, problems

"""Deterministic synthetic explainers for ``make bench``: N records in the real record format.

Per 10,000 records: 1,000 people (a third with Cyrillic native names, most with aliases),
1,000 meetings (participants or only parties, held, scheduled or cancelled), 500 events,
500 sources with texts, and 7,000 quotes, each a run of words taken from its source's text so
that the word-for-word check passes; plus topics and a standfirst. Everything comes from one
seeded ``random.Random``: the same N always writes byte-identical files.

    python -m tests.bench.synth 10000 /tmp/bench-10000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from generator.limits import MAX_FILES
from generator.outputs import OWNED

ROOT = Path(__file__).resolve().parents[2]
SEED = 20260130
PARAGRAPH = 5
"""Sentences per paragraph of a source text; a quote never spans two (the check refuses it)."""

LATIN_FIRST = [
    "Anna",
    "Brian",
    "Carla",
    "David",
    "Emma",
    "Frank",
    "Grace",
    "Henry",
    "Irene",
    "James",
    "Karen",
    "Louis",
    "Maria",
    "Nathan",
    "Olivia",
    "Peter",
    "Quentin",
    "Rachel",
    "Samuel",
    "Teresa",
    "Victor",
    "Wendy",
    "Xavier",
    "Yvonne",
    "Zachary",
    "Alice",
    "Bruno",
    "Chloe",
    "Daniel",
    "Elena",
    "Felix",
    "Gloria",
    "Hugo",
    "Isabel",
    "Jonas",
    "Laura",
    "Marco",
    "Nadia",
    "Oscar",
    "Paula",
]
LATIN_LAST = [
    "Anderson",
    "Baker",
    "Carter",
    "Dawson",
    "Ellis",
    "Fischer",
    "Garcia",
    "Harper",
    "Ibsen",
    "Jensen",
    "Keller",
    "Lambert",
    "Morgan",
    "Novak",
    "Olsen",
    "Palmer",
    "Quinn",
    "Reyes",
    "Schmidt",
    "Turner",
    "Usher",
    "Vargas",
    "Walsh",
    "Young",
    "Zimmer",
    "Abbott",
    "Bishop",
    "Coleman",
    "Duarte",
    "Evans",
    "Foster",
    "Gibson",
    "Hughes",
    "Ingram",
    "Jordan",
    "Kramer",
    "Lopez",
    "Mason",
    "Nolan",
    "Ortiz",
]
CYRILLIC_FIRST = (
    ("Aleksei", "Алексей"),
    ("Boris", "Борис"),
    ("Dmitry", "Дмитрий"),
    ("Elena", "Елена"),
    ("Galina", "Галина"),
    ("Igor", "Игорь"),
    ("Kirill", "Кирилл"),
    ("Larisa", "Лариса"),
    ("Maksim", "Максим"),
    ("Natalia", "Наталья"),
    ("Oleg", "Олег"),
    ("Pavel", "Павел"),
    ("Roman", "Роман"),
    ("Svetlana", "Светлана"),
    ("Taras", "Тарас"),
    ("Yulia", "Юлия"),
    ("Andriy", "Андрій"),
    ("Oksana", "Оксана"),
    ("Bohdan", "Богдан"),
    ("Iryna", "Ірина"),
)
CYRILLIC_LAST = (
    ("Ivanov", "Иванов"),
    ("Petrov", "Петров"),
    ("Sidorov", "Сидоров"),
    ("Smirnov", "Смирнов"),
    ("Kuznetsov", "Кузнецов"),
    ("Popov", "Попов"),
    ("Volkov", "Волков"),
    ("Sokolov", "Соколов"),
    ("Morozov", "Морозов"),
    ("Lebedev", "Лебедев"),
    ("Kozlov", "Козлов"),
    ("Novikov", "Новиков"),
    ("Shevchenko", "Шевченко"),
    ("Kovalenko", "Коваленко"),
    ("Bondarenko", "Бондаренко"),
    ("Tkachenko", "Ткаченко"),
    ("Kravchenko", "Кравченко"),
    ("Oliynyk", "Олійник"),
    ("Melnyk", "Мельник"),
    ("Lysenko", "Лисенко"),
)
MIDDLE = "ABCDEFGHJKLMNPRSTVW"
COUNTRIES = ("US", "RU", "UA", "AE", "TR", "SA", "FR", "DE", "GB", "PL", "QA", "CH")
ROLES = (
    "Special Envoy",
    "Foreign Minister",
    "Deputy Foreign Minister",
    "National Security Adviser",
    "Presidential aide",
    "Ambassador",
    "Negotiator",
    "Spokesperson",
    "Defence Minister",
    "Chief of Staff",
)
CITIES = (
    "Abu Dhabi, United Arab Emirates",
    "Istanbul, Türkiye",
    "Riyadh, Saudi Arabia",
    "Geneva, Switzerland",
    "Doha, Qatar",
    "Moscow, Russia",
    "Kyiv, Ukraine",
    "Miami, United States",
    "Paris, France",
    "Berlin, Germany",
)
PUBLISHERS = ("Wire Service", "Daily Ledger", "Evening Post", "Radio Free Town", "The Courier")
SOURCE_KINDS = ("article", "statement", "transcript", "social-post", "article")
WORDS = [
    "talks",
    "ceasefire",
    "delegation",
    "envoy",
    "agreement",
    "proposal",
    "border",
    "energy",
    "prisoners",
    "exchange",
    "security",
    "guarantees",
    "round",
    "capital",
    "leaders",
    "framework",
    "sanctions",
    "reconstruction",
    "territory",
    "monitoring",
    "mission",
    "humanitarian",
    "corridor",
    "grain",
    "port",
    "airspace",
    "drones",
    "winter",
    "pause",
    "negotiators",
    "summit",
    "memorandum",
    "draft",
    "points",
    "schedule",
    "progress",
    "difficult",
    "constructive",
    "productive",
    "frank",
    "serious",
    "hopeful",
    "cautious",
]
FILLER = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "on",
    "with",
    "for",
    "that",
    "this",
    "we",
    "they",
    "it",
    "is",
    "was",
    "will",
]
TOPIC_NAMES = (
    "Peace talks",
    "Energy strikes",
    "Land agreement",
    "Prisoner exchanges",
    "Security guarantees",
    "Sanctions",
    "Grain corridor",
    "Reconstruction",
    "Air defence",
    "Humanitarian aid",
    "Black Sea shipping",
    "Nuclear safety",
)


@dataclass(frozen=True)
class Sizes:
    """How many records of each kind N records make (the issue's proportions)."""

    people: int
    meetings: int
    events: int
    sources: int
    quotes: int
    topics: int

    @classmethod
    def of(cls, n: int) -> Sizes:
        return cls(
            people=max(2, n // 10),
            meetings=max(1, n // 10),
            events=max(1, n // 20),
            sources=max(1, n // 20),
            quotes=max(1, n * 7 // 10),
            topics=max(4, min(len(TOPIC_NAMES) * 8, n // 500)),
        )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (the generated text has no backslashes or controls)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _date(rng: random.Random) -> str:
    year = rng.choice((2025, 2026, 2026, 2027))
    month = rng.randint(1, 12)
    if rng.random() < 0.15:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def _sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS if rng.random() < 0.6 else FILLER) for _ in range(length)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


class Synth:
    """Writes one synthetic project; every choice comes from ``self.rng`` in a fixed order."""

    def __init__(self, n: int, target: Path) -> None:
        self.n = n
        self.sizes = Sizes.of(n)
        self.rng = random.Random(SEED + n)
        self.target = target
        self.content = target / "content"

    def write(self, rel: str, text: str) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")

    def header(self, collection: str) -> str:
        return f"# yaml-language-server: $schema=../../schemas/{collection}.schema.json\n"

    def people(self) -> list[tuple[str, str]]:
        """(id, name) of every person written."""
        out = []
        latin = len(LATIN_FIRST) * len(LATIN_LAST)
        cyrillic = len(CYRILLIC_FIRST) * len(CYRILLIC_LAST)
        for i in range(self.sizes.people):
            if i % 3 == 0:
                k = i // 3
                (first, native_first), (last, native_last) = (
                    CYRILLIC_FIRST[k % len(CYRILLIC_FIRST)],
                    CYRILLIC_LAST[(k // len(CYRILLIC_FIRST)) % len(CYRILLIC_LAST)],
                )
                middle = MIDDLE[(k // cyrillic) % len(MIDDLE)] + ". " if k >= cyrillic else ""
                native = f"{native_first} {native_last}"
                country = self.rng.choice(("RU", "UA"))
            else:
                k = i - i // 3 - 1
                first = LATIN_FIRST[k % len(LATIN_FIRST)]
                last = LATIN_LAST[(k // len(LATIN_FIRST)) % len(LATIN_LAST)]
                middle = MIDDLE[(k // latin) % len(MIDDLE)] + ". " if k >= latin else ""
                native = ""
                country = self.rng.choice(COUNTRIES)
            name = f"{first} {middle}{last}"
            pid = slug(name)
            lines = [
                self.header("people"),
                f"name: {name}\n",
                f"role: {self.rng.choice(ROLES)}\n",
                f"country: {country}\n",
            ]
            if native:
                lines.append(f"native_name: {native}\n")
            if self.rng.random() < 0.8:
                lines.append(f"aliases: {_flow([last, f'{first[0]}. {last}'])}\n")
            if self.rng.random() < 0.5:
                bio = " ".join(_sentence(self.rng, self.rng.randint(8, 16)) for _ in range(2))
                lines.append(f"bio: {_quoted(bio)}\n")
            self.write(f"people/{pid}.yml", "".join(lines))
            out.append((pid, name))
        return out

    def topics(self) -> list[str]:
        ids = []
        for i in range(self.sizes.topics):
            base = TOPIC_NAMES[i % len(TOPIC_NAMES)]
            title = base if i < len(TOPIC_NAMES) else f"{base} {i // len(TOPIC_NAMES) + 1}"
            tid = slug(title)
            summary = _sentence(self.rng, 12)
            self.write(
                f"topics/{tid}.yml",
                f"{self.header('topics')}title: {title}\nsummary: {_quoted(summary)}\n",
            )
            ids.append(tid)
        return ids

    def sources(self) -> list[tuple[str, list[str]]]:
        """(id, sentences of its text) of every source written."""
        out = []
        for i in range(self.sizes.sources):
            sid = f"source-{i + 1:05d}"
            sentences = [_sentence(self.rng, self.rng.randint(8, 24)) for _ in range(30)]
            paragraphs = [
                " ".join(sentences[j : j + PARAGRAPH]) for j in range(0, len(sentences), PARAGRAPH)
            ]
            text = "\n\n".join(paragraphs) + "\n"
            title = f"Report {i + 1} on the {self.rng.choice(WORDS)} {self.rng.choice(WORDS)}"
            lines = [
                self.header("sources"),
                f"title: {title}\n",
                f"publisher: {self.rng.choice(PUBLISHERS)}\n",
                f"url: https://news.example.org/{sid}\n",
                f"published: {_date(self.rng)}\n",
                f"kind: {self.rng.choice(SOURCE_KINDS)}\n",
            ]
            self.write(f"sources/{sid}.yml", "".join(lines))
            self.write(f"sources/{sid}.txt", text)
            out.append((sid, sentences))
        return out

    def entries(
        self, people: list[tuple[str, str]], topics: list[str], sources: list[str]
    ) -> list[tuple[str, str, str, list[str]]]:
        """Meetings then events: (collection, id, date, people) of each."""
        out = []
        for i in range(self.sizes.meetings):
            mid = f"meeting-{i + 1:05d}"
            date = _date(self.rng)
            city = self.rng.choice(CITIES)
            parties_only = self.rng.random() < 0.05
            who = [] if parties_only else self._some(people, 2, 5)
            status = self.rng.choices(("held", "scheduled", "cancelled"), (8, 1, 1))[0]
            lines = [
                self.header("meetings"),
                f"title: Talks in {city.split(',')[0]}, round {i + 1}\n",
                f"date: {date}\n",
            ]
            if self.rng.random() < 0.2:
                lines.append("approximate: true\n")
            if status != "held":
                lines.append(f"status: {status}\n")
            lines += [
                f"location: {city}\n",
                f"participants: {_flow(who)}\n",
            ]
            if parties_only:
                lines.append(f"parties: {_flow(sorted(self.rng.sample(COUNTRIES, 2)))}\n")
            lines += self._entry_tail(topics, sources)
            self.write(f"meetings/{mid}.yml", "".join(lines))
            out.append(("meeting", mid, date, who))
        for i in range(self.sizes.events):
            eid = f"event-{i + 1:05d}"
            date = _date(self.rng)
            who = self._some(people, 1, 3)
            lines = [
                self.header("events"),
                f"title: Announcement {i + 1} on {self.rng.choice(WORDS)}\n",
                f"date: {date}\n",
                f"people: {_flow(who)}\n",
                *self._entry_tail(topics, sources),
            ]
            self.write(f"events/{eid}.yml", "".join(lines))
            out.append(("event", eid, date, who))
        return out

    def _some(self, people: list[tuple[str, str]], low: int, high: int) -> list[str]:
        count = min(len(people), self.rng.randint(low, high))
        return [pid for pid, _ in self.rng.sample(people, count)]

    def _entry_tail(self, topics: list[str], sources: list[str]) -> list[str]:
        summary = " ".join(_sentence(self.rng, self.rng.randint(10, 20)) for _ in range(3))
        return [
            f"summary: {_quoted(summary)}\n",
            f"topics: {_flow(self.rng.sample(topics, self.rng.randint(1, 2)))}\n",
            f"sources: {_flow([self.rng.choice(sources)])}\n",
        ]

    def quotes(
        self,
        people: list[tuple[str, str]],
        topics: list[str],
        sources: list[tuple[str, list[str]]],
        entries: list[tuple[str, str, str, list[str]]],
    ) -> None:
        for i in range(self.sizes.quotes):
            qid = f"quote-{i + 1:05d}"
            sid, sentences = self.rng.choice(sources)
            first = self.rng.randrange(0, len(sentences), PARAGRAPH)  # within one paragraph
            words = " ".join(sentences[first : first + PARAGRAPH]).split()
            start = self.rng.randrange(len(words) - 5)
            text = " ".join(words[start : start + self.rng.randint(5, 40)])
            kind, entry_id, date, who = self.rng.choice(entries)
            speaker = self.rng.choice(who) if who else self.rng.choice(people)[0]
            lines = [
                self.header("quotes"),
                f"speaker: {speaker}\n",
                "text: >-\n" + textwrap.indent(textwrap.fill(text, 94), "  ") + "\n",
                f"date: {date}\n",
                f"{kind}: {entry_id}\n",
                f"context: {self.rng.choice(('post on X', 'press conference', 'interview'))}\n",
                f"source: {sid}\n",
                f"topics: {_flow([self.rng.choice(topics)])}\n",
            ]
            self.write(f"quotes/{qid}.yml", "".join(lines))

    def standfirst(self, people: list[tuple[str, str]]) -> None:
        key = [pid for pid, _ in people[:6]]
        text = (
            "---\n"
            f"title: Synthetic explainer of {self.n} records\n"
            f"key_people: {_flow(key)}\n"
            "---\n" + " ".join(_sentence(self.rng, 14) for _ in range(3)) + "\n"
        )
        self.write("standfirst.md", text)

    def config(self) -> None:
        """The real ``mkdocs.yml`` with this story's name and address."""
        text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        name = f'site_name: "Synthetic explainer, {self.n} records"'
        text = re.sub(r"^site_name: .*$", name, text, count=1, flags=re.M)
        url = "site_url: https://example.org/bench/"
        text = re.sub(r"^site_url: .*$", url, text, count=1, flags=re.M)
        if self.n > MAX_FILES // 2:  # a big story raises its own ceiling, as an editor would
            limit = f"\\g<0>    max_files: {self.n * 2}\n"
            text = re.sub(r"^  explainer:\n", limit, text, count=1, flags=re.M)
        (self.target / "mkdocs.yml").write_text(text, encoding="utf-8", newline="\n")

    def run(self) -> None:
        people = self.people()
        topics = self.topics()
        sources = self.sources()
        entries = self.entries(people, topics, [sid for sid, _ in sources])
        self.quotes(people, topics, sources, entries)
        self.standfirst(people)
        self.config()


def _generated(folder: str, names: list[str]) -> set[str]:
    """What the generator writes into the repository's ``docs/``: left out of the copy."""
    if Path(folder) != ROOT / "docs":
        return set()
    return {name for name in names if name in OWNED.tops}


def make_project(n: int, target: Path) -> Path:
    """Write a complete project for ``n`` records into ``target`` (emptied first): content/,
    mkdocs.yml, and the repository's own hand-written docs/ and theme/."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", target / "docs", ignore=_generated)
    shutil.copytree(ROOT / "theme", target / "theme")
    Synth(n, target).run()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("target", type=Path, help="folder to write the project into (emptied)")
    args = parser.parse_args()
    make_project(args.n, args.target)


if __name__ == "__main__":
    main()

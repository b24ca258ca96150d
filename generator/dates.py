"""Dates at the precision the editor wrote them: a year, a month or a day.

Editors often know only "January 2026". Turning that into 2026-01-01 would state a fact the
source never gave, so a date keeps its precision from the YAML file to the reader's screen.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z", re.ASCII)
"""ASCII digits only (``\\d`` alone also takes ``٢٠٢٤``), and no trailing newline."""
MONTHS = tuple(calendar.month_name)[1:]  # English, independent of the locale


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day.

    >>> PartialDate.parse("2026-01").display()
    'January 2026'
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ValueError naming the fault."""
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if year < 1:
            raise ValueError("year is out of range")
        if month is not None and not 1 <= month <= 12:
            raise ValueError("month is out of range")
        if day is not None:
            assert month is not None
            if not 1 <= day <= calendar.monthrange(year, month)[1]:
                raise ValueError("day is out of range for month")
        return cls(year, month, day)

    @property
    def earliest(self) -> tuple[int, int, int]:
        """Sort key: an imprecise date sorts at the start of its span."""
        return (self.year, self.month or 0, self.day or 0)

    @property
    def latest(self) -> tuple[int, int, int]:
        """The last day the date may stand for, to check that a range does not run backwards."""
        return (self.year, self.month or 12, self.day or 31)

    def iso(self) -> str:
        """The value for an HTML ``<time datetime>``, at the same precision."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def display(self, approximate: bool = False) -> str:
        """Readers' form: '2026', 'January 2026' or '31 January 2026', 'about …' if unsure."""
        parts = [str(self.year)]
        if self.month:
            parts.insert(0, MONTHS[self.month - 1])
        if self.day:
            parts.insert(0, str(self.day))
        text = " ".join(parts)
        return f"about {text}" if approximate else text

    def __str__(self) -> str:
        return self.iso()


def display_range(start: PartialDate, end: PartialDate | None, approximate: bool) -> str:
    """A date or a span, e.g. 'about 31 January – 1 February 2026'."""
    if end is None or end == start:
        return start.display(approximate)
    return f"{start.display(approximate)} – {end.display()}"

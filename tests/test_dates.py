"""Dates keep the precision the editor wrote, for readers and for sorting."""

from __future__ import annotations

import pytest

from generator.dates import PartialDate, display_range


@pytest.mark.parametrize(
    ("text", "plain", "approx", "iso"),
    [
        ("2026", "2026", "about 2026", "2026"),
        ("2026-01", "January 2026", "about January 2026", "2026-01"),
        ("2026-01-31", "31 January 2026", "about 31 January 2026", "2026-01-31"),
        ("2024-02-29", "29 February 2024", "about 29 February 2024", "2024-02-29"),
    ],
)
def test_display_at_precision(text, plain, approx, iso):
    date = PartialDate.parse(text)
    assert (date.display(), date.display(approximate=True), date.iso()) == (plain, approx, iso)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-29", "day is out of range for month"),
        ("2026-00", "month is out of range"),
        ("0000", "year is out of range"),
        ("26-01-31", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '26-01-31'"),
        ("2026-1-5", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2026-1-5'"),
        (
            "2026-01-31T10:00",
            "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2026-01-31T10:00'",
        ),
    ],
)
def test_impossible_dates(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        PartialDate.parse(text)


def test_sorting_puts_a_month_before_its_days_and_mixes_precisions():
    dates = [PartialDate.parse(t) for t in ("2026-02-01", "2026", "2026-01-31", "2026-01")]
    assert [d.iso() for d in sorted(dates, key=lambda d: d.earliest)] == [
        "2026",
        "2026-01",
        "2026-01-31",
        "2026-02-01",
    ]


def test_ranges():
    start, end = PartialDate.parse("2025-03-04"), PartialDate.parse("2025-03-05")
    assert display_range(start, end, False) == "4 March 2025 – 5 March 2025"
    assert display_range(start, None, True) == "about 4 March 2025"

"""writeback/rollover_text.py: rolled-over titles that agree with their metric, header comments for the new period."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.writeback.rollover_text import Span, retitle, rewrite_header

Q3 = Span("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
Q4 = Span("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
Q1 = Span("2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31))
Y2027 = Span("2027", dt.date(2027, 1, 1), dt.date(2027, 12, 31))


@pytest.mark.parametrize("title, old, new, to, expected", [
    ("Raise mobile checkout completion from 61% to 70%", 61, 66.7, 70,
     "Raise mobile checkout completion from 66.7% to 70%"),
    ("Grow members from 142,000 to 170,000", 142000, 158700, 170000, "Grow members from 158,700 to 170,000"),
    ("Reduce stock older than 180 days from €2.4M to €1.6M", 2.4, 1.9, 1.6,
     "Reduce stock older than 180 days from €1.9M to €1.6M"),
    ("Reduce aged stock from €2.4M to €1.6M", 2_400_000, 1_950_000, 1_600_000, "Reduce aged stock from €1.95M to €1.6M"),
    ("Cut load time from 3.4 s to 2.0 s", 3.4, 3, 2.0, "Cut load time from 3.0 s to 2.0 s"),
    ("Reduce refund time from 9 days to 4 days", 9, 5.5, 4, "Reduce refund time from 5.5 days to 4 days"),
    ("Reduce mean time to restore from 64 to 30 minutes", 64, 35, 30, "Reduce mean time to restore from 35 to 30 minutes"),
    ("NPS 41 → 50", 41, 44, 50, "NPS 44 → 50"),
    ("NPS 41->50", 41, 44, 50, "NPS 44->50"),
    ("Raise 90-day repeat purchase rate from 28% to 31%", 28, 29.2, 31, "Raise 90-day repeat purchase rate from 29.2% to 31%"),
    ("Reduce cost per order from €6.40 to €5.90", 6.4, 6.05, 5.9, "Reduce cost per order from €6.05 to €5.90"),
    ("Raise AUC from 0.71 to 0.80", 0.71, 0.755, 0.8, "Raise AUC from 0.755 to 0.80"),
    ("Move the margin from -2% to 3%", -2, -0.5, 3, "Move the margin from -0.5% to 3%"),
])
def test_retitle_rewrites_the_baseline_of_a_from_to_phrase(title, old, new, to, expected):
    done = retitle(title, old, new, to)
    assert done.title == expected and len(done.rewritten) == 1 and done.stale == []


@pytest.mark.parametrize("title, stale", [
    ("Sign 25 new mid-market logos", []),  # names no baseline: nothing to do
    ("Grow app share: 22% today, 30% by March", ["22"]),  # names it outside a phrase: left, and reported
    ("Grow app share from 20% to 30%", ["20"]),  # a phrase that never matched the metric: left, and reported
    ("Grow app share to 30% in 3 to 5 markets", []),  # "3 to 5" is about something else
])
def test_retitle_leaves_what_it_cannot_rewrite(title, stale):
    done = retitle(title, 22, 27.2, 30)
    assert done.title == title and done.rewritten == [] and done.stale == stale


def test_retitle_reports_a_second_mention_of_the_old_baseline():
    done = retitle("NPS from 41 to 50 (41 in September)", 41, 44, 50)
    assert done.title == "NPS from 44 to 50 (41 in September)" and done.stale == ["41"]


def test_rewrite_header_for_the_next_quarter():
    lines = ["# Storefront team OKRs for Q4 2026.",
             "# Check-ins every Friday. Running quarter: 2026-10-01 to 2026-12-31.",
             "# 2026-Q4: October to December",
             "# Mid-quarter review on 2026-11-16.",
             "# Board pack due 3 November.",
             "# December 2026 is peak.",
             "#",
             "# Q4-ish, 2026-Q41, 2026-Q3 and 2025-11-16 are not this period."]
    kept, dropped = rewrite_header(lines, Q4, Q1)
    assert kept == ["# Storefront team OKRs for Q1 2027.",
                    "# Check-ins every Friday. Running quarter: 2027-01-01 to 2027-03-31.",
                    "# 2027-Q1: January to March",
                    "# March 2027 is peak.",
                    "#",
                    "# Q4-ish, 2026-Q41, 2026-Q3 and 2025-11-16 are not this period."]
    assert dropped == ["# Mid-quarter review on 2026-11-16.", "# Board pack due 3 November."]


def test_rewrite_header_drops_month_names_a_longer_period_cannot_take():
    kept, dropped = rewrite_header(["# 2026-Q3: July to September", "# Team OKRs, 2026-Q3"], Q3, Y2027)
    assert kept == ["# Team OKRs, 2027"] and dropped == ["# 2026-Q3: July to September"]

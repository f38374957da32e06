"""What a reader sees next to a goal: why its status, its check-ins as a feed, tables status first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import build_portal
from generator.render import render_pages
from generator.render.parts import OBJECTIVE_COLUMNS

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "portal_minimal" / "goals"
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    build = build_portal(FIXTURE, TODAY)
    assert build.ok, build.errors
    return render_pages(build)


def test_a_status_badge_says_why_expected_against_actual_and_confidence(pages):
    page = pages["units/sales-emea/2026-Q4.md"]
    # new-logos: 12 of 25 on 2026-11-22, aspirational, so expected 0.7 × 53/92 of the way: 40 %.
    assert ('<span class="portal-status portal-status--at-risk">at risk</span> <span class="portal-reason">'
            "(expected 40 % by today, at 48 %; confidence 6/10)</span>") in page
    assert "(in range in 100 % of check-ins, 90 % needed, latest inside; confidence 9/10)" in page  # a keep form


def test_a_closed_goal_says_what_its_kind_needed():
    pages = render_pages(build_portal(FIXTURE, dt.date(2027, 1, 10)))
    assert "scored 56 %, aspirational needs 70 %" in pages["units/sales-emea/2026-Q4.md"]


def test_check_in_history_is_a_feed_without_empty_parts(pages):
    page = pages["units/sales-emea/2026-Q4.md"]
    history = page[page.index("Check-in history (2)"):]
    history = history[: history.index("</ol>")]
    assert '<ol class="portal-feed">' in history and "<table" not in history
    assert '<time datetime="2026-11-16">2026-11-16</time> · <strong>12 logos</strong> · confidence 6/10' in history
    assert "<strong>Blockers</strong>" in history and "<strong>Next</strong>" in history
    assert "<td></td>" not in page


def test_tables_put_status_and_score_first():
    assert OBJECTIVE_COLUMNS[:2] == ["Status", "Score"]
    pages = render_pages(build_portal(FIXTURE, TODAY))
    assert "| Health | KPI | Latest value |" in pages["kpis/index.md"]
    assert "| Status | Score | Objective |" in pages["index.md"]


def test_a_key_result_chart_says_its_expected_pace_in_words(pages):
    page = pages["units/sales-emea/2026-Q4.md"]
    assert ("12 of 25 logos on 2026-11-16; target 25 logos by 2026-12-31; "
            "expected pace 40 % of the way by today; confidence 6/10") in page


def test_no_table_has_an_empty_header():
    closed = render_pages(build_portal(FIXTURE, dt.date(2027, 1, 10)))  # with retrospectives
    for pages in (render_pages(build_portal(FIXTURE, TODAY)), closed):
        for path, page in pages.items():
            assert "\n| | |\n" not in page and "<th></th>" not in page, path

"""lint_portal() keeps the warnings of objectives whose inputs did not change: never stale ones.

Each test edits a copy of the example company (lines moved, a title, a check-in, the settings, a KPI
that a key result follows, the build date) and compares the warnings of the build that may reuse the
last build's with warnings made afresh for the same portal.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import lint
from generator.pipeline import build_portal
from generator.speed.memo import Memo

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def goals(example_goals: Path) -> Path:
    return example_goals


@pytest.fixture
def memo() -> Memo:
    """What the builds of a test keep from one to the next, as `goalsite serve` has it."""
    return Memo()


def warnings(memo: Memo, goals: Path, today: dt.date = TODAY) -> tuple[list[str], int]:
    """(the build's warnings, as text; how many objectives kept theirs), checked against a fresh lint."""
    build = build_portal(goals, today, memo=memo)
    assert not build.errors, [str(p) for p in build.errors]
    kept = lint.last_reused
    lint._last = (None, {})
    fresh = lint.lint_portal(build.portal, build.scores)
    assert lint.last_reused == 0
    made = sorted(f"{p.location}: {p.code}: {p.message}" for p in fresh)
    assert sorted(f"{p.location}: {p.code}: {p.message}" for p in build.problems if not p.is_error) == made
    return made, kept


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SOURCING = "2026-Q4/sourcing.yaml"
STALE = "Key result 'responsible-suppliers/audits' has had no check-in since 2026-10-30"


def test_unchanged_files_keep_their_warnings_and_moved_lines_move_them(goals, memo):
    first, _ = warnings(memo, goals)
    assert any(STALE in w for w in first)
    again, kept = warnings(memo, goals)
    assert again == first and kept > 0
    # A line added at the top of the file: the same objectives, their warnings one line lower.
    edit(goals / SOURCING, "unit: sourcing\n", "# a comment\nunit: sourcing\n")
    moved, _ = warnings(memo, goals)
    line = lambda ws: next(w for w in ws if STALE in w).split(":")[1]  # noqa: E731
    assert int(line(moved)) == int(line(first)) + 1


def test_edits_that_change_a_warning(goals, memo):
    warnings(memo, goals)
    # A check-in: no longer stale.
    edit(goals / SOURCING, "            blockers: The auditor's capacity in Ho Chi Minh City is booked until 7 December.\n",
         "            blockers: The auditor's capacity in Ho Chi Minh City is booked until 7 December.\n"
         "          - {date: 2026-11-20, value: 10, confidence: 3}\n")
    ws, _ = warnings(memo, goals)
    assert not any(STALE in w for w in ws)
    assert any("'responsible-suppliers/audits' has confidence 3 on 2026-11-20 and no blockers" in w for w in ws)
    # A title with a target in it.
    edit(goals / SOURCING, "title: Source from suppliers we are proud to name", "title: Source 100% from suppliers we are proud to name")
    ws, _ = warnings(memo, goals)
    assert any("'responsible-suppliers' has a target in its title" in w for w in ws)


def test_the_build_date_and_the_settings_change_warnings_of_unchanged_files(goals, memo):
    base, _ = warnings(memo, goals)
    later, _ = warnings(memo, goals, TODAY + dt.timedelta(days=30))
    assert later != base
    edit(goals / "org.yaml", "  checkin_every_days: 7 ", "  checkin_every_days: 8 ")
    ws, _ = warnings(memo, goals)  # the same key results are stale: their messages say so
    assert any(STALE in w and "(more than 8 days)" in w for w in ws)
    edit(goals / "org.yaml", "  checkin_every_days: 8 ", "  checkin_every_days: 60 ")
    relaxed, _ = warnings(memo, goals)
    assert not any("has had no check-in" in w for w in relaxed)


def test_a_kpi_that_a_key_result_follows(goals, memo):
    """A key result without check-ins takes the KPI's values: the KPI file changes its warnings, even
    when its scores stay equal (still stale, a day more allowed)."""
    day = dt.date(2026, 12, 20)
    follows = "takes its values from KPI 'customer-retention', which has had no new value since 2026-10-31"
    ws, _ = warnings(memo, goals, day)
    assert any(follows in w and "(more than 31 days)" in w for w in ws)
    edit(goals / "kpis.yaml", "    update_every_days: 31\n    metric: {unit: \"%\", keep_above: 85}\n",
         "    update_every_days: 32\n    metric: {unit: \"%\", keep_above: 85}\n")
    ws, kept = warnings(memo, goals, day)
    assert any(follows in w and "(more than 32 days)" in w for w in ws) and kept > 0


def test_a_new_kpi_value_changes_the_warnings_of_an_unchanged_goal_file(goals, memo):
    day = dt.date(2026, 12, 20)
    follows = "takes its values from KPI 'customer-retention'"
    ws, _ = warnings(memo, goals, day)
    assert any(follows in w for w in ws)
    csv = goals / "data/customer-retention.csv"
    csv.write_text(csv.read_text(encoding="utf-8").rstrip("\n") + "\n2026-12-15,88.0\n", encoding="utf-8")
    ws, kept = warnings(memo, goals, day)
    assert not any(follows in w for w in ws) and kept > 0

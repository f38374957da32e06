"""score_portal() keeps the scores of objectives whose inputs did not change: never stale ones.

Each test edits a copy of the example company in a way that changes some scores (a check-in, a
weight, a KPI value that a key result without check-ins follows, the settings, the build date) and
compares the scores of the build that may reuse the last build's with scores made afresh.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator import score
from generator.pipeline import build_portal
from generator.speed.memo import Memo

TODAY = dt.date(2026, 11, 22)
RETENTION = "2026-Q4:larchwood/unforgettable-cx/retention"  # no check-ins: it follows the customer-retention KPI


@pytest.fixture
def goals(example_goals: Path) -> Path:
    return example_goals


@pytest.fixture
def memo() -> Memo:
    """The memo of a rebuilding shell, kept through one test's builds."""
    return Memo()


def assert_fresh(goals: Path, memo: Memo, today: dt.date = TODAY):
    """Build (scores may come from the last build), then score the same portal afresh: equal. The build."""
    build = build_portal(goals, today, memo=memo)
    assert build.ok, [str(p) for p in build.errors]
    kept = memo.stats("score").reused
    empty = Memo()
    fresh = score.score_portal(build.portal, today, memo=empty)
    assert empty.stats("score").reused == 0
    for part in ("key_results", "objectives", "periods", "kpis", "unhealthy_unmoved"):
        cached, made = getattr(build.scores, part), getattr(fresh, part)
        if isinstance(made, dict):
            assert [k for k in made if cached.get(k) != made[k]] == [], f"stale {part}"
        assert cached == made, part
    build.reused = kept
    return build


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_company_keeps_every_score_and_an_edit_rescores_its_objective(goals, memo):
    first = assert_fresh(goals, memo)
    again = assert_fresh(goals, memo)
    total = len(again.portal.objectives)
    assert again.reused == total, "nothing changed: every objective kept its scores"
    before = first.scores.key_results["2026-Q4:larchwood/unforgettable-cx/nps"]
    edit(goals / "2026-Q4/larchwood.yaml", "Reaching 50 depends on a clean peak season.\n",
         "Reaching 50 depends on a clean peak season.\n          - {date: 2026-11-22, value: 49, confidence: 9}\n")
    build = assert_fresh(goals, memo)
    after = build.scores.key_results["2026-Q4:larchwood/unforgettable-cx/nps"]
    assert (after.latest.value, after.confidence) == (49, 9) and after.score != before.score
    total = len(build.portal.objectives)  # (counted first: a failed assert would print the whole portal)
    assert build.reused == total - 1, "the other objectives, even those of the edited file, kept their scores"


def test_a_weight_a_kind_and_a_manual_score_rescore(goals, memo):
    assert_fresh(goals, memo)
    path = goals / "2026-Q4/larchwood.yaml"
    edit(path, "        weight: 2\n", "        weight: 5\n")
    assert_fresh(goals, memo)
    text = path.read_text(encoding="utf-8")
    kind = re.search(r"^    kind: (\w+)$", text, flags=re.M)
    if kind:
        other = "committed" if kind.group(1) == "aspirational" else "aspirational"
        edit(path, kind.group(0), f"    kind: {other}")
    else:
        edit(path, "    owner: hannah\n", "    owner: hannah\n    kind: committed\n")
    assert_fresh(goals, memo)
    edit(path, "    owner: hannah\n", "    owner: hannah\n    score: 0.4\n")
    build = assert_fresh(goals, memo)
    assert build.scores.objectives["2026-Q4:larchwood/unforgettable-cx"].score == 0.4


def test_a_kpi_value_moves_the_key_result_that_follows_it(goals, memo):
    first = assert_fresh(goals, memo)
    before = first.scores.key_results[RETENTION]
    csv = goals / "data/customer-retention.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    day, _ = lines[-1].split(",")
    lines[-1] = f"{day},91.5"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = assert_fresh(goals, memo)
    after = build.scores.key_results[RETENTION]
    assert build.portal.key_results[RETENTION].from_kpi
    assert after.latest.value == 91.5 and after.score != before.score


def test_the_settings_and_the_build_date_rescore_everything(goals, memo):
    assert_fresh(goals, memo)
    edit(goals / "org.yaml", "stretch_success: 0.7", "stretch_success: 0.5")
    build = assert_fresh(goals, memo)
    assert build.reused == 0
    edit(goals / "org.yaml", "checkin_every_days: 7", "checkin_every_days: 30")
    assert assert_fresh(goals, memo).reused == 0
    later = assert_fresh(goals, memo, TODAY + dt.timedelta(days=9))
    total = len(later.portal.objectives)
    assert later.reused == 0
    assert assert_fresh(goals, memo, TODAY + dt.timedelta(days=9)).reused == total


def test_a_period_file_removed_and_restored(goals, memo):
    assert_fresh(goals, memo)
    path = goals / "2026-Q4/storefront.yaml"
    text = path.read_text(encoding="utf-8")
    path.unlink()
    assert_fresh(goals, memo)
    path.write_text(text, encoding="utf-8")
    assert_fresh(goals, memo)

"""Target history from git (generator/history.py) and its place on the key result."""

from __future__ import annotations

import datetime as dt
import shutil

from generator.history import CACHE_DIR, read_target_history
from generator.pipeline import build_portal
from generator.render import render_pages

from test_diff import EMEA, FIXTURE, Repo

TODAY = dt.date(2026, 11, 22)
LOGOS = "2026-Q4:sales-emea/win-dach/new-logos"


def _three_commits(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")  # commit 1 (2026-11-20 by the fixture's default date): created
    repo.edit(EMEA, "{unit: logos, from: 0, to: 25}", "{unit: logos, from: 0, to: 30}")
    repo.commit("raise", date="2026-09-15T10:00:00+00:00")  # before 2026-Q4 starts
    repo.edit(EMEA, "{unit: logos, from: 0, to: 30}", "{unit: logos, from: 2, to: 20}")
    repo.edit(EMEA, "note: Two pilots converted", "note: Two pilots converted, again")  # not a target change
    repo.commit("lower", date="2026-11-21T10:00:00+00:00")
    return repo


def test_history_over_three_commits(tmp_path):
    repo = _three_commits(tmp_path)
    found = read_target_history(repo.path / "goals")
    rows = found[LOGOS]
    assert [(r.target_old, r.target_new, r.baseline_old, r.baseline_new, r.goalposts) for r in rows] == [
        (None, 25, None, 0, False), (25, 30, 0, 0, False), (30, 20, 0, 2, True)]
    assert rows[0].created and not rows[1].created
    assert [r.author for r in rows] == ["Test Author"] * 3
    assert rows[2].date == "2026-11-21" and len(rows[2].commit) >= 7
    assert repo.git("rev-parse", "HEAD").startswith(rows[2].commit)
    assert len(found["2026-Q4:sales-emea/win-dach/churn"]) == 1  # set once, never changed
    assert found["2026-Q4:sales-emea/win-dach/uptime"][0].target_new == [99.9, 100]


def test_cache_is_keyed_by_head_and_a_new_commit_invalidates_it(tmp_path):
    repo = _three_commits(tmp_path)
    goals = repo.path / "goals"
    first = read_target_history(goals)
    cached = list((repo.path / CACHE_DIR).glob("history-*.json"))
    assert len(cached) == 1
    assert read_target_history(goals) == first
    assert repo.git("status", "--porcelain") == ""  # the cache ignores itself
    repo.edit(EMEA, "{unit: logos, from: 2, to: 20}", "{unit: logos, from: 2, to: 22}")
    repo.commit("again", date="2026-11-21T11:00:00+00:00")
    second = read_target_history(goals)
    assert len(second[LOGOS]) == 4 and second[LOGOS][-1].target_new == 22
    assert len(list((repo.path / CACHE_DIR).glob("history-*.json"))) == 2


def test_a_broken_version_keeps_the_last_good_state(tmp_path):
    repo = _three_commits(tmp_path)
    repo.edit(EMEA, "to: 20}", "to: lots}")
    repo.commit("broken", date="2026-11-21T12:00:00+00:00")
    repo.edit(EMEA, "to: lots}", "to: 20}")
    repo.commit("fixed", date="2026-11-21T13:00:00+00:00")
    assert len(read_target_history(repo.path / "goals")[LOGOS]) == 3


def test_not_a_repository_gives_none(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "goals")
    assert read_target_history(tmp_path / "goals") is None
    build = build_portal(tmp_path / "goals", TODAY, history=True)
    assert build.history is None
    page = render_pages(build)["units/sales-emea/2026-Q4.md"]
    assert "Target history is left out because the goals are not in a git repository." in page


def test_build_without_history_is_unchanged(tmp_path):
    repo = _three_commits(tmp_path)
    build = build_portal(repo.path / "goals", TODAY)
    assert build.history is None
    page = render_pages(build)["units/sales-emea/2026-Q4.md"]
    assert "Target history" not in page


def test_the_key_result_shows_its_target_history(tmp_path):
    repo = _three_commits(tmp_path)
    build = build_portal(repo.path / "goals", TODAY, history=True)
    page = render_pages(build)["units/sales-emea/2026-Q4.md"]
    assert "<summary>Target history (3, moved goalposts)</summary>" in page
    assert "30 logos → 20 logos" in page and "0 logos → 2 logos" in page and "⚠ moved goalposts" in page
    assert "target 25 logos, baseline 0 logos" in page and "set to" not in page
    assert "Test Author" in page
    assert "secret sites" not in page and "Nightjar" not in page  # private key results stay out

"""Retrospective pages and the period lifecycle: frozen scores, numbers equal to score.py's, privacy, drafts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator import build_portal
from generator.render import render_pages
from generator.render.text import format_percent

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "portal_minimal" / "goals"
AFTER = dt.date(2027, 1, 15)
"""After every period of the fixture: 2026-Q4 and 2026 are closed."""
DURING = dt.date(2026, 11, 22)
"""Inside 2026-Q4 and 2026: both running."""


def build(goals: Path = FIXTURE, today: dt.date = AFTER, include_private: bool = False):
    result = build_portal(goals, today, include_private=include_private)
    assert result.ok, result.errors
    return result


def copy_goals(tmp_path: Path) -> Path:
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    return goals


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def frozen_facts(result) -> dict:
    """Every score of the closed periods, for comparing two builds."""
    closed = {p.id for p in result.portal.periods.values() if p.state(result.today) == "closed"}
    objectives = {ref: (s.score, s.success, s.status) for ref, s in result.scores.objectives.items()
                  if ref.split(":")[0] in closed}
    krs = {ref: (s.score, s.progress, s.status) for ref, s in result.scores.key_results.items()
           if ref.split(":")[0] in closed}
    periods = {pid: s for pid, s in result.scores.periods.items() if pid in closed}
    for s in periods.values():
        object.__setattr__(s, "elapsed", None)  # compared below without it: a closed period is 100 % elapsed anyway
    return {"objectives": objectives, "krs": krs, "periods": periods}


def table_row(page: str, link_text: str) -> str:
    """The table row of a page that links `link_text`, as a Markdown row ("| a | b |").

    The tables of units' final scores are raw HTML (render/parts.html_table): their rows are read the same way.
    """
    rows = [line for line in page.splitlines() if line.startswith("|") and f"[{link_text}]" in line]
    for tr in re.findall(r"<tr>\n(.*?)</tr>", page, flags=re.S):
        cells = re.findall(r"<td>(.*?)</td>\n", tr, flags=re.S)
        if any(f'">{link_text}</a>' in cell for cell in cells[:3]):  # status and score come first
            rows.append("| " + " | ".join(cells) + " |")
    assert len(rows) == 1, (link_text, rows)
    return rows[0]


# --- lifecycle ----------------------------------------------------------------------------------


def test_closed_period_scores_do_not_change_as_days_pass():
    first = frozen_facts(build(today=dt.date(2027, 1, 1)))
    later = frozen_facts(build(today=dt.date(2028, 6, 30)))
    assert first["objectives"] and first == later


def test_closed_period_scores_ignore_kpi_values_after_the_period(tmp_path):
    goals = copy_goals(tmp_path)
    before = frozen_facts(build(goals))
    # The churn key result has no check-ins of its own: it takes the KPI's values inside the period.
    with (goals / "data" / "monthly-churn.csv").open("a", encoding="utf-8") as f:
        f.write("2027-01-10,1.5\n")
    edit(goals / "kpis.yaml", lambda d: d["kpis"][0]["values"].append({"date": dt.date(2027, 1, 5), "value": 99.0}))
    after = build(goals)
    assert frozen_facts(after) == before
    assert after.scores.kpis["monthly-churn"].latest_value == 1.5  # the KPI itself moved on


def test_checkin_dated_after_its_period_is_an_error(tmp_path):
    goals = copy_goals(tmp_path)

    def late(d):
        d["objectives"][0]["key_results"][0]["checkins"].append({"date": dt.date(2027, 1, 3), "value": 25})

    edit(goals / "2026-Q4" / "sales-emea.yaml", late)
    result = build_portal(goals, AFTER)
    assert [p.code for p in result.errors] == ["resolve.date-outside-period"]


# --- the retrospective page ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def closed():
    result = build()
    return result, render_pages(result)


def test_closed_periods_have_a_retrospective_at_a_stable_path(closed):
    _, pages = closed
    assert {"retrospectives/index.md", "retrospectives/2026-Q4.md", "retrospectives/2026.md"} <= set(pages)
    assert "Draft: this period is still running" not in pages["retrospectives/2026-Q4.md"]


def test_archive_lists_every_closed_period_newest_first(closed):
    _, pages = closed
    archive = pages["retrospectives/index.md"]
    assert archive.index("[2026-Q4](2026-Q4.md)") < archive.index("[2026](2026.md)")
    assert "Drafts of the running periods" not in archive


def retro_and_departments(pages: dict[str, str], period_id: str) -> str:
    """A period's retrospective and its departments' pages, where the lists by unit are (issue 28)."""
    return "\n".join(text for path, text in sorted(pages.items())
                     if path == f"retrospectives/{period_id}.md" or path.startswith(f"retrospectives/{period_id}/"))


def test_objective_and_unit_numbers_equal_the_scoring_modules(closed):
    """The units' final scores are listed on the departments' retrospective pages (the company's own on
    the period's)."""
    result, pages = closed
    for period in result.portal.periods.values():
        page = retro_and_departments(pages, period.id)
        summary = result.scores.periods[period.id]
        for unit_id, up in period.files.items():
            shown = [o for o in up.objectives if not o.private]
            if shown:
                assert re.search(rf"\[{re.escape(up.unit.name)}\]\((\.\./)+units/{unit_id}/{period.id}\.md\) · "
                                 f"{format_percent(summary.unit_scores[unit_id])}", page)
            for node in shown:
                facts = result.scores.objectives[node.ref]
                row = table_row(page, node.obj.title)
                assert f"</span></span> {format_percent(facts.score)} |" in row
                assert ("achieved" if facts.success else "missed") in row
        assert f"**{format_percent(summary.mean_score)}** over {len(summary.scored)} scored" in page
        assert f"mean {format_percent(summary.aspirational_mean)} against the stretch line of 70 %" in page


def test_hit_rates_and_departments_equal_the_scoring_modules(tmp_path):
    goals = copy_goals(tmp_path)
    edit(goals / "2026-Q4" / "acme.yaml", lambda d: d["objectives"][0].update(kind="committed"))
    result = build(goals)
    page = render_pages(result)["retrospectives/2026-Q4.md"]
    s = result.scores.periods["2026-Q4"]
    assert s.committed_total == 1
    share = format_percent(s.committed_met / s.committed_total)
    assert f"| Committed objectives met | {s.committed_met} of {s.committed_total}, {share} |" in page
    sales = table_row(page, "Sales")
    assert f"{format_percent(s.department_scores['sales'])} |" in sales


def test_kpi_health_over_the_period(closed):
    _, pages = closed
    row = table_row(pages["retrospectives/2026-Q4.md"], "Customer retention")
    # 86.1 before the start, 84.2 at the end: unhealthy (keep_above 85), 0 of 1 reading inside the period.
    assert "86.1 % (2026-09-30)" in row and "84.2 % (2026-10-31)" in row
    assert "unhealthy" in row and "0 % of 1" in row


def test_rolled_over_and_abandoned_objectives(tmp_path):
    goals = copy_goals(tmp_path)
    (goals / "2027-Q1").mkdir()
    (goals / "2027-Q1" / "sales-emea.yaml").write_text(
        "objectives:\n  - id: win-dach\n    title: Win DACH, second attempt\n    owner: dana\n"
        "    rolled_over_from: 2026-Q4:sales-emea/win-dach\n", encoding="utf-8")
    pages = render_pages(build(goals, today=dt.date(2027, 1, 15)))
    # the lists are split: the company's own on the period's page, each department's on its page
    company, sales = pages["retrospectives/2026-Q4.md"], pages["retrospectives/2026-Q4/sales.md"]
    rolled = "".join(p.split("## Rolled over", 1)[1].split("## Abandoned", 1)[0] for p in (company, sales))
    abandoned = "".join(p.split("## Abandoned", 1)[1].split("## Lessons", 1)[0] for p in (company, sales))
    assert "Create an unforgettable customer experience" in company.split("## Abandoned", 1)[1]
    assert "Win DACH, second attempt" in sales.split("## Rolled over", 1)[1].split("## Abandoned", 1)[0]
    assert "| [Sales](2026-Q4/sales.md) |" in table_row(company, "Sales"), "the department's row links its page"
    assert table_row(company, "Sales").endswith("| 1 | 1 | 0 | 1 |"), "objectives, rolled over, abandoned, lessons"
    assert "Win DACH, second attempt" in rolled and "Become the first choice" in rolled
    assert "Become the first choice" not in abandoned
    assert "Create an unforgettable customer experience" in abandoned


def test_change_against_earlier_periods_of_the_same_kind(tmp_path):
    goals = copy_goals(tmp_path)
    (goals / "2026-Q3").mkdir()
    (goals / "2026-Q3" / "acme.yaml").write_text(
        "objectives:\n  - id: earlier\n    title: Earlier\n    owner: dana\n    score: 0.9\n", encoding="utf-8")
    result = build(goals)
    page = render_pages(result)["retrospectives/2026-Q4.md"]
    now, before = result.scores.periods["2026-Q4"].mean_score, result.scores.periods["2026-Q3"].mean_score
    points = round((now - before) * 100)
    assert f"| **2026-Q4** | {format_percent(now)} | −{abs(points)} pts |" in page
    assert "| 2026-Q3 | 90 % | – |" in page


def test_private_goals_and_retrospectives_stay_out(tmp_path):
    goals = copy_goals(tmp_path)
    (goals / "2026-Q4" / "cs.yaml").write_text(
        "visibility: private\nobjectives:\n  - id: hush\n    title: Quiet plan\n    owner: carol\n"
        "retrospective:\n  lessons: [Secret lesson of Nightjar]\n", encoding="utf-8")
    pages = render_pages(build(goals))
    for path in ("retrospectives/2026-Q4.md", "retrospectives/index.md", "index.md",
                 *(p for p in pages if p.startswith("retrospectives/2026-Q4/"))):
        assert "Nightjar" not in pages[path] and "Quiet plan" not in pages[path], path
        assert "Secret lesson" not in pages[path]
    restricted = retro_and_departments(render_pages(build(goals, include_private=True)), "2026-Q4")
    assert "Nightjar" in restricted and "Secret lesson" in restricted


def test_lessons_are_shown_escaped(tmp_path):
    goals = copy_goals(tmp_path)
    payload = "<script>alert(1)</script> <b onclick=alert(2)>bold</b> *well* {{ 7*7 }}"
    edit(goals / "2026-Q4" / "sales-emea.yaml",
         lambda d: d["retrospective"].update(lessons=[payload], to_improve=["Faster legal review"]))
    page = render_pages(build(goals))["retrospectives/2026-Q4/sales.md"]  # the lessons of its department
    lessons = page.split("## Lessons", 1)[1]
    assert "<script" not in page and "onclick" not in page
    assert "<em>well</em>" in lessons and "&#123;&#123; 7*7 &#125;&#125;" in lessons
    assert "**What to improve**" in lessons and "Faster legal review" in lessons


def test_running_period_has_a_live_draft():
    result = build(today=DURING)
    pages = render_pages(result)
    page = pages["retrospectives/2026-Q4.md"]
    assert "Draft: this period is still running" in page
    assert "Known when the period closes" in page
    archive = pages["retrospectives/index.md"]
    assert "No period has closed yet." in archive and "[2026-Q4](2026-Q4.md)" in archive.split("Drafts", 1)[1]


def test_upcoming_periods_have_no_retrospective(tmp_path):
    goals = copy_goals(tmp_path)
    (goals / "2027-Q2").mkdir()
    (goals / "2027-Q2" / "acme.yaml").write_text(
        "objectives:\n  - id: later\n    title: Later\n    owner: dana\n", encoding="utf-8")
    pages = render_pages(build(goals))
    assert "retrospectives/2026-Q4.md" in pages and "retrospectives/2027-Q2.md" not in pages
    assert "etrospective](" not in pages["periods/2027-Q2.md"].split("## Summary")[0]


# --- moving between periods ----------------------------------------------------------------------


def test_home_links_the_running_and_previous_periods_and_the_archive(tmp_path):
    goals = copy_goals(tmp_path)
    (goals / "2027-Q1").mkdir()
    (goals / "2027-Q1" / "acme.yaml").write_text(
        "objectives:\n  - id: next\n    title: Next\n    owner: dana\n", encoding="utf-8")
    home = render_pages(build(goals, today=dt.date(2027, 2, 1)))["index.md"]
    assert "Now: [2027-Q1](periods/2027-Q1.md) ([draft retrospective](retrospectives/2027-Q1.md))" in home
    assert "Previous: [2026-Q4](periods/2026-Q4.md) ([retrospective](retrospectives/2026-Q4.md))" in home
    assert "[All retrospectives](retrospectives/index.md)" in home


def test_period_pages_link_their_retrospective(closed):
    _, pages = closed
    assert "[Retrospective](../retrospectives/2026-Q4.md)" in pages["periods/2026-Q4.md"]
    assert "[Retrospectives](../retrospectives/index.md)" in pages["periods/index.md"]
    assert re.search(r"\| \[Retrospective\]\(\.\./retrospectives/2026\.md\) \|", pages["periods/index.md"])
    draft = render_pages(build(today=DURING))["periods/2026-Q4.md"]
    assert "[Draft retrospective](../retrospectives/2026-Q4.md)" in draft


def test_print_stylesheet_hides_the_chrome():
    css = (Path(__file__).resolve().parents[2] / "generator" / "assets" / "portal.css").read_text(encoding="utf-8")
    block = css.split("@media print", 1)[1]
    for selector in (".md-header", ".md-sidebar", ".md-search", ".md-footer", "details"):
        assert selector in block

"""Retrospective pages: one per closed period (a live draft for running ones) and their archive.

    retrospectives/index.md       every closed period, newest first, and the running drafts
    retrospectives/<period>.md    final scores, distribution, hit rates, departments, KPI health
                                  over the period, rolled over and abandoned objectives, the
                                  lessons every unit wrote, and the change against earlier
                                  periods of the same kind
    retrospectives/<period>/_departments/<n>.md
                                  the next rows of its departments' table (DEPARTMENTS_PAGE a page)

A closed period is frozen: its scores were computed from check-ins inside the period
(later ones are errors), so the page never changes as days pass. Every number comes
from score.py's `Scores`; this module only selects and formats. Only published
content appears: objectives through `Site.objectives()`, KPIs through `Site.kpis`,
lessons through `Site.show_retrospective()`.
"""

from __future__ import annotations

import bisect
import datetime as dt

from markupsafe import Markup

from ..resolve import KpiNode, ObjectiveNode, Period
from ..score import PeriodSummary, inside
from .departments import (CHART_DEPARTMENTS, ListPage, department_file_path, department_groups, department_list,
                          department_pages, pager)
from .figures import departments_chart, distribution_chart, period_objectives
from .kpis import health_badge
from .links import unit_period_path
from .page import Pages
from .parts import OBJECTIVE_COLUMNS, HtmlLinks, Links, bar, html_table, objective_cells, objective_row, status_badge
from .text import format_number, format_percent, with_unit

ARCHIVE_PATH = "retrospectives/index.md"
HISTORY_LIMIT = 8
"""Earlier periods of the same kind compared on a retrospective page, newest first."""
LESSON_KINDS = (("went_well", "What went well"), ("to_improve", "What to improve"), ("lessons", "Lessons"))


def retro_path(period_id: str) -> str:
    """The stable path of a period's retrospective (served at retrospectives/<period>/)."""
    return f"retrospectives/{period_id}.md"


def has_retrospective(period: Period, today: dt.date) -> bool:
    """Closed periods have a retrospective; the running ones a live draft; upcoming ones none."""
    return period.state(today) != "upcoming"


def render_retro_pages(pages: Pages) -> None:
    """The archive, one page per closed or running period, and one per department of such a period."""
    site = pages.site
    periods = [p for p in site.periods_newest if has_retrospective(p, site.today)]
    if pages.owns(ARCHIVE_PATH):  # before gathering anything for it
        links = pages.links(ARCHIVE_PATH)
        rows = [_archive_row(site, links, p) for p in periods]
        pages.add(ARCHIVE_PATH, "retros.md.j2", "Retrospectives", ["retrospectives"],
                  closed=[r for r in rows if r["state"] == "closed"],
                  drafts=[r for r in rows if r["state"] == "running"],
                  all_periods=links.to("All periods", "periods/index.md"))
    groups = department_groups(site)
    for period in periods:
        listed = department_list(site, "retrospectives", period, groups, retro_path(period.id))
        _render_retro(pages, period, periods, groups, listed)
        for here in listed[1:]:
            _render_department_list(pages, period, listed, here)
        for dept, units in groups:
            chunks = department_pages(site, "retrospectives", period, units)
            for chunk in chunks:
                _render_department(pages, period, dept, chunks, chunk)


def _archive_row(site, links: Links, period: Period) -> dict:
    s = site.scores.periods[period.id]
    return {"link": links.to(period.id, retro_path(period.id)), "kind": period.kind, "state": s.state,
            "dates": f"{period.start.isoformat()} – {period.end.isoformat()}",
            "mean": format_percent(s.mean_score), "committed": _committed(s),
            "aspirational": format_percent(s.aspirational_mean)}


def _committed(s: PeriodSummary) -> str:
    if not s.committed_total:
        return "–"
    return f"{s.committed_met} of {s.committed_total}, {format_percent(s.committed_met / s.committed_total)}"


def _render_retro(pages: Pages, period: Period, periods: list[Period], groups, listed: list[ListPage]) -> None:
    site = pages.site
    path = retro_path(period.id)
    if not pages.owns(path):
        return
    links = pages.links(path)
    s = site.scores.periods[period.id]
    nodes = period_objectives(site, period)
    same = [p for p in periods if p.kind == period.kind]  # newest first
    index = same.index(period)
    newer, older = (same[index - 1] if index else None), (same[index + 1] if index + 1 < len(same) else None)
    pages.add(
        path, "retro.md.j2", f"Retrospective {period.id}", [period.id, "retrospectives"],
        period_id=period.id, kind=period.kind, draft=s.state == "running",
        dates=f"{period.start.isoformat()} – {period.end.isoformat()}",
        period_link=links.period(period.id, f"Goals {period.id}"), archive=links.to("All retrospectives", ARCHIVE_PATH),
        newer=links.to(newer.id, retro_path(newer.id)) if newer else "",
        older=links.to(older.id, retro_path(older.id)) if older else "",
        summary=_summary(site, s), history=_history(site, period),
        distribution=distribution_rows(s.scored),
        distribution_chart=distribution_chart(site, path, period, nodes),
        departments_chart=departments_chart(site, path, period) if len(groups) <= CHART_DEPARTMENTS else "",
        departments=_departments(site, links, period, listed, listed[0]),
        kpis=[row for kpi in site.kpis if (row := kpi_over_period(links, kpi, period, site.today))],
        own=True, **_lists(site, links, period, [site.portal.company]),
    )


def _render_department_list(pages: Pages, period: Period, listed: list[ListPage], here: ListPage) -> None:
    """retrospectives/<period>/_departments/<n>.md: the next rows of the retrospective's table of departments."""
    if not pages.owns(here.path):
        return
    links = pages.links(here.path)
    pages.add(here.path, "retro_departments.md.j2", f"Retrospective {period.id} · departments, page {here.number}",
              period_id=period.id, retro_link=links.to(f"Retrospective {period.id}", retro_path(period.id)),
              departments=_departments(pages.site, links, period, listed, here))


def _render_department(pages: Pages, period: Period, dept, chunks, here) -> None:
    """retrospectives/<period>/<department>.md: final scores, rolled over, abandoned and lessons of its units."""
    site = pages.site
    if not pages.owns(here.path):
        return
    links = pages.links(here.path)
    s = site.scores.periods[period.id]
    score = s.department_scores.get(dept.id)
    pages.add(
        here.path, "retro_department.md.j2", f"Retrospective {period.id} · {dept.name}",
        period_id=period.id, draft=s.state == "running", dates=f"{period.start.isoformat()} – {period.end.isoformat()}",
        retro_link=links.to(f"Retrospective {period.id}", retro_path(period.id)),
        goals_link=links.to(f"{dept.name} · {period.id}", department_file_path("periods", period.id, dept.id, here.number)),
        unit_link=links.to(f"About {dept.name}", f"units/{dept.id}/index.md"),
        score=format_percent(score), bar=bar(score), pager=pager(links, chunks, here),
        own=False, departments={"rows": []}, **_lists(site, links, period, here.units),
    )


def _lists(site, links: Links, period: Period, units: list, *, tables: bool = True) -> dict:
    """What a retrospective lists unit by unit, for these units: final scores, rolled over, abandoned, lessons.
    Without `tables`, no table of final scores (the departments' rows count the other lists only)."""
    nodes = [n for u in units for n in site.objectives(period.id, u.id)]
    s = site.scores.periods[period.id]
    return {"units": _units(site, links, period, s, units) if tables else [], "rolled": _rolled(site, links, nodes),
            "abandoned": _abandoned(site, links, nodes), "lessons": _lessons(site, links, period, units)}


def _summary(site, s: PeriodSummary) -> dict:
    return {"mean": format_percent(s.mean_score), "bar": bar(s.mean_score), "count": s.objective_count,
            "scored": len(s.scored), "committed": _committed(s),
            "aspirational_mean": format_percent(s.aspirational_mean),
            "aspirational_hits": f"{s.aspirational_successes} of {s.aspirational_total}",
            "stretch": format_percent(site.portal.settings.stretch_success)}


def distribution_rows(scored: tuple[float, ...]) -> list[dict]:
    """Scores in five bands of 20 points (a plain-text histogram)."""
    bands = [0] * 5
    for score in scored:
        bands[min(4, int(score * 5))] += 1
    total = len(scored) or 1
    return [{"band": f"{i * 20}–{(i + 1) * 20} %", "count": format_number(n), "bar": bar(n / total, inline=True)}
            for i, n in enumerate(bands)]


def _hit_rate(s: PeriodSummary) -> float | None:
    return s.committed_met / s.committed_total if s.committed_total else None


def _delta(new: float | None, old: float | None) -> str:
    """Change in percentage points: "+12 pts", "−3 pts", "±0 pts"; "–" when either is missing."""
    if new is None or old is None:
        return "–"
    points = round((new - old) * 100)
    return f"{'+' if points > 0 else '−' if points < 0 else '±'}{abs(points)} pts"


def compared_periods(site, period: Period) -> list[Period]:
    """This period and the earlier ones of its kind that its history compares, newest first."""
    same = [p for p in site.periods_newest if p.kind == period.kind and p.start <= period.start]
    return same[: HISTORY_LIMIT + 1]


def _history(site, period: Period) -> list[dict]:
    """This period and the earlier ones of its kind, newest first, each against the one before it."""
    same = compared_periods(site, period)
    rows = []
    for i, p in enumerate(same[:HISTORY_LIMIT]):
        s = site.scores.periods[p.id]
        before = site.scores.periods[same[i + 1].id] if i + 1 < len(same) else None
        rows.append({"period": p.id, "here": p is period, "mean": format_percent(s.mean_score),
                     "mean_delta": _delta(s.mean_score, before.mean_score if before else None),
                     "committed": _committed(s),
                     "hit_delta": _delta(_hit_rate(s), _hit_rate(before) if before else None)})
    return rows if len(rows) > 1 else []


def _departments(site, links: Links, period: Period, listed: list[ListPage], here: ListPage) -> dict:
    """One page of the departments' table, a row a department: score, objectives, rolled over, abandoned,
    lessons, linking to its retrospective page; and the pager."""
    s = site.scores.periods[period.id]
    rows = []
    for dept, units, chunks in here.items:
        score = s.department_scores.get(dept.id)
        lists = _lists(site, links, period, units, tables=False)
        rows.append({"link": links.to(dept.name, chunks[0].path) if chunks else dept.name,
                     "score": format_percent(score), "bar": bar(score, inline=True),
                     "objectives": sum(len(site.objectives(period.id, u.id)) for u in units),
                     "rolled": len(lists["rolled"]), "abandoned": len(lists["abandoned"]),
                     "lessons": len(lists["lessons"])})
    return {"rows": rows, "count": sum(len(page.items) for page in listed), "pager": pager(links, listed, here)}


#: The columns of a unit's table of final scores: objective_cells() with "Result" for "Status", and where it went.
_UNIT_COLUMNS = ["Result", *OBJECTIVE_COLUMNS[1:], "Rolled over to"]


def _units(site, links: Links, period: Period, s: PeriodSummary, units: list) -> list[dict]:
    html = HtmlLinks(site, links.page)  # raw HTML tables: many rows
    out = []
    for unit in units:
        nodes = site.objectives(period.id, unit.id)
        if not nodes:
            continue
        rows = [objective_cells(objective_row(site, html, node)) + [Markup("; ").join(_rolled_to(site, html, node))]
                for node in nodes]
        out.append({"id": unit.id, "link": links.to(unit.name, unit_period_path(unit.id, period.id)),
                    "score": format_percent(s.unit_scores.get(unit.id)),
                    "table": html_table(_UNIT_COLUMNS, rows, searched=False)})  # a noindex section
    return out


def _rolled_to(site, links: Links, node: ObjectiveNode) -> list:
    return [links.goal(t) for t in sorted(node.rolled_over_to, key=lambda t: t.ref) if site.visible(t)]


def _rolled(site, links: Links, nodes: list[ObjectiveNode]) -> list[dict]:
    """Objectives carried into a later period (published targets only)."""
    return [{"link": links.objective(n), "unit": n.unit.name, "to": targets}
            for n in nodes if (targets := _rolled_to(site, links, n))]


def _abandoned(site, links: Links, nodes: list[ObjectiveNode]) -> list[dict]:
    """Closed-period objectives that did not succeed and were not rolled over (to any period)."""
    rows = []
    for n in nodes:
        facts = site.scores.objectives[n.ref]
        if facts.success is False or (facts.success is None and n.period.state(site.today) == "closed"):
            if not n.rolled_over_to:
                rows.append({"link": links.objective(n), "unit": n.unit.name, "score": format_percent(facts.score),
                             "status": status_badge(facts.status)})
    return rows


def kpi_over_period(links: Links, kpi: KpiNode, period: Period, today: dt.date) -> dict | None:
    """A KPI's readings inside the period: value at start and end, health at the end, share inside.

    The start value is the latest reading on or before the first day (else the first one
    inside); the end value is the latest on or before the last day (or today, while running).
    None when the KPI has no reading by then.
    """
    end = min(period.end, today)
    dates = [v.date for v in kpi.values]
    upto_start = bisect.bisect_right(dates, period.start)
    upto_end = bisect.bisect_right(dates, end)
    if upto_end == 0:
        return None
    first_inside = bisect.bisect_left(dates, period.start)
    during = kpi.values[first_inside:upto_end]
    start_value = kpi.values[upto_start - 1] if upto_start else kpi.values[first_inside]
    end_value = kpi.values[upto_end - 1]
    metric = kpi.kpi.metric
    unit = metric.unit if metric else ""
    healthy = None if metric is None else inside(metric, end_value.value)
    share = None if (metric is None or not during) else sum(inside(metric, v.value) for v in during) / len(during)
    return {"link": links.kpi(kpi), "start": with_unit(start_value.value, unit), "start_date": start_value.date.isoformat(),
            "end": with_unit(end_value.value, unit), "end_date": end_value.date.isoformat(),
            "health": health_badge(healthy), "share": format_percent(share), "readings": len(during)}


def _lessons(site, links: Links, period: Period, units: list) -> list[dict]:
    """The published retrospective blocks of these units in the period, in their order."""
    out = []
    for unit in units:
        up = period.files.get(unit.id)
        if up is None or not site.show_retrospective(up):
            continue
        retro = up.retrospective
        groups = [{"heading": heading, "entries": [site.markdown(item) for item in getattr(retro, key)]}
                  for key, heading in LESSON_KINDS if getattr(retro, key)]
        if groups:
            out.append({"link": links.to(unit.name, unit_period_path(unit.id, period.id)), "groups": groups})
    return out


__all__ = ["ARCHIVE_PATH", "compared_periods", "distribution_rows", "has_retrospective", "kpi_over_period", "render_retro_pages",
           "retro_path"]

"""Period pages: the list of periods, one page per period, and one per department of the period.

A period's page summarises the company (scores, statuses, distribution, alignment), lists its
departments with their roll-ups, and shows the company's own objectives. Each department's page
of the period (departments.py) lists its units' objectives; each unit's page has them in full.
The departments' table holds DEPARTMENTS_PAGE rows; the rest are on further pages of the period,
`periods/<period>/_departments/<n>.md`, each with the table's next rows and a pager.
"""

from __future__ import annotations

import json

from ..resolve import OrgUnit, Period
from ..score import STATUSES as STATUS_ORDER
from .departments import (CHART_DEPARTMENTS, DepartmentPage, ListPage, department_file_path, department_groups,
                          department_list, department_pages, pager)
from .figures import departments_chart, distribution_chart, period_objectives
from .links import period_path, unit_period_path
from .page import Pages
from .parts import OBJECTIVE_COLUMNS, STATUS_WORDS, HtmlLinks, bar, html_table, objective_cells, objective_row, status_badge
from .retro import ARCHIVE_PATH, distribution_rows, has_retrospective, retro_path
from .text import format_percent
from markupsafe import Markup, escape
from .tree import alignment_html


def render_period_pages(pages: Pages) -> None:
    site = pages.site
    if pages.owns("periods/index.md"):  # before gathering anything for it
        links = pages.links("periods/index.md")
        rows = []
        for period in site.periods_newest:
            summary = site.scores.periods[period.id]
            rows.append({"link": links.period(period.id), "kind": period.kind, "state": summary.state,
                         "dates": f"{period.start.isoformat()} – {period.end.isoformat()}",
                         "score": format_percent(summary.mean_score), "objectives": summary.objective_count,
                         "retro": _retro_link(links, period, summary.state)})
        pages.add("periods/index.md", "periods.md.j2", "Periods", ["periods"], rows=rows,
                  archive=links.to("Retrospectives", ARCHIVE_PATH))
    groups = department_groups(site)
    for period in site.periods_newest:
        listed = department_list(site, "periods", period, groups, period_path(period.id))
        _render_period(pages, period, groups, listed)
        for here in listed[1:]:
            _render_department_list(pages, period, listed, here)
        for dept, units in groups:
            chunks = department_pages(site, "periods", period, units)
            for chunk in chunks:
                _render_department(pages, period, dept, chunks, chunk)


def _summary(pages: Pages, period: Period, links) -> dict:
    site = pages.site
    s = site.scores.periods[period.id]
    return {
        "state": s.state, "dates": f"{period.start.isoformat()} – {period.end.isoformat()}",
        "elapsed": format_percent(s.elapsed), "mean": format_percent(s.mean_score), "bar": bar(s.mean_score),
        "count": s.objective_count, "scored": len(s.scored),
        "committed": f"{s.committed_met} of {s.committed_total}",
        "aspirational_mean": format_percent(s.aspirational_mean),
        "aspirational_hits": f"{s.aspirational_successes} of {s.aspirational_total}",
        "stretch": format_percent(site.portal.settings.stretch_success),
        "statuses": [{"badge": status_badge(st), "count": s.status_counts.get(st, 0)}
                     for st in STATUS_ORDER if s.status_counts.get(st)],
    }


def status_counts(site, period: Period, units: list[OrgUnit]) -> dict[str, int]:
    """How many of these units' published objectives of the period have each status."""
    counts: dict[str, int] = {}
    for unit in units:
        for node in site.objectives(period.id, unit.id):
            status = site.scores.objectives[node.ref].status
            counts[status] = counts.get(status, 0) + 1
    return counts


#: The statuses of the "Find goals" row, those that ask for attention first.
_FIND_ORDER = ("at-risk", "off-track", "missed", "no-data", "on-track", "not-started", "achieved")


def find_row(site, period: Period, label: str, department: tuple[OrgUnit, list[OrgUnit]] | None = None) -> Markup:
    """The "Find goals of <period>" row: a button a status of the period, and "All…", each opening the search
    box with those filters (assets/search.js, which shows the row: hidden without JavaScript or search).
    On a department's page (`department`: it and its units) the buttons also choose the department.

    Counted as search counts (an objective has its own status and its key results'). A department's page
    counts its own units' objectives only: it depends on their files alone (render/cache.py)."""
    keys = ([(period.id, u.id) for u in department[1]] if department is not None
            else [k for k in site.files if k[0] == period.id])
    counts: dict[str, int] = {}
    for node in (node for key in keys for node in site.files.get(key, ())):
        found = {site.scores.objectives[node.ref].status}
        found.update(site.scores.key_results[kr.ref].status for kr in node.key_results)
        for status in found:
            counts[status] = counts.get(status, 0) + 1
    items = [(STATUS_WORDS.get(st, st), f"{STATUS_WORDS.get(st, st).capitalize()} ({counts[st]})")
             for st in sorted(STATUS_ORDER, key=_FIND_ORDER.index) if counts.get(st)]
    chosen = {"period": period.id, **({"department": " ".join(department[0].name.split())} if department else {})}
    buttons = "".join(
        f'<button type="button" class="goalsite-find__item" data-goalsite-search="'
        f'{escape(json.dumps({**chosen, **({"status": word} if word else {})}))}">{escape(text)}</button>'
        for word, text in [*items, ("", "All\u2026")])
    return Markup(f'<div class="goalsite-find" data-goalsite-find hidden><span class="goalsite-find__label">'
                  f"{escape(label)}</span> {buttons}</div>")


def _departments(site, links, period: Period, listed: list[ListPage], here: ListPage) -> dict:
    """One page of the departments' table: score, objectives and a column a status (those of the period,
    the same on every page), each linking to the department's page of the period; and the pager."""
    s = site.scores.periods[period.id]
    statuses = [st for st in STATUS_ORDER if s.status_counts.get(st)]
    rows = []
    for dept, units, chunks in here.items:
        score = s.department_scores.get(dept.id)
        counts = status_counts(site, period, units)
        rows.append({"link": links.to(dept.name, chunks[0].path) if chunks else dept.name,
                     "score": format_percent(score), "bar": bar(score, inline=True),
                     "objectives": sum(counts.values()), "counts": [counts.get(st, 0) for st in statuses],
                     "units": sum(1 for u in units if (period.id, u.id) in site.files)})
    return {"rows": rows, "statuses": [STATUS_WORDS.get(st, st).capitalize() for st in statuses],
            "count": sum(len(page.items) for page in listed), "pager": pager(links, listed, here)}


def unit_sections(site, links, period: Period, units: list[OrgUnit]) -> list[dict]:
    """A table of objectives for each of these units with published objectives in the period."""
    summary = site.scores.periods[period.id]
    html = HtmlLinks(site, links.page)  # raw HTML tables: many rows
    sections = []
    for unit in units:
        nodes = site.objectives(period.id, unit.id)
        if not nodes:
            continue
        rows = [objective_cells(objective_row(site, html, node)) for node in nodes]
        sections.append({"link": links.to(unit.name, unit_period_path(unit.id, period.id)),
                         "score": format_percent(summary.unit_scores.get(unit.id)),
                         "table": html_table(OBJECTIVE_COLUMNS, rows, searched=False)})  # a noindex section
    return sections


def _render_period(pages: Pages, period: Period, groups, listed: list[ListPage]) -> None:
    site = pages.site
    path = period_path(period.id)
    if not pages.owns(path):
        return
    links = pages.links(path)
    switcher = [{"id": p.id, "here": p is period, "link": links.period(p.id)} for p in reversed(site.periods_newest)]
    nodes = period_objectives(site, period)
    pages.add(
        path, "period.md.j2", f"Goals {period.id}", [period.id],
        period_id=period.id,
        find=find_row(site, period, f"Find goals of {period.id}, key results included:"),
        kind=period.kind,
        switcher=switcher,
        retro=_retro_link(links, period, period.state(site.today)),
        archive=links.to("All retrospectives", ARCHIVE_PATH),
        summary=_summary(pages, period, links),
        departments=_departments(site, links, period, listed, listed[0]),
        sections=unit_sections(site, links, period, [site.portal.company]),
        tree=alignment_html(site, HtmlLinks(site, path), period),
        distribution=distribution_rows(site.scores.periods[period.id].scored),
        distribution_chart=distribution_chart(site, path, period, nodes),
        departments_chart=departments_chart(site, path, period) if len(groups) <= CHART_DEPARTMENTS else "",
    )


def _render_department_list(pages: Pages, period: Period, listed: list[ListPage], here: ListPage) -> None:
    """periods/<period>/_departments/<n>.md: the next rows of the period's table of departments."""
    if not pages.owns(here.path):
        return
    links = pages.links(here.path)
    pages.add(here.path, "period_departments.md.j2", f"Departments · {period.id} · page {here.number}",
              period_id=period.id, period_link=links.period(period.id, f"All of {period.id}"),
              departments=_departments(pages.site, links, period, listed, here))


def _render_department(pages: Pages, period: Period, dept: OrgUnit, chunks: list[DepartmentPage],
                       here: DepartmentPage) -> None:
    """periods/<period>/<department>.md: the objectives of the department's units (of this page) in the period."""
    site = pages.site
    if not pages.owns(here.path):
        return
    links = pages.links(here.path)
    units = [u for chunk in chunks for u in chunk.units]
    score = site.scores.periods[period.id].department_scores.get(dept.id)
    pages.add(
        here.path, "period_department.md.j2", f"{dept.name} · {period.id}",
        period_link=links.period(period.id, f"All of {period.id}"),
        unit_link=links.to(f"About {dept.name}", f"units/{dept.id}/index.md"),
        dept_period=links.unit(dept, period.id) if (period.id, dept.id) in site.files else "",
        retro=_retro_link(links, period, period.state(site.today)) and links.to(
            "Retrospective", department_file_path("retrospectives", period.id, dept.id, here.number)),
        state=period.state(site.today), dates=f"{period.start.isoformat()} – {period.end.isoformat()}",
        score=format_percent(score), bar=bar(score),
        statuses=[{"badge": status_badge(st), "count": n} for st, n in
                  sorted(status_counts(site, period, units).items(), key=lambda kv: STATUS_ORDER.index(kv[0]))],
        pager=pager(links, chunks, here),
        find=find_row(site, period, f"Find goals of {dept.name} in {period.id}, key results included:", (dept, units)),
        sections=unit_sections(site, links, period, here.units),
    )


def _retro_link(links, period: Period, state: str):
    """The period's retrospective ("draft" while it runs); "" for an upcoming period."""
    if not has_retrospective(period, links.site.today):
        return ""
    return links.to("Draft retrospective" if state == "running" else "Retrospective", retro_path(period.id))


__all__ = ["render_period_pages", "status_counts", "unit_sections"]

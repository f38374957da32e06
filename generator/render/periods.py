"""Period pages: the list of periods, and one page per period with every unit's goals."""

from __future__ import annotations

from ..resolve import Period
from .figures import departments_chart, distribution_chart, period_objectives
from .links import period_path, unit_period_path
from .page import Pages
from .parts import OBJECTIVE_COLUMNS, HtmlLinks, bar, html_table, objective_cells, objective_row, status_badge
from .retro import ARCHIVE_PATH, distribution_rows, has_retrospective, retro_path
from ..score import STATUSES as STATUS_ORDER
from .text import format_percent
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
    for period in site.periods_newest:
        _render_period(pages, period)


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
        "departments": [{"link": links.unit(d, period.id if (period.id, d.id) in site.files else None),
                         "score": format_percent(score), "bar": bar(score, inline=True)}
                        for d in site.portal.company.children
                        if (score := s.department_scores.get(d.id)) is not None or (period.id, d.id) in site.files],
    }


def _unit_sections(pages: Pages, period: Period, links) -> list[dict]:
    site = pages.site
    summary = site.scores.periods[period.id]
    html = HtmlLinks(site, links.page)  # the tables are raw HTML: thousands of rows in a large company
    sections = []
    for unit in site.units_in_order:
        nodes = site.objectives(period.id, unit.id)
        if not nodes:
            continue

        def section(unit=unit, nodes=nodes) -> dict:
            rows = [objective_cells(objective_row(site, html, node)) for node in nodes]
            return {"link": links.to(unit.name, unit_period_path(unit.id, period.id)),
                    "score": format_percent(summary.unit_scores.get(unit.id)),
                    "table": html_table(OBJECTIVE_COLUMNS, rows, searched=False)}  # a noindex section

        # It shows the unit's file only (and the org's names): kept while the unit's page of the period is.
        of = unit_period_path(unit.id, period.id)
        sections.append(site.fragments.get(("period-section", links.page, unit.id), of, section))
    return sections


def _render_period(pages: Pages, period: Period) -> None:
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
        kind=period.kind,
        switcher=switcher,
        retro=_retro_link(links, period, period.state(site.today)),
        archive=links.to("All retrospectives", ARCHIVE_PATH),
        summary=_summary(pages, period, links),
        sections=_unit_sections(pages, period, links),
        tree=alignment_html(site, HtmlLinks(site, path), period),
        distribution=distribution_rows(site.scores.periods[period.id].scored),
        distribution_chart=distribution_chart(site, path, period, nodes),
        departments_chart=departments_chart(site, path, period),
    )


def _retro_link(links, period: Period, state: str):
    """The period's retrospective ("draft" while it runs); "" for an upcoming period."""
    if not has_retrospective(period, links.site.today):
        return ""
    return links.to("Draft retrospective" if state == "running" else "Retrospective", retro_path(period.id))

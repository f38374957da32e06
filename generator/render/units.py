"""Unit pages: the org tree, each unit's overview, and each unit's goals per period.

Layout: `units/<unit>/index.md` is the unit's overview (name, kind, lead,
description, parent and children, people, the KPIs it owns, every period it
has with its unit score, and a summary of the current period's objectives
linking to their anchors). The goals themselves live on
`units/<unit>/<period>.md`, one page per period file with published content.
The current period is the running quarter (the shortest running period) when
the unit has a file there, else its latest started period.
"""

from __future__ import annotations

from markupsafe import Markup

from ..resolve import OrgUnit, Period
from . import departments
from .departments import list_pages, pager
from .figures import objectives_chart, unit_history_chart
from .goals import objective_view
from .links import kpi_path, unit_index_path, unit_period_path
from .page import Pages
from .parts import Links, bar, status_badge
from .text import format_percent


def render_unit_pages(pages: Pages) -> None:
    site = pages.site
    _render_tree(pages)
    for unit in site.units_in_order:
        _render_overview(pages, unit)
        for period in site.unit_periods.get(unit.id, []):
            render_unit_period(pages, unit, period)


#: Up to this many units the teams page shows the whole org tree; beyond, the company and its departments
#: (each with how many units it holds), and each department's page lists its units (issue 28: bounded pages).
TREE_LIMIT = 250
UNITS_INDEX = "units/index.md"


def _render_tree(pages: Pages) -> None:
    """units/index.md: the whole org tree of a small company; else the company and its departments,
    DEPARTMENTS_PAGE of them a page (the next ones at units/_departments/<n>.md)."""
    site = pages.site
    whole = len(site.units_in_order) <= TREE_LIMIT
    shown = site.units_in_order if whole else [u for u in site.units_in_order if u.depth <= 1]
    listed = list_pages(UNITS_INDEX, "units", shown[1:], size=len(shown) if whole else None)
    for here in listed:
        if not pages.owns(here.path):  # before gathering anything for it
            continue
        links = pages.links(here.path)
        sizes = _sizes(site) if not whole else {}
        units = ([site.portal.company] if here.number == 1 else []) + here.items
        rows = [{"indent": Markup("    " * (u.depth if here.number == 1 else u.depth - 1)), "link": links.unit(u),
                 "kind": u.kind, "lead": links.person(u.lead), "size": sizes.get(u.id, 0)} for u in units]
        title = "Units" if here.number == 1 else f"Units · page {here.number}"
        pages.add(here.path, "units.md.j2", title, ["units"] if here.number == 1 else [], rows=rows, whole=whole,
                  count=len(site.units_in_order), departments=len(shown) - 1, page_size=len(listed[0].items),
                  pager=pager(links, listed, here),
                  index=links.to("Units", UNITS_INDEX) if here.number > 1 else "")


def _sizes(site) -> dict[str, int]:
    """How many units each department (a child of the company) holds, itself included."""
    sizes: dict[str, int] = {}
    for unit in site.units_in_order:
        if unit.depth >= 1:
            top = unit
            while top.depth > 1:
                top = top.parent
            sizes[top.id] = sizes.get(top.id, 0) + 1
    return sizes


def _unit_score(pages: Pages, unit: OrgUnit, period: Period) -> float | None:
    summary = pages.site.scores.periods.get(period.id)
    return summary.unit_scores.get(unit.id) if summary else None


def _period_rows(pages: Pages, links: Links, unit: OrgUnit) -> list[dict]:
    site = pages.site
    return [{
        "link": links.to(period.id, unit_period_path(unit.id, period.id)),
        "state": period.state(site.today),
        "dates": f"{period.start.isoformat()} – {period.end.isoformat()}",
        "objectives": len(site.objectives(period.id, unit.id)),
        "score": format_percent(_unit_score(pages, unit, period)),
        "current": period is site.current.get(unit.id),
    } for period in site.unit_periods.get(unit.id, [])]


def _summary_rows(pages: Pages, links: Links, unit: OrgUnit, period: Period | None) -> list[dict]:
    site = pages.site
    if period is None:
        return []
    rows = []
    for node in site.objectives(period.id, unit.id):
        facts = site.scores.objectives[node.ref]
        rows.append({"link": links.objective(node), "owner": links.person(node.owner),
                     "score": format_percent(facts.score), "bar": bar(facts.score, inline=True),
                     "status": status_badge(facts.status)})
    return rows


def _children_shown(unit: OrgUnit) -> int:
    """How many of its children a unit's overview lists: the company, DEPARTMENTS_PAGE of its departments
    (the units index lists them all, a page at a time); any other unit, all."""
    return departments.DEPARTMENTS_PAGE if unit.is_company else len(unit.children)


def _render_overview(pages: Pages, unit: OrgUnit) -> None:
    site = pages.site
    path = unit_index_path(unit.id)
    if not pages.owns(path):
        return
    links = pages.links(path)
    current = site.current.get(unit.id)
    pages.add(
        path, "unit.md.j2", unit.name, [unit.name], boost=True,
        kind=unit.kind,
        # The company's OrgUnit carries the mission as its description; the home page shows that.
        description="" if unit.is_company else site.markdown.block(unit.description),
        lead=links.person(unit.lead),
        parent=links.unit(unit.parent),
        children=[links.unit(c) for c in unit.children[:_children_shown(unit)]],
        more_children=len(unit.children) - _children_shown(unit), units=links.to("Units", UNITS_INDEX),
        people=[{"link": links.person(p), "title": p.title or ""} for p in sorted(unit.people, key=lambda p: p.name)],
        kpis=[links.kpi(k) for k in site.kpis_by_unit.get(unit.id, [])],
        periods=_period_rows(pages, links, unit),
        history_chart=unit_history_chart(site, path, unit),
        current=current.id if current else "",
        current_link=links.to(current.id, unit_period_path(unit.id, current.id)) if current else "",
        current_rows=_summary_rows(pages, links, unit, current),
    )


def _switcher(pages: Pages, links: Links, unit: OrgUnit, period: Period) -> list[dict]:
    return [{"link": links.to(p.id, unit_period_path(unit.id, p.id)), "here": p is period, "id": p.id}
            for p in reversed(pages.site.unit_periods.get(unit.id, []))]


def _retrospective(pages: Pages, unit: OrgUnit, period: Period) -> list[dict]:
    site = pages.site
    up = period.files.get(unit.id)
    if up is None or not site.show_retrospective(up):
        return []
    retro = up.retrospective
    parts = (("What went well", retro.went_well), ("What to improve", retro.to_improve), ("Lessons", retro.lessons))
    return [{"heading": heading, "entries": [site.markdown(item) for item in items]} for heading, items in parts if items]


def render_unit_period(pages: Pages, unit: OrgUnit, period: Period) -> None:
    """units/<unit>/<period>.md: every published objective of the file in full."""
    site = pages.site
    path = unit_period_path(unit.id, period.id)
    if not pages.owns(path):
        return
    links = pages.links(path)
    objectives = [objective_view(site, links, node) for node in site.objectives(period.id, unit.id)]
    statuses = {site.scores.objectives[n.ref].status for n in site.objectives(period.id, unit.id)}
    tags = [unit.name, period.id] + [s for s in ("off-track", "at-risk") if s in statuses]
    pages.add(
        path, "unit_period.md.j2", f"{unit.name} · {period.id}", tags, boost=True,
        unit_link=links.to(f"About {unit.name}", unit_index_path(unit.id)),
        period_link=links.period(period.id, f"All of {period.id}"),
        state=period.state(site.today),
        dates=f"{period.start.isoformat()} – {period.end.isoformat()}",
        score=format_percent(_unit_score(pages, unit, period)),
        parent=links.unit(unit.parent, period.id if unit.parent and (period.id, unit.parent.id) in site.files else None),
        children=[links.unit(c, period.id if (period.id, c.id) in site.files else None) for c in unit.children],
        kpis=[links.to(k.kpi.name, kpi_path(k.id)) for k in site.kpis_by_unit.get(unit.id, [])],
        switcher=_switcher(pages, links, unit, period),
        objectives=objectives,
        chart=objectives_chart(site, path, site.objectives(period.id, unit.id)),
        retrospective=_retrospective(pages, unit, period),
    )

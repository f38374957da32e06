"""A page per person (`people/<person>.md`): everything they own and collaborate on, across units and periods.

Objectives and key results they own, objectives they collaborate on, grouped by period with the current
period first (running, then upcoming, then closed, newest first), each with its unit, progress, score and
status; then the KPIs they own or collaborate on, with their health. Only published goals (Site.holdings).
A person owns a handful of goals a period, so the page stays small however large the company grows.
"""

from __future__ import annotations

from itertools import groupby
from typing import Callable

from ..resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Period, Person
from .kpis import health_badge
from .links import people_path, person_path
from .page import Pages
from .parts import Links, bar, status_badge
from .site import Site
from .text import format_percent, with_unit


def period_order(site: Site) -> dict[str, int]:
    """Period id -> its place when the current period comes first: running, upcoming, then closed, newest
    first inside each (so a running quarter comes before the running year)."""
    rank = {"running": 0, "upcoming": 1, "closed": 2}
    ordered = sorted(site.periods_newest, key=lambda p: (rank[p.state(site.today)], -p.start.toordinal(), p.days, p.id))
    return {p.id: i for i, p in enumerate(ordered)}


def period_of(node: ObjectiveNode | KeyResultNode) -> Period:
    return (node.objective if isinstance(node, KeyResultNode) else node).period


def goal_row(site: Site, links: Links, node: ObjectiveNode | KeyResultNode) -> dict:
    """An objective or key result as a row: what it is, its link, its unit, progress, score and status."""
    if isinstance(node, KeyResultNode):
        facts = site.scores.key_results[node.ref]
        return {"what": "key result", "link": links.key_result(node), "of": links.objective(node.objective),
                "unit": links.unit(node.objective.unit, node.objective.period.id), "owner": links.person(node.owner),
                "score": format_percent(facts.score), "bar": bar(facts.score, inline=True),
                "status": status_badge(facts.status)}
    facts = site.scores.objectives[node.ref]
    return {"what": "objective", "link": links.objective(node), "of": "",
            "unit": links.unit(node.unit, node.period.id), "owner": links.person(node.owner),
            "score": format_percent(facts.score), "bar": bar(facts.score, inline=True),
            "status": status_badge(facts.status)}


def by_period(site: Site, links: Links, nodes: list, order: dict[str, int],
              row: Callable[[ObjectiveNode | KeyResultNode], dict] | None = None) -> list[dict]:
    """Goals grouped by period, the current period first; file order inside a period. Each goal's row is
    `row(node)`, by default goal_row()."""
    row = row or (lambda node: goal_row(site, links, node))
    nodes = sorted(nodes, key=lambda n: order[period_of(n).id])  # stable
    return [{"period": links.period(pid), "state": site.portal.periods[pid].state(site.today),
             "rows": [row(n) for n in group]}
            for pid, group in groupby(nodes, key=lambda n: period_of(n).id)]


def _kpi_row(site: Site, links: Links, kpi: KpiNode) -> dict:
    health = site.scores.kpis[kpi.id]
    unit = kpi.kpi.metric.unit if kpi.kpi.metric else ""
    return {"link": links.kpi(kpi), "health": health_badge(health.healthy),
            "value": with_unit(health.latest_value, unit) if health.latest_value is not None else "–"}


def leads_by_person(site: Site) -> dict[str, list[OrgUnit]]:
    leads: dict[str, list[OrgUnit]] = {}
    for unit in site.units_in_order:
        if unit.lead is not None:
            leads.setdefault(unit.lead.id, []).append(unit)
    return leads


def _render_person(pages: Pages, person: Person, leads: list[OrgUnit], order: dict[str, int]) -> None:
    path = person_path(person.id)
    if not pages.owns(path):
        return
    site = pages.site
    links = pages.links(path)
    held = site.holdings.get(person.id)
    pages.add(
        path, "person.md.j2", person.name, [], boost=True,
        job=person.title or "", unit=links.unit(person.unit),
        leads=[links.unit(u) for u in leads],
        owns=by_period(site, links, [*held.objectives, *held.key_results] if held else [], order),
        collaborates=by_period(site, links, list(held.collaborations) if held else [], order),
        kpis=[_kpi_row(site, links, k) for k in (held.kpis if held else [])],
        kpi_collaborations=[_kpi_row(site, links, k) for k in (held.kpi_collaborations if held else [])],
        everyone=links.to("People", "people/index.md"),
        unit_people=links.to(f"People of {person.unit.name}", people_path(person.unit.id)) if person.unit else "",
    )


def render_person_pages(pages: Pages) -> None:
    site = pages.site
    order = period_order(site)
    leads = leads_by_person(site)
    for person in sorted(site.portal.people.values(), key=lambda p: p.id):
        _render_person(pages, person, leads.get(person.id, []), order)

"""People pages: a directory of everyone, and one page per unit with a section per person.

`people/<unit>.md#person-<id>` lists what the person owns (objectives, key
results, KPIs) and collaborates on, across all periods, newest period first.
One page per unit keeps the page count growing with units, not people.
"""

from __future__ import annotations

from itertools import groupby

from ..resolve import KeyResultNode, ObjectiveNode, OrgUnit, Person
from .links import people_path, person_anchor
from .page import Pages
from .parts import Links, status_badge
from .text import escape_meta, format_percent
from markupsafe import Markup


def render_people_pages(pages: Pages) -> None:
    site = pages.site
    if pages.owns("people/index.md"):  # before gathering anything for it
        links = pages.links("people/index.md")
        everyone = sorted(site.portal.people.values(), key=lambda p: (p.name.casefold(), p.id))
        rows = [{"link": links.person(p), "title": p.title or "", "unit": links.unit(p.unit)} for p in everyone]
        pages.add("people/index.md", "people.md.j2", "People", ["people"], rows=rows)
    leads: dict[str, list[OrgUnit]] = {}
    for unit in site.units_in_order:
        if unit.lead is not None:
            leads.setdefault(unit.lead.id, []).append(unit)
    for unit in site.units_in_order:
        if unit.people:
            _render_unit_people(pages, unit, leads)


def _goal_row(pages: Pages, links: Links, node: ObjectiveNode | KeyResultNode) -> dict:
    site = pages.site
    if isinstance(node, KeyResultNode):
        facts = site.scores.key_results[node.ref]
        return {"what": "key result", "link": links.key_result(node), "of": links.objective(node.objective),
                "unit": node.objective.unit.name, "score": format_percent(facts.score), "status": status_badge(facts.status)}
    facts = site.scores.objectives[node.ref]
    return {"what": "objective", "link": links.objective(node), "of": "", "unit": node.unit.name,
            "score": format_percent(facts.score), "status": status_badge(facts.status)}


def _by_period(pages: Pages, links: Links, nodes: list) -> list[dict]:
    """Goals grouped by period, newest first (the holdings are already in that order)."""
    def period_of(node):
        return (node.objective if isinstance(node, KeyResultNode) else node).period

    order = {p.id: i for i, p in enumerate(pages.site.periods_newest)}
    nodes = sorted(nodes, key=lambda n: order[period_of(n).id])  # stable: file order inside a period
    return [{"period": links.period(pid), "rows": [_goal_row(pages, links, n) for n in group]}
            for pid, group in groupby(nodes, key=lambda n: period_of(n).id)]


def _person_view(pages: Pages, links: Links, person: Person, leads: dict[str, list[OrgUnit]]) -> dict:
    held = pages.site.holdings.get(person.id)
    owned = [] if held is None else [*held.objectives, *held.key_results]
    return {
        "anchor": Markup(escape_meta(person_anchor(person.id))),
        "name": person.name,
        "title": person.title or "",
        "leads": [links.unit(u) for u in leads.get(person.id, [])],
        "owns": _by_period(pages, links, owned),
        "kpis": [links.kpi(k) for k in (held.kpis if held else [])],
        "collaborates": _by_period(pages, links, held.collaborations if held else []),
        "kpi_collaborations": [links.kpi(k) for k in (held.kpi_collaborations if held else [])],
    }


def _render_unit_people(pages: Pages, unit: OrgUnit, leads: dict[str, list[OrgUnit]]) -> None:
    path = people_path(unit.id)
    if not pages.owns(path):
        return
    links = pages.links(path)
    people = sorted(unit.people, key=lambda p: (p.name.casefold(), p.id))
    pages.add(path, "people_unit.md.j2", f"People of {unit.name}", [unit.name],
              unit_link=links.unit(unit), people=[_person_view(pages, links, p, leads) for p in people])

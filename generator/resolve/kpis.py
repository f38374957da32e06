"""The KPIs: owners, units, the people informed, readings up to today, and which KPIs predict which."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..load import Source
from ..model import Kpi, KpiValue
from ..problems import Location, error
from .nodes import KpiNode, OrgUnit, Person
from .org import linked_people

if TYPE_CHECKING:
    from .portal import Resolver


def resolve_kpis(r: Resolver, units: dict[str, OrgUnit], people: dict[str, Person]) -> dict[str, KpiNode]:
    """Every KPI by id (the first of a duplicate id), linked to its people, units and the KPIs it predicts."""
    kpis: dict[str, KpiNode] = {}
    for kpi, src, i in r.model.kpis:
        if kpi.id in kpis:
            r.problems.append(error(src.at("kpis", i, "id"), "resolve.duplicate-id",
                                    f"kpis.id: Expected each KPI id once, got {kpi.id!r} again (first at {kpis[kpi.id].location})"))
            continue
        kpis[kpi.id] = _kpi_node(r, kpi, src, i, units, people)
    _link_predictions(r, kpis)
    return kpis


def _kpi_node(r: Resolver, kpi: Kpi, src: Source, i: int, units: dict[str, OrgUnit],
              people: dict[str, Person]) -> KpiNode:
    node = KpiNode(kpi, src.at("kpis", i))
    readings = r.model.kpi_values.get(kpi.id, [])
    for value, at in readings:
        if value.date > r.today:
            r.problems.append(error(at, "resolve.future-date",
                                    f"date: Expected a reading dated on or before today ({r.today}), got {value.date}",
                                    "KPI values record what was measured; date them when they are measured (or pass --today)."))
    node.values = _by_date([(v, at) for v, at in readings if v.date <= r.today])
    node.owner = people.get(kpi.owner)
    if node.owner is None:
        r.unknown(src.at("kpis", i, "owner"), "person", kpi.owner, people, f"org/{kpi.owner}")
    if kpi.unit:
        node.unit = units.get(kpi.unit)
        if node.unit is None:
            r.unknown(src.at("kpis", i, "unit"), "unit", kpi.unit, units, f"org/{kpi.unit}")
    node.collaborators = linked_people(r, kpi.collaborators, people, src, ("kpis", i, "collaborators"))
    for j, name in enumerate(kpi.informed):
        found = units.get(name) or people.get(name)
        if found is None:
            r.unknown(src.at("kpis", i, "informed", j), "unit or person", name, [*units, *people], f"org/{name}")
        else:
            node.informed.append(found)
    return node


def _link_predictions(r: Resolver, kpis: dict[str, KpiNode]) -> None:
    """Each leading KPI's `predicts:`, both ways (`predicts`, `predicted_by`)."""
    for kpi, src, i in r.model.kpis:
        node = kpis.get(kpi.id)
        if node is None or node.kpi is not kpi:
            continue
        for j, name in enumerate(kpi.predicts):
            target = kpis.get(name)
            if target is None:
                r.unknown(src.at("kpis", i, "predicts", j), "KPI", name, kpis, f"kpi/{name}")
            elif target is node:
                r.problems.append(error(src.at("kpis", i, "predicts", j), "resolve.self-reference",
                                        f"predicts: Expected another KPI, got {name!r}, which is this KPI itself"))
            else:
                node.predicts.append(target)
                target.predicted_by.append(node)


def _by_date(items: list[tuple[KpiValue, Location]]) -> list[KpiValue]:
    latest: dict[dt.date, KpiValue] = {}
    for value, _ in items:
        latest[value.date] = value
    return [latest[d] for d in sorted(latest)]

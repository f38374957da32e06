"""Objectives and key results: owners, collaborators, KPIs, due dates and check-ins, file by file."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..load import Source
from ..model import CheckIn, KeyResult, Objective, PeriodFile
from ..problems import error
from .nodes import KeyResultNode, ObjectiveNode, Period, Portal, UnitPeriod
from .org import linked_people

if TYPE_CHECKING:
    from .portal import Resolver


def resolve_objectives(r: Resolver, portal: Portal) -> None:
    """Link every objective of every file of a known unit, with its key results, into `portal`."""
    objectives, key_results = portal.objectives, portal.key_results
    for pid, files in sorted(r.model.periods.items()):
        period = portal.periods[pid]
        days = (period.start, min(period.end, r.today))  # where its check-ins may be dated
        for unit_id, (pf, src, index) in sorted(files.items()):
            up = period.files.get(unit_id)
            if up is None:
                continue
            prefix = f"{pid}:{unit_id}/"
            for o, obj in zip(index, pf.objectives):
                node = _objective(r, portal, up, pf, obj, src, o, prefix + obj.id, days)
                up.objectives.append(node)
                objectives[node.ref] = node
                for kr in node.key_results:
                    key_results[kr.ref] = kr


def _objective(r: Resolver, portal: Portal, up: UnitPeriod, pf: PeriodFile, obj: Objective, src: Source, o: int,
               ref: str, days: tuple[dt.date, dt.date]) -> ObjectiveNode:
    path = ("objectives", o)
    people = portal.people
    node = ObjectiveNode(obj, up, (src, path), (obj.visibility or pf.visibility) == "private", people.get(obj.owner))
    node.ref = ref  # (what the property would say: set here, for the many lookups of a large company)
    if node.owner is None:
        r.unknown(src.at(*path, "owner"), "person", obj.owner, people, f"org/{obj.owner}")
    if obj.collaborators:
        node.collaborators = linked_people(r, obj.collaborators, people, src, (*path, "collaborators"))
    for i, ini in zip(r.model.places(obj, "initiatives"), obj.initiatives):
        if ini.owner and ini.owner not in people:
            r.unknown(src.at(*path, "initiatives", i, "owner"), "person", ini.owner, people, f"org/{ini.owner}")
    krs = node.key_results
    for k, kr in zip(r.model.places(obj, "key_results"), obj.key_results):
        krs.append(_key_result(r, portal, node, kr, src, (*path, "key_results", k), up.period, days))
    return node


def _key_result(r: Resolver, portal: Portal, obj: ObjectiveNode, kr: KeyResult, src: Source, path: tuple,
                period: Period, days: tuple[dt.date, dt.date]) -> KeyResultNode:
    owner = portal.people.get(kr.owner or obj.obj.owner)
    node = KeyResultNode(kr, obj, (src, path), owner)
    node.ref = f"{obj.ref}/{kr.id}"
    if kr.owner and owner is None:
        r.unknown(src.at(*path, "owner"), "person", kr.owner, portal.people, f"org/{kr.owner}")
    if kr.kpi:
        node.kpi = portal.kpis.get(kr.kpi)
        if node.kpi is None:
            r.unknown(src.at(*path, "kpi"), "KPI", kr.kpi, portal.kpis, f"kpi/{kr.kpi}")
            if r.model.unverified(f"kpi/{kr.kpi}"):
                portal.incomplete.add(obj.ref)  # its check-ins may be the KPI's values, which are unknown
        else:
            node.kpi.moved_by.append(node)
    if kr.due is not None and not period.start <= kr.due <= period.end and period.id not in r.undated:
        r.problems.append(error(src.at(*path, "due"), "resolve.date-outside-period",
                                f"due: Expected a date inside {period.id} ({period.start} to {period.end}), got {kr.due}"))
    node.checkins = r.checkins(kr, src, path, period, days)
    if not node.checkins and node.kpi is not None and node.kpi.private and not obj.private:
        r.problems.append(error(src.at(*path, "kpi"), "resolve.private-kpi-values",
                                f"kpi: Expected a public KPI for a public key result without check-ins, got the private KPI {kr.kpi!r}",
                                "Its values would be published as this key result's progress: add check-ins of its own, or make the objective private."))
    elif not node.checkins and node.kpi is not None:
        node.from_kpi = True
        node.checkins = [CheckIn(date=v.date, value=v.value) for v in node.kpi.values
                         if period.start <= v.date <= min(period.end, r.today)]
    return node

"""The published view of a portal, indexed once for every page.

`Site` is the only place that decides what is published: `visible()` and
`visible_kpi()` say whether an objective (with its key results, check-ins and
initiatives) or a KPI may appear, and every list the pages read is filtered
through them here, once. Lookups the pages need (a person's goals, a unit's
periods, a KPI's visible movers) are dictionaries built in one pass over the
portal, so rendering stays linear in the size of the goals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..pipeline import Build
from ..resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Period, Person, UnitPeriod
from ..speed import gc as gc_policy
from .figure_json import FigureJson
from .fragments import Fragments
from .links import key_result_anchor, kpi_path, objective_anchor, unit_period_path
from .text import MarkdownRenderer


@dataclass
class Holdings:
    """What one person owns and collaborates on (published goals only)."""

    objectives: list[ObjectiveNode] = field(default_factory=list)
    key_results: list[KeyResultNode] = field(default_factory=list)
    collaborations: list[ObjectiveNode] = field(default_factory=list)
    kpis: list[KpiNode] = field(default_factory=list)
    kpi_collaborations: list[KpiNode] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.objectives or self.key_results or self.collaborations or self.kpis or self.kpi_collaborations)


class Site:
    """Everything a page may show, looked up in constant time."""

    def __init__(self, build: Build):
        with gc_policy.paused():  # the portal is millions of objects that a collection would walk, for nothing
            self._index(build)

    def _index(self, build: Build) -> None:
        self.build = build
        self.portal = build.portal
        self.scores = build.scores
        self.today = build.today
        self.include_private = build.include_private
        self.markdown = MarkdownRenderer()
        self.periods_newest = list(reversed(self.portal.periods_in_order()))
        self.units_in_order = _tree_order(self.portal.company)
        self.files: dict[tuple[str, str], list[ObjectiveNode]] = {}
        self.unit_periods: dict[str, list[Period]] = {u.id: [] for u in self.units_in_order}
        self._index_files()
        self.running_quarter = self._running_quarter()
        self.current = {uid: self._current_period(uid) for uid in self.unit_periods}
        self.kpis = sorted((k for k in self.portal.kpis.values() if self.visible_kpi(k)), key=lambda k: k.id)
        self.kpis_by_unit: dict[str, list[KpiNode]] = {}
        for kpi in self.kpis:
            if kpi.unit is not None:
                self.kpis_by_unit.setdefault(kpi.unit.id, []).append(kpi)
        self.holdings: dict[str, Holdings] = {pid: Holdings() for pid in self.portal.people}
        self._index_people()
        self.reused: dict[str, str] = {}
        """Pages taken as they were from the previous render (render_pages fills it; cache.py)."""
        self.deferred: set[str] = set()
        """Pages left for a later render (render_pages fills it: the fast rebuilds of `goalsite serve`)."""
        self.fragments = Fragments()
        """Parts of pages kept from the previous render (render_pages sets it; cache.py)."""
        self.figure_json = FigureJson()
        """The figure encoder of the running render (render_pages sets a fresh one; figure_json.py)."""
        self.tagged: dict[str, list[ObjectiveNode]] | None = None
        """Tag -> its published objectives, made when first asked for (tags.tagged())."""
        self.page_keys: dict[str, tuple] = {}
        """The key of every page of this render (render_pages fills it; cache.py): the export reuses its
        objectives of a file whose unit page's key is unchanged."""

    # --- what is published -------------------------------------------------------------

    def visible(self, node: ObjectiveNode | KeyResultNode) -> bool:
        return self.include_private or not node.private

    def visible_kpi(self, kpi: KpiNode | None) -> bool:
        return kpi is not None and (self.include_private or not kpi.private)

    def show_retrospective(self, up: UnitPeriod) -> bool:
        """A retrospective shares its file's `visibility`."""
        return up.retrospective is not None and (self.include_private or not up.private)

    def objectives(self, period_id: str, unit_id: str) -> list[ObjectiveNode]:
        """Published objectives of one period file, in file order."""
        return self.files.get((period_id, unit_id), [])

    def children(self, node: ObjectiveNode | KeyResultNode) -> list[ObjectiveNode]:
        if not node.children:  # most goals: asked for each of them by the trees of the period pages
            return []
        return sorted((c for c in node.children if self.visible(c)), key=lambda c: c.ref)

    def movers(self, kpi: KpiNode) -> list[KeyResultNode]:
        """Published key results that move a KPI: running periods first, then newest."""
        state_rank = {"running": 0, "upcoming": 1, "closed": 2}
        krs = [kr for kr in kpi.moved_by if self.visible(kr)]
        return sorted(krs, key=lambda kr: (state_rank[kr.objective.period.state(self.today)],
                                           -kr.objective.period.start.toordinal(), kr.ref))

    # --- where things are -----------------------------------------------------------------

    def objective_target(self, node: ObjectiveNode) -> tuple[str, str]:
        return unit_period_path(node.unit.id, node.period.id), objective_anchor(node.id)

    def key_result_target(self, node: KeyResultNode) -> tuple[str, str]:
        obj = node.objective
        return unit_period_path(obj.unit.id, obj.period.id), key_result_anchor(obj.id, node.id)

    def kpi_target(self, kpi: KpiNode) -> tuple[str, None]:
        return kpi_path(kpi.id), None

    # --- indexes ----------------------------------------------------------------------------

    def _index_files(self) -> None:
        for period in self.periods_newest:
            for unit_id, up in sorted(period.files.items()):
                shown = [o for o in up.objectives if self.visible(o)]
                if shown or self.show_retrospective(up):
                    self.files[(period.id, unit_id)] = shown
                    self.unit_periods.setdefault(unit_id, []).append(period)

    def _running_quarter(self) -> Period | None:
        running = [p for p in self.periods_newest if p.state(self.today) == "running"]
        return min(running, key=lambda p: (p.days, p.id)) if running else None

    def _current_period(self, unit_id: str) -> Period | None:
        periods = self.unit_periods.get(unit_id) or []
        if self.running_quarter is not None and self.running_quarter in periods:
            return self.running_quarter
        started = [p for p in periods if p.start <= self.today]
        return started[0] if started else (periods[-1] if periods else None)

    def _index_people(self) -> None:
        hold = self._hold
        for objectives in self.files.values():  # newest period first, then by unit id (_index_files)
            for obj in objectives:
                hold(obj.owner).objectives.append(obj)
                for person in obj.collaborators:
                    hold(person).collaborations.append(obj)
                for kr in obj.key_results:
                    hold(kr.owner).key_results.append(kr)
        for kpi in self.kpis:
            self._hold(kpi.owner).kpis.append(kpi)
            for person in kpi.collaborators:
                self._hold(person).kpi_collaborations.append(kpi)

    def _hold(self, person: Person | None) -> Holdings:
        if person is None:
            return Holdings()  # an unknown owner is a resolve error; nothing to index
        held = self.holdings.get(person.id)
        if held is None:  # (not setdefault: a Holdings made for each goal of a large company)
            held = self.holdings[person.id] = Holdings()
        return held


def _tree_order(company: OrgUnit) -> list[OrgUnit]:
    """Depth first from the company, children in org.yaml order."""
    out, stack, seen = [], [company], set()
    while stack:
        unit = stack.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        out.append(unit)
        stack.extend(reversed(unit.children))
    return out

"""Ids become objects: the org tree, people, KPIs, periods and the alignment graph.

`resolve_portal(model, today)` links the validated files into a `Portal` and
reports every reference that leads nowhere, every loop (naming all of its
members) and every date outside its period, as Problems.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .load import Source
from .model import REF_RE, CheckIn, Kpi, KpiValue, KeyResult, Model, Objective, Org, PeriodFile, Settings
from .model import unknown_name as _unknown
from .problems import Location, Problem, error

PERIOD_KINDS = {"Q": "quarter", "H": "half"}


# --- the linked graph ------------------------------------------------------------------------


class _cached:
    """functools.cached_property without its lock, which Python 3.11 takes on every first access: each
    rebuild makes 44,000 references (`ref`) at 1,000 teams, and the lock made each twice as slow."""

    def __init__(self, func) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(eq=False)
class Person:
    id: str
    name: str
    title: str | None = None
    unit: "OrgUnit | None" = None


@dataclass(eq=False)
class OrgUnit:
    id: str
    name: str
    kind: str
    description: str | None = None
    parent: "OrgUnit | None" = None
    lead: Person | None = None
    children: list["OrgUnit"] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    is_company: bool = False

    def ancestors(self) -> list["OrgUnit"]:
        """Parent first, the company last."""
        out, unit = [], self.parent
        while unit is not None and unit not in out:
            out.append(unit)
            unit = unit.parent
        return out

    @property
    def depth(self) -> int:
        return len(self.ancestors())


@dataclass(eq=False)
class Period:
    id: str
    kind: str  # "year", "half", "quarter"
    start: dt.date
    end: dt.date
    files: dict[str, "UnitPeriod"] = field(default_factory=dict)

    def state(self, today: dt.date) -> str:
        """"upcoming", "running" or "closed" on `today`."""
        if today < self.start:
            return "upcoming"
        return "running" if today <= self.end else "closed"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(eq=False)
class UnitPeriod:
    """One period file: a unit's objectives for a period."""

    period: Period
    unit: OrgUnit
    path: str
    objectives: list["ObjectiveNode"] = field(default_factory=list)
    retrospective: object | None = None
    private: bool = False
    """The file's `visibility: private`: its retrospective is private too."""


@dataclass(eq=False)
class KpiNode:
    kpi: Kpi
    location: Location
    owner: Person | None = None
    unit: OrgUnit | None = None
    collaborators: list[Person] = field(default_factory=list)
    informed: list[OrgUnit | Person] = field(default_factory=list)
    values: list[KpiValue] = field(default_factory=list)
    predicts: list["KpiNode"] = field(default_factory=list)
    predicted_by: list["KpiNode"] = field(default_factory=list)
    moved_by: list["KeyResultNode"] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.kpi.id

    @property
    def private(self) -> bool:
        return self.kpi.visibility == "private"


@dataclass(eq=False)
class KeyResultNode:
    kr: KeyResult
    objective: "ObjectiveNode"
    where: "Location | tuple[Source, tuple]"
    """A Location, or (source, keys) for `location` to look up when a problem first needs it."""
    owner: Person | None = None
    kpi: KpiNode | None = None
    checkins: list[CheckIn] = field(default_factory=list)
    """Effective check-ins by date, one a day (the last written wins); from the KPI when the KR has none."""
    from_kpi: bool = False
    children: list["ObjectiveNode"] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.kr.id

    @_cached
    def ref(self) -> str:
        return f"{self.objective.ref}/{self.kr.id}"

    @_cached
    def location(self) -> Location:
        return _located(self.where)

    @property
    def private(self) -> bool:
        return self.objective.private


@dataclass(eq=False)
class ObjectiveNode:
    obj: Objective
    file: UnitPeriod
    where: "Location | tuple[Source, tuple]"
    """A Location, or (source, keys) for `location` to look up when a problem first needs it."""
    private: bool
    owner: Person | None = None
    collaborators: list[Person] = field(default_factory=list)
    key_results: list[KeyResultNode] = field(default_factory=list)
    parents: list["ObjectiveNode | KeyResultNode"] = field(default_factory=list)
    children: list["ObjectiveNode"] = field(default_factory=list)
    rolled_over_from: "ObjectiveNode | None" = None
    rolled_over_to: list["ObjectiveNode"] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.obj.id

    @property
    def period(self) -> Period:
        return self.file.period

    @property
    def unit(self) -> OrgUnit:
        return self.file.unit

    @_cached
    def ref(self) -> str:
        return f"{self.file.period.id}:{self.file.unit.id}/{self.obj.id}"

    @_cached
    def location(self) -> Location:
        return _located(self.where)


def _located(where: "Location | tuple[Source, tuple]") -> Location:
    # A large company has tens of thousands of goals; few of them ever have a problem to point at.
    return where if isinstance(where, Location) else where[0].at(*where[1])


@dataclass(eq=False)
class Portal:
    """The whole company's goals, linked."""

    company: OrgUnit
    org: Org
    settings: Settings
    units: dict[str, OrgUnit]
    people: dict[str, Person]
    kpis: dict[str, KpiNode]
    periods: dict[str, Period]
    objectives: dict[str, ObjectiveNode]
    key_results: dict[str, KeyResultNode]
    incomplete: set[str] = field(default_factory=set)
    """Refs of the objectives linked without some of their parts (a key result, a check-in or the KPI it
    takes values from had errors): advice on them could be wrong, so lint leaves them alone."""

    def periods_in_order(self) -> list[Period]:
        """Oldest first; a year before its halves and quarters."""
        return sorted(self.periods.values(), key=lambda p: (p.start, -(p.end - p.start).days, p.id))


# --- periods -------------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_dates(pid: str, fiscal_start_month: int = 1) -> tuple[str, dt.date, dt.date]:
    """(kind, start, end) of a period id; a fiscal year is named by the calendar year it ends in."""
    year = int(pid[:4])
    fy_start = dt.date(year - 1 if fiscal_start_month > 1 else year, fiscal_start_month, 1)
    if len(pid) == 4:
        kind, offset, months = "year", 0, 12
    else:
        kind, n = PERIOD_KINDS[pid[5]], int(pid[6])
        months = 3 if kind == "quarter" else 6
        offset = months * (n - 1)
    start = _add_months(fy_start, offset)
    return kind, start, _add_months(start, months) - dt.timedelta(days=1)


# --- resolution ------------------------------------------------------------------------------------


class _Resolver:
    def __init__(self, model: Model, today: dt.date):
        self.model = model
        self.today = today
        self.problems: list[Problem] = []
        self.kept_checkins: dict[int, tuple] = {}
        self.skipped: set[str] = set()
        """"PERIOD:UNIT/*" of the files of an unknown unit: their objectives are not linked."""
        self.undated = {pid for pid, d in model.org.periods.items() if d.end < d.start} if model.org else set()
        """Periods whose dates in org.yaml are wrong (reported): no date is checked against them."""

    def checkins(self, kr: KeyResult, src: Source, path: tuple, period: Period, days: tuple[dt.date, dt.date]) -> list[CheckIn]:
        """A key result's effective check-ins, by date, one a day (the last written wins); a date outside
        the period or after today is reported.

        Taken from the last resolution of this process when it had the same key result model (load.py keeps
        those of an unchanged file), the same period dates and the same today, and found no problem.
        """
        first, last = days  # the period's start, and its end or today when sooner
        kept = _last_checkins.get(id(kr))
        if kept is not None and kept[0] is kr and kept[1] == first and kept[2] == last:
            self.kept_checkins[id(kr)] = kept
            return list(kept[3])
        checkins = kr.checkins
        ordered = True  # dates one after another, as people write them: the check-ins are already effective
        fine = period.id not in self.undated  # (dates not checked against wrong period dates: not kept either)
        previous = None
        for c, checkin in zip(self.model.places(kr, "checkins"), checkins):
            day = checkin.date
            # a large company has hundreds of thousands of dates: most are fine
            if not first <= day <= last and (period.id not in self.undated or day > self.today):
                _check_date(self, src, (*path, "checkins", c, "date"), day, period, "checkins.date")
                fine = False
            if previous is not None and day <= previous:
                ordered = False
            previous = day
        if ordered:
            effective = list(checkins)
        else:
            latest: dict[dt.date, CheckIn] = {}
            for checkin in checkins:
                latest[checkin.date] = checkin
            effective = [latest[d] for d in sorted(latest)]
        if fine:
            self.kept_checkins[id(kr)] = (kr, first, last, tuple(effective))
        return effective

    # A name that was not found is reported unless the part that would define it did not validate
    # (`place`: "org/NAME", "kpi/NAME" or the goal's ref; see Model.unverified): one error in a file
    # must not cascade into dozens, and a file's other problems are reported all the same.
    def unknown(self, where: Location, what: str, name: str, known: Iterable[str], place: str, hint: str | None = None) -> None:
        if not self.model.unverified(place) and not any(place.startswith(s[:-1]) for s in self.skipped):
            self.problems.append(_unknown(where, what, name, known, hint))


def resolve_portal(model: Model, today: dt.date) -> tuple[Portal | None, list[Problem]]:
    """Link the validated model; None when org.yaml itself is unusable."""
    if model.org is None:
        return None, []
    r = _Resolver(model, today)
    org, src = model.org, model.org_source
    units, people = _resolve_org(r, org, src)
    kpis = _resolve_kpis(r, units, people)
    periods = _resolve_periods(r, org, units)
    portal = Portal(units[org.company.id], org, org.settings, units, people, kpis, periods, {}, {}, set(model.partial))
    _resolve_objectives(r, portal)
    _resolve_alignment(r, portal)
    global _last_checkins
    _last_checkins = r.kept_checkins
    return portal, r.problems


#: {id(KeyResult): (the KeyResult, first day, last day, its effective check-ins)} of the last resolve_portal()
#: of this process, for the key results whose check-ins were all fine (it holds the model: an id is not reused).
_last_checkins: dict[int, tuple] = {}


def _resolve_org(r: _Resolver, org: Org, src: Source) -> tuple[dict[str, OrgUnit], dict[str, Person]]:
    company = OrgUnit(org.company.id, org.company.name, "company", None, is_company=True)
    units: dict[str, OrgUnit] = {company.id: company}
    unit_at, person_at = r.model.places(org, "units"), r.model.places(org, "people")
    for i, u in zip(unit_at, org.units):
        if u.id in units:
            first = "the company id" if u.id == company.id else f"line {src.at('units', _index(r, org, u.id), 'id').line}"
            r.problems.append(error(src.at("units", i, "id"), "resolve.duplicate-id",
                                    f"units.id: Expected each unit id once, got {u.id!r} again ({first})"))
            continue
        units[u.id] = OrgUnit(u.id, u.name, u.kind, u.description)
    people: dict[str, Person] = {}
    for i, p in zip(person_at, org.people):
        if p.id in people or p.id in units:
            clash = "a unit's id" if p.id in units else "another person's id"
            r.problems.append(error(src.at("people", i, "id"), "resolve.duplicate-id",
                                    f"people.id: Expected an id of its own, got {p.id!r}, which is {clash}",
                                    "Units and people share one namespace, because `informed:` can name either."))
            continue
        people[p.id] = Person(p.id, p.name, p.title)
    for i, u in zip(unit_at, org.units):
        unit = units.get(u.id)
        if unit is None or unit.is_company:
            continue
        parent_id = u.parent or company.id
        if parent_id in units:
            unit.parent = units[parent_id]
        else:
            r.unknown(src.at("units", i, "parent"), "unit", parent_id, units, f"org/{parent_id}")
            unit.parent = company
        if u.lead:
            unit.lead = people.get(u.lead)
            if unit.lead is None:
                r.unknown(src.at("units", i, "lead"), "person", u.lead, people, f"org/{u.lead}")
    _unit_loops(r, org, src, units)
    for unit in units.values():
        if unit.parent is not None:
            unit.parent.children.append(unit)
    for i, p in zip(person_at, org.people):
        person = people.get(p.id)
        if person is None:
            continue
        person.unit = units.get(p.unit)
        if person.unit is None:
            r.unknown(src.at("people", i, "unit"), "unit", p.unit, units, f"org/{p.unit}")
        else:
            person.unit.people.append(person)
    return units, people


def _unit_loops(r: _Resolver, org: Org, src: Source, units: dict[str, OrgUnit]) -> None:
    reported: set[str] = set()
    for start in units.values():
        chain, unit = [], start
        while unit is not None and unit not in chain and unit.id not in reported:
            chain.append(unit)
            unit = unit.parent
        if unit is None or unit.id in reported:
            continue
        loop = chain[chain.index(unit):]
        reported.update(u.id for u in loop)
        first = min(loop, key=lambda u: _index(r, org, u.id))
        names = " → ".join(u.id for u in loop[loop.index(first):] + loop[:loop.index(first)] + [first])
        r.problems.append(error(src.at("units", _index(r, org, first.id), "parent"), "resolve.unit-loop",
                                f"parent: Expected the unit tree to lead up to the company, got a loop: {names}",
                                "Point one of these units' `parent:` at a unit outside the loop."))
        for u in loop:  # break the loop so later walks up the tree end
            u.parent = units[org.company.id] if u is first else u.parent
    return None


def _index(r: _Resolver, org: Org, unit_id: str) -> int:
    """Where in org.yaml's `units:` the first unit with this id is."""
    return next(i for i, item in zip(r.model.places(org, "units"), org.units) if item.id == unit_id)


def _resolve_kpis(r: _Resolver, units: dict[str, OrgUnit], people: dict[str, Person]) -> dict[str, KpiNode]:
    kpis: dict[str, KpiNode] = {}
    for kpi, src, i in r.model.kpis:
        where = src.at("kpis", i)
        if kpi.id in kpis:
            r.problems.append(error(src.at("kpis", i, "id"), "resolve.duplicate-id",
                                    f"kpis.id: Expected each KPI id once, got {kpi.id!r} again (first at {kpis[kpi.id].location})"))
            continue
        node = KpiNode(kpi, where)
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
        node.collaborators = _people(r, kpi.collaborators, people, src, ("kpis", i, "collaborators"))
        for j, name in enumerate(kpi.informed):
            found = units.get(name) or people.get(name)
            if found is None:
                r.unknown(src.at("kpis", i, "informed", j), "unit or person", name, [*units, *people], f"org/{name}")
            else:
                node.informed.append(found)
        kpis[kpi.id] = node
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
    return kpis


def _by_date(items: list[tuple[KpiValue, Location]]) -> list[KpiValue]:
    latest: dict[dt.date, KpiValue] = {}
    for value, _ in items:
        latest[value.date] = value
    return [latest[d] for d in sorted(latest)]


def _people(r: _Resolver, ids: list[str], people: dict[str, Person], src: Source, path: tuple) -> list[Person]:
    out = []
    for j, name in enumerate(ids):
        person = people.get(name)
        if person is None:
            r.unknown(src.at(*path, j), "person", name, people, f"org/{name}")
        else:
            out.append(person)
    return out


def _resolve_periods(r: _Resolver, org: Org, units: dict[str, OrgUnit]) -> dict[str, Period]:
    periods = {}
    for pid in sorted(r.model.periods):
        kind, start, end = period_dates(pid, org.settings.fiscal_year_start_month)
        override = org.periods.get(pid)
        if override is not None and override.start <= override.end:
            start, end = override.start, override.end
        periods[pid] = Period(pid, kind, start, end)
    for pid, files in sorted(r.model.periods.items()):
        for unit_id, (pf, src, _) in sorted(files.items()):
            unit = units.get(unit_id)
            if unit is None:
                r.unknown(Location(src.path), "unit", unit_id, units, f"org/{unit_id}",
                          "Name the file after a unit in org.yaml (or the company id).")
                r.skipped.add(f"{pid}:{unit_id}/*")
                continue
            periods[pid].files[unit_id] = UnitPeriod(periods[pid], unit, src.path, retrospective=pf.retrospective,
                                                      private=pf.visibility == "private")
    return periods


def _resolve_objectives(r: _Resolver, portal: Portal) -> None:
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


def _objective(r: _Resolver, portal: Portal, up: UnitPeriod, pf: PeriodFile, obj: Objective, src: Source, o: int,
               ref: str, days: tuple[dt.date, dt.date]) -> ObjectiveNode:
    path = ("objectives", o)
    people = portal.people
    node = ObjectiveNode(obj, up, (src, path), (obj.visibility or pf.visibility) == "private", people.get(obj.owner))
    node.ref = ref  # (what the property would say: set here, for the 44,000 lookups of a large company)
    if node.owner is None:
        r.unknown(src.at(*path, "owner"), "person", obj.owner, people, f"org/{obj.owner}")
    if obj.collaborators:
        node.collaborators = _people(r, obj.collaborators, people, src, (*path, "collaborators"))
    for i, ini in zip(r.model.places(obj, "initiatives"), obj.initiatives):
        if ini.owner and ini.owner not in people:
            r.unknown(src.at(*path, "initiatives", i, "owner"), "person", ini.owner, people, f"org/{ini.owner}")
    krs = node.key_results
    for k, kr in zip(r.model.places(obj, "key_results"), obj.key_results):
        krs.append(_key_result(r, portal, node, kr, src, (*path, "key_results", k), up.period, days))
    return node


def _key_result(r: _Resolver, portal: Portal, obj: ObjectiveNode, kr: KeyResult, src: Source, path: tuple,
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


def _check_date(r: _Resolver, src: Source, keys: tuple, day: dt.date, period: Period, name: str) -> None:
    """A date of the file at `keys` must lie in its period and not after today.

    The location is looked up only for a problem: a large company has hundreds of thousands of dates.
    """
    if not period.start <= day <= period.end and period.id not in r.undated:
        r.problems.append(error(src.at(*keys), "resolve.date-outside-period",
                                f"{name}: Expected a date inside {period.id} ({period.start} to {period.end}), got {day}",
                                "Check-ins belong to the period of their file; record this one in the right period."))
    elif day > r.today:
        r.problems.append(error(src.at(*keys), "resolve.future-date",
                                f"{name}: Expected a date on or before today ({r.today}), got {day}",
                                "Check-ins record what happened; date them when they are made (or pass --today)."))


# --- alignment --------------------------------------------------------------------------------------


def _find(portal: Portal, ref: str, here: ObjectiveNode) -> tuple[ObjectiveNode | KeyResultNode | None, str, str]:
    """(target, the reference in full, its period) for an aligns_to or rolled_over_from string."""
    full, period, to_kr = full_ref(ref, here.period.id)
    target = portal.key_results.get(full) if to_kr else portal.objectives.get(full)
    return target, full, period


@functools.lru_cache(maxsize=100_000)  # the same references every rebuild: parsed once
def full_ref(ref: str, here: str) -> tuple[str, str, bool]:
    """(the reference in full, its period, whether it names a key result) of a reference made in period `here`."""
    m = REF_RE.match(ref)
    period = m.group(1) or here
    full = f"{period}:{m.group(2)}/{m.group(3)}" + (f"/{m.group(4)}" if m.group(4) else "")
    return full, period, bool(m.group(4))


def _aligns_to_at(src: Source, o: int, j: int) -> Location:
    """Where the j-th aligns_to entry of objective o is: `aligns_to: x` or a list of them, the item either way."""
    listed = isinstance(src.data["objectives"][o].get("aligns_to"), list)
    return src.at("objectives", o, "aligns_to", *([j] if listed else []))


def _resolve_alignment(r: _Resolver, portal: Portal) -> None:
    by_source = {(pid, unit): (src, index) for pid, files in r.model.periods.items() for unit, (_, src, index) in files.items()}
    # (child, parent) -> where its aligns_to entry is, looked up only for a loop to report
    places: dict[tuple[ObjectiveNode, object], tuple[Source, int, int]] = {}
    for up_objectives, (src, index) in ((up.objectives, by_source[(period.id, unit_id)])
                                        for period in portal.periods.values() for unit_id, up in period.files.items()):
        for node, o in zip(up_objectives, index):
            aligns_to, rolled = node.obj.aligns_to, node.obj.rolled_over_from
            if (aligns_to or rolled) and portal.objectives[node.ref] is not node:
                continue  # a duplicate id (reported by model.py): only the last one is linked
            if aligns_to:
                for j, ref in enumerate(aligns_to):
                    target, full, period = _find(portal, ref, node)
                    target_obj = target.objective if isinstance(target, KeyResultNode) else target
                    if target is None:
                        r.unknown(_aligns_to_at(src, o, j), "objective or key result", full, _refs_in(portal, period), full,
                                  "Write UNIT/OBJECTIVE or UNIT/OBJECTIVE/KR; prefix PERIOD: for another period.")
                    elif target_obj is node:
                        r.problems.append(error(_aligns_to_at(src, o, j), "resolve.self-alignment",
                                                f"aligns_to: Expected a parent goal, got {full}, which is this objective itself"))
                    else:
                        node.parents.append(target)
                        target.children.append(node)
                        places[(node, target)] = (src, o, j)
            if rolled:
                target, full, period = _find(portal, rolled, node)
                if isinstance(target, ObjectiveNode) and target.period.start < node.period.start:
                    node.rolled_over_from = target
                    target.rolled_over_to.append(node)
                elif target is None:
                    r.unknown(src.at("objectives", o, "rolled_over_from"), "objective", full, _refs_in(portal, period), full)
                else:
                    r.problems.append(error(src.at("objectives", o, "rolled_over_from"), "resolve.bad-rollover",
                                            f"rolled_over_from: Expected an objective of an earlier period, got {full}",
                                            "Write PERIOD:UNIT/OBJECTIVE, e.g. 2026-Q3:sales/win-dach."))
    _alignment_loops(r, portal, places)


def _refs_in(portal: Portal, period: str) -> list[str]:
    return [ref for ref in portal.objectives if ref.startswith(period + ":")]


def _alignment_loops(r: _Resolver, portal: Portal, places: dict) -> None:
    """Report each loop of alignments once, naming every member, and cut it."""
    state: dict[ObjectiveNode, int] = {}  # 1 on the path, 2 done
    for start in sorted(portal.objectives.values(), key=lambda n: n.ref):
        if start in state:
            continue
        path: list[ObjectiveNode] = []
        stack: list[tuple[ObjectiveNode, Iterator]] = [(start, iter(list(start.parents)))]
        state[start] = 1
        path.append(start)
        while stack:
            node, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            target = parent.objective if isinstance(parent, KeyResultNode) else parent
            if state.get(target) == 1:
                loop = path[path.index(target):]
                names = " → ".join(n.ref for n in loop + [target])
                place = places.get((node, parent))
                r.problems.append(error(_aligns_to_at(*place) if place else node.location, "resolve.alignment-loop",
                                        f"aligns_to: Expected alignments to lead up to a top goal, got a loop: {names}",
                                        "Remove the `aligns_to` of one of these objectives, or point it outside the loop."))
                node.parents.remove(parent)
                parent.children.remove(node)
            elif target not in state:
                state[target] = 1
                path.append(target)
                stack.append((target, iter(list(target.parents))))

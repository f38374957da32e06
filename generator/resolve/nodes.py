"""The linked graph that resolution makes: units, people, periods, KPIs, objectives and key results as objects.

Each node holds its validated model (`obj`, `kr`, `kpi`) and the objects its ids name. `Portal` is the
whole company's graph, which score, lint, charts, render and export read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..load import Source
from ..model import CheckIn, KeyResult, Kpi, KpiValue, Objective, Org, Settings
from ..problems import Location


class _cached:
    """functools.cached_property without its lock, which Python 3.11 takes on every first access: each
    rebuild of a large company makes tens of thousands of references (`ref`), and the lock slowed each."""

    def __init__(self, func) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class _Named:
    """A node's repr is its name: every node links to others, and the dataclass repr of one printed the graph
    again along every path to it (a failing test's traceback over the example company took 24 GB)."""

    def __repr__(self) -> str:
        name = getattr(self, "ref", None) or getattr(self, "id", None) or getattr(self, "path", None)
        return f"{type(self).__name__}({name or getattr(self, 'company', '')!r})"


@dataclass(eq=False, repr=False)
class Person(_Named):
    id: str
    name: str
    title: str | None = None
    unit: "OrgUnit | None" = None


@dataclass(eq=False, repr=False)
class OrgUnit(_Named):
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


@dataclass(eq=False, repr=False)
class Period(_Named):
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


@dataclass(eq=False, repr=False)
class UnitPeriod(_Named):
    """One period file: a unit's objectives for a period."""

    period: Period
    unit: OrgUnit
    path: str
    objectives: list["ObjectiveNode"] = field(default_factory=list)
    retrospective: object | None = None
    private: bool = False
    """The file's `visibility: private`: its retrospective is private too."""


@dataclass(eq=False, repr=False)
class KpiNode(_Named):
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


@dataclass(eq=False, repr=False)
class KeyResultNode(_Named):
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


@dataclass(eq=False, repr=False)
class ObjectiveNode(_Named):
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


@dataclass(eq=False, repr=False)
class Portal(_Named):
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

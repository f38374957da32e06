"""What is kept of a goal file that failed validation: its sound parts, item by item.

A file with an error is not dropped whole: every unit, person, KPI, objective, key result and
check-in that validates on its own is kept, so that the later stages check and compare it in the
same run. A `Salvage` records what was left out (`gaps`, which a reference must not take for absent)
and where the items kept are in the file (`positions`, for locating their problems).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..ids import SLUG_RE
from .fields import StrictModel
from .goal import CheckIn, Initiative, KeyResult, Objective, PeriodFile
from .kpi import Kpi, KpiFile
from .org import Org, Person, Unit


@dataclass
class Salvage:
    """What validation left out of one file.

    `gaps` names the parts that did not validate relative to the file ("grow", "grow/logos", "*" when an
    id could not be read; see `Model.gaps`), `partial` the objectives kept without some of their parts,
    `positions` where the items kept are in the file (see `Model.positions`).
    """

    gaps: set[str] = field(default_factory=set)
    partial: set[str] = field(default_factory=set)
    positions: dict[tuple[int, str], tuple[Any, list[int]]] = field(default_factory=dict)

    def keep(self, parent: Any, name: str, places: list[int]) -> None:
        """Record where the items of `parent`'s list `name` are, when some were left out."""
        if list(places) != list(range(len(places))):
            self.positions[(id(parent), name)] = (parent, list(places))

    def places(self, parent: Any, name: str) -> Any:
        """The index in the file of each item of `parent`'s list `name` (see `keep`)."""
        return places_in(self.positions, parent, name)


def places_in(positions: dict, parent: Any, name: str) -> Any:
    """The index in the file of each item of `parent`'s list `name`, as `positions` records them."""
    kept = positions.get((id(parent), name))
    return kept[1] if kept is not None and kept[0] is parent else range(len(getattr(parent, name)))


def _raw_id(item: Any) -> str:
    """The id an item that failed validation was written with, or "*" when it has no readable one."""
    value = item.get("id") if isinstance(item, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and SLUG_RE.match(value) else "*"


def _each(cls: type[StrictModel], items: Any, salvage: Salvage) -> tuple[list, list[int]]:
    """The items of a list that validate as `cls`, and their indexes; the ids of the others become gaps."""
    if not isinstance(items, list):
        salvage.gaps.add("*")
        return [], []
    kept, places = [], []
    for i, item in enumerate(items):
        try:
            kept.append(cls.model_validate(item))
            places.append(i)
        except ValidationError:
            salvage.gaps.add(_raw_id(item))
    return kept, places


def _salvage_org(data: dict, salvage: Salvage) -> tuple[Org | None, None]:
    """org.yaml with its sound units and people; unusable when the company, settings or periods are not sound."""
    try:
        org = Org.model_validate({k: v for k, v in data.items() if k not in ("units", "people")})
    except ValidationError:
        return None, None
    units, unit_places = _each(Unit, data.get("units", []), salvage)
    people, people_places = _each(Person, data.get("people", []), salvage)
    org = org.model_copy(update={"units": units, "people": people})
    salvage.keep(org, "units", unit_places)
    salvage.keep(org, "people", people_places)
    return org, None


def _salvage_kpis(data: dict, salvage: Salvage) -> tuple[KpiFile, list[int]]:
    """A KPI file with its sound KPIs."""
    if any(key != "kpis" for key in data):
        salvage.gaps.add("*")  # a misspelt `kpis:`: what it holds is unknown
    kpis, places = _each(Kpi, data.get("kpis", []), salvage)
    return KpiFile(kpis=kpis), places


def _salvage_period(data: dict, salvage: Salvage) -> tuple[PeriodFile | None, list[int] | None]:
    """A period file with its sound objectives, each with its sound key results, initiatives and check-ins.

    A header that fails makes the whole file a gap (references into it are not trusted); a `visibility`
    that fails makes its objectives private, so that nothing of them can reach a summary.
    """
    header = {k: v for k, v in data.items() if k != "objectives"}
    try:
        pf = PeriodFile.model_validate(header)
    except ValidationError as exc:
        failed = {err["loc"][0] for err in exc.errors() if err["loc"]}
        if failed - {"retrospective"}:
            salvage.gaps.add("*")
        header = {k: v for k, v in header.items() if k not in failed}
        if failed - set(PeriodFile.model_fields) or "visibility" in failed:
            # a wrong `visibility:`, or an unknown key that may be a misspelt one: private, to be safe
            header.setdefault("visibility", "private")
        try:
            pf = PeriodFile.model_validate(header)
        except ValidationError:
            return None, None
    objectives = data.get("objectives", [])
    if not isinstance(objectives, list):
        salvage.gaps.add("*")
        objectives = []
    kept, index = [], []
    for o, item in enumerate(objectives):
        obj = _salvage_objective(item, salvage)
        if obj is not None:
            kept.append(obj)
            index.append(o)
    return pf.model_copy(update={"objectives": kept}), index


def _salvage_objective(item: Any, salvage: Salvage) -> Objective | None:
    try:
        return Objective.model_validate(item)
    except ValidationError:
        pass
    try:
        obj = Objective.model_validate({k: v for k, v in item.items() if k not in ("key_results", "initiatives")})
    except (ValidationError, AttributeError):  # not a mapping, or its own fields fail
        salvage.gaps.add(_raw_id(item))
        return None
    raw = item.get("key_results", [])
    if not isinstance(raw, list):
        salvage.gaps.add(f"{obj.id}/*")
        raw = None
    krs, kr_places = [], []
    for k, kr_item in enumerate(raw or []):
        kr = _salvage_key_result(kr_item, obj.id, salvage)
        if kr is not None:
            krs.append(kr)
            kr_places.append(k)
    if raw is None or len(krs) < len(raw):
        salvage.partial.add(obj.id)
    initiatives, ini_places = _each(Initiative, item.get("initiatives", []), Salvage())  # not referred to: no gaps
    obj = obj.model_copy(update={"key_results": krs, "initiatives": initiatives})
    salvage.keep(obj, "key_results", kr_places)
    salvage.keep(obj, "initiatives", ini_places)
    return obj


def _salvage_key_result(item: Any, oid: str, salvage: Salvage) -> KeyResult | None:
    """A key result with its sound check-ins (its objective is partial when one is left out)."""
    try:
        return KeyResult.model_validate(item)
    except ValidationError:
        pass
    try:
        kr = KeyResult.model_validate({k: v for k, v in item.items() if k != "checkins"})
    except (ValidationError, AttributeError):
        salvage.gaps.add(f"{oid}/{_raw_id(item)}")
        return None
    raw = item.get("checkins", [])
    checkins, places = _each(CheckIn, raw, Salvage())  # a check-in has no id to be a gap
    kr = kr.model_copy(update={"checkins": checkins})
    salvage.keep(kr, "checkins", places)
    if not isinstance(raw, list) or len(places) < len(raw):
        salvage.partial.add(oid)
    return kr


SALVAGERS = {"org": _salvage_org, "kpis": _salvage_kpis, "period": _salvage_period}

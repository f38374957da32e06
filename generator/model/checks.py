"""Checks across the fields of one file, which pydantic's field-by-field validation cannot say.

A metric's form (exactly one of from/to, keep_between, keep_above, keep_below), a milestone's
check-ins (0..1), ids given twice in a file, a header that contradicts the file's place, an
initiative naming a key result its objective lacks, period dates that end before they start. Checks
across files (a parent unit, an owner, an alignment) belong to resolve/.

`sound_objectives()` then leaves out of a period file the parts that failed these checks, as
salvage.py does for those that failed validation.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..load import Source
from ..problems import Location, Problem, error
from .fields import StrictModel
from .goal import KeyResult, Objective, PeriodFile
from .kpi import Kpi, KpiFile
from .org import Org
from .salvage import Salvage

def check_file(parsed: StrictModel, source: Source, index: Any = None, salvage: Salvage | None = None) -> list[Problem]:
    """The checks across the fields of one validated file (`index`: where its objectives or KPIs are in it)."""
    salvage = salvage or Salvage()
    if isinstance(parsed, PeriodFile):
        return list(_check_period_file(parsed, source, index or range(len(parsed.objectives)), salvage))
    if isinstance(parsed, KpiFile):
        return [p for i, k in zip(index or range(len(parsed.kpis)), parsed.kpis) for p in _check_kpi(k, source, i)]
    if isinstance(parsed, Org):
        return [error(source.at("periods", pid, "end"), "model.bad-period-dates",
                      f"periods.{pid}: Expected the end on or after the start, got {d.start} to {d.end}")
                for pid, d in parsed.periods.items() if d.end < d.start]
    return []


def _check_period_file(pf: PeriodFile, source: Source, index: Any, salvage: Salvage):
    for key, expected in (("unit", source.unit), ("period", source.period)):
        got = getattr(pf, key)
        if got is not None and got != expected:
            where = "file name" if key == "unit" else "folder name"
            yield error(source.at(key), "model.header-mismatch",
                        f"{key}: Expected {expected!r} (the {where}), got {got!r}",
                        f"Remove `{key}:` or make it equal the {where}.")
    for o, obj in zip(index, pf.objectives):
        yield from _check_objective(obj, source, o, salvage)
    yield from _duplicates([obj.id for obj in pf.objectives], source, ("objectives",), "objective", index)


def _check_objective(obj: Objective, source: Source, o: int, salvage: Salvage):
    places = salvage.places(obj, "key_results")
    yield from _duplicates([kr.id for kr in obj.key_results], source, ("objectives", o, "key_results"), "key result",
                           places)
    for k, kr in zip(places, obj.key_results):
        yield from _check_key_result(kr, source, ("objectives", o, "key_results", k))
        yield from _check_checkins(kr, source, ("objectives", o, "key_results", k), salvage.places(kr, "checkins"))
    known = _key_result_ids(obj, salvage)
    for i, ini in zip(salvage.places(obj, "initiatives"), obj.initiatives):
        for j, ref in enumerate(ini.key_results):
            if ref not in known and "*" not in known:
                yield unknown_name(source.at("objectives", o, "initiatives", i, "key_results", j), "key result", ref, known,
                               "initiatives name key results of their own objective.")


def _key_result_ids(obj: Objective, salvage: Salvage) -> set[str]:
    """The ids of an objective's key results, those left out for their errors too ("*" for one without an id)."""
    prefix = f"{obj.id}/"
    return {kr.id for kr in obj.key_results} | {g[len(prefix):] for g in salvage.gaps if g.startswith(prefix)}


def sound_objectives(pf: PeriodFile, source: Source, index: Any, salvage: Salvage) -> PeriodFile:
    """The file without the key results and check-ins that failed the checks across fields.

    Their errors are reported already; later stages assume a sound model (a metric with `from`
    but no `to` cannot be scored), so those parts go no further; the rest of their objective does.
    An objective id given twice, or a header that contradicts the file's place, is a gap.
    """
    if any(getattr(pf, key) not in (None, expected) for key, expected in (("unit", source.unit), ("period", source.period))):
        salvage.gaps.add("*")
    seen: set[str] = set()
    for obj in pf.objectives:
        (salvage.gaps if obj.id in seen else seen).add(obj.id)
    objectives = [_sound_objective(obj, source, o, salvage) for obj, o in zip(pf.objectives, index)]
    if all(a is b for a, b in zip(objectives, pf.objectives)):
        return pf
    return pf.model_copy(update={"objectives": objectives})


def _sound_objective(obj: Objective, source: Source, o: int, salvage: Salvage) -> Objective:
    krs, places, seen = [], [], set()
    for kr, k in zip(obj.key_results, salvage.places(obj, "key_results")):
        path = ("objectives", o, "key_results", k)
        if kr.id in seen or any(_check_key_result(kr, source, path)):
            salvage.gaps.add(f"{obj.id}/{kr.id}")
            continue
        seen.add(kr.id)
        krs.append(_sound_checkins(kr, source, path, salvage))
        places.append(k)
    known = _key_result_ids(obj, salvage)
    initiatives = [(ini, i) for ini, i in zip(obj.initiatives, salvage.places(obj, "initiatives"))
                   if "*" in known or set(ini.key_results) <= known]
    changed = len(krs) < len(obj.key_results) or any(a is not b for a, b in zip(krs, obj.key_results))
    if not changed and len(initiatives) == len(obj.initiatives):
        return obj
    if changed:
        salvage.partial.add(obj.id)
    new = obj.model_copy(update={"key_results": krs, "initiatives": [ini for ini, _ in initiatives]})
    salvage.keep(new, "key_results", places)
    salvage.keep(new, "initiatives", [i for _, i in initiatives])
    return new


def _check_key_result(kr: KeyResult, source: Source, path: tuple):
    if kr.milestone and kr.metric is not None:
        yield error(source.at(*path, "milestone", key=True), "model.metric-form",
                    "Expected either `metric` or `milestone: true`, got both",
                    "A milestone has no metric: its check-ins are the fraction done, 0..1.")
    elif not kr.milestone and kr.metric is None:
        yield error(source.at(*path), "model.metric-form",
                    "Expected `metric: {unit, from, to}` (or a keep form) or `milestone: true`, got neither",
                    "e.g. metric: {unit: logos, from: 0, to: 25}")
    if kr.metric is not None:
        yield from _check_metric(kr.metric, source, (*path, "metric"), allow_range=True)


def _check_checkins(kr: KeyResult, source: Source, path: tuple, places: Any):
    if kr.milestone:
        for c, checkin in zip(places, kr.checkins):
            if not 0 <= checkin.value <= 1:
                yield error(source.at(*path, "checkins", c, "value"), "model.out-of-range",
                            f"value: Expected the fraction done of a milestone, 0..1, got {checkin.value:g}",
                            "Write 0.5 for half done.")


def _sound_checkins(kr: KeyResult, source: Source, path: tuple, salvage: Salvage) -> KeyResult:
    """The key result without the check-ins that failed the checks across fields."""
    places = salvage.places(kr, "checkins")
    kept = [(c, i) for c, i in zip(kr.checkins, places) if not kr.milestone or 0 <= c.value <= 1]
    if len(kept) == len(kr.checkins):
        return kr
    new = kr.model_copy(update={"checkins": [c for c, _ in kept]})
    salvage.keep(new, "checkins", [i for _, i in kept])
    return new


def _check_metric(metric: Any, source: Source, path: tuple, *, allow_range: bool):
    forms = [name for name in ("keep_between", "keep_above", "keep_below") if getattr(metric, name) is not None]
    has_range = allow_range and (metric.from_ is not None or metric.to is not None)
    if has_range:
        forms.append("from/to")
    if len(forms) != 1:
        choices = "from/to, keep_between, keep_above or keep_below" if allow_range else "keep_between, keep_above or keep_below"
        got = "none" if not forms else " and ".join(forms)
        yield error(source.at(*path), "model.metric-form", f"Expected exactly one form ({choices}), got {got}",
                    None if allow_range else "A KPI's metric is its health threshold: keep_above: 85, say.")
        return
    if has_range:
        if metric.from_ is None or metric.to is None:
            missing = "from" if metric.from_ is None else "to"
            yield error(source.at(*path), "model.metric-form", f"Expected both `from` and `to`, got no `{missing}`")
        elif metric.from_ == metric.to:
            yield error(source.at(*path, "to"), "model.metric-form",
                        f"to: Expected a target different from the baseline, got from = to = {metric.to:g}",
                        "To hold a value steady, use keep_above, keep_below or keep_between.")
    if metric.keep_between is not None and metric.keep_between[0] >= metric.keep_between[1]:
        lo, hi = metric.keep_between
        yield error(source.at(*path, "keep_between"), "model.metric-form",
                    f"keep_between: Expected [low, high] with low < high, got [{lo:g}, {hi:g}]")


def _check_kpi(kpi: Kpi, source: Source, i: int):
    if kpi.metric is not None:
        yield from _check_metric(kpi.metric, source, ("kpis", i, "metric"), allow_range=False)
    if kpi.values and kpi.data is not None:
        yield error(source.at("kpis", i, "data", key=True), "model.kpi-values",
                    "Expected `values` or `data`, got both", "Keep the series in one place.")




def _duplicates(ids: list[str], source: Source, path: tuple, what: str, index: list[int] | None = None):
    seen: dict[str, int] = {}
    for i, item in zip(index or range(len(ids)), ids):
        if item in seen:
            yield error(source.at(*path, i, "id"), "model.duplicate-id",
                        f"id: Expected each {what} id once, got {item!r} again (first on line {source.at(*path, seen[item], 'id').line})",
                        f"Give this {what} an id of its own.")
        else:
            seen[item] = i


def unknown_name(where: Location, what: str, name: str, known: Any, hint: str | None = None) -> Problem:
    """"Expected a known WHAT, got NAME" (code resolve.unknown-WHAT), with the closest known name as the hint."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        hint = f"Did you mean {close[0]!r}?"
    return error(where, f"resolve.unknown-{what.lower().replace(' ', '-')}", f"Expected a known {what}, got {name!r}", hint)

"""validate_goals(): every loaded Source becomes frozen models, or Problems, or the parts that did validate.

Each file is validated on its own (`validate_file`): its pydantic model (errors.py), what is kept of
it when that fails (salvage.py), and the checks across its fields (checks.py). The results of all
files make the `Model` that resolve/ links.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..load import CsvSeries, Goals, Source, resolve_plain
from ..problems import Location, Problem, error
from ..speed.memo import MISSING, Memo
from .checks import check_file, sound_objectives
from .errors import error_message, validate_source
from .fields import StrictModel
from .goal import PeriodFile
from .kpi import Kpi, KpiFile, KpiValue
from .org import Org
from .salvage import SALVAGERS, Salvage, places_in


@dataclass
class Model:
    """The validated goal files. Sources whose validation failed are left out and listed in `broken`."""

    org: Org | None = None
    org_source: Source | None = None
    kpis: list[tuple[Kpi, Source, int]] = field(default_factory=list)
    kpi_values: dict[str, list[tuple[KpiValue, Location]]] = field(default_factory=dict)
    periods: dict[str, dict[str, tuple[PeriodFile, Source, list[int]]]] = field(default_factory=dict)
    """period -> unit -> (file, its source, the index in the source of each objective kept)."""
    broken: set[tuple[str, str]] = field(default_factory=set)
    """(kind, name) of sources that did not validate: ("org", ""), ("kpis", path), ("period", "2026-Q4:sales")."""
    gaps: set[str] = field(default_factory=set)
    """The parts that did not validate, which a reference or a comparison must not take for absent: "org/ID" (a unit
    or person), "kpi/ID", "PERIOD:UNIT/OBJECTIVE" and "PERIOD:UNIT/OBJECTIVE/KR"; "org/*", "kpi/*", "PERIOD:UNIT/*"
    and "PERIOD:UNIT/OBJECTIVE/*" where an item's id could not be read, or a whole file or list. See `unverified()`."""
    partial: set[str] = field(default_factory=set)
    """Refs of the objectives kept without some of their key results or check-ins (they had errors)."""
    positions: dict[tuple[int, str], tuple[Any, list[int]]] = field(default_factory=dict)
    """{(id(model), list field): (the model, the index in the file of each item kept)} where items were left out."""

    def unverified(self, name: str) -> bool:
        """Whether `name` ("org/dana", "kpi/nps", "2026-Q4:sales/grow/logos") may be a part that did not validate."""
        if name in self.gaps:
            return True
        parts = name.split("/")
        return any("/".join(parts[:i]) in self.gaps or "/".join(parts[:i]) + "/*" in self.gaps
                   for i in range(1, len(parts)))

    def places(self, parent: Any, name: str) -> Any:
        """The index in the file of each item of `parent`'s list `name` (items that did not validate left out)."""
        return places_in(self.positions, parent, name)


Checked = tuple[StrictModel | None, list[Problem], list[int] | None, Salvage]
"""What `validate_file()` makes of one Source: see there."""


def validate_goals(goals: Goals, memo: Memo | None = None) -> tuple[Model, list[Problem]]:
    """Validate every loaded source; problems of all files, none raised.

    A file that fails validation is kept with the parts that did validate (see `Salvage`), so that
    the later stages report their problems in the same run and `goalsite diff` compares them.

    With the `memo` of a rebuilding shell, a Source that the loader gave back unchanged (the very same
    object: load_goals() keeps the Source of a file whose bytes did not change) is not validated again.
    """
    table = (memo or Memo.none()).table("model")
    model = Model()
    problems: list[Problem] = []
    for source in goals.sources():
        if source.data is None:
            model.broken.add(_broken_key(source))
            model.gaps.add(_gap_prefix(source) + "*")
            continue
        key = (source.kind, source.path)
        checked = table.get(key, source, operator.is_)
        if checked is MISSING:
            checked = table.put(key, source, validate_file(source))
        problems += _add_file(model, source, checked, goals.csv)
    for pid, files in goals.periods.items():
        model.periods.setdefault(pid, {})
        for unit, source in files.items():
            if source.data is None:
                model.broken.add(("period", f"{pid}:{unit}"))
    return model, problems


def _add_file(model: Model, source: Source, checked: Checked, csv: dict[str, CsvSeries]) -> list[Problem]:
    """Put one validated file into `model`; its problems, with those of its KPIs' CSV files."""
    parsed, found, index, salvage = checked
    problems = list(found)
    _add_salvage(model, source, salvage)
    if parsed is None or any(p.is_error for p in found):
        model.broken.add(_broken_key(source))
        if parsed is None:
            return problems
    if isinstance(parsed, Org):
        model.org, model.org_source = parsed, source
    elif isinstance(parsed, KpiFile):
        for i, kpi in zip(index, parsed.kpis):
            model.kpis.append((kpi, source, i))
            values, found = _kpi_values(kpi, source, i, csv)
            model.kpi_values.setdefault(kpi.id, values)
            problems += found
    else:
        model.periods.setdefault(source.period, {})[source.unit] = (parsed, source, index)
    return problems


def _gap_prefix(source: Source) -> str:
    return {"org": "org/", "kpis": "kpi/"}.get(source.kind) or f"{source.period}:{source.unit}/"


def _add_salvage(model: Model, source: Source, salvage: Salvage) -> None:
    prefix = _gap_prefix(source)
    model.gaps.update(prefix + gap for gap in salvage.gaps)
    model.partial.update(prefix + oid for oid in salvage.partial)
    model.positions.update(salvage.positions)


def validate_file(source: Source) -> Checked:
    """One file on its own: its model (None when unusable), its problems, where the objectives (or KPIs)
    kept are in the file, and what was left out.

    Depends on nothing but the source, so a rebuild may reuse it for the same Source (validate_goals()).
    """
    parsed, found = validate_source(source)
    salvage = Salvage()
    index = None
    if parsed is None:  # the errors are reported: keep what did validate, item by item
        parsed, index = SALVAGERS[source.kind](source.data, salvage)
    if parsed is None:
        salvage.gaps.add("*")
        return None, found, None, salvage
    if index is None and not isinstance(parsed, Org):
        index = list(range(len(parsed.kpis if isinstance(parsed, KpiFile) else parsed.objectives)))
    found += check_file(parsed, source, index, salvage)
    if isinstance(parsed, PeriodFile):
        parsed = sound_objectives(parsed, source, index, salvage)
    return parsed, found, index, salvage


def _broken_key(source: Source) -> tuple[str, str]:
    if source.kind == "period":
        return ("period", f"{source.period}:{source.unit}")
    return (source.kind, "" if source.kind == "org" else source.path)


def _kpi_values(kpi: Kpi, source: Source, i: int, csv: dict[str, CsvSeries]):
    """A KPI's readings with their locations: from `values:` or from its CSV file."""
    if kpi.data is None:
        return [(v, source.at("kpis", i, "values", j)) for j, v in enumerate(kpi.values)], []
    series = csv.get(kpi.data)
    if series is None:
        return [], []  # load.py reported why
    values, problems = [], []
    for line, date_text, value_text in series.rows:
        where = Location(series.path, line, 1)
        date = resolve_plain(date_text)
        number = resolve_plain(value_text)
        try:
            values.append((KpiValue(date=date, value=number), where))
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            column = 1 if err["loc"][0] == "date" else len(date_text) + 2
            problems.append(error(Location(series.path, line, column), "model.csv-value",
                                  f"{err['loc'][0]}: {error_message(err['type'], err, err.get('input'))}",
                                  "Each row is a date and a number: 2026-09-30,86.1"))
    return values, problems

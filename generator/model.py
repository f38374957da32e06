"""The typed goal model: pydantic models of FORMAT.md, and validation of Sources.

`validate_goals(goals)` turns located YAML into frozen models, mapping every
pydantic error back to its file:line:column. Checks that look at one file at a
time but at several fields at once (a metric's form, a check-in's range) live
here too; checks across files live in `resolve.py`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from .ids import PERIOD_PATTERN, PERIOD_RE, REF_PATTERN, REF_RE, SLUG_PATTERN, SLUG_RE
from .load import CsvSeries, Goals, Source, _type_name, resolve_plain
from .problems import Location, Problem, error

MAX_TEXT_CHARS = 500
"""Most characters of a one-line text: a title, a name, a label, a tag, a unit, a link, a check-in's
`blockers` and `next`, a KPI's `calculation` and `source`."""
MAX_MARKDOWN_CHARS = 20_000
"""Most characters of a Markdown text: a description, the company's mission, vision, purpose and
strategy, a check-in's `note`, a retrospective item. Longer text belongs in a linked document; the
bound also keeps the work of rendering one text small."""
DATE_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$(?!\n)"
"""A date YYYY-MM-DD in the JSON Schema (ECMA and Python read it alike, see ids.py); `format: date`
rejects the days a month lacks."""


# --- scalar types ------------------------------------------------------------------


def _got(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (dict, list)):
        return f"a {_type_name(value)}"
    if value is None:
        return "nothing"
    return f"{_type_name(value)} {_plain_number(value)}"


def _plain_number(value: Any) -> Any:
    """1.0 as 1: numbers are floats once validated, but the user wrote `weight: 0`, not 0.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(f"goalsite_{kind}", message, ctx or None)


def _written(value: Any) -> str | None:
    """A scalar as the user wrote it, where text is expected; None for what is no text (true, ~, a list).

    A number or a date is its text: `title: 2026` is "2026", `id: 007` is "007" (the loader keeps
    the text of a number Python would print otherwise, see load.WrittenInt).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if isinstance(value, (int, float)) else None


def _text(value: Any) -> str:
    text = _written(value)
    if text is None:
        raise _fail("text", "Expected text, got {got}", got=_got(value))
    return text


def _text_of_at_most(limit: int):
    """A validator of text no longer than `limit` characters."""

    def check(value: Any) -> str:
        text = _text(value)
        if len(text) > limit:
            raise _fail("too_long", "Expected at most {limit} characters, got {got}", limit=f"{limit:,}", got=f"{len(text):,}")
        return text

    return check


def _slug(value: Any) -> str:
    text = _written(value)  # `id: 2026` is the id "2026"
    if text is None or not SLUG_RE.match(text):
        raise _fail("id", "Expected an id of lowercase letters, digits and dashes, got {got}", got=_got(value))
    return text


MAX_MAGNITUDE = 1e15
"""Numbers beyond this are refused: no goal needs them, and sums of weights or
differences of bounds near the float limit overflow into silently wrong scores."""


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail("number", "Expected a number, got {got}", got=_got(value))
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the range of floats (10**400): as good as infinite
        raise _fail("finite", "Expected a finite number, got {got}", got="a number too large to use") from None
    if not math.isfinite(number):
        raise _fail("finite", "Expected a finite number, got {got}", got=str(value))
    if abs(number) > MAX_MAGNITUDE:
        raise _fail("magnitude", "Expected a number between -10^15 and 10^15, got {got}", got=f"{number:g}")
    return number


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _fail("date", "Expected a date (YYYY-MM-DD), got a date and time {got}", got=str(value))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:  # a quoted date, "2026-10-05", is still a date
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _fail("date", "Expected a real calendar date, got {got}", got=repr(value)) from None
    raise _fail("date", "Expected a date (YYYY-MM-DD), got {got}", got=_got(value))


def _whole(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("integer", "Expected a whole number, got {got}", got=_got(value))
    return int(value)  # a plain int, not the loader's WrittenInt


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("bool", "Expected true or false, got {got}", got=_got(value))
    return value


def _ref(value: Any) -> str:
    if not isinstance(value, str) or not REF_RE.match(value):
        raise _fail("ref", "Expected a reference UNIT/OBJECTIVE, UNIT/OBJECTIVE/KR or PERIOD:UNIT/OBJECTIVE[/KR], got {got}",
                    got=_got(value))
    return value


def _period(value: Any) -> str:
    text = _written(value)  # `period: 2026` is the year 2026
    if text is None or not PERIOD_RE.match(text):
        raise _fail("period", "Expected a period id YYYY, YYYY-HN or YYYY-QN, got {got}", got=_got(value))
    return text


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# The JSON Schema of each type says what its validator accepts, as an editor reads YAML (1.2 core: no
# dates, `007` is the number 7): text may be written as a number; an id or a period as a whole number.
_MARKDOWN = "Markdown; raw HTML is not rendered"
Text = Annotated[str, BeforeValidator(_text_of_at_most(MAX_TEXT_CHARS)),
                 WithJsonSchema({"type": ["string", "number"], "maxLength": MAX_TEXT_CHARS})]
ShortMarkdown = Annotated[str, BeforeValidator(_text_of_at_most(MAX_TEXT_CHARS)),
                          WithJsonSchema({"type": ["string", "number"], "maxLength": MAX_TEXT_CHARS, "description": _MARKDOWN})]
Markdown = Annotated[str, BeforeValidator(_text_of_at_most(MAX_MARKDOWN_CHARS)),
                     WithJsonSchema({"type": ["string", "number"], "maxLength": MAX_MARKDOWN_CHARS, "description": _MARKDOWN})]
Slug = Annotated[str, BeforeValidator(_slug),
                 WithJsonSchema({"type": ["string", "integer"], "pattern": SLUG_PATTERN, "minimum": 0, "maximum": 10**63 - 1})]
# Not NaN: YAML's `.nan` reaches an editor's validator, where NaN passes every bound (each comparison is false),
# but cannot be at least 1 and at most -1 at once as a real number can.
_NOT_NAN = {"not": {"minimum": 1, "maximum": -1}}
Number = Annotated[float, BeforeValidator(_number),
                   WithJsonSchema({"type": "number", "minimum": -int(MAX_MAGNITUDE), "maximum": int(MAX_MAGNITUDE), **_NOT_NAN})]
Day = Annotated[dt.date, BeforeValidator(_day), WithJsonSchema({"type": "string", "pattern": DATE_PATTERN, "format": "date"})]
Whole = Annotated[int, BeforeValidator(_whole), WithJsonSchema({"type": "integer"})]
Flag = Annotated[bool, BeforeValidator(_flag), WithJsonSchema({"type": "boolean"})]
Ref = Annotated[str, BeforeValidator(_ref), WithJsonSchema({"type": "string", "pattern": REF_PATTERN})]
PeriodId = Annotated[str, BeforeValidator(_period),
                     WithJsonSchema({"type": ["string", "integer"], "pattern": PERIOD_PATTERN, "minimum": 1000, "maximum": 9999})]
Refs = Annotated[list[Ref], BeforeValidator(_one_or_many),
                 WithJsonSchema({"anyOf": [{"type": "string", "pattern": REF_PATTERN},
                                           {"type": "array", "items": {"type": "string", "pattern": REF_PATTERN}}]})]
Visibility = Literal["public", "private"]


class _Model(BaseModel):
    # No populate_by_name: `from_:` in a goal file must be an unknown field, not a synonym of `from:`.
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- rules across the fields of one mapping, as JSON Schema says them (the checks below say them for goalsite) ---

_NULL = {"type": "null"}
_SET = {"not": _NULL}


def _exactly_one_form(*forms: tuple[str, ...]) -> dict[str, Any]:
    """JSON Schema: the fields of exactly one form are set (not null); those of the other forms are absent or null."""
    fields = [name for form in forms for name in form]
    return {"oneOf": [{"required": list(form), "properties": {name: _SET if name in form else _NULL for name in fields}}
                      for form in forms]}


_METRIC_OR_MILESTONE = {
    "if": {"required": ["milestone"], "properties": {"milestone": {"const": True}}},
    "then": {"properties": {"metric": _NULL, "checkins": {"items": {"properties": {"value": {"minimum": 0, "maximum": 1}}}}}},
    "else": {"required": ["metric"], "properties": {"metric": _SET}},
}
_VALUES_OR_DATA = {"if": {"required": ["values"], "properties": {"values": {"minItems": 1}}},
                   "then": {"properties": {"data": _NULL}}}


# --- org.yaml ------------------------------------------------------------------------


class Company(_Model):
    """The company: also the unit id of its own OKR files."""

    id: Slug
    name: Text
    mission: Optional[Markdown] = None
    vision: Optional[Markdown] = None
    purpose: Optional[Markdown] = None
    strategy: Optional[Markdown] = None


class Settings(_Model):
    """Company-wide settings; every key optional."""

    fiscal_year_start_month: Whole = Field(1, ge=1, le=12, description="Month the fiscal year starts in (1 = January)")
    checkin_every_days: Whole = Field(7, ge=1, description="A key result with no check-in for longer is stale")
    stretch_success: Number = Field(0.7, ge=0, le=1, description="Score that counts as success for an aspirational objective")


class Unit(_Model):
    """A department, team or any other unit of the org tree."""

    id: Slug
    name: Text
    kind: Text = Field("team", description="Free label: department, team, tribe, ...")
    parent: Optional[Slug] = Field(None, description="Parent unit id; defaults to the company")
    lead: Optional[Slug] = None
    description: Optional[Markdown] = None


class Person(_Model):
    """Someone who owns or collaborates on goals."""

    id: Slug
    name: Text
    unit: Slug
    title: Optional[Text] = None


class PeriodDates(_Model):
    """An override of one period's dates."""

    start: Day
    end: Day


class Org(_Model):
    """goals/org.yaml"""

    company: Company
    settings: Settings = Settings()
    units: list[Unit] = []
    people: list[Person] = []
    periods: dict[PeriodId, PeriodDates] = Field({}, json_schema_extra={"additionalProperties": False})


# --- period files ---------------------------------------------------------------------


class Metric(_Model):
    """What a key result measures: `unit` and exactly one form."""

    model_config = ConfigDict(json_schema_extra=_exactly_one_form(("from", "to"), ("keep_between",), ("keep_above",), ("keep_below",)))

    unit: Optional[Text] = Field(None, description="Display unit, e.g. % or logos; may be empty")
    from_: Optional[Number] = Field(None, alias="from", description="Baseline (with `to`)")
    to: Optional[Number] = Field(None, description="Target (with `from`): above from = increase, below = reduce")
    keep_between: Optional[tuple[Number, Number]] = Field(None, description="[low, high]: keep inside the range")
    keep_above: Optional[Number] = Field(None, description="Keep at or above this value")
    keep_below: Optional[Number] = Field(None, description="Keep at or below this value")

    @property
    def form(self) -> str:
        """"increase", "reduce", "keep_between", "keep_above" or "keep_below"."""
        if self.keep_between is not None:
            return "keep_between"
        if self.keep_above is not None:
            return "keep_above"
        if self.keep_below is not None:
            return "keep_below"
        return "increase" if (self.to or 0) > (self.from_ or 0) else "reduce"

    @property
    def is_keep(self) -> bool:
        return self.form.startswith("keep_")


class CheckIn(_Model):
    """A weekly check-in: progress, confidence, wins, blockers, next steps."""

    date: Day
    value: Number
    confidence: Optional[Whole] = Field(None, ge=1, le=10, description="1..10: how likely the target is reached")
    note: Optional[Markdown] = None
    blockers: Optional[ShortMarkdown] = None
    next: Optional[ShortMarkdown] = None


class KeyResult(_Model):
    """A measurable result that shows the objective was reached."""

    model_config = ConfigDict(json_schema_extra=_METRIC_OR_MILESTONE)

    id: Slug
    title: Text
    owner: Optional[Slug] = Field(None, description="Defaults to the objective's owner")
    weight: Number = Field(1.0, gt=0, description="Relative weight in the objective's score")
    metric: Optional[Metric] = None
    milestone: Flag = Field(False, description="No metric; check-in values are the fraction done, 0..1")
    due: Optional[Day] = None
    kpi: Optional[Slug] = Field(None, description="The KPI this key result moves")
    checkins: list[CheckIn] = []


class Initiative(_Model):
    """Work planned to move the key results."""

    title: Text
    owner: Optional[Slug] = None
    status: Literal["planned", "active", "done", "dropped"] = "planned"
    link: Optional[Text] = None
    key_results: list[Slug] = []


class Objective(_Model):
    """A qualitative, inspiring goal measured by its key results."""

    id: Slug
    title: Text
    description: Optional[Markdown] = None
    owner: Slug
    collaborators: list[Slug] = []
    kind: Literal["aspirational", "committed"] = "aspirational"
    aligns_to: Refs = []
    tags: list[Text] = []
    visibility: Optional[Visibility] = Field(None, description="Defaults to the file's visibility")
    rolled_over_from: Optional[Ref] = None
    score: Optional[Number] = Field(None, ge=0, le=1, description="Manual grade 0..1; overrides the computed score")
    key_results: list[KeyResult] = []
    initiatives: list[Initiative] = []


class Retrospective(_Model):
    """What a unit learned in a period."""

    went_well: list[Markdown] = []
    to_improve: list[Markdown] = []
    lessons: list[Markdown] = []


class PeriodFile(_Model):
    """goals/PERIOD/UNIT.yaml"""

    unit: Optional[Slug] = Field(None, description="When given, equals the file name")
    period: Optional[PeriodId] = Field(None, description="When given, equals the folder name")
    visibility: Visibility = "public"
    objectives: list[Objective] = []
    retrospective: Optional[Retrospective] = None


# --- KPIs -------------------------------------------------------------------------------


class KpiMetric(_Model):
    """A KPI's health threshold: a unit and one keep form."""

    model_config = ConfigDict(json_schema_extra=_exactly_one_form(("keep_between",), ("keep_above",), ("keep_below",)))

    unit: Optional[Text] = None
    keep_between: Optional[tuple[Number, Number]] = None
    keep_above: Optional[Number] = None
    keep_below: Optional[Number] = None


class KpiValue(_Model):
    """One reading of a KPI."""

    date: Day
    value: Number


class Kpi(_Model):
    """A health metric of the business, leading or lagging."""

    model_config = ConfigDict(json_schema_extra=_VALUES_OR_DATA)

    id: Slug
    name: Text
    description: Optional[Markdown] = None
    unit: Optional[Slug] = Field(None, description="Org unit that owns it")
    owner: Slug
    collaborators: list[Slug] = []
    indicator: Optional[Literal["leading", "lagging"]] = None
    predicts: list[Slug] = Field([], description="For a leading KPI: the KPIs it predicts")
    calculation: Optional[Text] = None
    source: Optional[Text] = None
    informed: list[Slug] = Field([], description="Unit or person ids who follow it")
    update_every_days: Optional[Whole] = Field(None, ge=1)
    visibility: Visibility = "public"
    metric: Optional[KpiMetric] = None
    values: list[KpiValue] = []
    data: Optional[Text] = Field(None, description="A CSV file with header date,value, relative to the goals folder")


class KpiFile(_Model):
    """goals/kpis.yaml or goals/kpis/*.yaml"""

    kpis: list[Kpi] = []


# --- validation ----------------------------------------------------------------------------

_FILE_MODELS: dict[str, type[_Model]] = {"org": Org, "kpis": KpiFile, "period": PeriodFile}


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
        return _places(self.positions, parent, name)


def _places(positions: dict, parent: Any, name: str) -> Any:
    kept = positions.get((id(parent), name))
    return kept[1] if kept is not None and kept[0] is parent else range(len(getattr(parent, name)))


def validate_goals(goals: Goals) -> tuple[Model, list[Problem]]:
    """Validate every loaded source; problems of all files, none raised.

    A file that fails validation is kept with the parts that did validate (see `Salvage`), so that
    the later stages report their problems in the same run and `goalsite diff` compares them.
    """
    model = Model()
    problems: list[Problem] = []
    for source in goals.sources():
        if source.data is None:
            model.broken.add(_broken_key(source))
            model.gaps.add(_gap_prefix(source) + "*")
            continue
        if source.validated is None:
            source.validated = _validate_one(source)
        parsed, found, index, salvage = source.validated
        problems += found
        _add_salvage(model, source, salvage)
        if parsed is None or any(p.is_error for p in found):
            model.broken.add(_broken_key(source))
            if parsed is None:
                continue
        if isinstance(parsed, Org):
            model.org, model.org_source = parsed, source
        elif isinstance(parsed, KpiFile):
            for i, kpi in zip(index, parsed.kpis):
                model.kpis.append((kpi, source, i))
                values, found = _kpi_values(kpi, source, i, goals.csv)
                model.kpi_values.setdefault(kpi.id, values)
                problems += found
        else:
            model.periods.setdefault(source.period, {})[source.unit] = (parsed, source, index)
    for pid, files in goals.periods.items():
        model.periods.setdefault(pid, {})
        for unit, source in files.items():
            if source.data is None:
                model.broken.add(("period", f"{pid}:{unit}"))
    return model, problems


@dataclass
class Salvage:
    """What validation left out of one file, kept with its Source.

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
        return _places(self.positions, parent, name)


def _gap_prefix(source: Source) -> str:
    return {"org": "org/", "kpis": "kpi/"}.get(source.kind) or f"{source.period}:{source.unit}/"


def _add_salvage(model: Model, source: Source, salvage: "Salvage") -> None:
    prefix = _gap_prefix(source)
    model.gaps.update(prefix + gap for gap in salvage.gaps)
    model.partial.update(prefix + oid for oid in salvage.partial)
    model.positions.update(salvage.positions)


def _validate_one(source: Source) -> tuple[_Model | None, list[Problem], list[int] | None, Salvage]:
    """One file on its own: its model (None when unusable), its problems, where the objectives (or KPIs)
    kept are in the file, and what was left out.

    Depends on nothing but the source, so load.py's memoised Sources keep the result.
    """
    parsed, found = validate_source(source)
    salvage = Salvage()
    index = None
    if parsed is None:  # the errors are reported: keep what did validate, item by item
        parsed, index = _SALVAGERS[source.kind](source.data, salvage)
    if parsed is None:
        salvage.gaps.add("*")
        return None, found, None, salvage
    if index is None and not isinstance(parsed, Org):
        index = list(range(len(parsed.kpis if isinstance(parsed, KpiFile) else parsed.objectives)))
    found += _check_source(parsed, source, index, salvage)
    if isinstance(parsed, PeriodFile):
        parsed = _sound_objectives(parsed, source, index, salvage)
    return parsed, found, index, salvage


def _raw_id(item: Any) -> str:
    """The id an item that failed validation was written with, or "*" when it has no readable one."""
    value = item.get("id") if isinstance(item, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and SLUG_RE.match(value) else "*"


def _each(cls: type[_Model], items: Any, salvage: Salvage) -> tuple[list, list[int]]:
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


_SALVAGERS = {"org": _salvage_org, "kpis": _salvage_kpis, "period": _salvage_period}


def _broken_key(source: Source) -> tuple[str, str]:
    if source.kind == "period":
        return ("period", f"{source.period}:{source.unit}")
    return (source.kind, "" if source.kind == "org" else source.path)


def validate_source(source: Source) -> tuple[_Model | None, list[Problem]]:
    """One source against its pydantic model; every error located."""
    cls = _FILE_MODELS[source.kind]
    try:
        return cls.model_validate(source.data), []
    except ValidationError as exc:
        return None, [_problem(source, cls, err) for err in exc.errors(include_url=False)]


def _problem(source: Source, cls: type[_Model], err: dict) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    name = _printable(str(loc[-1])) if loc else ""
    value = err.get("input")
    hint = None
    if kind == "missing" and loc and isinstance(loc[-1], int):  # a fixed-length list (keep_between) too short
        where = source.at(*loc[:-1])
        message = f"Expected an item at position {loc[-1] + 1}, got a list of {loc[-1]}"
        hint = "keep_between takes two numbers: [low, high]." if "keep_between" in loc else None
    elif kind == "missing":
        message = f"Expected the field '{name}', got none"
        where = source.at(*loc[:-1])
        hint = f"Add `{name}:` here."
    elif kind == "extra_forbidden":
        where = source.at(*loc, key=True)
        allowed = _allowed_fields(cls, loc[:-1])
        message = f"Expected one of the fields {', '.join(allowed)}; got the unknown field '{name}'"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"Did you mean '{close[0]}'?" if close else "Remove it, or check its indentation."
        if name == "<<":
            hint = "YAML merge keys (<<) are not supported: write the fields out."
    else:
        # A mapping key that is no valid period id (`periods: {2026-Q5: ...}`): pydantic says `[key]`.
        where = source.at(*loc[:-1], key=True) if loc and loc[-1] == "[key]" else source.at(*loc)
        message = _message(kind, err, value)
        hint = _HINTS.get(kind)
    field_name = ".".join(_printable(p) for p in loc if isinstance(p, str) and p != "[key]") or "file"
    return error(where, f"model.{_CODES.get(kind, 'type')}", f"{field_name}: {message}", hint)


def _printable(name: str) -> str:
    """A field name as a message shows it: a YAML key may hold any character, a message is one line."""
    return name if name.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


_CODES = {
    "missing": "missing-field", "extra_forbidden": "unknown-field", "goalsite_id": "bad-id",
    "goalsite_finite": "not-finite", "goalsite_magnitude": "out-of-range", "goalsite_date": "bad-date", "goalsite_ref": "bad-reference",
    "goalsite_period": "bad-period", "goalsite_too_long": "too-long", "literal_error": "bad-choice", "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range", "greater_than": "out-of-range", "less_than": "out-of-range",
}
_HINTS = {
    "goalsite_id": "Ids are lowercase letters, digits and dashes, e.g. sales-emea.",
    "goalsite_finite": "Write a real number; .inf and .nan are not values a goal can reach.",
    "goalsite_magnitude": "Use a larger unit instead: 2.5 with unit \"M EUR\" rather than 2500000000000000.",
    "goalsite_date": "Write dates as YYYY-MM-DD, e.g. 2026-10-05.",
    "goalsite_text": "Quote it: title: \"...\"",
    "goalsite_number": "Write a plain number without quotes or units, e.g. 25 or 2.4.",
    "goalsite_too_long": "Keep it short here and move the long text to a linked document (a wiki page, say).",
    "goalsite_ref": "For example sales/win-dach, sales/win-dach/new-logos or 2026:acme/grow-revenue.",
    "dict_type": "Indent the fields under this key.",
    "model_type": "Indent the fields under this key.",
    "list_type": "Write a list: one `- item` per line, or [a, b].",
}


def _message(kind: str, err: dict, value: Any) -> str:
    ctx = err.get("ctx") or {}
    if kind.startswith("goalsite_"):
        return err["msg"]
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"Expected a mapping of fields, got {_got(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"Expected a list, got {_got(value)}"
    if kind == "literal_error":
        return f"Expected one of {ctx.get('expected', '')}, got {_got(value)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        limit = _plain_number(next(iter(ctx.values()), ""))
        return f"Expected a value {bound} {limit}, got {_got(value)}"
    if kind in ("too_short", "too_long"):
        return f"Expected {ctx.get('min_length', ctx.get('max_length'))} items, got {ctx.get('actual_length')}"
    return f"Expected a valid value, got {_got(value)} ({err['msg']})"


def _allowed_fields(cls: type[_Model], loc: tuple) -> list[str]:
    """The field names of the model found at `loc` inside `cls`."""
    model: Any = cls
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        model = _inner_model(info.annotation) if info else None
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# --- checks across fields of one file ----------------------------------------------------------


def _check_source(parsed: _Model, source: Source, index: Any = None, salvage: Salvage | None = None) -> list[Problem]:
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
                yield _unknown(source.at("objectives", o, "initiatives", i, "key_results", j), "key result", ref, known,
                               "initiatives name key results of their own objective.")


def _key_result_ids(obj: Objective, salvage: Salvage) -> set[str]:
    """The ids of an objective's key results, those left out for their errors too ("*" for one without an id)."""
    prefix = f"{obj.id}/"
    return {kr.id for kr in obj.key_results} | {g[len(prefix):] for g in salvage.gaps if g.startswith(prefix)}


def _sound_objectives(pf: PeriodFile, source: Source, index: Any, salvage: Salvage) -> PeriodFile:
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
                                  f"{err['loc'][0]}: {_message(err['type'], err, err.get('input'))}",
                                  "Each row is a date and a number: 2026-09-30,86.1"))
    return values, problems


def _duplicates(ids: list[str], source: Source, path: tuple, what: str, index: list[int] | None = None):
    seen: dict[str, int] = {}
    for i, item in zip(index or range(len(ids)), ids):
        if item in seen:
            yield error(source.at(*path, i, "id"), "model.duplicate-id",
                        f"id: Expected each {what} id once, got {item!r} again (first on line {source.at(*path, seen[item], 'id').line})",
                        f"Give this {what} an id of its own.")
        else:
            seen[item] = i


def _unknown(where: Location, what: str, name: str, known: Any, hint: str | None = None) -> Problem:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        hint = f"Did you mean {close[0]!r}?"
    return error(where, f"resolve.unknown-{what.lower().replace(' ', '-')}", f"Expected a known {what}, got {name!r}", hint)

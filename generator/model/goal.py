"""A period file (goals/PERIOD/UNIT.yaml): objectives, their key results, metrics, check-ins and initiatives."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import ConfigDict, Field

from .fields import (NULL, SET, Day, Flag, Markdown, Number, PeriodId, Ref, Refs, ShortMarkdown, Slug, StrictModel,
                     Text, Visibility, Whole, exactly_one_form)

# A key result is a milestone (check-ins 0..1, no metric) or has a metric, as JSON Schema says it.
_METRIC_OR_MILESTONE = {
    "if": {"required": ["milestone"], "properties": {"milestone": {"const": True}}},
    "then": {"properties": {"metric": NULL, "checkins": {"items": {"properties": {"value": {"minimum": 0, "maximum": 1}}}}}},
    "else": {"required": ["metric"], "properties": {"metric": SET}},
}


class Metric(StrictModel):
    """What a key result measures: `unit` and exactly one form."""

    model_config = ConfigDict(json_schema_extra=exactly_one_form(("from", "to"), ("keep_between",), ("keep_above",), ("keep_below",)))

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


class CheckIn(StrictModel):
    """A weekly check-in: progress, confidence, wins, blockers, next steps."""

    date: Day
    value: Number
    confidence: Optional[Whole] = Field(None, ge=1, le=10, description="1..10: how likely the target is reached")
    note: Optional[Markdown] = None
    blockers: Optional[ShortMarkdown] = None
    next: Optional[ShortMarkdown] = None


class KeyResult(StrictModel):
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


class Initiative(StrictModel):
    """Work planned to move the key results."""

    title: Text
    owner: Optional[Slug] = None
    status: Literal["planned", "active", "done", "dropped"] = "planned"
    link: Optional[Text] = None
    key_results: list[Slug] = []


class Objective(StrictModel):
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


class Retrospective(StrictModel):
    """What a unit learned in a period."""

    went_well: list[Markdown] = []
    to_improve: list[Markdown] = []
    lessons: list[Markdown] = []


class PeriodFile(StrictModel):
    """goals/PERIOD/UNIT.yaml"""

    unit: Optional[Slug] = Field(None, description="When given, equals the file name")
    period: Optional[PeriodId] = Field(None, description="When given, equals the folder name")
    visibility: Visibility = "public"
    objectives: list[Objective] = []
    retrospective: Optional[Retrospective] = None

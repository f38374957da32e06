"""The KPI files (goals/kpis.yaml, goals/kpis/*.yaml): health metrics, their thresholds and readings."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import ConfigDict, Field

from .fields import NULL, Day, Markdown, Number, Slug, StrictModel, Text, Visibility, Whole, exactly_one_form

# A KPI's readings are `values:` or a CSV file (`data:`), not both, as JSON Schema says it.
_VALUES_OR_DATA = {"if": {"required": ["values"], "properties": {"values": {"minItems": 1}}},
                   "then": {"properties": {"data": NULL}}}


class KpiMetric(StrictModel):
    """A KPI's health threshold: a unit and one keep form."""

    model_config = ConfigDict(json_schema_extra=exactly_one_form(("keep_between",), ("keep_above",), ("keep_below",)))

    unit: Optional[Text] = None
    keep_between: Optional[tuple[Number, Number]] = None
    keep_above: Optional[Number] = None
    keep_below: Optional[Number] = None


class KpiValue(StrictModel):
    """One reading of a KPI."""

    date: Day
    value: Number


class Kpi(StrictModel):
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


class KpiFile(StrictModel):
    """goals/kpis.yaml or goals/kpis/*.yaml"""

    kpis: list[Kpi] = []

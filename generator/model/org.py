"""goals/org.yaml: the company, its settings, the org tree of units, the people, and period dates."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from .fields import Day, Markdown, Number, PeriodId, Slug, StrictModel, Text, Whole


class Company(StrictModel):
    """The company: also the unit id of its own OKR files."""

    id: Slug
    name: Text
    mission: Optional[Markdown] = None
    vision: Optional[Markdown] = None
    purpose: Optional[Markdown] = None
    strategy: Optional[Markdown] = None


class Settings(StrictModel):
    """Company-wide settings; every key optional."""

    fiscal_year_start_month: Whole = Field(1, ge=1, le=12, description="Month the fiscal year starts in (1 = January)")
    checkin_every_days: Whole = Field(7, ge=1, description="A key result with no check-in for longer is stale")
    stretch_success: Number = Field(0.7, ge=0, le=1, description="Score that counts as success for an aspirational objective")


class Unit(StrictModel):
    """A department, team or any other unit of the org tree."""

    id: Slug
    name: Text
    kind: Text = Field("team", description="Free label: department, team, tribe, ...")
    parent: Optional[Slug] = Field(None, description="Parent unit id; defaults to the company")
    lead: Optional[Slug] = None
    description: Optional[Markdown] = None


class Person(StrictModel):
    """Someone who owns or collaborates on goals."""

    id: Slug
    name: Text
    unit: Slug
    title: Optional[Text] = None


class PeriodDates(StrictModel):
    """An override of one period's dates."""

    start: Day
    end: Day


class Org(StrictModel):
    """goals/org.yaml"""

    company: Company
    settings: Settings = Settings()
    units: list[Unit] = []
    people: list[Person] = []
    periods: dict[PeriodId, PeriodDates] = Field({}, json_schema_extra={"additionalProperties": False})

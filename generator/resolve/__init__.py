"""Ids become objects: the org tree, people, KPIs, periods and the alignment graph.

`resolve_portal(model, today)` links the validated files into a `Portal` and
reports every reference that leads nowhere, every loop (naming all of its
members) and every date outside its period, as Problems. One job a module:

- nodes.py: the classes of the linked graph (`Portal`, `ObjectiveNode`, ...);
- portal.py: `resolve_portal()`, the steps in order, and the state of one resolution;
- org.py, kpis.py, calendar.py, goals.py, alignment.py: the steps, in that order.
"""

from __future__ import annotations

from .alignment import full_ref
from .calendar import PERIOD_KINDS, period_dates
from .nodes import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Period, Person, Portal, UnitPeriod
from .portal import resolve_portal

__all__ = [
    "PERIOD_KINDS", "KeyResultNode", "KpiNode", "ObjectiveNode", "OrgUnit", "Period", "Person", "Portal",
    "UnitPeriod", "full_ref", "period_dates", "resolve_portal",
]

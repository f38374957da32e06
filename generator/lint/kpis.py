"""Rules on KPIs: what a leading one predicts, health thresholds, readings kept up to date."""

from __future__ import annotations

from .base import Rule


class LeadingKpiPredictsNothing(Rule):
    ID = "leading-kpi-predicts-nothing"
    SUMMARY = "A leading KPI names no KPI it predicts."
    WHY = "A leading indicator earns its place by predicting a lagging one; say which."
    PER_OBJECTIVE = False

    def check(self, live):
        for kpi in live.portal.kpis.values():
            if kpi.kpi.indicator == "leading" and not kpi.kpi.predicts:  # as written: a KPI it names may have errors
                yield self.warn(kpi, f"Leading KPI '{kpi.id}' predicts no KPI",
                                "Add predicts: [LAGGING-KPI-ID].")


class KpiNoThreshold(Rule):
    ID = "kpi-no-threshold"
    SUMMARY = "A KPI has no health threshold."
    WHY = "Without a threshold nobody can tell when a KPI turns unhealthy and needs an OKR."
    PER_OBJECTIVE = False

    def check(self, live):
        for kpi in live.portal.kpis.values():
            if kpi.kpi.metric is None:
                yield self.warn(kpi, f"KPI '{kpi.id}' has no threshold",
                                "Add metric: {unit: ..., keep_above: X} (or keep_below, keep_between).")


class KpiStale(Rule):
    ID = "kpi-stale"
    SUMMARY = "A KPI has no value within its `update_every_days`."
    WHY = "A health metric that is not kept up to date cannot warn anyone."
    PER_OBJECTIVE = False
    DATE_DRIVEN = True

    def check(self, live):
        for kpi in live.portal.kpis.values():
            fact = live.scores.kpis[kpi.id]
            if fact.stale:
                since = f"since {fact.latest_date}" if fact.latest_date else "yet"
                yield self.warn(kpi, f"KPI '{kpi.id}' has no value {since} (update_every_days: {kpi.kpi.update_every_days})",
                                f"Add the latest reading from: {kpi.kpi.source or 'its source'}.")

"""Rules on key results: check-ins, metric units, confidence, how many one person owns."""

from __future__ import annotations

from collections import Counter

from .base import Rule

MAX_OWNED_KEY_RESULTS = 8
LOW_CONFIDENCE = 4


class StaleCheckin(Rule):
    ID = "stale-checkin"
    SUMMARY = "A key result of the running period has no check-in within `checkin_every_days`."
    WHY = "FAST goals are frequently discussed: a weekly check-in keeps progress, confidence and blockers visible."
    DATE_DRIVEN = True

    def objective(self, obj, live):
        for kr in obj.key_results:
            fact = live.scores.key_results[kr.ref]
            if not fact.stale:
                continue
            since = f"since {fact.last_update}" if fact.last_update else "since the period started"
            if kr.from_kpi:
                every = kr.kpi.kpi.update_every_days or live.portal.settings.checkin_every_days
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' takes its values from KPI '{kr.kpi.id}', "
                                    f"which has had no new value {since} (more than {every} days)",
                                "Add the KPI's latest reading to its values, or check in on the key result itself.")
            else:
                every = live.portal.settings.checkin_every_days
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' has had no check-in {since} (more than {every} days)",
                                "Add a check-in under its checkins: with date, value, confidence and a note.")


class MetricNoUnit(Rule):
    ID = "metric-no-unit"
    SUMMARY = "A key result's metric has no unit."
    WHY = "\"25\" means nothing to a reader; \"25 logos\" or \"25 %\" is specific."

    def objective(self, obj, live):
        for kr in obj.key_results:
            if kr.kr.metric is not None and not (kr.kr.metric.unit or "").strip():
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' has a metric with no unit",
                                "Add unit: to the metric, e.g. unit: \"%\" or unit: customers.")

class OwnerOverloaded(Rule):
    ID = "owner-overloaded"
    SUMMARY = f"A person owns more than {MAX_OWNED_KEY_RESULTS} key results in one period."
    WHY = "Ownership means attention; nobody can push that many results forward at once."
    PER_OBJECTIVE = False

    def check(self, live):
        for period in live.periods:
            krs = [kr for up in period.files.values() for o in up.objectives for kr in o.key_results if kr.owner]
            counts = Counter(kr.owner.id for kr in krs)
            for person, n in sorted(counts.items()):
                if n > MAX_OWNED_KEY_RESULTS:
                    first = next(kr for kr in krs if kr.owner.id == person)
                    yield self.warn(first, f"{person} owns {n} key results in {period.id}; expected at most {MAX_OWNED_KEY_RESULTS}",
                                    "Share ownership with collaborators, or drop the least important results.")

class LowConfidenceNoBlockers(Rule):
    ID = "low-confidence-no-blockers"
    SUMMARY = f"The latest check-in has a confidence of {LOW_CONFIDENCE} or less and names no blockers."
    WHY = "Transparency: when confidence drops, saying what blocks the result is how others can help."

    def objective(self, obj, live):
        for kr in obj.key_results:
            if kr.from_kpi or live.scores.today > kr.objective.period.end:
                continue
            latest = live.scores.key_results[kr.ref].latest
            if latest is not None and latest.confidence is not None and latest.confidence <= LOW_CONFIDENCE and not latest.blockers:
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' has confidence {latest.confidence} on {latest.date} and no blockers",
                                "Add blockers: to that check-in, saying what stands in the way.")

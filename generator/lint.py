"""Advice on goals: the SMART and FAST checks an OKR coach would raise.

Each rule is a small class with an `ID` (kebab-case; its problem code is
`lint.<ID>`), a one-line `SUMMARY`, a `WHY` for the docs, and `objective()`,
which yields the warnings about one objective and its key results, or, for a
rule that compares goals with each other, `check()` over all of them (`Live`
gathers what the rules look at, once for all of them). Rules on objectives and
key results look only at running and upcoming periods: a closed period is
frozen history, and advice on it could never be acted on. KPI rules look at
every KPI, private ones too: `goalsite check` is read by the people who write the
goals, never published.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from .problems import Problem, warning
from .resolve import KeyResultNode, ObjectiveNode, Portal
from .score import Scores

MAX_KEY_RESULTS = 5
MAX_OBJECTIVES = 5
MAX_OWNED_KEY_RESULTS = 8
LOW_CONFIDENCE = 4


class Rule:
    """A lint rule: subclasses set ID, SUMMARY, WHY and implement objective(), or check() and
    PER_OBJECTIVE = False for a rule that compares goals with each other."""

    ID = ""
    SUMMARY = ""
    WHY = ""

    def check(self, live: "Live") -> Iterator[Problem]:
        """A rule that compares goals with each other (PER_OBJECTIVE = False): its warnings."""
        raise NotImplementedError

    def objective(self, obj: ObjectiveNode, live: "Live") -> Iterator[Problem]:
        """A rule on one objective and its key results: its warnings, from what `_inputs()` holds of it."""
        raise NotImplementedError

    #: Whether the rule looks at one objective at a time (objective()) rather than the whole portal (check()).
    PER_OBJECTIVE = True

    def warn(self, node, message: str, hint: str | None = None) -> Problem:
        return warning(node.location, f"lint.{self.ID}", message, hint)


class Live:
    """What the rules look at: the portal, its scores, and the periods not closed yet with their goals."""

    def __init__(self, portal: Portal, scores: Scores) -> None:
        self.portal = portal
        self.scores = scores
        self.periods = [p for p in portal.periods.values() if p.state(scores.today) != "closed"]
        self.objectives: list[ObjectiveNode] = [o for p in self.periods for up in p.files.values() for o in up.objectives
                                                if portal.objectives[o.ref] is o  # not a duplicate id
                                                and o.ref not in portal.incomplete]  # parts of it had errors


class NoKeyResults(Rule):
    ID = "no-key-results"
    SUMMARY = "An objective has no key results."
    WHY = "Without key results nobody can tell whether the objective was reached (SMART: measurable)."

    def objective(self, obj, live):
        if not obj.key_results:
            yield self.warn(obj, f"Objective '{obj.id}' has no key results",
                            "Add 1 to 4 key results that show, in numbers, that the objective was reached.")


class TooManyKeyResults(Rule):
    ID = "too-many-key-results"
    SUMMARY = f"An objective has more than {MAX_KEY_RESULTS} key results."
    WHY = "Focus: more than a handful of key results dilutes attention; most OKR guides advise 1 to 4."

    def objective(self, obj, live):
        if len(obj.key_results) > MAX_KEY_RESULTS:
            yield self.warn(obj, f"Objective '{obj.id}' has {len(obj.key_results)} key results; expected at most {MAX_KEY_RESULTS}",
                            "Keep the 3 or 4 that matter most; move the rest to initiatives or to a KPI.")


class TooManyObjectives(Rule):
    ID = "too-many-objectives"
    SUMMARY = f"A unit has more than {MAX_OBJECTIVES} objectives in a period."
    WHY = "A team that chases everything achieves little; focus is the first promise of OKRs."
    PER_OBJECTIVE = False

    def check(self, live):
        for period in live.periods:
            for up in period.files.values():
                if len(up.objectives) > MAX_OBJECTIVES:
                    yield self.warn(up.objectives[MAX_OBJECTIVES],
                                    f"Unit '{up.unit.id}' has {len(up.objectives)} objectives in {period.id}; expected at most {MAX_OBJECTIVES}",
                                    "Pick the few that matter most this period.")


class StaleCheckin(Rule):
    ID = "stale-checkin"
    SUMMARY = "A key result of the running period has no check-in within `checkin_every_days`."
    WHY = "FAST goals are frequently discussed: a weekly check-in keeps progress, confidence and blockers visible."

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
                                f"Add the KPI's latest reading to its values, or check in on the key result itself.")
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


class Unaligned(Rule):
    ID = "unaligned"
    SUMMARY = "A team objective aligns to nothing."
    WHY = "Alignment shows how a team's work adds up to the company's goals; an unaligned objective may be a side quest."

    def objective(self, obj, live):
        if not obj.unit.is_company and not obj.obj.aligns_to:
            yield self.warn(obj, f"Objective '{obj.id}' of {obj.unit.id} aligns to nothing",
                            "Add aligns_to: with the parent objective or key result it supports, e.g. aligns_to: acme/grow-revenue.")


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


_PERCENT_OR_MONEY = re.compile(r"\d\s*%|[$€£¥]\s*\d|\d\s*[kKmM]\b")
_DIGIT = re.compile(r"\d")


class ObjectiveLooksLikeKeyResult(Rule):
    ID = "objective-looks-like-kr"
    SUMMARY = "An objective's title holds a target (a percentage or an amount)."
    WHY = "Objectives say where to go and why, in words that inspire; the numbers belong in the key results."

    def objective(self, obj, live):
        if _PERCENT_OR_MONEY.search(obj.obj.title):
            yield self.warn(obj, f"Objective '{obj.id}' has a target in its title: {obj.obj.title!r}",
                            "Say what you want to achieve and why in the title; move the number into a key result.")


class KeyResultNoNumber(Rule):
    ID = "kr-vague-title"
    SUMMARY = "A measured key result's title names no number."
    WHY = "SMART: a reader of the title alone should know the target (\"from 85% to 92%\")."

    def objective(self, obj, live):
        for kr in obj.key_results:
            if kr.kr.metric is not None and not _DIGIT.search(kr.kr.title):
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' names no number in its title",
                                "State the target in the title, e.g. \"Raise NPS from 31 to 45\".")


class AllMilestones(Rule):
    ID = "all-milestones"
    SUMMARY = "Every key result of an objective is a milestone."
    WHY = "Milestones measure output (we shipped it), not outcome (it made a difference); keep at least one measured result."

    def objective(self, obj, live):
        if len(obj.key_results) > 1 and all(kr.kr.milestone for kr in obj.key_results):
            yield self.warn(obj, f"Every key result of '{obj.id}' is a milestone",
                            "Add a key result that measures the outcome the milestones should bring about.")


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

    def check(self, live):
        for kpi in live.portal.kpis.values():
            fact = live.scores.kpis[kpi.id]
            if fact.stale:
                since = f"since {fact.latest_date}" if fact.latest_date else "yet"
                yield self.warn(kpi, f"KPI '{kpi.id}' has no value {since} (update_every_days: {kpi.kpi.update_every_days})",
                                f"Add the latest reading from: {kpi.kpi.source or 'its source'}.")


RULES: dict[str, type[Rule]] = {
    rule.ID: rule
    for rule in (
        NoKeyResults, TooManyKeyResults, TooManyObjectives, StaleCheckin, MetricNoUnit, Unaligned,
        OwnerOverloaded, ObjectiveLooksLikeKeyResult, KeyResultNoNumber, AllMilestones,
        LowConfidenceNoBlockers, LeadingKpiPredictsNothing, KpiNoThreshold, KpiStale,
    )
}


def lint_portal(portal: Portal, scores: Scores) -> list[Problem]:
    """Every rule's warnings.

    An objective whose inputs (`_inputs`) are those of the last call of this process keeps the warnings
    the rules on one objective gave it then: after one goal edit, `goalsite serve` lints again only the
    objectives the edit changed (and the rules that compare goals with each other, in full).
    """
    global _last, last_reused
    live = Live(portal, scores)
    rules = [rule() for rule in RULES.values()]
    out = [p for rule in rules if not rule.PER_OBJECTIVE for p in rule.check(live)]
    per_objective = [rule for rule in rules if rule.PER_OBJECTIVE]
    context = (scores.today, portal.settings.checkin_every_days)
    last = _last[1] if _last[0] == context else {}
    kept: dict[str, tuple] = {}
    reused = 0
    for obj in live.objectives:
        source, inputs = _inputs(obj, scores)
        entry = last.get(obj.ref)
        if entry is not None and entry[0] is source and entry[1] == inputs:
            found = entry[2]
            reused += 1
        else:
            found = [p for rule in per_objective for p in rule.objective(obj, live)]
        kept[obj.ref] = (source, inputs, found)
        out += found
    _last, last_reused = (context, kept), reused
    return out


#: (context, {objective ref: (its Source, inputs, warnings)}) of the last lint_portal() of this process.
_last: tuple[tuple | None, dict[str, tuple]] = (None, {})
last_reused = 0
"""How many objectives the last lint_portal() took the warnings of from the one before (for tests)."""


def _inputs(obj: ObjectiveNode, scores: Scores) -> tuple[object, tuple]:
    """(the objective's file as load.py read it, everything else its warnings depend on besides the context).

    The file is compared by identity: load.py keeps the Source of an unchanged file, and only the same
    Source gives the same lines to the warnings. The models and the scores of an unchanged objective
    are the same objects as last time too (load.py, score.py), so the comparison is mostly `is`.
    """
    where = obj.where
    source = where[0] if isinstance(where, tuple) else where
    return source, (obj.obj, where[1] if isinstance(where, tuple) else None, obj.unit.is_company,
                    obj.period.start, obj.period.end,
                    tuple((kr.kr, scores.key_results[kr.ref], kr.from_kpi, kr.kpi.id if kr.kpi else None,
                           kr.kpi.kpi.update_every_days if kr.kpi else None) for kr in obj.key_results))

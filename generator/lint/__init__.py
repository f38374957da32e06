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

from ..problems import Problem
from ..resolve import ObjectiveNode, Portal
from ..score import Scores
from ..speed.memo import Memo
from .base import Live, Rule
from .key_results import (LOW_CONFIDENCE, MAX_OWNED_KEY_RESULTS, LowConfidenceNoBlockers, MetricNoUnit, OwnerOverloaded,
                          StaleCheckin)
from .kpis import KpiNoThreshold, KpiStale, LeadingKpiPredictsNothing
from .objectives import (MAX_KEY_RESULTS, MAX_OBJECTIVES, AllMilestones, NoKeyResults, TooManyKeyResults, TooManyObjectives,
                         Unaligned)
from .titles import (KeyResultNoNumber, KeyResultTitleContradictsMetric, ObjectiveLooksLikeKeyResult, TitleClaim, TitleNumber,
                     read_title, title_numbers)

__all__ = [
    "RULES", "Live", "Rule", "lint_portal", "read_title", "title_numbers", "TitleClaim", "TitleNumber",
    "MAX_KEY_RESULTS", "MAX_OBJECTIVES", "MAX_OWNED_KEY_RESULTS", "LOW_CONFIDENCE",
]

RULES: dict[str, type[Rule]] = {
    rule.ID: rule
    for rule in (
        NoKeyResults, TooManyKeyResults, TooManyObjectives, StaleCheckin, MetricNoUnit, Unaligned,
        OwnerOverloaded, ObjectiveLooksLikeKeyResult, KeyResultNoNumber, AllMilestones,
        LowConfidenceNoBlockers, LeadingKpiPredictsNothing, KpiNoThreshold, KpiStale,
        KeyResultTitleContradictsMetric,
    )
}


def lint_portal(portal: Portal, scores: Scores, memo: Memo | None = None) -> list[Problem]:
    """Every rule's warnings.

    With the `memo` of a rebuilding shell, an objective whose inputs (`_inputs`) are those of the last
    build keeps the warnings the rules on one objective gave it then: after one goal edit, `goalsite
    serve` lints again only the objectives the edit changed (and the rules that compare goals with each
    other, in full; `memo.stats("lint")` counts the objectives kept).
    """
    live = Live(portal, scores)
    rules = [rule() for rule in RULES.values()]
    out = [p for rule in rules if not rule.PER_OBJECTIVE for p in rule.check(live)]
    per_objective = [rule for rule in rules if rule.PER_OBJECTIVE]
    table = (memo or Memo.none()).table("lint", (scores.today, portal.settings.checkin_every_days))
    for obj in live.objectives:
        out += table.lookup(obj.ref, _inputs(obj, scores),
                            lambda obj=obj: [p for rule in per_objective for p in rule.objective(obj, live)], _same)
    return out


def _same(old: tuple, new: tuple) -> bool:
    """The same file (by identity: see _inputs) and equal other inputs."""
    return old[0] is new[0] and old[1] == new[1]


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

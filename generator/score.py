"""Pure scoring: progress, scores, status, staleness and health as of `today`.

Nothing here reads files or the clock. The rules are written out in
site_src/guide/scoring.md; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import fmean as mean  # fsum / n: statistics.mean sums exact fractions, far slower

from .model import CheckIn, Metric
from .resolve import KeyResultNode, KpiNode, ObjectiveNode, Period, Portal
from .speed.memo import Memo

OFF_TRACK_GAP = 0.25
"""Progress this far behind the expected pace is off track."""
AT_RISK_GAP = 0.10
"""Progress this far behind the expected pace is at risk."""
OFF_TRACK_CONFIDENCE = 3
"""A latest confidence at or below this is off track, whatever the progress."""
AT_RISK_CONFIDENCE = 6
"""A latest confidence at or below this is at risk."""
KEEP_AT_RISK_SHARE = 0.9
"""A keep-form key result inside its range for less than this share of check-ins is at risk."""

STATUSES = ("on-track", "at-risk", "off-track", "no-data", "not-started", "achieved", "missed")
SEVERITY = {"off-track": 0, "at-risk": 1, "no-data": 2, "on-track": 3, "not-started": 4, "missed": 0, "achieved": 3}


@dataclass(frozen=True)
class KeyResultScore:
    progress: float | None
    """As is: a from/to key result may be below 0 or above 1; None for a keep form with no check-in."""
    score: float | None
    """0..1, or None when there is no score yet."""
    latest: CheckIn | None
    confidence: int | None
    expected: float | None
    """Where progress should be by today (running periods only)."""
    status: str
    stale: bool
    last_update: dt.date | None


@dataclass(frozen=True)
class ObjectiveScore:
    score: float | None
    computed: float | None
    manual: bool
    success: bool | None
    """For closed periods: met by the rule of its kind; None while running or without a score."""
    status: str
    expected: float | None
    confidence: float | None


@dataclass(frozen=True)
class KpiHealth:
    healthy: bool | None
    latest_value: float | None
    latest_date: dt.date | None
    stale: bool
    moved_now_by: tuple[str, ...]
    """Refs of key results in running periods that move this KPI."""


@dataclass(frozen=True)
class PeriodSummary:
    state: str
    elapsed: float
    objective_count: int
    scored: tuple[float, ...]
    mean_score: float | None
    status_counts: dict[str, int]
    committed_total: int
    committed_met: int
    aspirational_mean: float | None
    aspirational_successes: int
    aspirational_total: int
    unit_scores: dict[str, float | None]
    department_scores: dict[str, float | None]


@dataclass
class Scores:
    """Every computed fact of a portal, keyed by refs and ids."""

    today: dt.date
    key_results: dict[str, KeyResultScore] = field(default_factory=dict)
    objectives: dict[str, ObjectiveScore] = field(default_factory=dict)
    periods: dict[str, PeriodSummary] = field(default_factory=dict)
    kpis: dict[str, KpiHealth] = field(default_factory=dict)
    unhealthy_unmoved: list[str] = field(default_factory=list)


# --- one key result ------------------------------------------------------------------


def metric_progress(metric: Metric | None, checkins: list[CheckIn]) -> float | None:
    """Progress of a metric (None: a milestone) from its check-ins, oldest first.

    from/to: (v - from) / (to - from) of the latest value, not clamped.
    keep forms: the share of check-ins inside the range; None with no check-in.
    milestone: the latest value, the fraction done.
    """
    if metric is not None and metric.is_keep:
        if not checkins:
            return None
        return sum(inside(metric, c.value) for c in checkins) / len(checkins)
    if not checkins:
        return 0.0
    value = checkins[-1].value
    if metric is None:
        return value
    return (value - metric.from_) / (metric.to - metric.from_)


def inside(metric, value: float) -> bool:
    """Is `value` inside a keep form's range (a KR metric or a KPI threshold)?"""
    if metric.keep_between is not None:
        return metric.keep_between[0] <= value <= metric.keep_between[1]
    if metric.keep_above is not None:
        return value >= metric.keep_above
    if metric.keep_below is not None:
        return value <= metric.keep_below
    return True


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def elapsed(period: Period, today: dt.date, until: dt.date | None = None) -> float:
    """Share of the period (or of its days until `until`) gone by on `today`, 0..1."""
    end = min(until or period.end, period.end)
    if today < period.start:
        return 0.0
    return clamp(((today - period.start).days + 1) / ((end - period.start).days + 1))


def success(kind: str, score: float | None, stretch: float) -> bool | None:
    """Aspirational: score >= stretch_success. Committed: score = 1."""
    if score is None:
        return None
    return score >= (stretch if kind == "aspirational" else 1.0) - 1e-9


def pace_status(score: float | None, expected: float, confidence: float | None) -> str:
    """Running-period status from progress against the expected pace and the latest confidence."""
    if score is None:
        return "no-data"
    gap = score - expected
    if (confidence is not None and confidence <= OFF_TRACK_CONFIDENCE) or gap < -OFF_TRACK_GAP:
        return "off-track"
    if (confidence is not None and confidence <= AT_RISK_CONFIDENCE) or gap < -AT_RISK_GAP:
        return "at-risk"
    return "on-track"


def score_key_result(node: KeyResultNode, today: dt.date, stretch: float, checkin_every_days: int) -> KeyResultScore:
    """Progress, score, status and staleness of one key result on `today`."""
    kr, period = node.kr, node.objective.period
    checkins = [c for c in node.checkins if c.date <= today]
    progress = metric_progress(kr.metric, checkins)
    score = None if progress is None else clamp(progress)
    latest = checkins[-1] if checkins else None
    confidence = next((c.confidence for c in reversed(checkins) if c.confidence is not None), None)
    state = period.state(today)
    expected, stale = None, False
    kind = node.objective.obj.kind
    if state == "upcoming":
        status = "not-started"
    elif state == "closed":
        status = "no-data" if score is None else ("achieved" if success(kind, score, stretch) else "missed")
    else:
        keep = kr.metric is not None and kr.metric.is_keep
        pace = 1.0 if (keep or kind == "committed") else stretch
        expected = 1.0 if keep else elapsed(period, today, kr.due) * pace
        status = pace_status(score, expected, confidence)
        if keep and latest is not None and not inside(kr.metric, latest.value):
            status = "off-track"
        elif keep and status == "on-track" and score is not None and score < KEEP_AT_RISK_SHARE:
            status = "at-risk"
        every = node.kpi.kpi.update_every_days if (node.from_kpi and node.kpi.kpi.update_every_days) else checkin_every_days
        stale = (today - (latest.date if latest else period.start)).days > every
    return KeyResultScore(progress, score, latest, confidence, expected, status, stale, latest.date if latest else None)


# --- objectives, periods, KPIs ----------------------------------------------------------


def weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when empty."""
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if pairs and total > 0 else None


def score_objective(node: ObjectiveNode, krs: list[KeyResultScore], today: dt.date, stretch: float) -> ObjectiveScore:
    """Weighted mean of the key results that have a score; the manual `score` wins."""
    weights = [kr.kr.weight for kr in node.key_results]
    computed = weighted_mean([(s.score, w) for s, w in zip(krs, weights) if s.score is not None])
    manual = node.obj.score is not None
    score = node.obj.score if manual else computed
    state = node.period.state(today)
    confidences = [s.confidence for s in krs if s.confidence is not None]
    confidence = mean(confidences) if confidences else None
    expected = None
    if state == "upcoming":
        status = "not-started"
    elif state == "closed":
        ok = success(node.obj.kind, score, stretch)
        status = "no-data" if ok is None else ("achieved" if ok else "missed")
    else:
        expected = weighted_mean([(s.expected, w) for s, w in zip(krs, weights) if s.score is not None and s.expected is not None])
        if expected is None:
            expected = elapsed(node.period, today) * (stretch if node.obj.kind == "aspirational" else 1.0)
        worst = min((s.status for s in krs), key=SEVERITY.get, default="no-data")
        status = pace_status(score, expected, confidence)
        if worst == "off-track" and status == "on-track":
            status = "at-risk"  # one key result off track puts the objective at risk, at least
    return ObjectiveScore(score, computed, manual, success(node.obj.kind, score, stretch) if state == "closed" else None,
                          status, expected, confidence)


def kpi_health(node: KpiNode, today: dt.date, moved_now_by: tuple[str, ...]) -> KpiHealth:
    """Healthy when the latest value is inside the threshold; None without a threshold or values."""
    values = [v for v in node.values if v.date <= today]
    latest = values[-1] if values else None
    metric = node.kpi.metric
    healthy = None if (latest is None or metric is None) else inside(metric, latest.value)
    every = node.kpi.update_every_days
    stale = every is not None and (latest is None or (today - latest.date).days > every)
    return KpiHealth(healthy, latest.value if latest else None, latest.date if latest else None, stale, moved_now_by)


def summarize_period(portal: Portal, period: Period, scores: Scores, include_private: bool) -> PeriodSummary:
    """Roll-ups of one period over the objectives that are published."""
    today = scores.today
    objectives = [o for up in period.files.values() for o in up.objectives if include_private or not o.private]
    facts = [scores.objectives[o.ref] for o in objectives]
    scored = tuple(sorted(f.score for f in facts if f.score is not None))
    stretch = portal.settings.stretch_success
    committed = [(o, f) for o, f in zip(objectives, facts) if o.obj.kind == "committed"]
    aspirational = [f.score for o, f in zip(objectives, facts) if o.obj.kind == "aspirational" and f.score is not None]
    counts = {s: 0 for s in STATUSES}
    for f in facts:
        counts[f.status] += 1
    unit_scores = {}
    for unit_id, up in period.files.items():
        mine = [scores.objectives[o.ref].score for o in up.objectives if include_private or not o.private]
        mine = [s for s in mine if s is not None]
        unit_scores[unit_id] = mean(mine) if mine else None
    by_department: dict[str, list[float]] = {d.id: [] for d in portal.company.children}
    department_of: dict[str, str | None] = {}  # unit id -> the unit just under the company above it
    for o, f in zip(objectives, facts):
        unit = o.unit
        if unit.id not in department_of:
            chain = [unit, *unit.ancestors()]
            department_of[unit.id] = chain[-2].id if len(chain) >= 2 else None
        department = department_of[unit.id]
        if f.score is not None and department in by_department:
            by_department[department].append(f.score)
    departments = {d: (mean(s) if s else None) for d, s in by_department.items()}
    return PeriodSummary(
        state=period.state(today), elapsed=elapsed(period, today), objective_count=len(objectives), scored=scored,
        mean_score=mean(scored) if scored else None, status_counts=counts,
        committed_total=len(committed), committed_met=sum(1 for _, f in committed if success("committed", f.score, stretch)),
        aspirational_mean=mean(aspirational) if aspirational else None,
        aspirational_successes=sum(1 for s in aspirational if s >= stretch - 1e-9), aspirational_total=len(aspirational),
        unit_scores=unit_scores, department_scores=departments,
    )


def score_portal(portal: Portal, today: dt.date, include_private: bool = False, memo: Memo | None = None) -> Scores:
    """Score everything. Roll-ups count only what is published (`include_private` for restricted sites).

    With the `memo` of a rebuilding shell, an objective whose inputs (`_inputs`) are those of the last
    build keeps the scores it got then: after one goal edit, `goalsite serve` scores again only the
    objectives the edit changed (`memo.stats("score")` counts them).
    """
    settings = portal.settings
    scores = Scores(today)
    table = (memo or Memo.none()).table("score", (today, settings.stretch_success, settings.checkin_every_days))
    for obj in portal.objectives.values():
        objective, krs = table.lookup(obj.ref, _inputs(obj), lambda obj=obj: _score_objective(obj, today, settings))
        for kr, s in zip(obj.key_results, krs):
            scores.key_results[kr.ref] = s
        scores.objectives[obj.ref] = objective
    for period in portal.periods.values():
        scores.periods[period.id] = summarize_period(portal, period, scores, include_private)
    for kpi in portal.kpis.values():
        movers = tuple(sorted(kr.ref for kr in kpi.moved_by
                              if kr.objective.period.state(today) == "running" and (include_private or not kr.private)))
        health = kpi_health(kpi, today, movers)
        scores.kpis[kpi.id] = health
        if health.healthy is False and not movers and (include_private or not kpi.private):
            scores.unhealthy_unmoved.append(kpi.id)
    scores.unhealthy_unmoved.sort()
    return scores


def _score_objective(obj: ObjectiveNode, today: dt.date, settings) -> tuple[ObjectiveScore, list[KeyResultScore]]:
    """An objective's score and its key results' scores."""
    krs = [score_key_result(kr, today, settings.stretch_success, settings.checkin_every_days) for kr in obj.key_results]
    return score_objective(obj, krs, today, settings.stretch_success), krs


def _inputs(obj: ObjectiveNode) -> tuple:
    """Everything an objective's scores depend on besides `today` and the settings.

    The models are frozen and the memo keeps those of an unchanged file (model/validate.py), so the comparison
    with the last build's inputs is mostly `is`. A key result's own check-ins are its model's (resolve/ only orders
    them), so the model stands for them; check-ins made from a KPI's values are new objects, compared
    by value.
    """
    return (obj.obj, obj.period.start, obj.period.end,
            tuple((kr.kr, kr.kpi.kpi.update_every_days, tuple(kr.checkins)) if kr.from_kpi else kr.kr
                  for kr in obj.key_results))

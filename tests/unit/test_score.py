"""score.py: progress, scores, status, staleness and KPI health as of a fixed today.

Example-based tests go through the real pipeline (YAML in tmp_path); the property
tests build the real model classes directly, which is quicker than writing files
for each of hypothesis's examples. No mocks.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model import Objective
from generator.pipeline import build_portal
from generator.problems import Location
from generator.resolve import KeyResultNode, ObjectiveNode, OrgUnit, Period, UnitPeriod, period_dates
from generator.score import (
    KEEP_AT_RISK_SHARE, elapsed, metric_progress, pace_status, score_key_result, score_objective, success,
)

D = dt.date
TODAY = D(2026, 11, 22)
Q4 = "2026-Q4"


# --- a tiny builder of real model objects (for the property tests) ------------------------------------------------


def make_objective(key_results: list[dict], *, kind: str = "aspirational", score: float | None = None,
                   pid: str = Q4) -> ObjectiveNode:
    """An ObjectiveNode of the company in period `pid`, from key results written as YAML-like dicts."""
    data = {"id": "o", "title": "O", "owner": "dana", "kind": kind, "key_results": key_results}
    if score is not None:
        data["score"] = score
    obj = Objective.model_validate(data)
    kind_, start, end = period_dates(pid)
    up = UnitPeriod(Period(pid, kind_, start, end), OrgUnit("acme", "Acme", "company", is_company=True), "acme.yaml")
    node = ObjectiveNode(obj, up, Location("acme.yaml"), private=False)
    for kr in obj.key_results:
        latest = {c.date: c for c in kr.checkins}
        node.key_results.append(KeyResultNode(kr, node, Location("acme.yaml"), checkins=[latest[d] for d in sorted(latest)]))
    return node


def kr(metric: dict | None = None, values: list[float] = (), *, weight: float = 1, kid: str = "k",
       confidence: int | None = None, start: D = D(2026, 10, 1)) -> dict:
    """A key result dict with one check-in a day from `start`; a milestone when `metric` is None."""
    out: dict = {"id": kid, "title": "K", "weight": weight}
    if metric is None:
        out["milestone"] = True
    else:
        out["metric"] = metric
    out["checkins"] = [{"date": start + dt.timedelta(days=i), "value": v,
                        **({"confidence": confidence} if confidence is not None else {})} for i, v in enumerate(values)]
    return out


def scores_of(node: ObjectiveNode, today: D = TODAY, stretch: float = 0.7):
    krs = [score_key_result(k, today, stretch, 7) for k in node.key_results]
    return krs, score_objective(node, krs, today, stretch)


def kr_score(metric: dict | None, values: list[float], today: D = TODAY, *, pid: str = Q4, start: D | None = None, **kwargs):
    """The score of a lone key result whose check-ins are daily from `start` (default: the period's first day)."""
    start = start or period_dates(pid)[1]
    [s], _ = scores_of(make_objective([kr(metric, values, start=start)], pid=pid, **kwargs), today)
    return s


# --- progress and score of each form -----------------------------------------------------------------------------------


@pytest.mark.parametrize("metric, values, progress, score", [
    ({"from": 0, "to": 25}, [4, 10], 0.4, 0.4),                      # increase: the latest value counts
    ({"from": 2.4, "to": 1.8}, [2.1], 0.5, 0.5),                       # reduce
    ({"from": 0, "to": 25}, [30], 1.2, 1.0),                           # overshoot: shown as is, scored 1
    ({"from": 0, "to": 25}, [-5], -0.2, 0.0),                          # the wrong way: shown as is, scored 0
    ({"from": 2.4, "to": 1.8}, [3.0], -1.0, 0.0),
    ({"from": 0, "to": 25}, [], 0.0, 0.0),                             # no check-in: 0
    ({"keep_between": [99.9, 100]}, [99.95, 99.8, 100], 2 / 3, 2 / 3),  # share inside, bounds included
    ({"keep_above": 85}, [85, 84.9, 90, 86], 0.75, 0.75),
    ({"keep_below": 2.5}, [2.5, 2.6], 0.5, 0.5),
    ({"keep_above": 85}, [], None, None),                              # keep form, no check-in: no score yet
    (None, [0.25, 0.5], 0.5, 0.5),                                     # milestone: the fraction done
    (None, [], 0.0, 0.0),
])
def test_progress_and_score_of_each_form(metric, values, progress, score):
    s = kr_score(None if metric is None else {"unit": "x", **metric}, values)
    assert s.progress == (None if progress is None else pytest.approx(progress))
    assert s.score == (None if score is None else pytest.approx(score))


def test_checkins_after_today_are_not_counted():
    s = kr_score({"from": 0, "to": 10}, [2, 4, 8], today=D(2026, 10, 2))
    assert s.progress == pytest.approx(0.4) and s.last_update == D(2026, 10, 2)


def test_confidence_is_the_latest_given():
    node = make_objective([{"id": "k", "title": "K", "milestone": True, "checkins": [
        {"date": D(2026, 10, 1), "value": 0.1, "confidence": 8}, {"date": D(2026, 10, 8), "value": 0.2}]}])
    [s], _ = scores_of(node)
    assert s.confidence == 8 and s.latest.value == 0.2


# --- objectives ----------------------------------------------------------------------------------------------------------


def test_objective_score_is_the_weighted_mean():
    node = make_objective([kr({"unit": "x", "from": 0, "to": 10}, [5], weight=2, kid="a"),
                           kr({"unit": "x", "from": 0, "to": 10}, [8], kid="b")])
    _, o = scores_of(node)
    assert o.score == pytest.approx((0.5 * 2 + 0.8) / 3) and o.computed == o.score and not o.manual


def test_manual_score_wins_and_the_computed_one_is_kept():
    node = make_objective([kr({"unit": "x", "from": 0, "to": 10}, [5])], score=0.9)
    _, o = scores_of(node)
    assert (o.score, o.computed, o.manual) == (0.9, 0.5, True)


def test_key_result_without_a_score_is_left_out_weight_and_all():
    node = make_objective([kr({"unit": "x", "from": 0, "to": 10}, [6], kid="a"),
                           kr({"unit": "x", "keep_above": 5}, [], weight=10, kid="b")])
    _, o = scores_of(node)
    assert o.score == pytest.approx(0.6)


@pytest.mark.parametrize("key_results", [[], [kr({"unit": "x", "keep_above": 5}, [])]])
def test_objective_none_of_whose_key_results_is_scored_has_no_score(key_results):
    _, o = scores_of(make_objective(key_results))
    assert o.score is None and o.status == "no-data"


@pytest.mark.parametrize("kind, score, expected", [
    ("aspirational", 0.7, True), ("aspirational", 0.69, False), ("aspirational", 1.0, True),
    ("committed", 1.0, True), ("committed", 0.99, False), ("committed", 0.7, False),
    ("aspirational", None, None),
])
def test_success_rule(kind, score, expected):
    assert success(kind, score, 0.7) is expected


def test_stretch_success_setting_is_used():
    assert success("aspirational", 0.6, 0.6) is True and success("aspirational", 0.6, 0.65) is False


# --- status ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("score, expected, confidence, status", [
    (0.5, 0.5, None, "on-track"),
    (0.41, 0.5, None, "on-track"),     # gap -0.09
    (0.39, 0.5, None, "at-risk"),      # gap -0.11
    (0.26, 0.5, None, "at-risk"),      # gap -0.24
    (0.24, 0.5, None, "off-track"),    # gap -0.26
    (0.9, 0.5, 7, "on-track"),
    (0.9, 0.5, 6, "at-risk"),
    (0.9, 0.5, 4, "at-risk"),
    (0.9, 0.5, 3, "off-track"),
    (0.9, 0.5, 1, "off-track"),
    (0.1, 0.5, 9, "off-track"),        # the worse of gap and confidence wins
    (None, 0.5, 9, "no-data"),
])
def test_pace_status_table(score, expected, confidence, status):
    assert pace_status(score, expected, confidence) == status


def test_elapsed_share_counts_today_and_stops_at_the_due_date():
    period = Period(Q4, "quarter", D(2026, 10, 1), D(2026, 12, 31))
    assert elapsed(period, D(2026, 10, 1)) == pytest.approx(1 / 92)
    assert elapsed(period, TODAY) == pytest.approx(53 / 92)
    assert elapsed(period, TODAY, D(2026, 11, 30)) == pytest.approx(53 / 61)
    assert elapsed(period, D(2027, 3, 1)) == 1.0 and elapsed(period, D(2026, 9, 1)) == 0.0


def test_running_period_status_of_key_results():
    metric = {"unit": "x", "from": 0, "to": 100}
    pace = 53 / 92 * 0.7  # 0.403
    on = kr_score(metric, [round(pace * 100)])
    behind = kr_score(metric, [round((pace - 0.15) * 100)])
    far_behind = kr_score(metric, [round((pace - 0.3) * 100)])
    assert (on.status, behind.status, far_behind.status) == ("on-track", "at-risk", "off-track")
    assert on.expected == pytest.approx(pace)
    committed = kr_score(metric, [round(pace * 100)], kind="committed")
    assert committed.expected == pytest.approx(53 / 92) and committed.status == "at-risk"


def test_keep_form_with_its_latest_value_outside_is_off_track():
    s = kr_score({"unit": "%", "keep_above": 85}, [90] * 19 + [80])
    assert s.score == pytest.approx(0.95) and s.status == "off-track"


def test_keep_form_inside_now_but_too_often_outside_is_at_risk():
    share = kr_score({"unit": "%", "keep_above": 85}, [80] + [90] * 9)   # 0.9: on track
    worse = kr_score({"unit": "%", "keep_above": 85}, [80, 80] + [90] * 14)  # 0.875
    assert share.status == "on-track" and worse.score < KEEP_AT_RISK_SHARE and worse.status == "at-risk"


def test_closed_and_upcoming_periods():
    metric = {"unit": "x", "from": 0, "to": 10}
    assert kr_score(metric, [7], pid="2026-Q3").status == "achieved"
    assert kr_score(metric, [6], pid="2026-Q3").status == "missed"
    assert kr_score(metric, [9], pid="2026-Q3", kind="committed").status == "missed"
    assert kr_score(metric, [10], pid="2026-Q3", kind="committed").status == "achieved"
    assert kr_score({"unit": "x", "keep_above": 1}, [], pid="2026-Q3").status == "no-data"
    upcoming = kr_score(metric, [], pid="2027-Q1")
    assert (upcoming.status, upcoming.stale, upcoming.expected) == ("not-started", False, None)


def test_objective_status_one_off_track_key_result_makes_it_at_least_at_risk():
    good = {"unit": "x", "from": 0, "to": 10}
    node = make_objective([kr(good, [8], kid="a", weight=5, confidence=10), kr(good, [8], kid="b", confidence=3)])
    krs, o = scores_of(node)
    assert [s.status for s in krs] == ["on-track", "off-track"]
    assert o.confidence == 6.5  # on its own numbers the objective is on track
    assert o.status == "at-risk"


def test_objective_statuses_in_closed_and_upcoming_periods():
    metric = {"unit": "x", "from": 0, "to": 10}
    assert scores_of(make_objective([kr(metric, [8])], pid="2026-Q3"))[1].status == "achieved"
    assert scores_of(make_objective([kr(metric, [5])], pid="2026-Q3"))[1].status == "missed"
    assert scores_of(make_objective([kr(metric, [5])], pid="2026-Q3", score=0.8))[1].success is True
    assert scores_of(make_objective([kr(metric, [])], pid="2027-Q1"))[1].status == "not-started"
    assert scores_of(make_objective([kr(metric, [8])]))[1].success is None  # running: not judged yet


# --- staleness -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days_ago, stale", [(0, False), (7, False), (8, True)])
def test_stale_after_checkin_every_days(days_ago, stale):
    s = kr_score({"unit": "x", "from": 0, "to": 10}, [1], start=TODAY - dt.timedelta(days=days_ago))
    assert s.stale is stale


def test_no_checkin_counts_from_the_period_start():
    assert kr_score({"unit": "x", "from": 0, "to": 10}, []).stale is True
    assert kr_score({"unit": "x", "from": 0, "to": 10}, [], today=D(2026, 10, 5)).stale is False


# --- the worked example of the guide, through the whole pipeline ----------------------------------------------------------------


def test_worked_example_of_the_scoring_guide():
    build = build_portal("tests/fixtures/portal_minimal/goals", TODAY)
    s = build.scores
    krs = {ref.rsplit("/", 1)[1]: s.key_results[ref] for ref in s.key_results if "win-dach" in ref}
    assert krs["new-logos"].score == pytest.approx(0.48) and krs["new-logos"].status == "at-risk"
    assert krs["churn"].score == pytest.approx(1 / 3) and krs["churn"].status == "on-track" and krs["churn"].stale
    assert krs["uptime"].score == 1.0 and krs["uptime"].status == "on-track"
    assert krs["partner-portal"].expected == pytest.approx(53 / 61 * 0.7) and krs["partner-portal"].status == "at-risk"
    o = s.objectives["2026-Q4:sales-emea/win-dach"]
    assert o.score == pytest.approx(2.793 / 5, abs=1e-3)
    assert o.expected == pytest.approx(2.818 / 5, abs=1e-3)
    assert o.confidence == pytest.approx(23 / 3) and o.status == "on-track"


def test_worked_example_closed_is_missed():
    build = build_portal("tests/fixtures/portal_minimal/goals", D(2027, 1, 10))
    o = build.scores.objectives["2026-Q4:sales-emea/win-dach"]
    assert o.status == "missed" and o.success is False


# --- roll-ups, KPIs and time -------------------------------------------------------------------------------------------------------

ROLLUP = {
    "2026-Q4/sales.yaml": """
        objectives:
          - id: a
            title: A
            owner: dana
            key_results:
              - {id: k, title: K 10, metric: {unit: x, from: 0, to: 10}, checkins: [{date: 2026-11-20, value: 4}]}
          - id: b
            title: B
            owner: dana
            key_results:
              - {id: k, title: K 10, metric: {unit: x, from: 0, to: 10}, checkins: [{date: 2026-11-20, value: 8}]}
          - id: c
            title: C
            owner: dana
            visibility: private
            key_results:
              - {id: k, title: K 10, metric: {unit: x, from: 0, to: 10}, checkins: [{date: 2026-11-20, value: 0}]}
    """,
    "2026-Q4/sales-emea.yaml": """
        objectives:
          - id: d
            title: D
            owner: eli
            kind: committed
            key_results:
              - {id: k, title: K 10, metric: {unit: x, from: 0, to: 10}, checkins: [{date: 2026-11-20, value: 10}]}
    """,
}


def test_unit_and_department_scores_are_means_of_published_objectives(tree):
    build = tree.build(ROLLUP)
    summary = build.scores.periods[Q4]
    assert summary.unit_scores == {"sales": pytest.approx(0.6), "sales-emea": 1.0}
    assert summary.department_scores == {"sales": pytest.approx((0.4 + 0.8 + 1.0) / 3), "cs": None}
    assert summary.objective_count == 3 and summary.committed_total == 1 and summary.committed_met == 1
    private = build_portal(tree.goals, TODAY, include_private=True).scores.periods[Q4]
    assert private.unit_scores["sales"] == pytest.approx(0.4) and private.objective_count == 4


KPIS = """
    kpis:
      - id: nps
        name: NPS
        owner: dana
        update_every_days: 31
        metric: {unit: points, keep_above: 30}
        values: [{date: 2026-09-30, value: 35}, {date: 2026-10-31, value: 28}]
      - id: churn
        name: Churn
        owner: dana
        metric: {unit: "%", keep_below: 2.5}
        values: [{date: 2026-10-31, value: 3}]
      - id: uptime
        name: Uptime
        owner: dana
        metric: {unit: "%", keep_between: [99.9, 100]}
        values: [{date: 2026-10-31, value: 99.95}]
      - id: signups
        name: Signups
        owner: dana
        update_every_days: 7
"""


def test_kpi_health_staleness_and_unhealthy_kpis_that_nothing_moves(tree):
    build = tree.build({"kpis.yaml": KPIS, "2026-Q4/acme.yaml": """
        objectives:
          - id: retain
            title: Keep customers
            owner: dana
            key_results:
              - {id: churn, title: Churn to 2, kpi: churn, metric: {unit: "%", from: 3, to: 2}}
    """})
    k = build.scores.kpis
    assert (k["nps"].healthy, k["nps"].latest_value, k["nps"].stale) == (False, 28.0, False)
    assert (k["churn"].healthy, k["churn"].moved_now_by) == (False, ("2026-Q4:acme/retain/churn",))
    assert k["uptime"].healthy is True
    assert (k["signups"].healthy, k["signups"].stale) == (None, True)
    assert build.scores.unhealthy_unmoved == ["nps"]


def test_kpi_moved_only_in_a_closed_period_counts_as_unmoved(tree):
    build = tree.build({"kpis.yaml": KPIS, "2026-Q3/acme.yaml": """
        objectives:
          - id: retain
            title: Keep customers
            owner: dana
            key_results:
              - {id: churn, title: Churn to 2, kpi: churn, metric: {unit: "%", from: 3, to: 2}}
    """})
    assert build.scores.unhealthy_unmoved == ["churn", "nps"]


def test_kpi_stale_after_update_every_days(tree):
    build = tree.build({"kpis.yaml": KPIS}, today=D(2026, 12, 2))
    assert build.scores.kpis["nps"].stale is True


def test_closed_period_scores_do_not_change_when_today_moves_on(tree):
    files = {**ROLLUP, "kpis.yaml": KPIS, "2026-Q4/acme.yaml": """
        objectives:
          - id: retain
            title: Keep customers
            owner: dana
            key_results:
              - {id: churn, title: Churn to 2, kpi: churn, metric: {unit: "%", from: 3, to: 2}}
              - {id: up, title: Uptime 99.9, metric: {unit: "%", keep_above: 99.9}, checkins: [{date: 2026-12-01, value: 99.95}]}
    """}
    goals = tree.write(files)
    early, late = (build_portal(goals, day).scores for day in (D(2027, 1, 1), D(2028, 6, 30)))
    assert early.key_results == late.key_results
    assert early.objectives == late.objectives
    assert early.periods[Q4] == late.periods[Q4]


# --- properties ------------------------------------------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
values = st.lists(finite, max_size=8)
days = st.dates(min_value=D(2026, 9, 1), max_value=D(2027, 2, 1))


@st.composite
def metrics(draw):
    form = draw(st.sampled_from(["from_to", "keep_between", "keep_above", "keep_below", "milestone"]))
    if form == "from_to":
        a, b = draw(finite), draw(finite)
        if a == b:
            b = a + 1
        return {"unit": "x", "from": a, "to": b}
    if form == "keep_between":
        lo = draw(finite)
        return {"unit": "x", "keep_between": [lo, lo + draw(st.floats(min_value=1e-3, max_value=1e6))]}
    if form == "milestone":
        return None
    return {"unit": "x", form: draw(finite)}


PROPS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(metric=metrics(), values=values, today=days)
def test_scores_are_always_in_0_1_or_none(metric, values, today):
    if metric is None:
        values = [min(1.0, max(0.0, v)) for v in values]
    s = kr_score(metric, values, today=today)
    assert s.score is None or 0.0 <= s.score <= 1.0
    assert s.status in ("on-track", "at-risk", "off-track", "no-data", "not-started", "achieved", "missed")
    if metric is not None and "from" not in metric:
        assert s.progress is None or 0.0 <= s.progress <= 1.0  # a keep share


@PROPS
@given(a=finite, b=finite, history=values, v1=finite, v2=finite)
def test_score_is_monotone_in_the_latest_value(a, b, history, v1, v2):
    if a == b:
        return
    low, high = sorted((v1, v2))
    metric = {"unit": "x", "from": a, "to": b}
    s_low, s_high = (kr_score(metric, [*history, v]).score for v in (low, high))
    if b > a:   # increase: a higher value never lowers the score
        assert s_high >= s_low
    else:       # reduce: a lower value never lowers the score
        assert s_low >= s_high


@PROPS
@given(st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(min_value=1, max_value=10)), min_size=1, max_size=6),
       st.data())
def test_objective_score_lies_between_its_key_results_and_follows_weights(pairs, data):
    def objective(weights):
        return make_objective([kr({"unit": "x", "from": 0, "to": 1}, [v], weight=w, kid=f"k{i}")
                               for i, ((v, _), w) in enumerate(zip(pairs, weights))])
    weights = [w for _, w in pairs]
    krs, o = scores_of(objective(weights))
    scored = [s.score for s in krs]
    assert min(scored) - 1e-9 <= o.score <= max(scored) + 1e-9
    i = data.draw(st.integers(min_value=0, max_value=len(pairs) - 1))
    doubled = list(weights)
    doubled[i] *= 2
    _, o2 = scores_of(objective(doubled))
    # doubling one key result's weight moves the mean toward that key result's score
    assert abs(o2.score - scored[i]) <= abs(o.score - scored[i]) + 1e-9
    assert (o2.score - o.score) * (scored[i] - o.score) >= -1e-12


@PROPS
@given(metric=metrics(), values=values)
def test_metric_progress_of_a_keep_form_is_a_share(metric, values):
    if metric is None or "from" in metric:
        return
    from generator.model import Metric

    checkins = make_objective([kr(metric, values)]).key_results[0].checkins
    share = metric_progress(Metric.model_validate(metric), checkins)
    assert share is None if not values else 0.0 <= share <= 1.0

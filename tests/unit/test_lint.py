"""lint/: each rule fires on a minimal bad example, at the right spot, and stays quiet on good goals."""

from __future__ import annotations

import datetime as dt

import pytest

from generator import lint
from generator.lint import RULES

ACME = """\
objectives:
  - id: grow
    title: Grow into Europe
    owner: dana
    key_results:
      - id: arr
        title: Grow ARR from 10 to 14 million EUR
        metric: {unit: M EUR, from: 10, to: 14}
        checkins:
          - {date: 2026-11-20, value: 12, confidence: 8}
"""

SALES = """\
objectives:
  - id: win-dach
    title: Become the first choice in DACH
    owner: dana
    aligns_to: acme/grow
    key_results:
      - id: logos
        title: Sign 25 new logos
        metric: {unit: logos, from: 0, to: 25}
        checkins:
          - {date: 2026-11-20, value: 12, confidence: 8}
      - id: portal
        title: Launch the partner portal
        milestone: true
        checkins:
          - {date: 2026-11-20, value: 0.5, confidence: 7, note: On plan}
"""

KPIS = """\
kpis:
  - id: retention
    name: Retention
    owner: carol
    indicator: lagging
    update_every_days: 31
    metric: {unit: "%", keep_above: 85}
    values: [{date: 2026-10-31, value: 86}]
  - id: churn
    name: Churn
    owner: carol
    indicator: leading
    predicts: [retention]
    metric: {unit: "%", keep_below: 2.5}
    values: [{date: 2026-10-31, value: 2}]
"""

CLEAN = {"2026-Q4/acme.yaml": ACME, "2026-Q4/sales.yaml": SALES, "kpis.yaml": KPIS}


def objective(oid: str, krs: int = 1, owner: str = "dana") -> str:
    """A clean team objective with `krs` measured key results checked in lately."""
    out = [f"  - id: {oid}", f"    title: Objective {oid}", f"    owner: {owner}", "    aligns_to: acme/grow",
           "    key_results:"]
    for k in range(krs):
        out += [f"      - id: k{k}", f"        title: Reach {k + 1} deals",
                f"        metric: {{unit: deals, from: 0, to: {k + 1}}}",
                "        checkins: [{date: 2026-11-20, value: 0.5, confidence: 8}]"]
    return "\n".join(out) + "\n"


def lint_problems(tree, changes: dict[str, str], today: dt.date = dt.date(2026, 11, 22)):
    problems = tree.problems({**CLEAN, **changes}, warnings=True, today=today)
    assert not [p for p in problems if not p[3].startswith("lint.")], problems
    return problems


def test_well_written_goals_get_no_warnings(tree):
    assert lint_problems(tree, {}) == []


def test_the_minimal_fixture_gets_only_the_stale_warnings():
    from generator.pipeline import build_portal

    build = build_portal("tests/fixtures/portal_minimal/goals", dt.date(2026, 11, 22))
    assert sorted(p.code for p in build.problems) == ["lint.stale-checkin", "lint.stale-checkin"]


S = "2026-Q4/sales.yaml"

BAD = [
    ("no-key-results", {S: "objectives:\n  - id: win\n    title: Win\n    owner: dana\n    aligns_to: acme/grow\n"},
     [(S, 2, 5, "lint.no-key-results")]),
    ("too-many-key-results", {S: "objectives:\n" + objective("win", krs=6)}, [(S, 2, 5, "lint.too-many-key-results")]),
    ("too-many-objectives", {S: "objectives:\n" + "".join(objective(f"o{i}") for i in range(6))},
     [(S, 47, 5, "lint.too-many-objectives")]),
    ("stale-checkin", {S: SALES.replace("{date: 2026-11-20, value: 12", "{date: 2026-11-14, value: 12")},
     [(S, 7, 9, "lint.stale-checkin")]),
    ("stale-checkin-never", {S: SALES.replace("        checkins:\n          - {date: 2026-11-20, value: 12, confidence: 8}\n", "")},
     [(S, 7, 9, "lint.stale-checkin")]),
    ("metric-no-unit", {S: SALES.replace("unit: logos", "unit: ''")}, [(S, 7, 9, "lint.metric-no-unit")]),
    ("metric-no-unit-missing", {S: SALES.replace("unit: logos, ", "")}, [(S, 7, 9, "lint.metric-no-unit")]),
    ("unaligned", {S: SALES.replace("    aligns_to: acme/grow\n", "")}, [(S, 2, 5, "lint.unaligned")]),
    ("owner-overloaded", {S: "objectives:\n" + "".join(objective(f"o{i}", krs=3, owner="eli") for i in range(3))},
     [(S, 7, 9, "lint.owner-overloaded")]),
    ("objective-looks-like-kr-percent", {S: SALES.replace("Become the first choice in DACH", "Grow DACH revenue by 20 %")},
     [(S, 2, 5, "lint.objective-looks-like-kr")]),
    ("objective-looks-like-kr-money", {S: SALES.replace("Become the first choice in DACH", "Reach €5 in DACH")},
     [(S, 2, 5, "lint.objective-looks-like-kr")]),
    ("kr-vague-title", {S: SALES.replace("Sign 25 new logos", "Sign many new logos")}, [(S, 7, 9, "lint.kr-vague-title")]),
    ("kr-title-contradicts-metric", {S: SALES.replace("from: 0, to: 25", "from: 0, to: 20")},
     [(S, 7, 9, "lint.kr-title-contradicts-metric")]),
    ("all-milestones", {S: SALES.replace("        metric: {unit: logos, from: 0, to: 25}\n", "        milestone: true\n")
                            .replace("value: 12,", "value: 0.4,")},
     [(S, 2, 5, "lint.all-milestones")]),
    ("low-confidence-no-blockers", {S: SALES.replace("value: 12, confidence: 8", "value: 12, confidence: 4")},
     [(S, 7, 9, "lint.low-confidence-no-blockers")]),
    ("leading-kpi-predicts-nothing", {"kpis.yaml": KPIS.replace("    predicts: [retention]\n", "")},
     [("kpis.yaml", 9, 5, "lint.leading-kpi-predicts-nothing")]),
    ("kpi-no-threshold", {"kpis.yaml": KPIS.replace('    metric: {unit: "%", keep_above: 85}\n', "")},
     [("kpis.yaml", 2, 5, "lint.kpi-no-threshold")]),
    ("kpi-stale", {"kpis.yaml": KPIS.replace("2026-10-31, value: 86", "2026-10-15, value: 86")},
     [("kpis.yaml", 2, 5, "lint.kpi-stale")]),
    ("kpi-stale-never", {"kpis.yaml": KPIS.replace("    values: [{date: 2026-10-31, value: 86}]\n", "")},
     [("kpis.yaml", 2, 5, "lint.kpi-stale")]),
]


@pytest.mark.parametrize("changes, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_each_rule_fires_on_a_minimal_bad_example(tree, changes, expected):
    assert lint_problems(tree, changes) == expected


def test_every_rule_has_a_bad_example():
    assert {b[2][0][3].removeprefix("lint.") for b in BAD} == set(RULES)


@pytest.mark.parametrize("changes", [
    {S: SALES.replace("value: 12, confidence: 8", "value: 12, confidence: 4, blockers: Legal review")},
    {S: SALES.replace("value: 12, confidence: 8", "value: 12, confidence: 5")},
    {S: "objectives:\n" + objective("win", krs=5)},
    {S: "objectives:\n" + "".join(objective(f"o{i}") for i in range(5))},
    {S: "objectives:\n" + "".join(objective(f"o{i}", krs=4, owner="eli") for i in range(2))},  # owns exactly 8
    {S: SALES.replace("Become the first choice in DACH", "Win 2 of the 3 largest retailers in DACH")},
], ids=["low-confidence-with-blockers", "confidence-5", "five-key-results", "five-objectives", "eight-owned",
        "number-without-unit-in-title"])
def test_rules_stay_quiet_just_inside_their_limits(tree, changes):
    assert lint_problems(tree, changes) == []


def test_company_objectives_need_no_alignment(tree):
    assert "aligns_to" not in ACME and lint_problems(tree, {}) == []


@pytest.mark.parametrize("changes", [b[1] for b in BAD if S in b[1]], ids=[b[0] for b in BAD if S in b[1]])
def test_rules_ignore_closed_periods(tree, changes):
    # the same bad team file, moved to 2026-Q3 (closed on 2026-11-22): frozen history gets no advice
    q3 = changes[S].replace("2026-11-", "2026-09-").replace("acme/grow", "2026-Q4:acme/grow")
    assert lint_problems(tree, {"2026-Q3/sales.yaml": q3}) == []


def test_low_confidence_is_not_flagged_for_a_key_result_fed_by_a_kpi(tree):
    sales = SALES.replace("        checkins:\n          - {date: 2026-11-20, value: 12, confidence: 8}\n",
                          "        kpi: retention\n").replace("from: 0, to: 25", "from: 80, to: 90")
    assert lint_problems(tree, {S: sales}) == []


def test_upcoming_periods_are_linted_but_not_stale(tree):
    upcoming = {"2027-Q1/sales.yaml": "objectives:\n  - id: win\n    title: Win\n    owner: dana\n"}
    assert lint_problems(tree, upcoming) == [
        ("2027-Q1/sales.yaml", 2, 5, "lint.no-key-results"), ("2027-Q1/sales.yaml", 2, 5, "lint.unaligned")]


def test_checkin_every_days_setting_is_used(tree):
    org = tree.org.replace("company: {id: acme, name: Acme Corp}\n", "company: {id: acme, name: Acme Corp}\nsettings: {checkin_every_days: 14}\n")
    stale = SALES.replace("{date: 2026-11-20, value: 12", "{date: 2026-11-14, value: 12")
    assert lint_problems(tree, {"org.yaml": org, S: stale}) == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_an_id_summary_and_why(rule_id):
    rule = RULES[rule_id]
    assert rule.ID == rule_id and issubclass(rule, lint.Rule)
    assert rule_id == rule_id.lower() and " " not in rule_id and "_" not in rule_id
    assert rule.SUMMARY.strip().endswith(".") and rule.WHY.strip()
    assert rule.__doc__ is None or rule.__doc__.strip()


def test_warning_messages_and_hints(tree):
    build = tree.build({**CLEAN, S: SALES.replace("{date: 2026-11-20, value: 12", "{date: 2026-11-14, value: 12")})
    [p] = build.problems
    assert p.severity.value == "warning"
    assert p.message == "Key result 'win-dach/logos' has had no check-in since 2026-11-14 (more than 7 days)"
    assert p.hint == "Add a check-in under its checkins: with date, value, confidence and a note."


@pytest.mark.parametrize("changes, expected", [
    # Without its measured key result (an error) the objective would look all milestones.
    ({S: SALES.replace("to: 25}", "to: high}")}, [(S, 9, 44, "model.type")]),
    # Without its only check-in (an error) the key result would look stale.
    ({S: SALES.replace("value: 12, confidence: 8", "value: twelve, confidence: 8")}, [(S, 11, 39, "model.type")]),
    # Without the KPI it predicts (an error) the leading KPI would look as if it predicted nothing.
    ({"kpis.yaml": KPIS.replace("indicator: lagging", "indicator: lagged")}, [("kpis.yaml", 5, 16, "model.bad-choice")]),
], ids=["key-result-left-out", "checkin-left-out", "predicted-kpi-left-out"])
def test_parts_left_out_for_their_errors_bring_no_advice(tree, changes, expected):
    assert tree.problems({**CLEAN, **changes}, warnings=True) == expected


# --- kr-title-contradicts-metric: conservative, as data ----------------------------------------------------------

TITLES = [  # (title, metric, whether the rule warns)
    ("Raise mobile checkout completion from 61% to 70%", "{unit: '%', from: 61, to: 70}", False),
    ("Raise mobile checkout completion from 61% to 70%", "{unit: '%', from: 61, to: 66}", True),
    ("Raise mobile checkout completion from 61% to 70%", "{unit: '%', from: 64, to: 70}", True),  # baseline rolled over
    ("Mobile checkout completion 61% → 70%", "{unit: '%', from: 61, to: 66}", True),
    ("Mobile checkout completion 61% -> 70%", "{unit: '%', from: 61, to: 70}", False),
    ("Lift mobile checkout completion to 70%", "{unit: '%', from: 61, to: 66}", True),
    ("Reduce churn from 2.4% to 1.8%", "{unit: '%', from: 2.4, to: 2.0}", True),
    ("Reduce churn from 2.4% to 1.8%", "{unit: share, from: 0.024, to: 0.018}", False),  # a fraction
    ("Sign 25 new logos", "{unit: logos, from: 0, to: 20}", True),
    ("Link 90% of orders to a profile, up from 72%", "{unit: '%', from: 75, to: 90}", True),
    ("Offer live chat in 6 languages, up from 3", "{unit: languages, from: 3, to: 6}", False),
    ("Keep checkout availability between 99.9% and 100%", "{unit: '%', keep_between: [99.5, 100]}", True),
    ("Keep NPS at or above 40", "{unit: points, keep_above: 35}", True),
    ("Keep first response at most 4 hours", "{unit: hours, keep_below: 4}", False),
    ("Book €15M in net revenue in Q4", "{unit: €M, from: 0, to: 12}", True),
    ("Grow ARR from 10 to 14 million EUR", "{unit: M EUR, from: 10, to: 14}", False),
    ("Grow ARR from €10,000,000 to €14,000,000", "{unit: M EUR, from: 10, to: 14}", False),  # another scale
    ("Grow ARR from €10M to €14M", "{unit: EUR, from: 10000000, to: 14000000}", False),
    ("Grow members from 142k to 170k", "{unit: members, from: 142300, to: 170000}", False),  # rounded
    ("Raise conversion from 2.3% to 2.8%", "{unit: '%', from: 2.31, to: 2.8}", False),
    ("Grow active members from 142,000 to 170,000", "{unit: members, from: 142000, to: 170000}", False),
    ("Cut p95 latency from 1.2 s to 800 ms", "{unit: ms, from: 1200, to: 800}", False),  # a conversion
    ("Raise 90-day repeat purchase rate from 28% to 31% in 2026", "{unit: '%', from: 28, to: 31}", False),
    ("Win 2 of the 3 largest retailers", "{unit: retailers, from: 0, to: 1}", False),  # two numbers: unsure
    ("Ship 2 features to 100% of users", "{unit: features, from: 0, to: 3}", False),
    ("Launch the app in 3 markets", "{unit: apps, from: 0, to: 1}", False),  # counts something else
    ("Grow revenue by 20%", "{unit: M EUR, from: 10, to: 12}", False),  # a change, not the target
    ("Keep 99% of dashboards refreshed by 08:00", "{unit: '%', keep_above: 97}", False),  # no keep words
    ("Raise products with at least 5 reviews from 45% to 70%", "{unit: '%', from: 45, to: 70}", False),
]


@pytest.mark.parametrize("title, metric, warns", TITLES, ids=[f"{i}-{t[:30]}" for i, (t, _, _) in enumerate(TITLES)])
def test_a_title_that_contradicts_its_metric(tree, title, metric, warns):
    sales = SALES.replace("title: Sign 25 new logos", f"title: {title}").replace(
        "metric: {unit: logos, from: 0, to: 25}", f"metric: {metric}")
    problems = tree.problems({**CLEAN, S: sales}, warnings=True)
    assert problems == ([(S, 7, 9, "lint.kr-title-contradicts-metric")] if warns else []), title


def test_title_contradiction_message(tree):
    sales = SALES.replace("title: Sign 25 new logos", "title: Raise completion from 61% to 70%").replace(
        "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: '%', from: 61, to: 66}")
    [p] = tree.build({**CLEAN, S: sales}).problems
    assert p.message == "Key result 'win-dach/logos' says 'from 61% to 70%' in its title, but its metric says from 61 to 66 %"
    assert p.hint.startswith("Make them agree")


def test_title_numbers_say_where_each_number_is_for_a_writer():
    title = "Cut refund time from 12 days to 7 days by Q4, for 90-day orders"
    numbers = lint.title_numbers(title)
    assert [(n.value, title[n.span[0]:n.span[1]], n.unit) for n in numbers] == [(12, "12 days", "days"), (7, "7 days", "days")]
    [claim] = lint.read_title(title)
    assert (claim.form, claim.text, [n.value for n in claim.numbers]) == ("range", "from 12 days to 7 days", [12, 7])
    assert [(n.value, n.scale, n.currency, n.percent) for n in lint.title_numbers("Reach €2.4M, 15% and 1,500")] == [
        (2.4, 1e6, "€", False), (15, 1, "", True), (1500, 1, "", False)]

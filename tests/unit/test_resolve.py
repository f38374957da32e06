"""resolve/: ids become linked objects; every dangling reference, loop and misplaced date is an error."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.resolve import period_dates

D = dt.date


def objective(oid: str, *, aligns_to: str | None = None, owner: str = "dana", extra: str = "") -> str:
    """One objective of a period file (7 lines, 8 with aligns_to), with a milestone key result."""
    lines = [f"  - id: {oid}", f"    title: Objective {oid}", f"    owner: {owner}"]
    if aligns_to:
        lines.append(f"    aligns_to: {aligns_to}")
    lines += ["    key_results:", "      - id: done", "        title: Ship it", "        milestone: true"]
    return "\n".join(lines) + "\n" + extra


def period_file(*objectives: str) -> str:
    return "objectives:\n" + "".join(objectives)


def messages(build):
    return {p.code: p for p in build.errors}


# --- unknown names ---------------------------------------------------------------------------------------


def test_unknown_owner_with_a_did_you_mean_hint(tree):
    build = tree.build({"2026-Q4/sales.yaml": period_file(objective("grow", owner="dan"))})
    [p] = build.errors
    assert (p.location.line, p.location.column, p.code) == (4, 12, "resolve.unknown-person")
    assert p.message == "Expected a known person, got 'dan'" and p.hint == "Did you mean 'dana'?"


def test_unknown_names_everywhere(tree):
    assert tree.problems({
        "org.yaml": """
            company: {id: acme, name: Acme}
            units:
              - {id: sales, name: Sales, parent: sale, lead: dama}
            people:
              - {id: dana, name: Dana, unit: sails}
        """,
        "kpis.yaml": """
            kpis:
              - {id: nps, name: NPS, owner: carl, unit: cs, collaborators: [dana, bob], informed: [sales, exec],
                 predicts: [churn]}
        """,
        "2026-Q4/sales.yaml": """
            objectives:
              - id: grow
                title: Grow
                owner: dana
                collaborators: [eli]
                aligns_to: acme/grow
                rolled_over_from: 2026-Q3:sales/grow
                key_results:
                  - {id: nps, title: NPS 45, owner: ann, kpi: npx, metric: {unit: p, from: 31, to: 45}}
                initiatives:
                  - {title: Survey, owner: zed}
        """,
        "2026-Q4/marketing.yaml": "objectives: []\n",
    }) == [
        ("2026-Q4/marketing.yaml", 1, 1, "resolve.unknown-unit"),
        ("2026-Q4/sales.yaml", 5, 21, "resolve.unknown-person"),
        ("2026-Q4/sales.yaml", 6, 16, "resolve.unknown-objective-or-key-result"),
        ("2026-Q4/sales.yaml", 7, 23, "resolve.unknown-objective"),
        ("2026-Q4/sales.yaml", 9, 41, "resolve.unknown-person"),
        ("2026-Q4/sales.yaml", 9, 51, "resolve.unknown-kpi"),
        ("2026-Q4/sales.yaml", 11, 32, "resolve.unknown-person"),
        ("kpis.yaml", 2, 33, "resolve.unknown-person"),
        ("kpis.yaml", 2, 45, "resolve.unknown-unit"),
        ("kpis.yaml", 2, 71, "resolve.unknown-person"),
        ("kpis.yaml", 2, 95, "resolve.unknown-unit-or-person"),
        ("kpis.yaml", 3, 17, "resolve.unknown-kpi"),
        ("org.yaml", 3, 38, "resolve.unknown-unit"),
        ("org.yaml", 3, 50, "resolve.unknown-person"),
        ("org.yaml", 5, 34, "resolve.unknown-unit"),
    ]


def test_unknown_reference_hints_at_a_close_one(tree):
    build = tree.build({"2026-Q4/acme.yaml": period_file(objective("grow-revenue")),
                        "2026-Q4/sales.yaml": period_file(objective("win", aligns_to="acme/grow-revenu"))})
    [p] = build.errors
    assert p.code == "resolve.unknown-objective-or-key-result"
    assert p.message == "Expected a known objective or key result, got '2026-Q4:acme/grow-revenu'"
    assert p.hint == "Did you mean '2026-Q4:acme/grow-revenue'?"


def test_unknown_kpi_hint(tree):
    build = tree.build({
        "kpis.yaml": "kpis:\n  - {id: monthly-churn, name: Churn, owner: carol}\n",
        "2026-Q4/cs.yaml": period_file(objective("keep", owner="carol").replace(
            "        milestone: true\n", "        milestone: true\n        kpi: monthly-chrun\n")),
    })
    [p] = build.errors
    assert (p.code, p.hint) == ("resolve.unknown-kpi", "Did you mean 'monthly-churn'?")


def test_person_may_not_take_a_unit_id(tree):
    org = "company: {id: acme, name: Acme}\nunits:\n  - {id: sales, name: Sales}\npeople:\n  - {id: sales, name: S, unit: sales}\n  - {id: acme, name: A, unit: sales}\n"
    build = tree.build({"org.yaml": org})
    assert [(p.location.line, p.location.column, p.code) for p in build.errors] == [
        (5, 10, "resolve.duplicate-id"), (6, 10, "resolve.duplicate-id")]
    assert "a unit's id" in build.errors[0].message and "namespace" in build.errors[0].hint


def test_duplicate_unit_and_person_and_kpi_ids(tree):
    assert tree.problems({
        "org.yaml": """
            company: {id: acme, name: Acme}
            units:
              - {id: sales, name: Sales}
              - {id: sales, name: Sales again}
              - {id: acme, name: The company again}
            people:
              - {id: dana, name: Dana, unit: sales}
              - {id: dana, name: Dana again, unit: sales}
        """,
        "kpis.yaml": "kpis:\n  - {id: nps, name: NPS, owner: dana}\n  - {id: nps, name: NPS again, owner: dana}\n",
    }) == [
        ("kpis.yaml", 3, 10, "resolve.duplicate-id"),
        ("org.yaml", 4, 10, "resolve.duplicate-id"),
        ("org.yaml", 5, 10, "resolve.duplicate-id"),
        ("org.yaml", 8, 10, "resolve.duplicate-id"),
    ]


# --- loops -----------------------------------------------------------------------------------------------------


def test_unit_tree_loop_is_reported_once_naming_every_member(tree):
    build = tree.build({"org.yaml": """
        company: {id: acme, name: Acme}
        units:
          - {id: ops, name: Ops}
          - {id: a, name: A, parent: b}
          - {id: b, name: B, parent: c}
          - {id: c, name: C, parent: a}
          - {id: d, name: D, parent: c}
    """})
    [p] = build.errors
    assert (p.location.line, p.location.column, p.code) == (4, 30, "resolve.unit-loop")
    assert p.message.endswith("got a loop: a → b → c → a")
    # the loop is cut, so every unit still leads up to the company
    for unit in build.portal.units.values():
        assert unit.is_company or unit.ancestors()[-1] is build.portal.company


def test_unit_that_is_its_own_parent(tree):
    build = tree.build({"org.yaml": "company: {id: acme, name: Acme}\nunits:\n  - {id: ops, name: Ops, parent: ops}\n"})
    [p] = build.errors
    assert (p.code, p.message.rsplit(": ", 1)[1]) == ("resolve.unit-loop", "ops → ops")


def test_alignment_loop_is_reported_once_naming_every_member(tree):
    build = tree.build({
        "2026-Q4/acme.yaml": period_file(objective("a", aligns_to="cs/c")),
        "2026-Q4/sales.yaml": period_file(objective("b", aligns_to="acme/a")),
        "2026-Q4/cs.yaml": period_file(objective("c", aligns_to="sales/b", owner="carol")),
    })
    [p] = build.errors
    # at the `aligns_to` that closes the loop, walking from the first objective by ref
    assert (p.location.path.rsplit("/", 1)[1], p.location.line, p.location.column, p.code) == (
        "sales.yaml", 5, 16, "resolve.alignment-loop")
    assert p.message.endswith("got a loop: 2026-Q4:acme/a → 2026-Q4:cs/c → 2026-Q4:sales/b → 2026-Q4:acme/a")
    # cut where found: the alignment graph is a tree again
    objectives = build.portal.objectives
    assert sum(len(o.parents) for o in objectives.values()) == 2


def test_alignment_loop_through_a_key_result(tree):
    build = tree.build({
        "2026-Q4/acme.yaml": period_file(objective("a", aligns_to="sales/b")),
        "2026-Q4/sales.yaml": period_file(objective("b", aligns_to="acme/a/done")),
    })
    assert [p.code for p in build.errors] == ["resolve.alignment-loop"]


def test_self_alignment(tree):
    assert tree.problems({"2026-Q4/sales.yaml": period_file(
        objective("a", aligns_to="sales/a"), objective("b", aligns_to="2026-Q4:sales/b/done"))}) == [
        ("2026-Q4/sales.yaml", 5, 16, "resolve.self-alignment"),
        ("2026-Q4/sales.yaml", 13, 16, "resolve.self-alignment"),
    ]


# --- alignment -------------------------------------------------------------------------------------------------


def test_aligning_to_a_key_result_makes_a_child_of_the_key_result(tree):
    build = tree.build({
        "2026-Q4/acme.yaml": period_file(objective("grow")),
        "2026-Q4/sales.yaml": period_file(objective("win", aligns_to="acme/grow/done")),
    })
    assert build.errors == []
    grow, win = build.portal.objectives["2026-Q4:acme/grow"], build.portal.objectives["2026-Q4:sales/win"]
    kr = build.portal.key_results["2026-Q4:acme/grow/done"]
    assert win.parents == [kr] and kr.children == [win] and grow.children == []


def test_cross_period_reference_and_a_list_of_parents(tree):
    build = tree.build({
        "2026/acme.yaml": period_file(objective("grow-revenue")),
        "2026-Q4/acme.yaml": period_file(objective("retain")),
        "2026-Q4/sales.yaml": period_file(objective("win", aligns_to="[2026:acme/grow-revenue, acme/retain/done]")),
    })
    assert build.errors == []
    win = build.portal.objectives["2026-Q4:sales/win"]
    assert [p.ref for p in win.parents] == ["2026:acme/grow-revenue", "2026-Q4:acme/retain/done"]
    assert build.portal.objectives["2026:acme/grow-revenue"].children == [win]


def test_unknown_reference_in_a_list_points_at_the_item(tree):
    assert tree.problems({
        "2026-Q4/acme.yaml": period_file(objective("retain")),
        "2026-Q4/sales.yaml": "objectives:\n  - id: win\n    title: Win\n    owner: dana\n"
                              "    aligns_to:\n      - acme/retain\n      - acme/nothing\n",
    }) == [("2026-Q4/sales.yaml", 7, 9, "resolve.unknown-objective-or-key-result")]


def test_rolled_over_from_links_both_ways(tree):
    build = tree.build({
        "2026-Q3/sales.yaml": period_file(objective("win")),
        "2026-Q4/sales.yaml": period_file(objective("win", extra="    rolled_over_from: 2026-Q3:sales/win\n")),
    })
    assert build.errors == []
    old, new = build.portal.objectives["2026-Q3:sales/win"], build.portal.objectives["2026-Q4:sales/win"]
    assert new.rolled_over_from is old and old.rolled_over_to == [new]


def test_rolled_over_from_the_same_period_is_an_error(tree):
    assert tree.problems({"2026-Q4/sales.yaml": period_file(
        objective("a"), objective("b", extra="    rolled_over_from: sales/a\n"))}) == [
        ("2026-Q4/sales.yaml", 16, 23, "resolve.bad-rollover")]


def test_rolled_over_from_a_later_period_is_an_error(tree):
    assert tree.problems({
        "2026-Q4/sales.yaml": period_file(objective("win", extra="    rolled_over_from: 2027-Q1:sales/win\n")),
        "2027-Q1/sales.yaml": period_file(objective("win")),
    }) == [("2026-Q4/sales.yaml", 9, 23, "resolve.bad-rollover")]


# --- a broken file does not cascade ------------------------------------------------------------------------------


@pytest.mark.parametrize("broken", [
    "objectives: [\n",                                          # YAML syntax
    "objectives:\n  - id: grow\n    title: [x]\n    owner: dana\n",   # the objective itself fails validation
    "objectives:\n  - id: grow\n    title: Grow\n    owner: dana\n    key_results:\n      - {id: k, title: K, metric: {unit: x, from: 1}}\n",
    "unit: sales\nobjectives: []\n",                           # a header error
])
def test_reference_into_a_broken_file_is_not_reported_as_unknown(tree, broken):
    build = tree.build({
        "2026-Q4/acme.yaml": broken,
        "2026-Q4/sales.yaml": period_file(objective("win", aligns_to="acme/grow")),
    })
    assert [p.location.path.rsplit("/", 1)[1] for p in build.errors] == ["acme.yaml"]


def test_broken_org_yaml_does_not_cascade_into_unknown_people(tree):
    problems = tree.problems({"org.yaml": "company: {id: acme, name: Acme}\npeople: [\n",
                              "2026-Q4/acme.yaml": period_file(objective("grow", owner="nobody"))})
    assert problems == [("org.yaml", 3, 1, "load.yaml-syntax")]


def test_org_yaml_with_a_check_error_does_not_cascade(tree):
    # The period's dates are wrong: no date is checked against them (the check-in of 2026-09-01 is not
    # reported), but a person org.yaml does not name is unknown all the same.
    org = ("company: {id: acme, name: Acme}\npeople: [{id: dana, name: Dana, unit: acme}]\n"
           "periods:\n  2026-Q4: {start: 2026-12-31, end: 2026-10-01}\n")
    team = period_file(objective("grow", owner="nobody")) + "        checkins: [{date: 2026-09-01, value: 0.5}]\n"
    assert tree.problems({"org.yaml": org, "2026-Q4/acme.yaml": team}) == [
        ("2026-Q4/acme.yaml", 4, 12, "resolve.unknown-person"),
        ("org.yaml", 4, 37, "model.bad-period-dates"),
    ]


def test_broken_kpi_file_does_not_cascade_into_unknown_kpis(tree):
    build = tree.build({
        "kpis.yaml": "kpis:\n  - {id: nps, name: NPS, owner: dana, indicator: lagged}\n",
        "2026-Q4/acme.yaml": period_file(objective("grow").replace(
            "        milestone: true\n", "        milestone: true\n        kpi: nps\n")),
    })
    assert [p.code for p in build.errors] == ["model.bad-choice"]


# --- dates --------------------------------------------------------------------------------------------------------

KR = """\
objectives:
  - id: grow
    title: Grow
    owner: dana
    key_results:
      - id: logos
        title: Sign 25 logos
        metric: {unit: logos, from: 0, to: 25}
"""


def test_checkin_outside_its_period_and_after_today(tree):
    build = tree.build({"2026-Q4/sales.yaml": KR + """\
        due: 2027-01-05
        checkins:
          - {date: 2026-09-30, value: 1}
          - {date: 2026-10-01, value: 2}
          - {date: 2026-11-22, value: 3}
          - {date: 2026-11-23, value: 4}
          - {date: 2027-01-01, value: 5}
    """})
    assert [(p.location.line, p.location.column, p.code) for p in build.errors] == [
        (9, 14, "resolve.date-outside-period"),
        (11, 20, "resolve.date-outside-period"),
        (14, 20, "resolve.future-date"),
        (15, 20, "resolve.date-outside-period"),
    ]
    assert "2026-Q4 (2026-10-01 to 2026-12-31)" in build.errors[0].message
    assert "today (2026-11-22)" in build.errors[2].message


def test_kpi_value_after_today(tree):
    assert tree.problems({"kpis.yaml": """
        kpis:
          - id: nps
            name: NPS
            owner: dana
            values:
              - {date: 2026-11-22, value: 30}
              - {date: 2026-11-23, value: 31}
    """}) == [("kpis.yaml", 7, 9, "resolve.future-date")]


def test_future_kpi_value_in_a_csv_is_reported_at_its_row(tree):
    assert tree.problems({
        "kpis.yaml": "kpis:\n  - {id: nps, name: NPS, owner: dana, data: data/nps.csv}\n",
        "data/nps.csv": "date,value\n2026-10-31,30\n2026-12-31,31\n",
    }) == [("data/nps.csv", 3, 1, "resolve.future-date")]


def test_same_date_checkins_the_last_wins_and_they_are_sorted(tree):
    build = tree.build({"2026-Q4/sales.yaml": KR + """\
        checkins:
          - {date: 2026-11-16, value: 9}
          - {date: 2026-10-05, value: 4, confidence: 7}
          - {date: 2026-10-05, value: 5, confidence: 6}
    """})
    kr = build.portal.key_results["2026-Q4:sales/grow/logos"]
    assert [(c.date, c.value, c.confidence) for c in kr.checkins] == [(D(2026, 10, 5), 5.0, 6), (D(2026, 11, 16), 9.0, None)]
    assert not kr.from_kpi


def test_key_result_without_checkins_takes_its_kpi_values_inside_the_period(tree):
    build = tree.build({
        "kpis.yaml": """
            kpis:
              - id: churn
                name: Churn
                owner: dana
                values:
                  - {date: 2026-09-30, value: 2.4}
                  - {date: 2026-10-31, value: 2.2}
                  - {date: 2026-11-22, value: 2.1}
                  - {date: 2026-10-31, value: 2.3}
        """,
        "2026-Q4/sales.yaml": KR.replace("from: 0, to: 25", "from: 2.4, to: 1.8") + "        kpi: churn\n",
    })
    assert build.errors == []
    kr = build.portal.key_results["2026-Q4:sales/grow/logos"]
    assert kr.from_kpi and kr.kpi is build.portal.kpis["churn"]
    assert [(c.date, c.value) for c in kr.checkins] == [(D(2026, 10, 31), 2.3), (D(2026, 11, 22), 2.1)]
    assert build.portal.kpis["churn"].moved_by == [kr]


def test_key_result_with_its_own_checkins_ignores_the_kpi_values(tree):
    build = tree.build({
        "kpis.yaml": "kpis:\n  - {id: churn, name: Churn, owner: dana, values: [{date: 2026-10-31, value: 2.2}]}\n",
        "2026-Q4/sales.yaml": KR + "        kpi: churn\n        checkins:\n          - {date: 2026-11-01, value: 3}\n",
    })
    kr = build.portal.key_results["2026-Q4:sales/grow/logos"]
    assert not kr.from_kpi and [c.value for c in kr.checkins] == [3.0]


# --- periods ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pid, fiscal, expected", [
    ("2026", 1, ("year", D(2026, 1, 1), D(2026, 12, 31))),
    ("2026-H1", 1, ("half", D(2026, 1, 1), D(2026, 6, 30))),
    ("2026-H2", 1, ("half", D(2026, 7, 1), D(2026, 12, 31))),
    ("2026-Q1", 1, ("quarter", D(2026, 1, 1), D(2026, 3, 31))),
    ("2024-Q1", 1, ("quarter", D(2024, 1, 1), D(2024, 3, 31))),
    ("2026-Q2", 1, ("quarter", D(2026, 4, 1), D(2026, 6, 30))),
    ("2026-Q3", 1, ("quarter", D(2026, 7, 1), D(2026, 9, 30))),
    ("2026-Q4", 1, ("quarter", D(2026, 10, 1), D(2026, 12, 31))),
    # FORMAT.md: a fiscal year is named by the calendar year it ends in
    ("2027-Q1", 2, ("quarter", D(2026, 2, 1), D(2026, 4, 30))),
    ("2027-Q4", 2, ("quarter", D(2026, 11, 1), D(2027, 1, 31))),
    ("2027", 2, ("year", D(2026, 2, 1), D(2027, 1, 31))),
    ("2027-H2", 2, ("half", D(2026, 8, 1), D(2027, 1, 31))),
    ("2027", 7, ("year", D(2026, 7, 1), D(2027, 6, 30))),
    ("2027-Q3", 10, ("quarter", D(2027, 4, 1), D(2027, 6, 30))),
    ("2027", 12, ("year", D(2026, 12, 1), D(2027, 11, 30))),
])
def test_period_dates(pid, fiscal, expected):
    assert period_dates(pid, fiscal) == expected


def test_fiscal_year_setting_and_org_overrides_place_the_periods(tree):
    build = tree.build({
        "org.yaml": """
            company: {id: acme, name: Acme}
            settings: {fiscal_year_start_month: 2}
            periods:
              2026-Q4: {start: 2026-10-01, end: 2026-12-31}
            people:
              - {id: dana, name: Dana, unit: acme}
        """,
        "2027-Q1/acme.yaml": period_file(objective("a")),
        "2026-Q4/acme.yaml": period_file(objective("b")),
    }, today=D(2026, 3, 1))
    periods = build.portal.periods
    assert (periods["2027-Q1"].start, periods["2027-Q1"].end) == (D(2026, 2, 1), D(2026, 4, 30))
    assert (periods["2026-Q4"].start, periods["2026-Q4"].end) == (D(2026, 10, 1), D(2026, 12, 31))
    assert periods["2027-Q1"].state(D(2026, 3, 1)) == "running"
    assert [p.id for p in build.portal.periods_in_order()] == ["2027-Q1", "2026-Q4"]


def test_checkin_is_checked_against_the_overridden_period(tree):
    org = ("company: {id: acme, name: Acme}\nperiods:\n  2026-Q4: {start: 2026-09-28, end: 2026-12-27}\n"
           "people:\n  - {id: dana, name: Dana, unit: acme}\n")
    assert tree.problems({"org.yaml": org, "2026-Q4/acme.yaml": KR + """\
        checkins:
          - {date: 2026-09-28, value: 1}
          - {date: 2026-09-27, value: 1}
    """}) == [("2026-Q4/acme.yaml", 11, 20, "resolve.date-outside-period")]


def test_period_states_and_order(tree):
    build = tree.build({"2026/acme.yaml": period_file(objective("a")), "2026-Q4/acme.yaml": period_file(objective("b")),
                        "2026-H1/acme.yaml": period_file(objective("c")), "2027-Q1/acme.yaml": period_file(objective("d"))})
    order = build.portal.periods_in_order()
    assert [p.id for p in order] == ["2026", "2026-H1", "2026-Q4", "2027-Q1"]
    assert [p.state(D(2026, 11, 22)) for p in order] == ["running", "closed", "running", "upcoming"]
    assert build.portal.periods["2026-Q4"].days == 92


def test_the_minimal_fixture_links(tree):
    from generator.pipeline import build_portal

    build = build_portal("tests/fixtures/portal_minimal/goals", D(2026, 11, 22))
    assert build.ok
    portal = build.portal
    win = portal.objectives["2026-Q4:sales-emea/win-dach"]
    assert [p.ref for p in win.parents] == ["2026-Q4:acme/customer-experience"]
    assert win.owner.name == "Dana Fox" and [c.id for c in win.collaborators] == ["eli"]
    assert portal.units["sales-emea"].ancestors() == [portal.units["sales"], portal.company]
    assert portal.people["no"].unit is portal.units["cs"]
    assert win.private is False and portal.objectives["2026-Q4:sales-emea/nightjar"].private is True
    churn = portal.key_results["2026-Q4:sales-emea/win-dach/churn"]
    assert churn.from_kpi and [c.value for c in churn.checkins] == [2.2]
    assert [k.id for k in portal.kpis["monthly-churn"].predicts] == ["customer-retention"]


def test_a_public_key_result_may_not_publish_a_private_kpis_values(tree):
    kpis = """\
        kpis:
          - id: secret-kpi
            name: Secret
            owner: dana
            visibility: private
            values: [{date: 2026-10-31, value: 3}]
        """
    team = """\
        objectives:
          - id: o
            title: Grow
            owner: dana
            key_results:
              - id: k
                title: Raise it from 1 to 5
                metric: {unit: x, from: 1, to: 5}
                kpi: secret-kpi
        """
    problems = tree.problems({"kpis.yaml": kpis, "2026-Q4/acme.yaml": team})
    assert [p[3] for p in problems] == ["resolve.private-kpi-values"]
    private_team = team.replace("        objectives:", "        visibility: private\n        objectives:")
    assert tree.problems({"kpis.yaml": kpis, "2026-Q4/acme.yaml": private_team}) == []


def test_kept_checkins_are_checked_again_when_today_or_the_period_changes(tree):
    """resolve_portal() keeps the check-ins of a key result whose model validate_goals() kept (an unchanged
    file): only with the same period dates and the same today, and only when none of its dates was wrong."""
    from generator.pipeline import build_portal
    from generator.speed.memo import Memo

    goals = tree.write({"2026-Q4/sales.yaml": KR + """\
        checkins:
          - {date: 2026-10-02, value: 1}
          - {date: 2026-11-23, value: 4}
    """})
    memo = Memo()  # as `goalsite serve` keeps one: the key result's model is the same while its file is

    memo = Memo()  # as `goalsite serve` has it: unchanged files keep their models

    def codes(today, org=None):
        if org is not None:
            (goals / "org.yaml").write_text(org, encoding="utf-8")
        build = build_portal(goals, today, memo=memo)
        return [(p.location.line, p.code) for p in build.errors], build

    def kept() -> int:
        """How many key results' check-ins the memo keeps for the next build (the one of the file, or none)."""
        stats = memo.stats("resolve-checkins")
        return stats.reused + stats.made

    first, build = codes(D(2026, 11, 23))
    assert first == []
    kr = build.model.periods["2026-Q4"]["sales"][0].objectives[0].key_results[0]
    assert kept() == 1  # kept for the next resolution

    again, build = codes(D(2026, 11, 23))
    assert again == [] and build.model.periods["2026-Q4"]["sales"][0].objectives[0].key_results[0] is kr
    assert [c.value for c in build.portal.key_results["2026-Q4:sales/grow/logos"].checkins] == [1, 4]
    assert memo.stats("resolve-checkins").reused == 1  # taken as the last resolution ordered them

    # The same model, a day earlier: the last check-in is in the future, every time.
    assert codes(D(2026, 11, 22))[0] == [(11, "resolve.future-date")]
    assert kept() == 0
    assert codes(D(2026, 11, 22))[0] == [(11, "resolve.future-date")]

    # The same model, a period that starts later (org.yaml): the first check-in is outside it.
    assert codes(D(2026, 11, 23))[0] == [] and kept() == 1
    later = tree.org + "periods:\n  2026-Q4: {start: 2026-10-05, end: 2026-12-31}\n"
    assert codes(D(2026, 11, 23), later)[0] == [(10, "resolve.date-outside-period")]
    assert codes(D(2026, 11, 23), tree.org)[0] == []


# --- a file with a model error still has its references resolved --------------------------------------------------
# Each part that validates (a unit, a person, a KPI, an objective, a key result, a check-in) is linked and checked,
# so fixing one error does not reveal the next; a name that only a part with errors defines is not reported.

ORG_WITH_ERRORS = """\
company: {id: acme, name: Acme Corp}
units:
  - {id: sales, name: Sales, lead: dana}
  - {id: sales-emea, name: Sales EMEA, parent: salez}
  - {id: cs, name: Customer Success, colour: red}
people:
  - {id: dana, name: Dana Fox, unit: sales}
  - {id: carol, name: Carol Reyes, unit: cs}
  - {id: bob, name: Bob, unit: sales, titel: CEO}
"""

PARTS = [
    ("key-result-error-and-unknown-owner", {"2026-Q4/sales.yaml": """
        objectives:
          - id: grow
            title: Grow
            owner: danna
            key_results:
              - id: logos
                title: Sign 25 logos
                metric: {unit: logos, from: 0, to: 25, too: 3}
              - id: nps
                title: Raise NPS from 30 to 40
                metric: {unit: points, from: 30, to: 40}
                kpi: nsp
        """}, [
        ("2026-Q4/sales.yaml", 4, 12, "resolve.unknown-person"),
        ("2026-Q4/sales.yaml", 8, 48, "model.unknown-field"),
        ("2026-Q4/sales.yaml", 12, 14, "resolve.unknown-kpi"),
    ]),
    ("checkin-error-and-unknown-kpi-of-its-key-result", {"2026-Q4/sales.yaml": KR + """\
        kpi: nsp
        checkins:
          - {date: 2026-11-20, value: high}
          - {date: 2027-01-20, value: 3}
    """}, [
        ("2026-Q4/sales.yaml", 9, 14, "resolve.unknown-kpi"),
        ("2026-Q4/sales.yaml", 11, 39, "model.type"),
        ("2026-Q4/sales.yaml", 12, 20, "resolve.date-outside-period"),
    ]),
    ("cross-field-error-and-duplicate-key-result", {"2026-Q4/sales.yaml": KR + """\
      - id: logos
        title: Again
        metric: {unit: logos, from: 3}
        owner: nobody
      - id: churn
        title: Cut churn
        metric: {unit: "%", from: 3, to: 2}
        owner: carl
    """}, [
        ("2026-Q4/sales.yaml", 9, 13, "model.duplicate-id"),
        ("2026-Q4/sales.yaml", 11, 17, "model.metric-form"),
        ("2026-Q4/sales.yaml", 16, 16, "resolve.unknown-person"),
    ]),
    ("org-yaml-errors-and-references", {"org.yaml": ORG_WITH_ERRORS, "2026-Q4/sales.yaml": """
        objectives:
          - id: grow
            title: Grow
            owner: bob
            collaborators: [carol, eve]
            key_results: [{id: done, title: Ship it, milestone: true}]
        """}, [
        ("2026-Q4/sales.yaml", 5, 28, "resolve.unknown-person"),
        ("org.yaml", 4, 48, "resolve.unknown-unit"),
        ("org.yaml", 5, 38, "model.unknown-field"),
        ("org.yaml", 9, 39, "model.unknown-field"),
    ]),
    ("kpi-file-errors-and-references", {"kpis.yaml": """
        kpis:
          - {id: nps, name: NPS, owner: carol, indicator: lagged}
          - {id: churn, name: Churn, owner: carl, predicts: [nps, retention]}
        """, "2026-Q4/sales.yaml": KR + "        kpi: nps\n      - {id: k, title: K, milestone: true, kpi: csat}\n"}, [
        ("2026-Q4/sales.yaml", 10, 49, "resolve.unknown-kpi"),
        ("kpis.yaml", 2, 51, "model.bad-choice"),
        ("kpis.yaml", 3, 37, "resolve.unknown-person"),
        ("kpis.yaml", 3, 59, "resolve.unknown-kpi"),
    ]),
    ("initiative-naming-a-key-result-with-errors", {"2026-Q4/sales.yaml": KR.replace("to: 25}", "to: high}") + """\
    initiatives:
      - {title: Roadshow, key_results: [logos], owner: nobody}
    """}, [
        ("2026-Q4/sales.yaml", 8, 44, "model.type"),
        ("2026-Q4/sales.yaml", 10, 56, "resolve.unknown-person"),
    ]),
    ("bad-visibility-of-the-file", {"2026-Q4/sales.yaml": "visibility: secret\n" + KR.replace("owner: dana", "owner: dan")}, [
        ("2026-Q4/sales.yaml", 1, 13, "model.bad-choice"),
        ("2026-Q4/sales.yaml", 5, 12, "resolve.unknown-person"),
    ]),
    ("objective-whose-own-fields-fail-is-not-a-missing-parent", {
        "2026-Q4/acme.yaml": "objectives:\n  - {id: grow, title: Grow, ownr: dana}\n",
        "2026-Q4/sales.yaml": period_file(objective("win", aligns_to="acme/grow"), objective("keep", aligns_to="acme/nope")),
    }, [
        ("2026-Q4/acme.yaml", 2, 5, "model.missing-field"),
        ("2026-Q4/acme.yaml", 2, 29, "model.unknown-field"),
        ("2026-Q4/sales.yaml", 13, 16, "resolve.unknown-objective-or-key-result"),
    ]),
]


@pytest.mark.parametrize("files, expected", [p[1:] for p in PARTS], ids=[p[0] for p in PARTS])
def test_a_file_with_a_model_error_still_reports_its_other_problems(tree, files, expected):
    assert tree.problems(files) == expected


def test_what_did_not_validate_is_known_to_the_later_stages(tree):
    build = tree.build({"org.yaml": ORG_WITH_ERRORS, "2026-Q4/sales.yaml": KR.replace("to: 25}", "to: high}") + """\
      - id: nps
        title: Raise NPS from 30 to 40
        metric: {unit: points, from: 30, to: 40}
        checkins: [{date: 2026-11-20, value: 31}, {date: 2026-11-21, value: x}]
    """})
    assert build.model.gaps == {"org/cs", "org/bob", "2026-Q4:sales/grow/logos"}
    assert build.portal.incomplete == {"2026-Q4:sales/grow"}
    assert set(build.portal.key_results) == {"2026-Q4:sales/grow/nps"}
    assert [c.value for c in build.portal.key_results["2026-Q4:sales/grow/nps"].checkins] == [31]
    assert set(build.portal.units) == {"acme", "sales", "sales-emea"} and not build.ok


def test_dates_not_checked_against_wrong_period_dates_are_checked_once_they_are_fixed(tree):
    from generator.pipeline import build_portal

    goals = tree.write({"2026-Q4/sales.yaml": KR + "        checkins: [{date: 2026-09-01, value: 3}]\n"})
    wrong = tree.org + "periods:\n  2026-Q4: {start: 2026-12-31, end: 2026-10-01}\n"
    (goals / "org.yaml").write_text(wrong, encoding="utf-8")
    assert [p.code for p in build_portal(goals, D(2026, 11, 22)).errors] == ["model.bad-period-dates"]
    (goals / "org.yaml").write_text(tree.org, encoding="utf-8")  # the same key result model, kept by load.py
    assert [p.code for p in build_portal(goals, D(2026, 11, 22)).errors] == ["resolve.date-outside-period"]

"""model/: every kind of invalid field is one located error; valid files become frozen models."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from generator.load import load_goals
from generator.model import MAX_MARKDOWN_CHARS, MAX_TEXT_CHARS, Metric, Objective, validate_goals
from tests.unit.conftest import HEAD, METRIC, ORG

CHECKIN = "        checkins:\n          - {date: 2026-11-02, value: %s}\n"

F = "2026-Q4/sales.yaml"

ROWS = [
    # wrong types
    ("title-is-a-list", HEAD.replace("title: Grow into Europe", "title: [a, b]") + METRIC,
     [(F, 3, 12, "model.type")]),
    ("key-results-not-a-list", "objectives:\n  - id: grow\n    title: Grow\n    owner: dana\n    key_results: 5\n",
     [(F, 5, 18, "model.type")]),
    ("objective-not-a-mapping", "objectives:\n  - grow\n", [(F, 2, 5, "model.type")]),
    ("number-is-text", HEAD + METRIC + CHECKIN % "'4'", [(F, 10, 39, "model.type")]),
    ("weight-is-text", HEAD + METRIC + "        weight: high\n", [(F, 9, 17, "model.type")]),
    ("milestone-is-yes", HEAD + "        milestone: yes\n", [(F, 8, 20, "model.type")]),
    ("visibility-choice", "visibility: secret\nobjectives: []\n", [(F, 1, 13, "model.bad-choice")]),
    ("kind-choice", HEAD.replace("    owner: dana\n", "    owner: dana\n    kind: moonshot\n") + METRIC,
     [(F, 5, 11, "model.bad-choice")]),
    ("date-and-time", HEAD + METRIC + "        checkins:\n          - {date: 2026-11-02 10:00:00, value: 3}\n",
     [(F, 10, 20, "model.bad-date")]),
    # unknown and missing fields
    ("unknown-field", HEAD + METRIC + "        wieght: 2\n", [(F, 9, 9, "model.unknown-field")]),
    ("unknown-top-field", "objectivs: []\n", [(F, 1, 1, "model.unknown-field")]),
    ("from_-is-not-from", HEAD + "        metric: {unit: logos, from_: 0, to: 25}\n", [(F, 8, 31, "model.unknown-field")]),
    ("merge-key", HEAD + METRIC + "        <<: {weight: 2}\n", [(F, 9, 9, "model.unknown-field")]),
    ("missing-owner", HEAD.replace("    owner: dana\n", "") + METRIC, [(F, 2, 5, "model.missing-field")]),
    ("missing-kr-title", HEAD.replace("        title: Sign 25 logos\n", "") + METRIC, [(F, 6, 9, "model.missing-field")]),
    ("missing-checkin-value", HEAD + METRIC + "        checkins:\n          - {date: 2026-11-02}\n",
     [(F, 10, 13, "model.missing-field")]),
    # ids
    ("bad-objective-id", HEAD.replace("id: grow", "id: Grow_Fast") + METRIC, [(F, 2, 9, "model.bad-id")]),
    ("bad-owner-id", HEAD.replace("owner: dana", "owner: Dana Fox") + METRIC, [(F, 4, 12, "model.bad-id")]),
    ("bad-reference", HEAD.replace("    owner: dana\n", "    owner: dana\n    aligns_to: grow-revenue\n") + METRIC,
     [(F, 5, 16, "model.bad-reference")]),
    ("bad-reference-in-list", HEAD.replace("    owner: dana\n", "    owner: dana\n    aligns_to: [acme/x, 2026-Q9:acme/y]\n") + METRIC,
     [(F, 5, 25, "model.bad-reference")]),
    ("bad-period-header", "period: Q4\nobjectives: []\n", [(F, 1, 9, "model.bad-period")]),
    ("duplicate-objective-id", HEAD + METRIC + "  - id: grow\n    title: Again\n    owner: dana\n    key_results: []\n",
     [(F, 9, 9, "model.duplicate-id")]),
    ("duplicate-kr-id", HEAD + METRIC + "      - id: logos\n        title: Again 3\n        milestone: true\n",
     [(F, 9, 13, "model.duplicate-id")]),
    # metric forms
    ("metric-no-form", HEAD + "        metric: {unit: logos}\n", [(F, 8, 17, "model.metric-form")]),
    ("metric-two-forms", HEAD + "        metric: {unit: logos, from: 0, to: 25, keep_above: 3}\n", [(F, 8, 17, "model.metric-form")]),
    ("metric-from-without-to", HEAD + "        metric: {unit: logos, from: 0}\n", [(F, 8, 17, "model.metric-form")]),
    ("metric-to-without-from", HEAD + "        metric: {unit: logos, to: 25}\n", [(F, 8, 17, "model.metric-form")]),
    ("metric-from-equals-to", HEAD + "        metric: {unit: logos, from: 5, to: 5}\n", [(F, 8, 44, "model.metric-form")]),
    ("keep-between-low-not-below-high", HEAD + "        metric: {unit: '%', keep_between: [100, 99.9]}\n",
     [(F, 8, 43, "model.metric-form")]),
    ("keep-between-one-number", HEAD + "        metric: {unit: '%', keep_between: [99.9]}\n", [(F, 8, 43, "model.missing-field")]),
    ("keep-between-three-numbers", HEAD + "        metric: {unit: '%', keep_between: [1, 2, 3]}\n", [(F, 8, 43, "model.type")]),
    ("milestone-and-metric", HEAD + METRIC + "        milestone: true\n", [(F, 9, 9, "model.metric-form")]),
    ("neither-metric-nor-milestone", HEAD, [(F, 6, 9, "model.metric-form")]),
    ("milestone-value-above-1", HEAD + "        milestone: true\n" + CHECKIN % "1.5", [(F, 10, 39, "model.out-of-range")]),
    ("milestone-value-below-0", HEAD + "        milestone: true\n" + CHECKIN % "-0.1", [(F, 10, 39, "model.out-of-range")]),
    # numbers
    ("confidence-0", HEAD + METRIC + "        checkins:\n          - {date: 2026-11-02, value: 3, confidence: 0}\n",
     [(F, 10, 54, "model.out-of-range")]),
    ("confidence-11", HEAD + METRIC + "        checkins:\n          - {date: 2026-11-02, value: 3, confidence: 11}\n",
     [(F, 10, 54, "model.out-of-range")]),
    ("confidence-7.5", HEAD + METRIC + "        checkins:\n          - {date: 2026-11-02, value: 3, confidence: 7.5}\n",
     [(F, 10, 54, "model.type")]),
    ("value-inf", HEAD + METRIC + CHECKIN % ".inf", [(F, 10, 39, "model.not-finite")]),
    ("value-nan", HEAD + METRIC + CHECKIN % ".nan", [(F, 10, 39, "model.not-finite")]),
    ("target-minus-inf", HEAD + "        metric: {unit: logos, from: 0, to: -.inf}\n", [(F, 8, 44, "model.not-finite")]),
    ("manual-score-above-1", HEAD.replace("    owner: dana\n", "    owner: dana\n    score: 1.5\n") + METRIC,
     [(F, 5, 12, "model.out-of-range")]),
    ("manual-score-negative", HEAD.replace("    owner: dana\n", "    owner: dana\n    score: -0.5\n") + METRIC,
     [(F, 5, 12, "model.out-of-range")]),
    ("weight-0", HEAD + METRIC + "        weight: 0\n", [(F, 9, 17, "model.out-of-range")]),
    ("weight-negative", HEAD + METRIC + "        weight: -1\n", [(F, 9, 17, "model.out-of-range")]),
    # the header must match the file's place
    ("header-unit-mismatch", "unit: sales-emea\nobjectives: []\n", [(F, 1, 7, "model.header-mismatch")]),
    ("header-period-mismatch", "period: 2026-Q3\nobjectives: []\n", [(F, 1, 9, "model.header-mismatch")]),
    ("initiative-unknown-kr", HEAD + METRIC + "    initiatives:\n      - {title: Roadshow, key_results: [logo]}\n",
     [(F, 10, 41, "resolve.unknown-key-result")]),
    ("initiative-status", HEAD + METRIC + "    initiatives:\n      - {title: Roadshow, status: doing}\n",
     [(F, 10, 35, "model.bad-choice")]),
]


@pytest.mark.parametrize("text, expected", [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_each_kind_of_error_in_a_period_file(tree, text, expected):
    assert tree.problems({F: text}) == expected


KPI = """\
kpis:
  - id: churn
    name: Monthly churn
    owner: carol
"""

KPI_ROWS = [
    ("kpi-metric-from-to", KPI + "    metric: {unit: '%', from: 2.4, to: 1.8}\n",
     [("kpis.yaml", 5, 25, "model.unknown-field"), ("kpis.yaml", 5, 36, "model.unknown-field")]),
    ("kpi-metric-no-form", KPI + "    metric: {unit: '%'}\n", [("kpis.yaml", 5, 13, "model.metric-form")]),
    ("kpi-metric-two-forms", KPI + "    metric: {keep_above: 1, keep_below: 3}\n", [("kpis.yaml", 5, 13, "model.metric-form")]),
    ("kpi-values-and-data", KPI + "    values: [{date: 2026-10-31, value: 2}]\n    data: data/churn.csv\n",
     [("kpis.yaml", 6, 5, "model.kpi-values")]),
    ("kpi-indicator", KPI + "    indicator: lagged\n", [("kpis.yaml", 5, 16, "model.bad-choice")]),
    ("kpi-update-every-0", KPI + "    update_every_days: 0\n", [("kpis.yaml", 5, 24, "model.out-of-range")]),
    ("kpi-missing-owner", KPI.replace("    owner: carol\n", ""), [("kpis.yaml", 2, 5, "model.missing-field")]),
    ("kpi-value-not-finite", KPI + "    values: [{date: 2026-10-31, value: .nan}]\n", [("kpis.yaml", 5, 40, "model.not-finite")]),
]


@pytest.mark.parametrize("text, expected", [row[1:] for row in KPI_ROWS], ids=[row[0] for row in KPI_ROWS])
def test_each_kind_of_error_in_a_kpi_file(tree, text, expected):
    assert tree.problems({"kpis.yaml": text, "data/churn.csv": "date,value\n2026-10-31,2\n"}) == expected


ORG_ROWS = [
    ("company-missing", "units: []\n", [("org.yaml", 1, 1, "model.missing-field")]),
    ("fiscal-month-13", "company: {id: acme, name: Acme}\nsettings: {fiscal_year_start_month: 13}\n",
     [("org.yaml", 2, 37, "model.out-of-range")]),
    ("stretch-above-1", "company: {id: acme, name: Acme}\nsettings: {stretch_success: 1.2}\n",
     [("org.yaml", 2, 29, "model.out-of-range")]),
    ("period-dates-reversed", "company: {id: acme, name: Acme}\nperiods:\n  2026-Q4: {start: 2026-12-31, end: 2026-10-01}\n",
     [("org.yaml", 3, 37, "model.bad-period-dates")]),
    ("period-key", "company: {id: acme, name: Acme}\nperiods:\n  2026-Q5: {start: 2026-10-01, end: 2026-12-31}\n",
     [("org.yaml", 3, 3, "model.bad-period")]),
    ("person-unit-missing", "company: {id: acme, name: Acme}\npeople:\n  - {id: dana, name: Dana}\n",
     [("org.yaml", 3, 5, "model.missing-field")]),
]


@pytest.mark.parametrize("text, expected", [row[1:] for row in ORG_ROWS], ids=[row[0] for row in ORG_ROWS])
def test_each_kind_of_error_in_org_yaml(tree, text, expected):
    assert tree.problems({"org.yaml": text}) == expected


# --- messages ------------------------------------------------------------------------------------------------


def problems(tree, files):
    return [p for p in tree.build(files).problems if p.is_error]


def test_unknown_field_message_lists_the_fields_and_suggests_the_closest(tree):
    [p] = problems(tree, {F: HEAD + METRIC + "        wieght: 2\n"})
    assert p.message.startswith("objectives.key_results.wieght: Expected one of the fields id, title, owner, weight,")
    assert "got the unknown field 'wieght'" in p.message
    assert p.hint == "Did you mean 'weight'?"


def test_a_field_name_with_a_line_break_stays_on_one_line_of_the_message(tree):
    """Found by tests/hardening/test_fuzz.py: a quoted YAML key may hold a line break or a control character."""
    [p] = problems(tree, {F: HEAD + '        "wei\\nght\\u0007": 2\n'})
    assert "\n" not in p.message and "\x07" not in p.message
    assert p.message.startswith("objectives.key_results.wei\\nght\\x07: Expected one of the fields")
    assert "got the unknown field 'wei\\nght\\x07'" in p.message


def test_from_underscore_suggests_from(tree):
    [p] = problems(tree, {F: HEAD + "        metric: {unit: logos, from_: 0, to: 25}\n"})
    assert p.hint == "Did you mean 'from'?"


def test_missing_field_message(tree):
    [p] = problems(tree, {F: HEAD.replace("    owner: dana\n", "") + METRIC})
    assert p.message == "objectives.owner: Expected the field 'owner', got none"
    assert p.hint == "Add `owner:` here."


@pytest.mark.parametrize("text, message", [
    (HEAD + METRIC + CHECKIN % "'4'", "objectives.key_results.checkins.value: Expected a number, got '4'"),
    (HEAD + METRIC + CHECKIN % ".inf", "objectives.key_results.checkins.value: Expected a finite number, got .inf"),
    (HEAD + METRIC + "        weight: 0\n", "objectives.key_results.weight: Expected a value more than 0, got number 0"),
    (HEAD.replace("id: grow", "id: Grow"), "objectives.id: Expected an id of lowercase letters, digits and dashes, got 'Grow'"),
])
def test_messages_say_expected_and_got(tree, text, message):
    assert message in [p.message for p in problems(tree, {F: text})]


# --- valid files ---------------------------------------------------------------------------------------------


def test_the_minimal_fixture_validates():
    model, found = validate_goals(load_goals("tests/fixtures/portal_minimal/goals"))
    assert found == [] and model.broken == set()
    pf, _, index = model.periods["2026-Q4"]["sales-emea"]
    assert [o.id for o in pf.objectives] == ["win-dach", "nightjar"] and index == [0, 1]
    logos = pf.objectives[0].key_results[0]
    assert (logos.weight, logos.metric.from_, logos.metric.to, logos.metric.form) == (2.0, 0.0, 25.0, "increase")
    assert [k.id for k in model.kpis[0][0:1]] == ["customer-retention"]
    assert [v.value for v, _ in model.kpi_values["monthly-churn"]] == [2.4, 2.2]


def test_defaults_and_conversions(tree):
    build = tree.build({F: """
        objectives:
          - id: 2026
            title: 42
            owner: dana
            aligns_to: acme/grow
            tags: [growth, 7]
            key_results:
              - id: nps
                title: Lift NPS
                metric: {unit: "", from: 31, to: 45}
    """})
    pf, _, _ = build.model.periods["2026-Q4"]["sales"]
    obj = pf.objectives[0]
    assert (obj.id, obj.title, obj.kind, obj.visibility, obj.aligns_to, obj.tags) == (
        "2026", "42", "aspirational", None, ["acme/grow"], ["growth", "7"])
    assert pf.visibility == "public"
    kr = obj.key_results[0]
    assert (kr.weight, kr.milestone, kr.owner, kr.metric.unit) == (1.0, False, None, "")


@pytest.mark.parametrize("metric, form", [
    ({"from": 0, "to": 25}, "increase"), ({"from": 2.4, "to": 1.8}, "reduce"), ({"from": -5, "to": -1}, "increase"),
    ({"keep_between": [1, 2]}, "keep_between"), ({"keep_above": 85}, "keep_above"), ({"keep_below": 2.5}, "keep_below"),
])
def test_metric_form(metric, form):
    m = Metric.model_validate(metric)
    assert m.form == form and m.is_keep == form.startswith("keep_")


def test_models_are_frozen():
    obj = Objective.model_validate({"id": "x", "title": "X", "owner": "dana"})
    with pytest.raises(ValidationError, match="frozen"):
        obj.id = "y"


# --- reporting everything at once ------------------------------------------------------------------------------


def test_problems_of_several_files_are_all_reported_and_sorted(tree):
    assert tree.problems({
        "2026-Q4/sales.yaml": HEAD + "        metric: {unit: logos}\n",
        "2026-Q4/cs.yaml": HEAD.replace("owner: dana", "owner: Dana") + METRIC,
        "2026/acme.yaml": "objectives: [\n",
        "kpis.yaml": KPI + "    indicator: lagged\n",
    }) == [
        ("2026-Q4/cs.yaml", 4, 12, "model.bad-id"),
        ("2026-Q4/sales.yaml", 8, 17, "model.metric-form"),
        ("2026/acme.yaml", 2, 1, "load.yaml-syntax"),
        ("kpis.yaml", 5, 16, "model.bad-choice"),
    ]


def test_every_error_of_one_file_is_reported(tree):
    assert tree.problems({F: HEAD.replace("owner: dana", "owner: Dana") + METRIC + "        weight: 0\n"
                          + CHECKIN % ".nan"}) == [
        (F, 4, 12, "model.bad-id"),
        (F, 9, 17, "model.out-of-range"),
        (F, 11, 39, "model.not-finite"),
    ]


SECOND = """\
  - id: retain
    title: Keep our customers
    owner: dana
    aligns_to: acme/nowhere
    key_results:
      - id: nps
        title: Lift NPS from 31 to 45
        owner: nobody
        metric: {unit: points, from: 31, to: 45}
"""


def test_a_bad_objective_does_not_hide_the_problems_of_another_in_the_same_file(tree):
    # The first objective fails validation; the second still gets resolved, so its
    # unknown person is reported in the same run (its alignment to a missing
    # objective of acme too, since acme's file is sound).
    assert tree.problems({
        F: HEAD.replace("owner: dana", "owner: Dana") + METRIC + SECOND,
        "2026-Q4/acme.yaml": "objectives: []\n",
    }) == [
        (F, 4, 12, "model.bad-id"),
        (F, 12, 16, "resolve.unknown-objective-or-key-result"),
        (F, 16, 16, "resolve.unknown-person"),
    ]


def test_a_cross_field_error_does_not_hide_the_problems_of_another_objective(tree):
    assert tree.problems({F: HEAD + "        metric: {unit: logos, from: 0}\n" + SECOND + CHECKIN % "3"}) == [
        (F, 8, 17, "model.metric-form"),
        (F, 12, 16, "resolve.unknown-objective-or-key-result"),
        (F, 16, 16, "resolve.unknown-person"),
    ]


@pytest.mark.parametrize("metric", [
    "{unit: logos, from: 0}", "{unit: logos, to: 25}", "{unit: logos, from: 5, to: 5}", "{unit: logos}",
    "{unit: '%', keep_between: [3, 1]}",
])
def test_a_key_result_with_a_cross_field_error_is_left_out_so_later_stages_do_not_crash(tree, metric):
    # With check-ins the metric would be scored: from without to, or from = to, cannot be.
    # Its objective is kept without it (so the objective's own references are resolved), marked partial.
    build = tree.build({F: HEAD + f"        metric: {metric}\n" + CHECKIN % "3"})
    assert [p.code for p in build.errors] == ["model.metric-form"]
    assert build.portal is not None and build.portal.key_results == {}
    assert build.model.gaps == {"2026-Q4:sales/grow/logos"} and build.portal.incomplete == {"2026-Q4:sales/grow"}
    assert not build.ok


@pytest.mark.parametrize("yaml_value", ["1e308", "-2e15", "1000000000000001"])
def test_absurdly_large_numbers_are_refused_before_they_overflow_a_score(tree, yaml_value):
    team = f"""\
        objectives:
          - id: o
            title: Grow
            owner: dana
            key_results:
              - id: k
                title: Raise it from 1 to 5
                weight: {yaml_value}
                metric: {{unit: x, from: 1, to: 5}}
        """
    assert tree.problems({"2026-Q4/acme.yaml": team}) == [("2026-Q4/acme.yaml", 8, 17, "model.out-of-range")]


def test_large_but_sane_numbers_are_fine(tree):
    team = """\
        objectives:
          - id: o
            title: Grow revenue
            owner: dana
            key_results:
              - id: k
                title: Raise revenue from 1e12 to 1.2e12 EUR
                metric: {unit: EUR, from: 1.0e+12, to: 1.2e+12}
        """
    assert tree.problems({"2026-Q4/acme.yaml": team}) == []


# --- text lengths (issue 25) --------------------------------------------------------------------------------

LONG = {"line": MAX_TEXT_CHARS, "markdown": MAX_MARKDOWN_CHARS}


@pytest.mark.parametrize("field, kind, where", [
    ("title", "line", (3, 12)),
    ("description", "markdown", (5, 18)),
    ("tags", "line", (5, 12)),
])
def test_an_objective_text_over_its_limit_is_an_error(tree, field, kind, where):
    limit = LONG[kind]
    for size, expected in ((limit, []), (limit + 1, [(F, *where, "model.too-long")])):
        text = "x" * size
        value = f"[{text}]" if field == "tags" else text
        doc = HEAD.replace("    owner: dana\n", f"    owner: dana\n    {field}: {value}\n") if field != "title" else \
            HEAD.replace("title: Grow into Europe", f"title: {text}")
        assert tree.problems({F: doc + METRIC}) == expected, (field, size)


@pytest.mark.parametrize("field, limit", [("note", MAX_MARKDOWN_CHARS), ("blockers", MAX_TEXT_CHARS), ("next", MAX_TEXT_CHARS)])
def test_a_check_in_text_over_its_limit_is_an_error(tree, field, limit):
    ok = HEAD + METRIC + f"        checkins:\n          - {{date: 2026-11-02, value: 3, {field}: {'x' * limit}}}\n"
    assert tree.problems({F: ok}) == []
    over = ok.replace("x" * limit, "x" * (limit + 1))
    assert tree.problems({F: over}) == [(F, 10, 44 + len(field), "model.too-long")]


@pytest.mark.parametrize("files, expected", [
    ({"org.yaml": ORG.replace("name: Acme Corp", "name: " + "n" * 501)}, ("org.yaml", 1, 27)),
    ({"org.yaml": ORG + "  - {id: x, name: X, unit: cs, title: " + "t" * 501 + "}\n"}, ("org.yaml", 10, 39)),
    ({"org.yaml": ORG.replace("kind: department, lead: carol", "kind: " + "k" * 501)}, ("org.yaml", 5, 44)),
    ({"org.yaml": ORG.replace("company: {id: acme, name: Acme Corp}",
                                   "company: {id: acme, name: Acme Corp, strategy: " + "s" * 20_001 + "}")}, ("org.yaml", 1, 48)),
    ({"kpis.yaml": KPI + "    calculation: " + "c" * 501 + "\n"}, ("kpis.yaml", 5, 18)),
    ({"kpis.yaml": KPI + "    source: " + "c" * 501 + "\n"}, ("kpis.yaml", 5, 13)),
    ({"kpis.yaml": KPI + "    description: " + "d" * 20_001 + "\n"}, ("kpis.yaml", 5, 18)),
    ({"kpis.yaml": KPI + "    metric: {unit: " + "u" * 501 + ", keep_above: 1}\n"}, ("kpis.yaml", 5, 20)),
    ({F: HEAD + "        metric: {unit: " + "u" * 501 + ", from: 0, to: 25}\n"}, (F, 8, 24)),
    ({F: HEAD + METRIC + "    initiatives: [{title: I, link: " + "l" * 501 + "}]\n"}, (F, 9, 36)),
    ({F: HEAD + METRIC + "retrospective: {lessons: [" + "r" * 20_001 + "]}\n"}, (F, 9, 27)),
])
def test_every_kind_of_text_has_a_limit(tree, files, expected):
    assert tree.problems(files) == [(*expected, "model.too-long")]


def test_the_too_long_message_says_the_limit_and_where_long_text_goes(tree):
    [p] = problems(tree, {F: HEAD.replace("    owner: dana\n", "    owner: dana\n    description: " + "d" * 20_345 + "\n") + METRIC})
    assert p.message == "objectives.description: Expected at most 20,000 characters, got 20,345"
    assert "linked document" in p.hint


# --- scalars as YAML 1.2 reads them; text as written -----------------------------------------------------------


@pytest.mark.parametrize("written, value", [
    ("007", 7), ("+4", 4), ("0x1F", 31), ("0o17", 15), (".5", 0.5), ("1e3", 1000), ("4.", 4),
])
def test_every_yaml_1_2_spelling_of_a_number_is_a_number(tree, written, value):
    build = tree.build({F: HEAD + "        metric: {unit: x, from: 0, to: 5000}\n" + CHECKIN % written})
    assert build.errors == []
    pf, _, _ = build.model.periods["2026-Q4"]["sales"]
    [checkin] = pf.objectives[0].key_results[0].checkins
    assert checkin.value == value and type(checkin.value) is float


@pytest.mark.parametrize("written", ["1_000", "0X1F", "-0x1F", "yes"])
def test_what_yaml_1_2_reads_as_text_is_no_number(tree, written):
    assert tree.problems({F: HEAD + METRIC + CHECKIN % written}) == [(F, 10, 39, "model.type")]


def test_a_whole_number_in_every_spelling_is_a_whole_number(tree):
    build = tree.build({F: HEAD + METRIC + "        checkins:\n          - {date: 2026-11-02, value: 3, confidence: 007}\n"})
    pf, _, _ = build.model.periods["2026-Q4"]["sales"]
    assert build.errors == [] and type(pf.objectives[0].key_results[0].checkins[0].confidence) is int


def test_where_text_is_expected_a_number_or_date_is_read_as_written(tree):
    build = tree.build({F: """
        objectives:
          - id: 007
            title: 1.50
            owner: dana
            tags: [0x1F, 1e3, .inf, 2026-10-05, +1]
            key_results:
              - id: 2026-10-05
                title: 1_000
                metric: {unit: 1.0, from: 0, to: 1}
    """})
    assert build.errors == []
    pf, _, _ = build.model.periods["2026-Q4"]["sales"]
    obj = pf.objectives[0]
    assert (obj.id, obj.title, obj.tags) == ("007", "1.50", ["0x1F", "1e3", ".inf", "2026-10-05", "+1"])
    kr = obj.key_results[0]
    assert (kr.id, kr.title, kr.metric.unit) == ("2026-10-05", "1_000", "1.0")


@pytest.mark.parametrize("written", ["+1", "1.0", "0x1F", "1E3"])
def test_a_number_written_as_no_id_is_no_id(tree, written):
    """`id: +1` is the text '+1' to goalsite, which is no id; an editor sees the number 1 (see format.md)."""
    assert tree.problems({F: HEAD.replace("id: grow", f"id: {written}") + METRIC}) == [(F, 2, 9, "model.bad-id")]


def test_a_number_keeps_its_text_through_the_parsing_worker_s_pipe():
    """A cold load of a large company parses files in a forked worker and pickles what it made."""
    import pickle

    from generator.load import resolve_plain

    for written in ("007", "0x1F", "1e3", ".5", ".inf"):
        value = resolve_plain(written)
        again = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert str(again) == written and type(again) is type(value)


def test_parts_that_fail_validation_are_named_so_that_no_stage_takes_them_for_absent(tree):
    build = tree.build({
        F: HEAD + "        metric: {unit: logos, from: 0, to: x}\n" + SECOND.replace("owner: nobody", "owner: dana")
        + "  - {id: Bad, title: B, owner: dana}\n",
        "2026-Q4/cs.yaml": "objectives: [\n",
        "kpis.yaml": KPI + "    indicator: lagged\n  - {id: nps, name: NPS, owner: carol}\n",
    })
    assert build.model.gaps == {"2026-Q4:sales/grow/logos", "2026-Q4:sales/*", "2026-Q4:cs/*", "kpi/churn"}
    assert build.model.partial == {"2026-Q4:sales/grow"}
    assert build.model.unverified("2026-Q4:sales/anything") and build.model.unverified("2026-Q4:cs/x/y")
    assert not build.model.unverified("kpi/nps") and not build.model.unverified("2026-Q4:acme/grow")
    kept = build.model.periods["2026-Q4"]["sales"][0]
    assert [o.id for o in kept.objectives] == ["grow", "retain"] and kept.objectives[0].key_results == []
    assert [k.id for k, _, _ in build.model.kpis] == ["nps"] and build.model.kpis[0][2] == 1


# --- a rebuild with the memo of the rebuilding shell -----------------------------------------------------------


def test_a_rebuild_with_a_memo_validates_again_only_the_files_that_changed(tree):
    """The model's results live in the memo's "model" table, not on the loader's Sources: a Source that
    load_goals() gave back unchanged is not validated again, an edited file is."""
    from generator.speed.memo import Memo, Stats

    goals = tree.write({F: HEAD + METRIC, "2026-Q4/cs.yaml": HEAD.replace("dana", "carol") + METRIC})
    memo = Memo()
    first, _ = validate_goals(load_goals(goals, memo), memo)
    assert memo.stats("model") == Stats(reused=0, made=3)
    second, problems = validate_goals(load_goals(goals, memo), memo)
    assert problems == [] and memo.stats("model") == Stats(reused=3, made=0)
    assert second.org is first.org
    assert second.periods["2026-Q4"]["sales"][0] is first.periods["2026-Q4"]["sales"][0]

    (goals / F).write_text((HEAD + METRIC).replace("Grow into Europe", "Grow into Asia"), encoding="utf-8")
    third, _ = validate_goals(load_goals(goals, memo), memo)
    assert memo.stats("model") == Stats(reused=2, made=1)
    assert third.periods["2026-Q4"]["sales"][0].objectives[0].title == "Grow into Asia"
    assert third.periods["2026-Q4"]["cs"][0] is first.periods["2026-Q4"]["cs"][0]


def test_without_a_memo_nothing_is_kept_between_validations(tree):
    goals = tree.write({F: HEAD + METRIC})
    loaded = load_goals(goals)
    first, _ = validate_goals(loaded)
    second, _ = validate_goals(loaded)
    assert second.org == first.org and second.org is not first.org


def test_the_problems_of_a_reused_file_are_reported_again(tree):
    from generator.speed.memo import Memo

    goals = tree.write({F: HEAD + "        metric: {unit: logos, from: 0, to: x}\n"})
    memo = Memo()
    once = [(p.location.line, p.code) for p in validate_goals(load_goals(goals, memo), memo)[1]]
    model, problems = validate_goals(load_goals(goals, memo), memo)
    assert once == [(8, "model.type")] and [(p.location.line, p.code) for p in problems] == once
    assert model.gaps == {"2026-Q4:sales/grow/logos"} and memo.stats("model").reused == 2

"""schema.py: the JSON Schema (draft-07) editors use says what the model says.

Documents are read as editors read YAML (1.2 core schema) and checked with the
`jsonschema` library (yaml_core.py). test_schema_agreement.py compares the schema
with the checker on thousands of files; this file pins the schema's shape.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from generator import ids
from generator.model import MAX_MARKDOWN_CHARS, MAX_TEXT_CHARS
from generator.schema import json_schema as _json_schema
from yaml_core import load_core, schema, schema_errors

KINDS = ("period", "org", "kpis")
DRAFT_07_KEYWORDS = {
    "$schema", "$id", "$ref", "title", "description", "default", "type", "enum", "const", "pattern", "format",
    "properties", "patternProperties", "additionalProperties", "required", "items", "additionalItems",
    "minItems", "maxItems", "minLength", "maxLength", "anyOf", "oneOf", "not", "if", "then", "else",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "definitions",
}

OBJECTIVE = "objectives:\n  - id: grow\n    title: Grow\n    owner: dana\n"
KEY_RESULT = OBJECTIVE + "    key_results:\n      - id: k\n        title: K\n"


def paths(kind: str, text: str) -> list[str]:
    """The schema's errors on a YAML text, as the paths they point at."""
    return sorted({line.split(":", 1)[0] for line in schema_errors(kind, load_core(text))})


@pytest.mark.parametrize("kind, text, where", [
    ("period", OBJECTIVE + "    titel: typo\n", "objectives/0"),
    ("period", "objectives:\n  - {id: Bad_Id, title: X, owner: dana}\n", "objectives/0/id"),
    ("period", "objectives:\n  - {id: x, title: X}\n", "objectives/0"),
    ("period", "visibility: secret\n", "visibility"),
    ("period", OBJECTIVE + "    kind: moonshot\n", "objectives/0/kind"),
    ("period", OBJECTIVE + "    aligns_to: nowhere\n", "objectives/0/aligns_to"),
    ("period", OBJECTIVE + "    score: 1.5\n", "objectives/0/score"),
    ("period", KEY_RESULT + "        milestone: true\n        weight: 0\n", "objectives/0/key_results/0/weight"),
    ("period", KEY_RESULT + "        milestone: true\n        checkins: [{date: 2026-10-01, value: 1, confidence: 11}]\n",
     "objectives/0/key_results/0/checkins/0/confidence"),
    ("period", KEY_RESULT + "        metric: {unit: x, from_: 0, to: 1}\n", "objectives/0/key_results/0/metric"),
    ("period", OBJECTIVE + "    initiatives: [{title: I, status: doing}]\n", "objectives/0/initiatives/0/status"),
    ("org", "company: {id: acme, name: Acme}\nsettings: {fiscal_year_start_month: 13}\n",
     "settings/fiscal_year_start_month"),
    ("org", "units: []\n", ""),
    ("org", "company: {id: acme, name: Acme}\nperiods: {2026-Q5: {start: 2026-10-01, end: 2026-12-31}}\n", "periods"),
    ("kpis", "kpis:\n  - {id: k, name: K, owner: d, metric: {from: 1, to: 2}}\n", "kpis/0/metric"),
    ("kpis", "kpis:\n  - {id: k, name: K, owner: d, indicator: lagged}\n", "kpis/0/indicator"),
])
def test_the_schema_rejects_what_the_model_rejects_where_it_does(kind, text, where):
    assert paths(kind, text) == [where]


@pytest.mark.parametrize("kind, text", [
    ("period", "objectives:\n  - {id: 2026, title: X, owner: dana}\n"),
    ("period", "objectives:\n  - {id: x, title: 2026, owner: dana}\n"),
    ("period", "objectives:\n  - {id: x, title: X, owner: 007}\n"),
    ("period", OBJECTIVE + "    tags: [2026, 7.5, growth]\n"),
    ("period", OBJECTIVE + "    description: 42\n"),
    ("period", KEY_RESULT + "        metric: {unit: 5, from: 0, to: 1}\n"),
    ("period", KEY_RESULT + "        metric: {unit: x, from: 0, to: 1}\n        checkins:\n"
               "          - {date: 2026-10-05, value: 1, note: 1, blockers: 2, next: 3}\n"),
    ("period", "period: 2026\nunit: 2026\n"),
    ("period", OBJECTIVE + "    initiatives: [{title: 2026, link: 12}]\nretrospective: {lessons: [1]}\n"),
    ("org", "company: {id: acme, name: 2026, mission: 1}\nunits: [{id: u1, name: 1, kind: 2}]\n"
            "people: [{id: 7, name: 7, unit: u1, title: 1}]\n"),
    ("kpis", "kpis:\n  - {id: 2026, name: 2026, owner: 007, unit: 5, calculation: 1, source: 2, data: 3}\n"),
])
def test_a_number_where_text_is_expected_is_text_to_the_schema_as_to_the_checker(kind, text):
    """Issue 26: `goalsite check` reads `title: 2026` as the title "2026"; the editor must not flag it."""
    assert schema_errors(kind, load_core(text)) == []


@pytest.mark.parametrize("text", ["0o17", "0x1F", "007", "+1", ".5", "1e3", "1.", "-3"])
def test_numbers_in_every_yaml_1_2_spelling_are_numbers(text):
    doc = KEY_RESULT + f"        metric: {{unit: x, from: {text}, to: 100}}\n"
    assert schema_errors("period", load_core(doc)) == []


@pytest.mark.parametrize("text", ["1_000", "0X1F", "yes", "'4'", "~", ".nan", ".inf", "1e16"])
def test_what_is_no_finite_number_is_refused_where_a_number_is_expected(text):
    doc = KEY_RESULT + f"        metric: {{unit: x, from: {text}, to: 100}}\n"
    found = paths("period", doc)
    assert found and all(p.startswith("objectives/0/key_results/0/metric") for p in found)


def definitions(kind: str) -> dict:
    return schema(kind)["definitions"]


def test_required_fields():
    period, org, kpis = definitions("period"), definitions("org"), definitions("kpis")
    assert period["Objective"]["required"] == ["id", "title", "owner"]
    assert period["KeyResult"]["required"] == ["id", "title"]
    assert period["CheckIn"]["required"] == ["date", "value"]
    assert period["Initiative"]["required"] == ["title"]
    assert kpis["Kpi"]["required"] == ["id", "name", "owner"]
    assert kpis["KpiValue"]["required"] == ["date", "value"]
    assert org["Company"]["required"] == ["id", "name"]
    assert org["Unit"]["required"] == ["id", "name"]
    assert org["Person"]["required"] == ["id", "name", "unit"]
    assert schema("org")["required"] == ["company"]
    assert "required" not in schema("period") and "required" not in schema("kpis")


def test_id_period_and_reference_patterns_are_the_ones_of_generator_ids():
    text = json.dumps([schema(kind) for kind in KINDS])
    found = {p for kind in KINDS for p in _patterns(schema(kind))}
    assert found == {ids.SLUG_PATTERN, ids.PERIOD_PATTERN, ids.REF_PATTERN, _date_pattern()}
    assert "$" in text and "\\\\d" not in text  # anchored; ASCII digits only


def _date_pattern() -> str:
    return definitions("period")["CheckIn"]["properties"]["date"]["pattern"]


def _patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern":
                yield value
            elif key == "patternProperties":
                yield from value
                yield from _patterns(list(value.values()))
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


PATTERN_CASES = [
    "sales", "sales-emea", "2026", "x" * 63, "x" * 64, "Sales", "-x", "a_b", "sales\n", "\nsales", "sales\n\n",
    "2026-Q4", "2026-H2", "2026-Q4\n", "2026-Q5", "٢٠٢٦", "2026-10-05", "2026-10-05\n", "2026-13-01",
    "acme/grow", "acme/grow/arr", "2026:acme/grow", "2026-Q4:acme/grow/arr", "acme/grow\n", "2026-Q5:a/b", "a/b/c/d",
]


def _python_verdicts() -> dict[str, list[bool]]:
    import re
    return {p: [bool(re.search(p, case)) for case in PATTERN_CASES]
            for p in (ids.SLUG_PATTERN, ids.PERIOD_PATTERN, ids.REF_PATTERN, _date_pattern())}


def test_the_patterns_match_whole_texts_in_python():
    verdicts = _python_verdicts()
    slug = dict(zip(PATTERN_CASES, verdicts[ids.SLUG_PATTERN]))
    assert [c for c, ok in slug.items() if ok] == ["sales", "sales-emea", "2026", "x" * 63, "2026-10-05", "2026-13-01"]
    period = dict(zip(PATTERN_CASES, verdicts[ids.PERIOD_PATTERN]))
    assert [c for c, ok in period.items() if ok] == ["2026", "2026-Q4", "2026-H2"]
    ref = dict(zip(PATTERN_CASES, verdicts[ids.REF_PATTERN]))
    assert [c for c, ok in ref.items() if ok] == ["acme/grow", "acme/grow/arr", "2026:acme/grow", "2026-Q4:acme/grow/arr"]
    date = dict(zip(PATTERN_CASES, verdicts[_date_pattern()]))
    assert [c for c, ok in date.items() if ok] == ["2026-10-05"]
    assert ids.REF_RE.match("2026-Q4:acme/grow/arr").groups() == ("2026-Q4", "acme", "grow", "arr")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for ECMA-262 regular expressions")
def test_the_patterns_mean_the_same_to_an_editor_s_ecma_regular_expressions():
    """Editors run the schema's patterns as JavaScript RegExps (with the u flag): same verdicts as Python."""
    verdicts = _python_verdicts()
    script = ("const [patterns, cases] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(Object.fromEntries(patterns.map(p => [p, cases.map(c => new RegExp(p, 'u').test(c))]))));")
    out = subprocess.run(["node", "-e", script], input=json.dumps([list(verdicts), PATTERN_CASES]),
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert json.loads(out) == verdicts


TEXT_LIMITS = {
    ("org", "Company"): {"name": MAX_TEXT_CHARS, "mission": MAX_MARKDOWN_CHARS, "vision": MAX_MARKDOWN_CHARS,
                         "purpose": MAX_MARKDOWN_CHARS, "strategy": MAX_MARKDOWN_CHARS},
    ("org", "Unit"): {"name": MAX_TEXT_CHARS, "kind": MAX_TEXT_CHARS, "description": MAX_MARKDOWN_CHARS},
    ("org", "Person"): {"name": MAX_TEXT_CHARS, "title": MAX_TEXT_CHARS},
    ("period", "Objective"): {"title": MAX_TEXT_CHARS, "description": MAX_MARKDOWN_CHARS, "tags": MAX_TEXT_CHARS},
    ("period", "KeyResult"): {"title": MAX_TEXT_CHARS},
    ("period", "Metric"): {"unit": MAX_TEXT_CHARS},
    ("period", "CheckIn"): {"note": MAX_MARKDOWN_CHARS, "blockers": MAX_TEXT_CHARS, "next": MAX_TEXT_CHARS},
    ("period", "Initiative"): {"title": MAX_TEXT_CHARS, "link": MAX_TEXT_CHARS},
    ("period", "Retrospective"): {"went_well": MAX_MARKDOWN_CHARS, "to_improve": MAX_MARKDOWN_CHARS,
                                  "lessons": MAX_MARKDOWN_CHARS},
    ("kpis", "Kpi"): {"name": MAX_TEXT_CHARS, "description": MAX_MARKDOWN_CHARS, "calculation": MAX_TEXT_CHARS,
                      "source": MAX_TEXT_CHARS, "data": MAX_TEXT_CHARS},
    ("kpis", "KpiMetric"): {"unit": MAX_TEXT_CHARS},
}


def test_limits():
    assert (MAX_TEXT_CHARS, MAX_MARKDOWN_CHARS) == (500, 20_000)


@pytest.mark.parametrize("kind, name", list(TEXT_LIMITS), ids=lambda x: str(x))
def test_every_text_field_has_its_length_limit(kind, name):
    found = {}
    for field, prop in definitions(kind)[name]["properties"].items():
        branches = [prop.get("items", prop)] + [b.get("items", b) for b in prop.get("anyOf", [])]
        lengths = {b["maxLength"] for b in branches if "maxLength" in b}
        if lengths:
            found[field] = lengths.pop()
    assert found == TEXT_LIMITS[kind, name]


def test_metric_uses_from_not_the_python_name():
    metric = definitions("period")["Metric"]["properties"]
    assert set(metric) == {"unit", "from", "to", "keep_between", "keep_above", "keep_below"}
    keep_between = metric["keep_between"]["anyOf"][0]
    assert [item["type"] for item in keep_between["items"]] == ["number", "number"]
    assert keep_between["additionalItems"] is False
    assert set(definitions("kpis")["KpiMetric"]["properties"]) == {"unit", "keep_between", "keep_above", "keep_below"}


@pytest.mark.parametrize("metric, ok", [
    ("{unit: x, from: 0, to: 1}", True), ("{unit: x, keep_between: [1, 2]}", True), ("{keep_above: 1}", True),
    ("{unit: x, keep_below: 1}", True), ("{unit: x, from: 0, to: 1, keep_above: ~}", True),
    ("{unit: x}", False), ("{unit: x, from: 0}", False), ("{unit: x, to: 0}", False),
    ("{unit: x, from: 0, to: 1, keep_above: 3}", False), ("{keep_above: 1, keep_below: 3}", False),
    ("{unit: x, from: 0, keep_below: 3}", False), ("{unit: x, from: ~, to: ~}", False),
])
def test_a_metric_has_exactly_one_form(metric, ok):
    assert (paths("period", KEY_RESULT + f"        metric: {metric}\n") == []) is ok
    kpi_ok = ok and "from" not in metric and "to:" not in metric
    assert (paths("kpis", f"kpis:\n  - {{id: k, name: K, owner: d, metric: {metric}}}\n") == []) is kpi_ok


@pytest.mark.parametrize("fields, ok", [
    ("metric: {unit: x, from: 0, to: 1}", True), ("milestone: true", True), ("milestone: true\n        metric: ~", True),
    ("metric: {unit: x, from: 0, to: 1}\n        milestone: false", True),
    ("milestone: false", False), ("metric: ~", False), ("", False),
    ("milestone: true\n        metric: {unit: x, from: 0, to: 1}", False),
    ("milestone: true\n        checkins: [{date: 2026-10-05, value: 0.5}]", True),
    ("milestone: true\n        checkins: [{date: 2026-10-05, value: 1.5}]", False),
    ("metric: {unit: x, from: 0, to: 9}\n        checkins: [{date: 2026-10-05, value: 1.5}]", True),
])
def test_a_key_result_has_a_metric_or_is_a_milestone(fields, ok):
    assert (paths("period", KEY_RESULT + f"        {fields}\n") == []) is ok


@pytest.mark.parametrize("fields, ok", [
    ("values: [{date: 2026-10-05, value: 1}]", True), ("data: data/k.csv", True),
    ("values: []\n    data: data/k.csv", True), ("values: [{date: 2026-10-05, value: 1}]\n    data: ~", True),
    ("values: [{date: 2026-10-05, value: 1}]\n    data: data/k.csv", False),
])
def test_a_kpi_has_values_or_data_not_both(fields, ok):
    assert (paths("kpis", f"kpis:\n  - id: k\n    name: K\n    owner: d\n    {fields}\n") == []) is ok


def test_enums():
    period = schema("period")
    objective = period["definitions"]["Objective"]["properties"]
    assert period["properties"]["visibility"]["enum"] == ["public", "private"]
    assert objective["kind"]["enum"] == ["aspirational", "committed"]
    assert period["definitions"]["Initiative"]["properties"]["status"]["enum"] == ["planned", "active", "done", "dropped"]
    kpi = definitions("kpis")["Kpi"]["properties"]
    assert kpi["visibility"]["enum"] == ["public", "private"]
    assert kpi["indicator"]["anyOf"][0]["enum"] == ["leading", "lagging"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_forbids_additional_properties(kind):
    doc = schema(kind)
    assert doc["additionalProperties"] is False
    for name, definition in doc["definitions"].items():
        assert definition["additionalProperties"] is False, name
    if kind == "org":
        assert doc["properties"]["periods"]["additionalProperties"] is False


@pytest.mark.parametrize("kind", KINDS)
def test_only_draft_07_keywords(kind):
    doc = schema(kind)
    text = json.dumps(doc)
    assert '"$defs"' not in text and '"prefixItems"' not in text and '"ge"' not in text and '"gt"' not in text

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("properties", "patternProperties", "definitions", "default"):
                    assert key in DRAFT_07_KEYWORDS, key
                    walk(value)
                elif key != "default":
                    for sub in value.values():
                        walk(sub)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)


def test_numeric_bounds_are_in_the_schema():
    period = definitions("period")
    assert period["KeyResult"]["properties"]["weight"]["exclusiveMinimum"] == 0
    assert "minimum" not in period["KeyResult"]["properties"]["weight"]
    confidence = period["CheckIn"]["properties"]["confidence"]["anyOf"][0]
    assert confidence == {"type": "integer", "minimum": 1, "maximum": 10}
    score = period["Objective"]["properties"]["score"]["anyOf"][0]
    assert (score["type"], score["minimum"], score["maximum"]) == ("number", 0, 1)
    value = period["CheckIn"]["properties"]["value"]
    assert (value["minimum"], value["maximum"]) == (-10**15, 10**15)
    settings = definitions("org")["Settings"]["properties"]
    assert (settings["fiscal_year_start_month"]["minimum"], settings["fiscal_year_start_month"]["maximum"]) == (1, 12)
    assert settings["checkin_every_days"]["minimum"] == 1
    assert (settings["stretch_success"]["minimum"], settings["stretch_success"]["maximum"]) == (0, 1)
    assert definitions("kpis")["Kpi"]["properties"]["update_every_days"]["anyOf"][0]["minimum"] == 1


@pytest.mark.parametrize("value, ok", [("0.5", True), ("-1e15", True), (".nan", False), (".inf", False), ("-.inf", False)])
def test_not_a_number_is_no_number(value, ok):
    """NaN passes every bound in JSON Schema (each comparison is false), so numbers say `not NaN` explicitly."""
    doc = KEY_RESULT + f"        metric: {{unit: x, from: 0, to: 9}}\n        checkins: [{{date: 2026-10-05, value: {value}}}]\n"
    assert (paths("period", doc) == []) is ok


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_deterministic_and_json(kind):
    assert json.dumps(_json_schema(kind), sort_keys=True) == json.dumps(_json_schema(kind), sort_keys=True)
    assert schema(kind)["$id"] == f"goalsite-{kind}.schema.json"
    assert schema(kind)["$schema"] == "http://json-schema.org/draft-07/schema#"

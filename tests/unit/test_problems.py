"""problems.py: the shape of a Problem and its three printed formats (pinned here, see datasette's test_error_shape)."""

from __future__ import annotations

import json

from generator.problems import (
    Location, Problem, Severity, error, escalate, format_github, format_json, format_text, sort_problems, summarize, warning,
)

TYPE = error(Location("goals/2025-Q3/sales.yaml", 14, 7), "model.type", "target: Expected a number, got 'high'",
             "Write a plain number without quotes or units, e.g. 25 or 2.4.")
STALE = warning(Location("goals/2025-Q3/sales.yaml", 20, 9), "lint.stale-checkin", "Key result 'a/b' has had no check-in")
ORG = error(Location("goals/org.yaml", 3, 1), "load.yaml-syntax", "Expected valid YAML: found a tab")


def test_text_format_line_shape_hint_and_summary():
    assert format_text([TYPE, STALE]).splitlines() == [
        "goals/2025-Q3/sales.yaml:14:7: error: target: Expected a number, got 'high' [model.type]",
        "    hint: Write a plain number without quotes or units, e.g. 25 or 2.4.",
        "goals/2025-Q3/sales.yaml:20:9: warning: Key result 'a/b' has had no check-in [lint.stale-checkin]",
        "1 error, 1 warning in 1 file",
    ]


def test_text_format_without_problems():
    assert format_text([]) == "no problems"


def test_summary_counts_and_plurals():
    assert summarize([]) == "no problems"
    assert summarize([TYPE]) == "1 error in 1 file"
    assert summarize([TYPE, ORG]) == "2 errors in 2 files"
    assert summarize([STALE, STALE]) == "2 warnings in 1 file"
    assert summarize([TYPE, ORG, STALE]) == "2 errors, 1 warning in 2 files"


def test_location_str_and_defaults():
    assert str(Location("goals/org.yaml")) == "goals/org.yaml:1:1"
    assert str(TYPE.location) == "goals/2025-Q3/sales.yaml:14:7"


def test_github_format():
    assert format_github([TYPE, STALE]).splitlines() == [
        "::error file=goals/2025-Q3/sales.yaml,line=14,col=7,title=model.type::"
        "target: Expected a number, got 'high'%0Ahint: Write a plain number without quotes or units, e.g. 25 or 2.4.",
        "::warning file=goals/2025-Q3/sales.yaml,line=20,col=9,title=lint.stale-checkin::Key result 'a/b' has had no check-in",
    ]


def test_github_escaping_of_data_and_properties():
    p = error(Location("goals/a,b:c%.yaml", 2, 3), "model.type", "100% wrong\r\nsecond line: a, b")
    assert format_github([p]) == (
        "::error file=goals/a%2Cb%3Ac%25.yaml,line=2,col=3,title=model.type::100%25 wrong%0D%0Asecond line: a, b")


def test_github_format_without_problems_is_empty():
    assert format_github([]) == ""


def test_json_format():
    doc = json.loads(format_json([TYPE, STALE]))
    assert doc == {
        "errors": 1,
        "warnings": 1,
        "problems": [
            {"path": "goals/2025-Q3/sales.yaml", "line": 14, "column": 7, "severity": "error", "code": "model.type",
             "message": "target: Expected a number, got 'high'",
             "hint": "Write a plain number without quotes or units, e.g. 25 or 2.4."},
            {"path": "goals/2025-Q3/sales.yaml", "line": 20, "column": 9, "severity": "warning",
             "code": "lint.stale-checkin", "message": "Key result 'a/b' has had no check-in", "hint": None},
        ],
    }
    assert json.loads(format_json([])) == {"errors": 0, "warnings": 0, "problems": []}


def test_json_format_is_deterministic():
    text = format_json([TYPE])
    assert text == format_json([TYPE]) and list(json.loads(text)) == ["errors", "problems", "warnings"]


def test_sort_order_is_file_line_column_then_errors_first():
    a = Location("goals/2026-Q4/sales.yaml", 3, 9)
    same_spot_warning = warning(a, "lint.a", "w")
    same_spot_error = error(a, "model.z", "e")
    problems = [STALE, ORG, same_spot_warning, TYPE, error(Location("goals/2026-Q4/sales.yaml", 3, 2), "model.type", "x"),
                same_spot_error, error(Location("goals/2026-Q4/sales.yaml", 12, 1), "model.type", "y")]
    assert [(str(p.location), p.code) for p in sort_problems(problems)] == [
        ("goals/2025-Q3/sales.yaml:14:7", "model.type"),
        ("goals/2025-Q3/sales.yaml:20:9", "lint.stale-checkin"),
        ("goals/2026-Q4/sales.yaml:3:2", "model.type"),
        ("goals/2026-Q4/sales.yaml:3:9", "model.z"),
        ("goals/2026-Q4/sales.yaml:3:9", "lint.a"),
        ("goals/2026-Q4/sales.yaml:12:1", "model.type"),   # numeric line order, not text order
        ("goals/org.yaml:3:1", "load.yaml-syntax"),
    ]


def test_sort_removes_exact_duplicates():
    assert sort_problems([TYPE, TYPE, STALE]) == [TYPE, STALE]


def test_escalate_turns_warnings_into_errors_for_strict():
    out = escalate([TYPE, STALE])
    assert out[0] is TYPE
    assert (out[1].severity, out[1].code, out[1].message, out[1].location) == (
        Severity.ERROR, STALE.code, STALE.message, STALE.location)
    assert all(p.is_error for p in out) and not STALE.is_error


def test_problem_shape():
    assert TYPE == Problem(Location("goals/2025-Q3/sales.yaml", 14, 7), Severity.ERROR, "model.type",
                           "target: Expected a number, got 'high'", "Write a plain number without quotes or units, e.g. 25 or 2.4.")
    assert TYPE.as_dict()["severity"] == "error" and Severity.WARNING.value == "warning"

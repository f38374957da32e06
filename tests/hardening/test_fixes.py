"""Regression tests of the defects the hardening catalogue and fuzzing found, one each, as data."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from generator.load import read_yaml, resolve_plain
from generator.pipeline import build_portal

from hardening_support import copy_goals

TODAY = dt.date(2026, 11, 22)


def _read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "x.yaml"
    path.write_bytes(text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8"))
    return read_yaml(path, "x.yaml", "period", period="2026-Q4", unit="x")


def _errors(goals: Path) -> list[tuple[str, int, int, str]]:
    build = build_portal(goals, TODAY)
    return [(Path(p.location.path).relative_to(goals).as_posix(), p.location.line, p.location.column, p.code)
            for p in build.problems if p.is_error]


def test_an_integer_of_thousands_of_digits_stays_text():
    # int() raises ValueError beyond 4300 digits since Python 3.11: the loader crashed.
    assert resolve_plain("9" * 5000) == "9" * 5000
    assert resolve_plain("-" + "9" * 5000) == "-" + "9" * 5000
    assert resolve_plain("9" * 400) == int("9" * 400)


@pytest.mark.parametrize("value, code", [
    ("9" * 400, "model.not-finite"),          # an int beyond the float range: OverflowError in the model
    ("-" + "9" * 400, "model.not-finite"),
    ("!!float " + "9" * 400, "model.not-finite"),  # float() of the tagged int: OverflowError in the loader
    ("9" * 5000, "model.type"),              # too long to be read as a number at all
])
def test_numbers_too_large_are_problems_not_crashes(tmp_path, value, code):
    goals = copy_goals(tmp_path / "goals")
    emea = goals / "2026-Q4" / "sales-emea.yaml"
    emea.write_text(emea.read_text(encoding="utf-8").replace("value: 4\n", f"value: {value}\n", 1), encoding="utf-8")
    assert _errors(goals) == [("2026-Q4/sales-emea.yaml", 21, 20, code)]


def test_a_csv_value_too_large_is_a_problem(tmp_path):
    goals = copy_goals(tmp_path / "goals")
    with open(goals / "data" / "monthly-churn.csv", "a", encoding="utf-8") as f:
        f.write("2026-11-15," + "9" * 400 + "\n")
    assert _errors(goals) == [("data/monthly-churn.csv", 4, 12, "model.csv-value")]


def test_a_control_character_is_reported_on_one_line_without_a_tab_hint(tmp_path):
    # str() of PyYAML's ReaderError spans two lines and names "<unicode string>"; "unacceptable"
    # contains "tab", so the hint used to be about tab indentation.
    _, [problem] = _read(tmp_path, b"objectives:\n  - title: Be\x00come\n")
    assert (problem.location.line, problem.location.column, problem.code) == (2, 14, "load.yaml-syntax")
    assert problem.message == "Expected valid YAML: unacceptable character #x0000: control characters are not allowed"
    assert "tab" not in problem.hint.lower()


def test_a_tab_still_gets_the_tab_hint(tmp_path):
    _, [problem] = _read(tmp_path, "objectives:\n  - id: x\n\ttitle: y\n")
    assert "tab" in problem.hint.lower()


def test_an_unclosed_quote_says_where_it_opened(tmp_path):
    _, [problem] = _read(tmp_path, 'objectives:\n  - id: x\n    title: "Grow\n    owner: dana\n')
    assert (problem.location.line, problem.code) == (5, "load.yaml-syntax")
    assert "(it opened at line 3, column 12)" in problem.message

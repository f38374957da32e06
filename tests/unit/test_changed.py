"""changed.py: what differs from a git revision, goal by goal, and which problems a proposal introduced.

Real git repositories in tmp_path, real goal files, real lint runs; nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import lint
from generator.changed import WHOLE_FILE, changed_since, format_json, is_date_driven, triage
from generator.history import GitError
from generator.pipeline import build_portal
from generator.problems import Location, Problem, Severity

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"
EMEA = "2026-Q4/sales-emea.yaml"


class Repo:
    """A git repository in tmp_path holding a copy of portal_minimal's goals, committed once as `main`."""

    def __init__(self, path: Path):
        self.path = path
        self.goals = path / "goals"
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        shutil.copytree(FIXTURE, self.goals)
        self.commit("base")

    def git(self, *args: str) -> str:
        config = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
        return subprocess.run(["git", *config, *args], cwd=self.path, check=True, capture_output=True,
                              text=True).stdout

    def edit(self, rel: str, old: str, new: str) -> None:
        f = self.goals / rel
        text = f.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        f.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def line(self, rel: str, text: str) -> int:
        """The 1-based line of the first line of `rel` that contains `text`."""
        lines = (self.goals / rel).read_text(encoding="utf-8").splitlines()
        return next(i for i, line in enumerate(lines, 1) if text in line)


@pytest.fixture
def repo(tmp_path) -> Repo:
    return Repo(tmp_path / "repo")


def _touched(repo: Repo, rel: str, *marks: str) -> list[bool]:
    changes = changed_since(repo.goals, "main")
    return [changes.touches(Location(str(repo.goals / rel), repo.line(rel, m))) for m in marks]


def test_nothing_changed_touches_nothing(repo):
    changes = changed_since(repo.goals, "main")
    assert changes.spans == {} and changes.base == "main"


def test_a_changed_key_result_touches_it_and_its_objective_not_its_siblings(repo):
    repo.edit(EMEA, "to: 25}", "to: 20}")  # new-logos: a lower target
    assert _touched(repo, EMEA, "- id: win-dach", "collaborators:", "- id: new-logos", "weight: 2",
                    "- {date: 2026-11-16, value: 12", "- id: churn", "- id: uptime", "initiatives:",
                    "- title: DACH partner roadshow", "- id: nightjar", "unit: sales-emea") == [
        True, True, True, True, True, False, False, True, True, False, False]


def test_a_new_check_in_changes_its_key_result(repo):
    repo.edit(EMEA, "          - {date: 2026-11-16, value: 99.95, confidence: 9}\n",
              "          - {date: 2026-11-16, value: 99.95, confidence: 9}\n"
              "          - {date: 2026-11-20, value: 99.97, confidence: 9}\n")
    assert _touched(repo, EMEA, "- id: uptime", "- id: new-logos", "- id: partner-portal") == [True, False, False]


def test_reformatting_and_moving_goals_is_no_change(repo):
    """Goals are compared as data: flow or block style, comments and order do not matter."""
    repo.edit(EMEA, "          - {date: 2026-11-16, value: 12, confidence: 6}\n",
              "          - date: 2026-11-16   # a comment\n            value: 12\n            confidence: 6\n")
    text = (repo.goals / EMEA).read_text(encoding="utf-8")
    head, objectives = text.split("objectives:\n")
    first, rest = objectives.split("  - id: nightjar\n")
    second, tail = rest.split("retrospective:\n")
    (repo.goals / EMEA).write_text(f"{head}objectives:\n  - id: nightjar\n{second}{first}retrospective:\n{tail}")
    assert repo.git("status", "--porcelain").strip()
    assert changed_since(repo.goals, "main").spans == {}


def test_a_new_objective_is_new_to_its_last_line(repo):
    repo.edit(EMEA, "retrospective:\n", "  - id: expand\n    title: Expand to Austria\n    owner: dana\n"
                                        "retrospective:\n")
    spans = changed_since(repo.goals, "main").spans
    assert spans == {EMEA: ((repo.line(EMEA, "- id: expand"), repo.line(EMEA, "retrospective:") - 1),)}


def test_a_changed_header_changes_the_whole_file(repo):
    repo.edit(EMEA, "visibility: public", "visibility: public   # on purpose\ncontacts: [dana]")
    assert changed_since(repo.goals, "main").spans == {EMEA: WHOLE_FILE}


@pytest.mark.parametrize("rel, text", [
    ("2026-Q4/new-team.yaml", "objectives: []\n"),        # a new file, not even committed
    ("data/monthly-churn.csv", None),                     # not a goal file: compared as a whole
    ("2026/acme.yaml", "objectives: [\n"),                # broken YAML
])
def test_whole_files(repo, rel, text):
    path = repo.goals / rel
    path.write_text(text if text is not None else path.read_text() + "2026-11-30,2.1\n", encoding="utf-8")
    assert changed_since(repo.goals, "main").spans == {rel: WHOLE_FILE}


def test_a_kpi_and_a_unit_are_goals_too(repo):
    repo.edit("kpis.yaml", "keep_below: 2.5", "keep_below: 2.2")
    repo.edit("org.yaml", "name: Sales EMEA", "name: Sales Europe")
    changes = changed_since(repo.goals, "main")
    assert set(changes.spans) == {"kpis.yaml", "org.yaml"}
    assert all(span != WHOLE_FILE for span in changes.spans.values())


def test_committed_and_uncommitted_changes_both_count(repo):
    repo.edit(EMEA, "to: 25}", "to: 20}")
    repo.commit("lower the target")
    repo.edit("2026/acme.yaml", "objectives:", "objectives:")  # no-op, to show only real edits count
    assert set(changed_since(repo.goals, "HEAD~1").spans) == {EMEA}
    assert changed_since(repo.goals, "HEAD").spans == {}


def test_an_unknown_revision_or_no_repository_is_a_git_error(repo, tmp_path):
    with pytest.raises(GitError, match="Expected a git revision --changed-since that this checkout has, "
                                       "got 'origin/main'.*fetch-depth: 0"):
        changed_since(repo.goals, "origin/main")
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURE, plain)
    with pytest.raises(GitError, match="inside a git repository"):
        changed_since(plain, "main")


# --- date-driven rules and the triage --------------------------------------------------------


def test_the_stale_rules_are_date_driven_and_the_others_are_not():
    dated = {rule_id for rule_id, rule in lint.RULES.items() if rule.DATE_DRIVEN}
    assert {"stale-checkin", "kpi-stale"} <= dated
    assert not {"metric-no-unit", "objective-looks-like-kr", "unaligned", "low-confidence-no-blockers"} & dated


def test_every_warning_that_only_time_brings_comes_from_a_date_driven_rule():
    """The example company as of its last check-in and five weeks later, with no file changed: every
    warning that appeared meanwhile must come from a rule marked DATE_DRIVEN."""
    def warnings(day):
        build = build_portal(ROOT / "goals", day)
        assert not build.errors
        return {(p.location, p.code) for p in build.problems}

    appeared = warnings(dt.date(2026, 12, 30)) - warnings(dt.date(2026, 11, 22))
    assert len(appeared) > 50
    for location, code in appeared:
        assert is_date_driven(Problem(location, Severity.WARNING, code, "")), code


def _problem(path, line, code, severity=Severity.WARNING):
    return Problem(Location(path, line), severity, code, f"{code} at {line}")


def test_triage_puts_the_introduced_first_and_strict_spares_date_driven_ones(repo):
    repo.edit(EMEA, "to: 25}", "to: 20}")
    changes = changed_since(repo.goals, "main")
    emea, acme = str(repo.goals / EMEA), str(repo.goals / "2026/acme.yaml")
    kr = repo.line(EMEA, "- id: new-logos")
    problems = [_problem(acme, 6, "lint.stale-checkin"), _problem(acme, 7, "lint.metric-no-unit"),
                _problem(acme, 8, "resolve.unknown-parent", Severity.ERROR),
                _problem(emea, kr, "lint.stale-checkin"), _problem(emea, kr, "lint.kr-vague-title")]
    result = triage(problems, changes, strict=True)
    assert [(p.code, p.severity) for p in result.introduced] == [
        ("lint.stale-checkin", Severity.WARNING), ("lint.kr-vague-title", Severity.ERROR)]
    assert [p.code for p in result.listed] == ["lint.stale-checkin", "lint.kr-vague-title", "resolve.unknown-parent"]
    assert result.others[1].severity is Severity.WARNING  # a warning elsewhere never escalates
    assert result.failed
    assert result.footer() == (
        "In what changed since main: 1 error, 1 warning in 1 file\n"
        "Elsewhere: 1 error in 1 file (listed above); 2 warnings in 1 file not listed, 1 of them date-driven: "
        "run goalsite check without --changed-since to list them")
    lenient = triage(problems[:2] + problems[3:], changes)
    assert not lenient.failed and [p.severity for p in lenient.introduced] == [Severity.WARNING] * 2


def test_the_json_marks_introduced_and_date_driven_problems(repo):
    repo.edit(EMEA, "to: 25}", "to: 20}")
    emea, acme = str(repo.goals / EMEA), str(repo.goals / "2026/acme.yaml")
    problems = [_problem(acme, 6, "lint.kpi-stale"), _problem(emea, repo.line(EMEA, "- id: new-logos"), "lint.unaligned")]
    doc = json.loads(format_json(triage(problems, changed_since(repo.goals, "main"), strict=True)))
    assert doc["changed_since"] == "main"
    assert [(p["code"], p["severity"], p["introduced"], p["date_driven"]) for p in doc["problems"]] == [
        ("lint.unaligned", "error", True, False), ("lint.kpi-stale", "warning", False, True)]
    assert (doc["errors"], doc["warnings"], doc["introduced"]) == (1, 1, {"errors": 1, "warnings": 0})

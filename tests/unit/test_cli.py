"""cli.py `check` and `schema`: exit codes, output formats, and never a traceback for bad goal files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

FIXTURE = "tests/fixtures/portal_minimal/goals"
TODAY = "2026-11-22"
GOALSITE = Path(sys.executable).parent / "goalsite"


def run(*args: str, env: dict | None = None):
    # The default format depends on GITHUB_ACTIONS, and today on SOURCE_DATE_EPOCH: pin both.
    runner = CliRunner(env={"GITHUB_ACTIONS": None, "SOURCE_DATE_EPOCH": None, **(env or {})})
    result = runner.invoke(cli, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def check(goals: str | Path, *args: str, env: dict | None = None):
    return run("check", "--goals", str(goals), "--today", TODAY, *args, env=env)


BROKEN_ORG = "company: {id: acme, name: Acme}\npeople:\n  - {id: dana, name: Dana, unit: acme}\n"
OBJECTIVE = "objectives:\n  - id: grow\n    title: Grow\n    owner: dana\n"


def test_check_passes_on_the_fixture_with_its_warnings():
    result = check(FIXTURE)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[-1] == "2 warnings in 2 files"
    assert lines[0].startswith(f"{FIXTURE}/2026-Q4/sales-emea.yaml:27:9: warning: ") and lines[0].endswith("[lint.stale-checkin]")


def test_check_strict_fails_on_warnings_only():
    result = check(FIXTURE, "--strict")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "2 errors in 2 files"


def test_check_fails_on_errors(tree):
    goals = tree.write({"org.yaml": BROKEN_ORG, "2026-Q4/acme.yaml": OBJECTIVE.replace("owner: dana", "owner: Dana")})
    result = check(goals)
    assert result.exit_code == 1
    assert "2026-Q4/acme.yaml:4:12: error: objectives.owner: Expected an id" in result.output
    assert result.output.splitlines()[-1] == "1 error in 1 file"


def test_check_clean_tree_says_no_problems(tree):
    goals = tree.write({"org.yaml": BROKEN_ORG})
    result = check(goals)
    assert (result.exit_code, result.output) == (0, "no problems\n")


@pytest.mark.parametrize("today", ["2026-13-01", "tomorrow", "22.11.2026", ""])
def test_check_bad_today_is_a_usage_error(today):
    result = run("check", "--goals", FIXTURE, "--today", today)
    assert result.exit_code == 2
    assert "expected a date YYYY-MM-DD" in result.output


def test_check_missing_goals_folder(tmp_path):
    result = check(tmp_path / "nowhere")
    assert result.exit_code == 1 and "[load.no-goals]" in result.output


def test_check_json_format_parses():
    result = check(FIXTURE, "--format", "json")
    doc = json.loads(result.output)
    assert result.exit_code == 0
    assert (doc["errors"], doc["warnings"]) == (0, 2)
    assert {p["code"] for p in doc["problems"]} == {"lint.stale-checkin"}


def test_check_json_format_strict():
    doc = json.loads(check(FIXTURE, "--format", "json", "--strict").output)
    assert (doc["errors"], doc["warnings"]) == (2, 0)


def test_check_github_format(tree):
    goals = tree.write({"org.yaml": BROKEN_ORG, "2026-Q4/acme.yaml": "objectives: [\n"})
    result = check(goals, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines)
    assert ",line=2,col=1,title=load.yaml-syntax::" in lines[0]


def test_github_actions_selects_the_github_format():
    result = check(FIXTURE, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0
    assert [line[:len("::warning file=")] for line in result.output.splitlines()] == ["::warning file="] * 2


def test_explicit_format_wins_over_github_actions():
    result = check(FIXTURE, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert result.output.splitlines()[-1] == "2 warnings in 2 files"


def test_source_date_epoch_sets_today():
    # 2027-01-10: the quarter has closed, so no key result is stale; the monthly KPI is
    runner = CliRunner(env={"GITHUB_ACTIONS": None, "SOURCE_DATE_EPOCH": "1799539200"})
    result = runner.invoke(cli, ["check", "--goals", FIXTURE])
    assert result.exit_code == 0
    assert "KPI 'customer-retention' has no value since 2026-10-31" in result.output
    assert "[lint.stale-checkin]" not in result.output


def test_bad_source_date_epoch_is_a_usage_error():
    runner = CliRunner(env={"GITHUB_ACTIONS": None, "SOURCE_DATE_EPOCH": "yesterday"})
    result = runner.invoke(cli, ["check", "--goals", FIXTURE])
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.output


BROKEN_TREES = {
    "yaml-syntax": {"2026-Q4/acme.yaml": "objectives: [\n"},
    "tabs": {"2026-Q4/acme.yaml": "objectives:\n\t- id: x\n"},
    "binary": {"2026-Q4/acme.yaml": b"\x00\xff\xfe garbage"},
    "not-a-mapping": {"2026-Q4/acme.yaml": "- a\n- b\n"},
    "empty-org": {"org.yaml": ""},
    "org-is-a-list": {"org.yaml": "- company\n"},
    "no-org": {"org.yaml": None},
    "deep": {"2026-Q4/acme.yaml": "objectives: " + "[" * 5000 + "\n"},
    "tag": {"2026-Q4/acme.yaml": "objectives: !!python/object/apply:os.system [ls]\n"},
    "metric-from-only": {"2026-Q4/acme.yaml": OBJECTIVE + "    key_results:\n      - id: k\n        title: K\n"
                         "        metric: {unit: x, from: 1}\n        checkins: [{date: 2026-11-01, value: 2}]\n"},
    "metric-from-equals-to": {"2026-Q4/acme.yaml": OBJECTIVE + "    key_results:\n      - id: k\n        title: K\n"
                              "        metric: {unit: x, from: 1, to: 1}\n        checkins: [{date: 2026-11-01, value: 2}]\n"},
    "wrong-everything": {"kpis.yaml": "kpis: {a: 1}\n", "2026-Q4/acme.yaml": "objectives: 5\nunit: [1]\n",
                         "data/x.csv": "nonsense"},
    "kpi-csv-garbage": {"kpis.yaml": "kpis:\n  - {id: k, name: K, owner: dana, data: data/k.csv}\n",
                        "data/k.csv": b"date,value\n\x00,\x00\n2026-01-01,\"unclosed\n"},
    "unit-loop-and-bad-period-folder": {
        "org.yaml": "company: {id: acme, name: Acme}\nunits:\n  - {id: a, name: A, parent: b}\n  - {id: b, name: B, parent: a}\n",
        "2026-Q9/a.yaml": "objectives: []\n"},
}


@pytest.mark.parametrize("files", BROKEN_TREES.values(), ids=BROKEN_TREES.keys())
def test_no_traceback_for_broken_input(tree, files):
    goals = tree.write({"org.yaml": BROKEN_ORG, **files})
    for fmt in ("text", "json", "github"):
        result = check(goals, "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output


def test_the_installed_entry_point(tree):
    assert GOALSITE.exists()
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "SOURCE_DATE_EPOCH")}
    ok = subprocess.run([str(GOALSITE), "check", "--goals", FIXTURE, "--today", TODAY],
                        capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1] == "2 warnings in 2 files" and ok.stderr == ""
    goals = tree.write({"org.yaml": BROKEN_ORG, "2026-Q4/acme.yaml": BROKEN_TREES["metric-from-only"]["2026-Q4/acme.yaml"]})
    bad = subprocess.run([str(GOALSITE), "check", "--goals", str(goals), "--today", TODAY, "--format", "json"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 1 and "Traceback" not in bad.stdout + bad.stderr
    assert [p["code"] for p in json.loads(bad.stdout)["problems"]] == ["model.metric-form"]
    usage = subprocess.run([str(GOALSITE), "check", "--today", "nope"], capture_output=True, text=True, env=env, timeout=60)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr



def _modules_after(code: str) -> set[str]:
    """The top-level packages and goalsite's modules a fresh interpreter has loaded after running `code`."""
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=root, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    names = out.stdout.splitlines()[-1].split()
    return {".".join(m.split(".")[:2]) if m.startswith("generator.") else m.split(".")[0] for m in names}


def test_help_loads_neither_mkdocs_nor_the_pipeline():
    """`goalsite --help` starts quickly: every verb's imports wait until it runs."""
    loaded = _modules_after("from generator.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass")
    assert not loaded & {"mkdocs", "plotly", "pydantic", "jinja2", "yaml", "generator.pipeline"}, sorted(loaded)


def test_generate_runs_the_pipeline_without_the_mkdocs_plugin(tmp_path):
    code = (f"from generator.cli import cli\ntry:\n    cli(['generate', '--goals', {FIXTURE!r}, '--today', {TODAY!r},"
            f" '--out', {str(tmp_path / 'out')!r}])\nexcept SystemExit as e:\n    assert not e.code, e.code")
    loaded = _modules_after(code)
    assert (tmp_path / "out" / "api" / "goals.json").is_file() and (tmp_path / "out" / "index.md").is_file()
    assert "generator.pipeline" in loaded and not loaded & {"mkdocs", "generator.plugin"}, sorted(loaded)

# --- check --changed-since: a proposal fails for what it introduces ---------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "goals"
LATE = "2026-12-07"
"""Two weeks after the example company's last check-ins: 96 date-driven warnings, 85 stale check-ins and 11 stale KPIs."""
STOREFRONT = "goals/2026-Q4/storefront.yaml"


def _git(cwd: Path, *args: str) -> None:
    config = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *config, *args], cwd=cwd, check=True, capture_output=True)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def company(tmp_path, monkeypatch) -> Path:
    """The example company committed in a git repository in tmp_path (the working directory)."""
    import shutil

    shutil.copytree(EXAMPLE, tmp_path / "goals")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "the goals as they are")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lower_target(company: Path) -> None:
    """Lower the completion target from 70 % to 68 %, title and metric alike (a moved goalpost)."""
    _replace(company / STOREFRONT, "completion from 61% to 70%", "completion from 61% to 68%")
    _replace(company / STOREFRONT, 'metric: {unit: "%", from: 61, to: 70}', 'metric: {unit: "%", from: 61, to: 68}')


def propose(*args: str, env: dict | None = None):
    """`goalsite check` of the working tree as a proposal against main."""
    return run("check", "--goals", "goals", "--today", LATE, "--changed-since", "main", *args, env=env)


def test_a_proposal_passes_despite_everybody_elses_stale_goals(company):
    """Before: `check --strict` failed every proposal with 96 errors, none of them the author's."""
    assert run("check", "--goals", "goals", "--today", LATE, "--strict").output.splitlines()[-1] == "96 errors in 17 files"
    # Lower a target (a moved goalpost, which `goalsite diff` reports): the key result is stale too.
    _lower_target(company)
    _git(company, "commit", "-q", "-am", "lower the completion target")
    for args in [(), ("--strict",)]:
        result = run("check", "--goals", "goals", "--today", LATE, "--changed-since", "HEAD~1", *args)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == [
            f"{STOREFRONT}:39:9: warning: Key result 'fast-mobile-checkout/completion' has had no check-in since "
            "2026-11-20 (more than 7 days) [lint.stale-checkin]",
            "    hint: Add a check-in under its checkins: with date, value, confidence and a note.",
            "In what changed since HEAD~1: 1 warning in 1 file",
            "Elsewhere: 95 warnings in 17 files not listed, 95 of them date-driven: "
            "run goalsite check without --changed-since to list them"]


def test_the_warning_a_proposal_introduces_comes_first_and_fails_it_under_strict(company):
    _lower_target(company)
    _replace(company / STOREFRONT, "title: Give mobile shoppers a checkout that feels instant",
             "title: Give mobile shoppers a 2 s checkout with 70% completion")
    _git(company, "switch", "-q", "-c", "proposal")
    _git(company, "commit", "-q", "-am", "a lower target and a number in a title")
    lenient = propose()
    assert lenient.exit_code == 0
    first = lenient.output.splitlines()[0]
    assert first.startswith(f"{STOREFRONT}:8:5: warning: Objective 'fast-mobile-checkout' has a target in its title")
    assert first.endswith("[lint.objective-looks-like-kr]")
    strict = propose("--strict")
    assert strict.exit_code == 1
    lines = strict.output.splitlines()
    assert lines[0] == first.replace(": warning: ", ": error: ")
    assert "warning: Key result 'fast-mobile-checkout/completion'" in lines[2]  # date-driven: still a warning
    assert lines[-2] == "In what changed since main: 1 error, 1 warning in 1 file"


def test_a_proposal_annotates_its_own_problems_and_counts_the_others(company):
    """GitHub shows 10 warnings of a step: the author's must not hide behind 96 of other teams."""
    _replace(company / STOREFRONT, "title: Give mobile shoppers a checkout that feels instant",
             "title: Give mobile shoppers a checkout at 70% completion")
    result = propose(env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"::warning file={STOREFRONT},line=8,col=5,title=lint.objective-looks-like-kr::")
    assert lines[1:] == ["In what changed since main: 1 warning in 1 file",
                         "Elsewhere: 96 warnings in 17 files not listed, 96 of them date-driven: "
                         "run goalsite check without --changed-since to list them"]


def test_errors_elsewhere_are_listed_and_fail(company):
    _replace(company / "goals/2026-Q4/sourcing.yaml", "owner: samir", "owner: nobody-at-all")
    _git(company, "commit", "-q", "-am", "somebody else broke a file")
    _lower_target(company)
    result = propose("--format", "json")
    doc = json.loads(result.output)
    assert result.exit_code == 1
    assert doc["changed_since"] == "main" and doc["errors"] == 1
    assert [p["introduced"] for p in doc["problems"][:1]] == [True]
    error = next(p for p in doc["problems"] if p["severity"] == "error")
    assert error["path"] == "goals/2026-Q4/sourcing.yaml" and not error["introduced"]
    text = propose()
    assert text.exit_code == 1 and "goals/2026-Q4/sourcing.yaml" in text.output.splitlines()[2]


def test_an_unknown_base_is_a_usage_error(company):
    result = run("check", "--goals", "goals", "--today", LATE, "--changed-since", "origin/main")
    assert result.exit_code == 2
    assert "Expected a git revision --changed-since that this checkout has, got 'origin/main'" in result.output
    assert "Traceback" not in result.output


# --- schema ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, title, required", [
    ((), "PeriodFile", None), (("period",), "PeriodFile", None), (("org",), "Org", ["company"]), (("kpis",), "KpiFile", None),
])
def test_schema_prints_draft_07_json(args, title, required):
    result = run("schema", *args)
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert doc["title"] == title and doc["type"] == "object" and doc["additionalProperties"] is False
    assert doc.get("required") == required
    assert doc["definitions"] and "$defs" not in result.output
    assert all(ref.startswith("#/definitions/") for ref in _refs(doc))


def test_schema_unknown_kind_is_a_usage_error():
    assert run("schema", "objectives").exit_code == 2


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)

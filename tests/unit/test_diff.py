"""`goalsite diff` on temporary git repositories with real commits (see generator/diff/)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.diff import COMMENT_LIMIT, Change, ProblemReview, compare, format_markdown, review_problems
from generator.pipeline import build_portal

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"
TODAY = "2026-11-22"
EMEA = "goals/2026-Q4/sales-emea.yaml"


class Repo:
    """A git repository in tmp_path holding a copy of portal_minimal's goals, committed once."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Author")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")
        shutil.copytree(FIXTURE, path / "goals")
        self.commit("base")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True, text=True).stdout

    def edit(self, rel: str, old: str, new: str) -> None:
        f = self.path / rel
        text = f.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        f.write_text(text.replace(old, new), encoding="utf-8")

    def commit(self, message: str, date: str = "2026-11-20T12:00:00+00:00") -> None:
        self.git("add", "-A")
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=self.path, check=True,
                       env={**_env(), "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})

    def diff(self, *args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["diff", *args, "--goals", str(self.path / "goals"), "--today", TODAY])
        return result.exit_code, result.stdout, result.stderr

    def changes(self, *args: str) -> dict:
        code, out, err = self.diff(*args, "--format", "json")
        assert code == 0, err
        return json.loads(out)


def _env() -> dict:
    import os

    return dict(os.environ)


@pytest.fixture
def repo(tmp_path) -> Repo:
    return Repo(tmp_path / "repo")


def _kinds(data: dict) -> set[tuple]:
    return {(c["kind"], c["level"], c["ref"], c["field"]) for c in data["changes"]}


def test_nothing_changed(repo):
    code, out, _ = repo.diff("HEAD")
    assert code == 0
    assert "No goal changed." in out and "No errors, no new warnings." in out


def test_objective_and_key_result_added_removed_renamed(repo):
    repo.edit(EMEA, "title: Become the first choice for mid-market retailers in DACH",
              "title: Win DACH mid-market retailers")
    repo.edit(EMEA, """      - id: uptime
        title: Keep checkout availability between 99.9% and 100%
        metric: {unit: "%", keep_between: [99.9, 100]}
        checkins:
          - {date: 2026-11-16, value: 99.95, confidence: 9}
""", "")
    repo.edit("goals/2026-Q4/acme.yaml", "        kpi: customer-retention\n", """        kpi: customer-retention
  - id: delight
    title: Delight every new customer
    owner: carol
    aligns_to: 2026:acme/grow-revenue
    key_results:
      - id: nps
        title: Raise NPS from 30 to 45
        metric: {unit: points, from: 30, to: 45}
""")
    repo.commit("edit")
    data = repo.changes("HEAD~1", "HEAD")
    assert _kinds(data) >= {
        ("renamed", "objective", "2026-Q4:sales-emea/win-dach", ""),
        ("removed", "key-result", "2026-Q4:sales-emea/win-dach/uptime", ""),
        ("added", "objective", "2026-Q4:acme/delight", ""),
        ("added", "key-result", "2026-Q4:acme/delight/nps", ""),
    }
    renamed = next(c for c in data["changes"] if c["kind"] == "renamed")
    assert (renamed["old"], renamed["new"]) == ("Become the first choice for mid-market retailers in DACH",
                                                "Win DACH mid-market retailers")
    _, md, _ = repo.diff("HEAD~1", "HEAD")
    assert "### 2026-Q4 · acme" in md and "### 2026-Q4 · sales-emea" in md
    assert "**Added** objective Delight every new customer" in md
    assert "30 → 45 points" in md


def test_retargeted_upwards_is_a_change_but_not_moved_goalposts(repo):
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 0, to: 30}")
    repo.edit(EMEA, "owner: eli\n        weight: 2", "owner: dana\n        weight: 3")
    data = repo.changes("HEAD")
    changed = {c["field"]: c for c in data["changes"] if c["kind"] == "changed"}
    assert (changed["target"]["old"], changed["target"]["new"], changed["target"]["goalposts"]) == (25, 30, False)
    assert (changed["owner"]["old"], changed["owner"]["new"]) == ("eli", "dana")
    assert (changed["weight"]["old"], changed["weight"]["new"]) == (2, 3)
    assert data["moved_goalposts"] == 0


def test_lowered_ambition_mid_period_is_flagged(repo):
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 2, to: 18}")
    repo.edit(EMEA, "from: 2.4, to: 1.8", "from: 2.4, to: 2.0")  # reduce: a higher target is easier
    repo.edit(EMEA, "keep_between: [99.9, 100]", "keep_between: [99.5, 100]")  # a looser range
    data = repo.changes("HEAD")
    moved = {(c["ref"].rsplit("/", 1)[1], c["field"], json.dumps(c["old"]), json.dumps(c["new"]))
             for c in data["changes"] if c["goalposts"]}
    assert moved == {("new-logos", "target", "25.0", "18.0"), ("new-logos", "baseline", "0.0", "2.0"),
                     ("churn", "target", "1.8", "2.0"), ("uptime", "target", "[99.9, 100.0]", "[99.5, 100.0]")}
    _, md, _ = repo.diff("HEAD")
    assert md.index("**Moved goalposts (4)**") < md.index("### 2026-Q4")
    # the unit (team) and the metric's unit say whose target and of what
    assert "| Unit | Key result | What | Old | New |" in md
    assert "| Sales EMEA (2026-Q4) | Sign 25 new mid-market logos | target | 25 logos | 18 logos |" in md
    assert "| 1.8 % | 2 % |" in md and "| 99.9 – 100 % | 99.5 – 100 % |" in md
    assert "target 25 logos → 18 logos **⚠ moved goalposts**" in md
    assert {c["metric_unit"] for c in data["changes"] if c["goalposts"]} == {"logos", "%"}


def test_lowered_target_before_the_period_starts_is_not_moved_goalposts(repo):
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 0, to: 18}")
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--goals", str(repo.path / "goals"), "--today", "2026-09-01",
                                      "--format", "json"])
    data = json.loads(result.stdout)
    assert data["moved_goalposts"] == 0
    assert any(c["field"] == "target" for c in data["changes"])


def test_checkins_added_are_counted_with_the_latest_value(repo):
    repo.edit(EMEA, "- {date: 2026-11-16, value: 12, confidence: 6}",
              "- {date: 2026-11-16, value: 12, confidence: 6}\n          - {date: 2026-11-20, value: 15}\n"
              "          - {date: 2026-11-21, value: 16}")
    data = repo.changes("HEAD")
    [c] = [c for c in data["changes"] if c["kind"] == "checkins"]
    assert (c["ref"], c["count"], c["new"]) == ("2026-Q4:sales-emea/win-dach/new-logos", 2, "16 logos on 2026-11-21")


def test_private_objective_changes_are_only_counted(repo):
    repo.edit(EMEA, "Open 3 secret sites", "Open 2 secret sites")
    repo.edit(EMEA, "metric: {unit: sites, from: 0, to: 3}", "metric: {unit: sites, from: 0, to: 2}")
    repo.edit(EMEA, "title: Project Nightjar secret expansion", "title: Project Nightjar bigger expansion")
    for fmt in ("markdown", "json"):
        code, out, _ = repo.diff("HEAD", "--format", fmt)
        assert code == 0
        for secret in ("Nightjar", "nightjar", "secret", "sites"):
            assert secret not in out
    assert "_1 private objective changed (not shown)._" in repo.diff("HEAD")[1]
    assert repo.changes("HEAD")["private_objectives_changed"] == 1


def test_an_objective_made_private_or_public_is_never_named(repo):
    repo.edit(EMEA, "    tags: [growth, dach]\n", "    tags: [growth, dach]\n    visibility: private\n")
    out = repo.diff("HEAD")[1]
    assert "win-dach" not in out and "first choice" not in out and "private objective changed" in out
    repo.commit("hide it")
    repo.edit(EMEA, "    visibility: private\n    aligns_to: acme/customer-experience/retention",
              "    aligns_to: acme/customer-experience/retention")
    out = repo.diff("HEAD")[1]
    assert "Nightjar" not in out and "nightjar" not in out


def test_alignment_to_a_private_goal_is_redacted(repo):
    repo.edit("goals/2026-Q4/acme.yaml", "    kpi: customer-retention\n", "    kpi: customer-retention\n")
    repo.edit(EMEA, "aligns_to: acme/customer-experience\n",
              "aligns_to: [acme/customer-experience, sales-emea/nightjar]\n")
    data = repo.changes("HEAD")
    [c] = [c for c in data["changes"] if c["field"] == "alignment"]
    assert c["new"] == ["2026-Q4:acme/customer-experience", "a private objective"]
    assert "nightjar" not in json.dumps(data)


def test_new_warnings_are_reported_and_old_ones_are_not(repo):
    # A warning BASE already has (a metric without a unit) must not be reported as new.
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {from: 0, to: 25}")
    repo.commit("old warning: metric without a unit")
    # Lines move (an objective description grows) and a new warning appears (a KR title without a number).
    repo.edit(EMEA, "description: Why this matters", "description: |\n      Why\n      this matters")
    repo.edit(EMEA, "title: Keep checkout availability between 99.9% and 100%", "title: Keep checkout available")
    data = repo.changes("HEAD")
    codes = [(p["code"], p["path"]) for p in data["problems"]["new_warnings"]]
    assert codes == [("lint.kr-vague-title", str(repo.path / "goals") + "/2026-Q4/sales-emea.yaml")]
    assert data["problems"]["errors"] == []


def test_errors_in_head_are_listed(repo):
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 0, to: high}")
    data = repo.changes("HEAD")
    [err] = data["problems"]["errors"]
    assert err["code"] == "model.type" or err["code"].startswith("model.")
    assert err["path"].endswith("goals/2026-Q4/sales-emea.yaml") and err["line"] > 1
    assert (err["period"], err["unit"]) == ("2026-Q4", "sales-emea")
    assert _kinds(data) == {("not-compared", "key-result", "2026-Q4:sales-emea/win-dach/new-logos", "")}
    md = repo.diff("HEAD")[1]
    assert "- **Not compared** key result Sign 25 new mid-market logos: it has errors in HEAD" in md
    assert "Errors in this file (1):" in md and "### Errors (1)" in md and "- 1 listed above" in md


def test_problems_about_private_goals_are_hidden(repo):
    repo.edit(EMEA, "metric: {unit: sites, from: 0, to: 3}", "metric: {from: 0, to: 3}")
    data = repo.changes("HEAD")
    assert data["problems"]["new_warnings"] == [] and data["problems"]["hidden"] == 1
    assert "nightjar" not in json.dumps(data)


def test_goal_text_cannot_inject_markdown_or_html(repo):
    repo.edit(EMEA, "title: Sign 25 new mid-market logos", "title: '<img src=x onerror=alert(1)> [x](http://evil) **b** | c'")
    md = repo.diff("HEAD")[1]
    assert "<img" not in md and "](http://evil)" not in md and "**b**" not in md and " | c" not in md


def test_links_to_the_preview_site(repo):
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 0, to: 30}")
    md = repo.diff("HEAD", "--base-url", "https://preview.example.com/pr-7/")[1]
    assert "(https://preview.example.com/pr-7/units/sales-emea/2026-Q4/#kr-win-dach__new-logos)" in md


def test_markdown_fits_one_comment_and_collapses_long_lists():
    changes = [Change("added", "objective", "2026-Q4", f"unit-{u:04d}", f"2026-Q4:unit-{u:04d}/o{i}", "x" * 500)
               for u in range(400) for i in range(20)]
    md = format_markdown(changes, ProblemReview())
    assert len(md) <= COMMENT_LIMIT
    assert "<details><summary>20 changes</summary>" in md
    assert "more units not shown" in md
    assert "x" * 200 not in md  # titles are cut


def test_base_missing_exits_2_with_a_message(repo):
    code, out, err = repo.diff("origin/main")
    assert code == 2
    assert "Expected a git revision BASE that this checkout has, got 'origin/main'" in err
    assert err.rstrip().endswith(": git fetch origin main") and "Traceback" not in err + out


def test_not_a_repository_exits_2(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "goals")
    result = CliRunner().invoke(cli, ["diff", "main", "--goals", str(tmp_path / "goals")])
    assert result.exit_code == 2
    assert "to be inside a git repository, got none" in result.stderr


def test_shallow_clone_with_the_base_fetched(repo, tmp_path):
    repo.edit(EMEA, "to: 25}", "to: 30}")
    repo.commit("raise", date="2026-11-21T12:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{repo.path}", str(clone)], check=True)
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "--goals", str(clone / "goals"), "--today", TODAY])
    assert result.exit_code == 2 and "git fetch origin main" in result.stderr
    subprocess.run(["git", "fetch", "-q", "--depth=2", "origin", "main"], cwd=clone, check=True)
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "--goals", str(clone / "goals"), "--today", TODAY,
                                      "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert any(c["field"] == "target" for c in json.loads(result.stdout)["changes"])


def test_the_installed_script(repo):
    exe = ROOT / ".venv" / "bin" / "goalsite"
    repo.edit(EMEA, "to: 25}", "to: 20}")
    proc = subprocess.run([str(exe), "diff", "HEAD", "--today", TODAY], cwd=repo.path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "**Moved goalposts (1)**" in proc.stdout
    proc = subprocess.run([str(exe), "diff", "nope"], cwd=repo.path, capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "got 'nope'" in proc.stderr


def test_compare_is_deterministic(repo):
    repo.edit(EMEA, "to: 25}", "to: 20}")
    head = build_portal(repo.path / "goals", dt.date(2026, 11, 22))
    repo.commit("lower")
    repo.git("stash", "list")
    from generator.history import export_revision

    base_dir = export_revision(repo.path / "goals", "HEAD~1", repo.path.parent / "base")
    base = build_portal(base_dir, dt.date(2026, 11, 22))
    assert compare(base, head) == compare(base, head)
    assert review_problems(base, head).errors == []


# --- a file with errors is compared all the same ------------------------------------------------------------------


def test_a_lowered_target_is_not_hidden_by_a_typo_in_the_same_file(repo):
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 0, to: 18}")
    repo.edit(EMEA, '        metric: {unit: "%", from: 2.4, to: 1.8}\n',
              '        metric: {unit: "%", from: 2.4, to: 1.8}\n        ownr: eli\n')
    repo.edit(EMEA, "- {date: 2026-11-16, value: 99.95, confidence: 9}", "- {date: 2026-11-16, value: 99.95%}")
    data = repo.changes("HEAD")
    assert [(c["kind"], c["ref"].rsplit("/", 1)[1], c["field"], c["goalposts"]) for c in data["changes"]] == [
        ("changed", "new-logos", "target", True),
        ("not-compared", "churn", "", False),
    ]
    assert data["moved_goalposts"] == 1 and data["changes"][1]["new"] == "HEAD"
    assert [(e["line"], e["code"], e["hint"]) for e in data["problems"]["errors"]] == [
        (30, "model.unknown-field", "Did you mean 'owner'?"),
        (36, "model.type", "Write a plain number without quotes or units, e.g. 25 or 2.4."),
    ]
    md = repo.diff("HEAD")[1]
    section = md[md.index("### 2026-Q4 · sales-emea"):md.index("### Errors (2)")]
    assert "Key result Sign 25 new mid-market logos: target 25 logos → 18 logos **⚠ moved goalposts**" in section
    assert "**Not compared** key result Reduce monthly churn from 2.4% to 1.8%: it has errors in HEAD" in section
    assert "Errors in this file (2):" in section and "  - hint: Did you mean &#39;owner&#39;?" in section
    assert "- 2 listed above, beside the changes of their unit" in md[md.index("### Errors (2)"):]


def test_an_objective_with_errors_is_not_compared_rather_than_removed(repo):
    repo.edit("goals/2026-Q4/acme.yaml", "    owner: carol\n", "    ownr: carol\n")
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 0, to: 20}")
    data = repo.changes("HEAD")
    kinds = [(c["kind"], c["level"], c["ref"], c["new"]) for c in data["changes"]]
    assert ("not-compared", "objective", "2026-Q4:acme/customer-experience", "HEAD") in kinds
    assert not [k for k in kinds if k[0] == "removed"]
    assert not [c for c in data["changes"] if c["field"] == "alignment"]  # sales-emea aligns to it: not "removed"
    assert any(c["goalposts"] for c in data["changes"])  # the other file is compared as ever
    md = repo.diff("HEAD")[1]
    assert "**Not compared** objective Create an unforgettable customer experience: it has errors in HEAD" in md


def test_a_file_that_cannot_be_read_is_not_compared(repo):
    repo.edit(EMEA, "objectives:\n", "objectives: [\n")
    data = repo.changes("HEAD")
    assert _kinds(data) == {("not-compared", "file", "", "")}
    md = repo.diff("HEAD")[1]
    assert "**Not compared**: the file could not be read" in md and "Errors in this file (1):" in md


def test_nothing_is_compared_when_org_yaml_is_unusable(repo):
    repo.edit("goals/org.yaml", "company:", "compny:")
    data = repo.changes("HEAD")
    assert [(c["kind"], c["level"]) for c in data["changes"]] == [("not-compared", "org")]
    md = repo.diff("HEAD")[1]
    assert "No goal changed." not in md and "org.yaml has errors that leave nothing to compare" in md


@pytest.mark.parametrize("edit", [
    ("    owner: dana\n", "    owner: dana\n    visibilty: private\n"),          # a misspelt visibility
    ("    owner: dana\n", "    owner: dana\n    visibility: secret\n"),          # a wrong one
    ("visibility: public\n", "visibilty: private\n"),                              # the file's, misspelt
])
def test_goals_whose_visibility_cannot_be_read_are_never_named(repo, edit):
    repo.edit(EMEA, *edit)
    repo.edit(EMEA, "metric: {unit: logos, from: 0, to: 25}", "metric: {unit: logos, from: 0, to: 18}")
    for fmt in ("markdown", "json"):
        out = repo.diff("HEAD", "--format", fmt)[1]
        assert "first choice" not in out and "win-dach" not in out and "logos" not in out
    assert repo.changes("HEAD")["moved_goalposts"] == 0


def test_an_added_objective_shows_its_owner_alignment_and_key_results(repo):
    repo.edit("goals/2026-Q4/acme.yaml", "        kpi: customer-retention\n", """        kpi: customer-retention
  - id: delight
    title: Delight every new customer
    owner: carol
    aligns_to: [2026:acme/grow-revenue, sales-emea/nightjar]
    key_results:
      - id: nps
        title: Raise NPS from 30 to 45
        metric: {unit: points, from: 30, to: 45}
      - id: kit
        title: Launch the welcome kit
        milestone: true
""")
    data = repo.changes("HEAD")
    [added] = [c for c in data["changes"] if c["level"] == "objective"]
    assert added["new"] == {
        "owner": "carol", "owner_name": "Carol Reyes", "alignment": ["2026:acme/grow-revenue", "a private objective"],
        "key_results": [{"id": "nps", "title": "Raise NPS from 30 to 45", "metric": "30 → 45 points"},
                        {"id": "kit", "title": "Launch the welcome kit", "metric": "milestone"}]}
    md = repo.diff("HEAD")[1]
    assert ("- **Added** objective Delight every new customer — owner Carol Reyes (carol), "
            "aligns to 2026&#58;acme/grow-revenue, a private objective\n"
            "  - Raise NPS from 30 to 45: 30 → 45 points\n"
            "  - Launch the welcome kit: milestone\n") in md
    assert "**Added** key result" not in md  # listed under their objective


def test_an_objective_id_given_twice_is_not_compared(repo):
    repo.edit("goals/2026-Q4/acme.yaml", "        kpi: customer-retention\n", """        kpi: customer-retention
  - id: customer-experience
    title: A second one
    owner: carol
    key_results: [{id: k, title: Ship it, milestone: true}]
""")
    data = repo.changes("HEAD")
    assert [(c["kind"], c["level"], c["ref"]) for c in data["changes"]] == [
        ("not-compared", "objective", "2026-Q4:acme/customer-experience")]
    assert [e["code"] for e in data["problems"]["errors"]] == ["model.duplicate-id"]

"""`goalsite checkin` and `goalsite rollover`: round-trip edits, validation, no overwrite, atomic writes."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import build_portal
from generator.cli import cli
from generator.writeback import TEMP_SUFFIX, detect_indent, write_atomic

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "goals"
MINIMAL = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"
TODAY = "2026-11-27"
KR = "storefront/fast-mobile-checkout/mobile-load"


@pytest.fixture
def goals(tmp_path) -> Path:
    """A copy of the example company's goals: files full of comments."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "goals"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def diff_lines(before: str, after: str) -> list[str]:
    """The changed lines of a unified diff, without its headers."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))]


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"^\S+:\d+:\d+: error: ", line)]


# --- checkin ------------------------------------------------------------------------------------


def test_checkin_adds_one_line_and_changes_no_other_byte(goals):
    path = goals / "2026-Q4" / "storefront.yaml"
    before = path.read_text(encoding="utf-8")
    result = run("checkin", KR, "--value", "2.3", "--confidence", "8", "--goals", str(goals), "--today", TODAY)
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert diff_lines(before, after) == ["+          - {date: 2026-11-27, value: 2.3, confidence: 8}"]
    assert "+           - {date: 2026-11-27, value: 2.3, confidence: 8}" in result.output
    assert snapshot(goals).keys() == {p.relative_to(goals).as_posix() for p in goals.rglob("*") if p.is_file()}
    build = build_portal(goals, dt.date(2026, 11, 27))
    kr = build.portal.key_results["2026-Q4:" + KR]
    assert (kr.checkins[-1].date, kr.checkins[-1].value, kr.checkins[-1].confidence) == (dt.date(2026, 11, 27), 2.3, 8)


def test_checkin_in_block_style_with_text_fields(goals):
    path = goals / "2026-Q4" / "storefront.yaml"
    text = path.read_text(encoding="utf-8")
    # Make the latest check-in of `completion` a block one: the new one follows its style.
    text = text.replace("          - {date: 2026-11-20, value: 66.7, confidence: 7}\n",
                        "          - date: 2026-11-20\n            value: 66.7  # after the promo\n"
                        "            confidence: 7\n")
    path.write_text(text, encoding="utf-8")
    result = run("checkin", "storefront/fast-mobile-checkout/completion", "--value", "67", "--note", "Wallets: live",
                 "--blockers", "none", "--next", "Tune the *address* form", "--goals", str(goals), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert diff_lines(text, path.read_text(encoding="utf-8")) == [
        "+          - date: 2026-11-27", "+            value: 67", "+            note: 'Wallets: live'",
        "+            blockers: none", "+            next: Tune the *address* form"]


def test_checkin_on_a_key_result_without_checkins_adds_the_key(tmp_path):
    goals = Path(shutil.copytree(MINIMAL, tmp_path / "goals"))
    path = goals / "2026-Q4" / "acme.yaml"
    before = path.read_text(encoding="utf-8")
    result = run("checkin", "acme/customer-experience/retention", "--value", "86", "--period", "2026-Q4",
                 "--goals", str(goals), "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert diff_lines(before, path.read_text(encoding="utf-8")) == [
        "+        checkins:", "+          - date: 2026-11-22", "+            value: 86"]


@pytest.mark.parametrize("args, code, where", [
    (["--value", "2", "--confidence", "11"], "model.out-of-range", 39),
    (["--value", "2", "--date", "2026-09-30"], "resolve.date-outside-period", 39),
    (["--value", "2", "--date", "2026-12-01"], "resolve.future-date", 39),
])
def test_checkin_refuses_an_invalid_result_and_leaves_the_file(goals, args, code, where):
    path = goals / "2026-Q4" / "storefront.yaml"
    before = snapshot(goals)
    result = run("checkin", KR, *args, "--goals", str(goals), "--today", TODAY)
    assert result.exit_code == 1
    assert [line.split(": error:")[0] for line in problem_lines(result.output)][0].startswith(f"{path.as_posix()}:{where}:")
    assert f"[{code}]" in result.output
    assert snapshot(goals) == before


def test_checkin_refuses_an_unknown_key_result_with_file_and_line(goals):
    before = snapshot(goals)
    result = run("checkin", "storefront/fast-mobile-checkout/nope", "--value", "1", "--goals", str(goals), "--today", TODAY)
    assert result.exit_code == 1
    assert problem_lines(result.output) == [
        f"{(goals / '2026-Q4' / 'storefront.yaml').as_posix()}:18:5: error: Expected a key result of "
        "fast-mobile-checkout (mobile-load, completion, wallets), got 'nope' [writeback.unknown-key-result]"]
    assert snapshot(goals) == before


def test_checkin_refuses_to_overwrite_a_date_without_force(goals):
    path = goals / "2026-Q4" / "storefront.yaml"
    original = path.read_text(encoding="utf-8")
    assert run("checkin", KR, "--value", "2.3", "--goals", str(goals), "--today", TODAY).exit_code == 0
    once = path.read_text(encoding="utf-8")
    result = run("checkin", KR, "--value", "2.1", "--goals", str(goals), "--today", TODAY)
    assert result.exit_code == 1 and "[writeback.checkin-exists]" in result.output and "--force" in result.output
    assert path.read_text(encoding="utf-8") == once
    result = run("checkin", KR, "--value", "2.1", "--goals", str(goals), "--today", TODAY, "--force")
    assert result.exit_code == 0, result.output
    assert diff_lines(original, path.read_text(encoding="utf-8")) == ["+          - {date: 2026-11-27, value: 2.1}"]


def test_checkin_asks_for_the_period_when_ambiguous(tmp_path):
    goals = Path(shutil.copytree(MINIMAL, tmp_path / "goals"))
    with (goals / "2026-Q4" / "acme.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: grow-revenue\n    title: Q4 revenue\n    owner: dana\n    key_results:\n"
                "      - id: arr\n        title: ARR\n        metric: {unit: M, from: 10, to: 14}\n")
    result = run("checkin", "acme/grow-revenue/arr", "--value", "13", "--goals", str(goals), "--today", "2026-11-22")
    assert result.exit_code == 2 and "--period" in result.output and "2026, 2026-Q4" in result.output
    result = run("checkin", "acme/grow-revenue/arr", "--value", "13", "--period", "2026", "--goals", str(goals),
                 "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "in " + (goals / "2026" / "acme.yaml").as_posix() in result.output


def test_checkin_rejects_a_malformed_target_as_usage():
    result = run("checkin", "storefront/only-two", "--value", "1")
    assert result.exit_code == 2 and "UNIT/OBJECTIVE/KR" in result.output


def test_checkin_through_the_installed_command(goals):
    path = goals / "2026-Q4" / "storefront.yaml"
    before = path.read_text(encoding="utf-8")
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "goalsite"), "checkin", KR, "--value", "2.2", "--goals",
                           str(goals), "--today", TODAY], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert diff_lines(before, path.read_text(encoding="utf-8")) == ["+          - {date: 2026-11-27, value: 2.2}"]
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "goalsite"), "checkin", KR, "--value", "2", "--confidence",
                           "11", "--date", "2026-11-26", "--goals", str(goals), "--today", TODAY], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "[model.out-of-range]" in proc.stdout


# --- atomic writes --------------------------------------------------------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys
    import generator.publish as publish

    def half_then_die(fd, chunk):
        os.write(fd, chunk[: len(chunk) // 2])
        os.kill(os.getpid(), signal.SIGKILL)

    publish._write_chunk = half_then_die
    from generator.cli import cli
    cli(sys.argv[1:])
""")


def test_a_process_killed_mid_write_leaves_the_file_whole(goals):
    path = goals / "2026-Q4" / "storefront.yaml"
    before = snapshot(goals)
    proc = subprocess.run([sys.executable, "-c", KILLER, "checkin", KR, "--value", "2.2", "--goals", str(goals),
                           "--today", TODAY], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == -9, proc.stderr
    assert snapshot(goals) == before  # byte-identical, and no temporary file anywhere
    assert not list(path.parent.glob(f"*{TEMP_SUFFIX}"))


def test_write_atomic_keeps_the_mode_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o640)
    (tmp_path / f".a.yaml.dead{TEMP_SUFFIX}").write_text("half", encoding="utf-8")  # left by a crash
    write_atomic(path, "new\n" * 50_000)
    assert path.read_text(encoding="utf-8") == "new\n" * 50_000
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


@pytest.mark.parametrize("text, expected", [
    ("a:\n  b: 1\nc:\n  - d: 1\n", (2, 4, 2)),
    ("a:\n    b: 1\nc:\n- d: 1\n", (4, 2, 0)),
    ("c:\n    - d: 1\n      e: 2\n", (2, 6, 4)),
])
def test_detect_indent(text, expected):
    assert detect_indent(text) == expected


# --- rollover ------------------------------------------------------------------------------------


def test_rollover_scaffolds_the_objectives_that_did_not_succeed(goals):
    source = build_portal(goals, dt.date(2027, 1, 5))
    before = snapshot(goals)
    result = run("rollover", "2026-Q4", "2027-Q1", "--goals", str(goals), "--today", "2027-01-05")
    assert result.exit_code == 0, result.output
    assert {k: v for k, v in snapshot(goals).items() if not k.startswith("2027-Q1/")} == before
    text = (goals / "2027-Q1" / "storefront.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Rolled over from 2026-Q4 to 2027-Q1 by goalsite on 2027-01-05")
    assert "# Storefront team OKRs for Q4 2026." in text and "# check-in values are the fraction done" in text
    kept = source.scores.objectives["2026-Q4:storefront/fast-mobile-checkout"].score
    assert f"skipped 2026-Q4:storefront/fast-mobile-checkout: succeeded (score {round(kept * 100)} %)" in result.output
    after = build_portal(goals, dt.date(2027, 1, 5))
    assert after.ok, after.errors
    new = [o for o in after.portal.objectives.values() if o.period.id == "2027-Q1"]
    assert new and {o.ref for o in new} == {
        o.ref.replace("2026-Q4:", "2027-Q1:") for o in source.portal.objectives.values()
        if o.period.id == "2026-Q4" and source.scores.objectives[o.ref].success is False}
    for node in new:
        old = node.rolled_over_from
        assert old is not None and old.ref == node.ref.replace("2027-Q1:", "2026-Q4:")
        assert node.private == old.private
        for kr, old_kr in zip(node.key_results, old.key_results):
            assert kr.kr.checkins == [] and kr.kr.due is None
            latest = source.scores.key_results[old_kr.ref].latest
            metric = kr.kr.metric
            if metric is not None and not metric.is_keep and latest is not None and latest.value != old_kr.kr.metric.to \
                    and source.scores.key_results[old_kr.ref].progress < 1:
                assert metric.from_ == latest.value, kr.ref


def test_rollover_keeps_private_objectives_private(goals):
    assert run("rollover", "2026-Q4", "2027-Q1", "--goals", str(goals), "--today", "2027-01-05").exit_code == 0
    after = build_portal(goals, dt.date(2027, 1, 5))
    assert after.portal.objectives["2027-Q1:larchwood/nightjar"].private


def test_rollover_never_overwrites_without_force(goals):
    existing = goals / "2027-Q1" / "storefront.yaml"
    existing.parent.mkdir()
    existing.write_text("# ours\nobjectives: []\n", encoding="utf-8")
    result = run("rollover", "2026-Q4", "2027-Q1", "--unit", "storefront", "--goals", str(goals), "--today", "2027-01-05")
    assert result.exit_code == 0, result.output
    assert "exists (pass --force to overwrite)" in result.output
    assert existing.read_text(encoding="utf-8") == "# ours\nobjectives: []\n"
    result = run("rollover", "2026-Q4", "2027-Q1", "--unit", "storefront", "--goals", str(goals), "--today",
                 "2027-01-05", "--force")
    assert result.exit_code == 0 and "Overwrote" in result.output
    assert "rolled_over_from: 2026-Q4:storefront/calm-peak" in existing.read_text(encoding="utf-8")


def test_rollover_refuses_an_invalid_result_and_writes_nothing(goals, monkeypatch):
    from generator import writeback

    roll = writeback._roll_objective

    def broken(obj, *args):
        roll(obj, *args)
        obj["owner"] = "nobody"  # what a bug in the scaffolding would do: the check must catch it

    monkeypatch.setattr(writeback, "_roll_objective", broken)
    before = snapshot(goals)
    result = run("rollover", "2026-Q4", "2027-Q1", "--unit", "storefront", "--goals", str(goals), "--today",
                 "2027-01-05")
    assert result.exit_code == 1
    lines = problem_lines(result.output)
    assert lines and lines[0].startswith(f"{(goals / '2027-Q1' / 'storefront.yaml').as_posix()}:")
    assert "nobody" in lines[0]
    assert snapshot(goals) == before and not (goals / "2027-Q1").exists()


@pytest.mark.parametrize("args", [["2026-Q4", "2026-Q3"], ["2026-Q4", "2027-Q1", "--unit", "nobody"],
                                  ["1999-Q1", "2027-Q1"], ["2026-Q5", "2027-Q1"]])
def test_rollover_usage_errors(goals, args):
    result = run("rollover", *args, "--goals", str(goals), "--today", "2027-01-05")
    assert result.exit_code == 2, result.output
    assert not (goals / "2027-Q1").exists()

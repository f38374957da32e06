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
from generator.writeback.goalfile import LOCK_NAME
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
    left = snapshot(goals)
    assert left.pop(LOCK_NAME) == b""  # the lock file, which no process holds any more
    assert left == before  # byte-identical, and no temporary file anywhere
    assert not list(path.parent.glob(f"*{TEMP_SUFFIX}"))
    assert run("checkin", KR, "--value", "2.2", "--goals", str(goals), "--today", TODAY).exit_code == 0
    assert not (goals / LOCK_NAME).exists()  # the next command takes it over and removes it


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
    # The header comments speak of the new period; comments in the goals are kept as they were.
    assert "\n\n# Storefront team OKRs for Q1 2027.\n# Check-ins every Friday. Running quarter: 2027-01-01 to " \
           "2027-03-31.\n\nunit: storefront\n" in text
    assert "# check-in values are the fraction done" in text
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
    from generator.writeback import rollover

    roll = rollover._roll_objective

    def broken(obj, *args):
        roll(obj, *args)
        obj["owner"] = "nobody"  # what a bug in the scaffolding would do: the check must catch it

    monkeypatch.setattr(rollover, "_roll_objective", broken)
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


# --- the file's layout: line ends, BOM, final line end --------------------------------------------


def _mixed(text: str) -> str:
    """The first ten lines end in LF, the rest in CR LF (a file edited on two systems)."""
    lines = text.split("\n")
    return "\n".join(lines[:10]) + "\n" + "\r\n".join(lines[10:])


LAYOUTS = {
    "lf": lambda text: text,
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "cr": lambda text: text.replace("\n", "\r"),
    "no-final-newline": lambda text: text[:-1],
    "crlf-no-final-newline": lambda text: text[:-1].replace("\n", "\r\n"),
    "bom": lambda text: "\ufeff" + text,
    "bom-crlf": lambda text: "\ufeff" + text.replace("\n", "\r\n"),
    "mixed": _mixed,
}


CHECKINS = {
    "middle": (KR, []),
    "end-of-file": ("storefront/calm-peak/load-test", []),  # its check-ins end the file
    "replace": ("storefront/calm-peak/load-test", ["--date", "2026-11-13", "--force"]),  # a block check-in
}


@pytest.fixture(scope="module")
def lf_results(tmp_path_factory) -> dict[str, str]:
    """What each check-in makes of the LF file: the other layouts must give the same, in their layout."""
    results = {}
    for case, (kr, extra) in CHECKINS.items():
        goals = Path(shutil.copytree(EXAMPLE, tmp_path_factory.mktemp(case) / "goals"))
        assert run("checkin", kr, "--value", "0.95", *extra, "--today", TODAY, "--goals", str(goals)).exit_code == 0
        results[case] = (goals / "2026-Q4" / "storefront.yaml").read_text(encoding="utf-8")
    return results


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", CHECKINS)
def test_checkin_keeps_the_files_line_ends_bom_and_final_newline(goals, lf_results, layout, case):
    shape, (kr, extra) = LAYOUTS[layout], CHECKINS[case]
    path = goals / "2026-Q4" / "storefront.yaml"
    original = shape(path.read_text(encoding="utf-8"))
    path.write_bytes(original.encode("utf-8"))
    result = run("checkin", kr, "--value", "0.95", *extra, "--today", TODAY, "--goals", str(goals))
    assert result.exit_code == 0, result.output
    after = path.read_bytes().decode("utf-8")
    assert after == shape(lf_results[case]) and after != original
    day = "2026-11-13" if extra else "2026-11-27"
    assert f"+           - {{date: {day}, value: 0.95}}\n" in result.output  # the added line, without CR or BOM
    assert build_portal(goals, dt.date(2026, 11, 27)).ok


# --- rollover: goals that hold in the new period --------------------------------------------------

ROLL = ("rollover", "2026-Q4", "2027-Q1", "--today", "2027-01-05")


def test_rollover_comments_out_a_private_kpi_of_a_public_key_result(goals):
    """Emptied check-ins would publish the private KPI's values as the key result's progress (resolve.private-kpi-values)."""
    path = goals / "2026-Q4" / "operations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        kpi: fulfillment-cost-per-order\n",
                                 "        kpi: osprey-burn-multiple   # the board's number\n"
                                 "        # reviewed monthly\n"), encoding="utf-8")
    assert build_portal(goals, dt.date(2027, 1, 5)).ok  # fine while the key result has check-ins of its own
    result = run(*ROLL, "--unit", "operations", "--goals", str(goals))
    assert result.exit_code == 0, result.output
    new = (goals / "2027-Q1" / "operations.yaml").read_text(encoding="utf-8")
    assert ("        metric: {unit: €, from: 6.05, to: 5.9}\n"
            "        # kpi: osprey-burn-multiple  # the board's number  # goalsite rollover: a private KPI; "
            "put it back with the first check-in\n"
            "        # reviewed monthly\n"
            "      - id: plastic\n") in new
    note = ("operations/lean-ops/cost-per-order: kpi: osprey-burn-multiple commented out: a public key result "
            "without check-ins may not name a private KPI; put it back with its first check-in")
    assert f"  changed 2027-Q1:{note}\n" in result.output
    assert f"\n# - {note}\n" in new
    after = build_portal(goals, dt.date(2027, 1, 5))
    assert after.ok, after.errors
    assert after.portal.key_results["2027-Q1:operations/lean-ops/cost-per-order"].kpi is None


def test_rollover_keeps_a_private_kpi_of_a_private_objective(goals):
    path = goals / "2026-Q4" / "operations.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("        kpi: fulfillment-cost-per-order\n", "        kpi: osprey-burn-multiple\n")
    path.write_text(text.replace("objectives:\n", "visibility: private\nobjectives:\n", 1), encoding="utf-8")
    result = run(*ROLL, "--unit", "operations", "--goals", str(goals))
    assert result.exit_code == 0, result.output
    assert "        kpi: osprey-burn-multiple\n" in (goals / "2027-Q1" / "operations.yaml").read_text(encoding="utf-8")
    assert "commented out" not in result.output


FROM_TO = re.compile(r"(?<![\w.,])[€$]?(\d[\d,]*(?:\.\d+)?)\S*(?:\s\S+)?\s+(?:to|→|->)\s+[€$]?(\d[\d,]*(?:\.\d+)?)")


def test_rollover_titles_state_the_rolled_metric(goals):
    """A title's "from A to B" agrees with its metric's new from and to: no title contradicts its metric."""
    before = build_portal(goals, dt.date(2027, 1, 5))
    result = run(*ROLL, "--goals", str(goals))
    assert result.exit_code == 0, result.output
    after = build_portal(goals, dt.date(2027, 1, 5))
    checked = 0
    for node in after.portal.key_results.values():
        metric = node.kr.metric
        if node.objective.period.id != "2027-Q1" or metric is None or metric.is_keep:
            continue
        title, ref = node.kr.title, node.ref
        for m in FROM_TO.finditer(title):
            stated = (float(m.group(1).replace(",", "")), float(m.group(2).replace(",", "")))
            assert stated == (metric.from_, metric.to), (ref, title)
            checked += 1
        old = before.portal.key_results[ref.replace("2027-Q1:", "2026-Q4:")].kr
        if old.metric.from_ != metric.from_ and FROM_TO.search(old.title):
            assert title != old.title, ref
    assert checked >= 20
    titles = {n.ref: n.kr.title for n in after.portal.key_results.values()}
    assert titles["2027-Q1:commerce/own-the-peak/app-share"] == "Grow app share of orders from 27.2% to 30%"
    assert titles["2027-Q1:loyalty/basecamp-club/active-members"] == \
        "Grow active Basecamp Club members from 158,700 to 170,000"
    assert titles["2027-Q1:operations/lean-ops/cost-per-order"] == \
        "Reduce fulfillment cost per order from €6.05 to €5.90"
    assert "  changed 2027-Q1:commerce/own-the-peak/app-share: title now starts at 27.2 (was 22), as its metric\n" \
        in result.output
    text = (goals / "2027-Q1" / "commerce.yaml").read_text(encoding="utf-8")
    assert "# - commerce/own-the-peak/app-share: title now starts at 27.2 (was 22), as its metric\n" in text


def test_rollover_flags_a_title_it_cannot_rewrite(goals):
    path = goals / "2026-Q4" / "commerce.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Grow app share of orders from 22% to 30%",
                                 "title: 'Grow app share of orders: 22% today, 30% by the end'"), encoding="utf-8")
    result = run(*ROLL, "--unit", "commerce", "--goals", str(goals))
    assert result.exit_code == 0, result.output
    note = "commerce/own-the-peak/app-share: title names 22, not the metric's from (27.2 now): reword it"
    assert f"  changed 2027-Q1:{note}\n" in result.output
    new = (goals / "2027-Q1" / "commerce.yaml").read_text(encoding="utf-8")
    assert f"# - {note}\n" in new and "title: 'Grow app share of orders: 22% today, 30% by the end'" in new


def test_rollover_rewrites_header_comments_for_the_new_period(goals):
    path = goals / "2026-Q4" / "commerce.yaml"
    header = ("# 2026-Q4: October to December\n"
              "# Planning offsite on 2026-09-20; mid-quarter review on 2026-11-16.\n"
              "# Q4 2026 runs 2026-10-01 to 2026-12-31.\n")
    path.write_text(header + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = run(*ROLL, "--unit", "commerce", "--goals", str(goals))
    assert result.exit_code == 0, result.output
    new = (goals / "2027-Q1" / "commerce.yaml").read_text(encoding="utf-8")
    top = new[:new.index("\nunit:")]
    assert "# 2027-Q1: January to March\n# Q1 2027 runs 2027-01-01 to 2027-03-31.\n" in top
    assert "2026-Q4" not in top.split("\n\n", 1)[1] and "2026-11-16" not in new and "Q4 2026" not in new
    assert "  changed " + (goals / "2027-Q1" / "commerce.yaml").as_posix() + \
        ": left out 1 header comment line naming days of 2026-Q4\n" in result.output

    # Rolled over again, the file's own rollover notes (about 2026-Q4 and 2027-Q1) are left behind.
    result = run("rollover", "2027-Q1", "2027-Q2", "--unit", "commerce", "--goals", str(goals), "--today", "2027-04-05")
    assert result.exit_code == 0, result.output
    again = (goals / "2027-Q2" / "commerce.yaml").read_text(encoding="utf-8")
    assert again.startswith("# Rolled over from 2027-Q1 to 2027-Q2 by goalsite on 2027-04-05: the objectives of\n"
                            "# 2027-Q1 that did not succeed, baselines set to their last values, check-ins emptied.\n\n"
                            "# 2027-Q2: April to June\n# Q2 2027 runs 2027-04-01 to 2027-06-30.\n")
    assert again.count("Rolled over from") == 1 and "2026-Q4" not in again.split("\nunit:")[0]
    assert build_portal(goals, dt.date(2027, 4, 5)).ok


def test_rollover_writes_the_new_file_in_the_old_ones_layout(goals):
    path = goals / "2026-Q4" / "storefront.yaml"
    path.write_bytes(("\ufeff" + path.read_text(encoding="utf-8")).replace("\n", "\r\n").encode("utf-8"))
    assert run(*ROLL, "--unit", "storefront", "--goals", str(goals)).exit_code == 0
    new = (goals / "2027-Q1" / "storefront.yaml").read_bytes()
    assert new.startswith(b"\xef\xbb\xbf# Rolled over from") and new.endswith(b"\r\n")
    assert new.count(b"\n") == new.count(b"\r\n")
    assert build_portal(goals, dt.date(2027, 1, 5)).ok


def test_rollover_rewrites_a_quoted_title_in_its_own_quotes(goals):
    path = goals / "2026-Q4" / "commerce.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Grow app share of orders from 22% to 30%",
                                 'title: "Grow app share of orders from 22% to 30%"'), encoding="utf-8")
    assert run(*ROLL, "--unit", "commerce", "--goals", str(goals)).exit_code == 0
    new = (goals / "2027-Q1" / "commerce.yaml").read_text(encoding="utf-8")
    assert '        title: "Grow app share of orders from 27.2% to 30%"\n' in new


def test_checkin_without_a_lock_file_changes_nothing(goals):
    (goals / LOCK_NAME).mkdir()  # something that is not a file in its place: the lock cannot be taken
    before = snapshot(goals)
    result = run("checkin", KR, "--value", "2.3", "--goals", str(goals), "--today", TODAY)
    assert result.exit_code == 1
    assert problem_lines(result.output) == [
        f"{(goals / LOCK_NAME).as_posix()}:1:1: error: Expected a goals folder goalsite can create its lock file in, "
        "got Is a directory [writeback.lock]"]
    assert snapshot(goals) == before and "Traceback" not in result.output


def test_rollover_comments_out_a_private_kpi_after_a_block_metric(goals):
    path = goals / "2026-Q4" / "operations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("        metric: {unit: €, from: 6.4, to: 5.9}\n        kpi: fulfillment-cost-per-order\n",
                                 "        metric:\n          unit: €\n          from: 6.4\n          to: 5.9\n"
                                 "        kpi: osprey-burn-multiple  # the board's number\n        weight: 2\n"),
                    encoding="utf-8")
    result = run(*ROLL, "--unit", "operations", "--goals", str(goals))
    assert result.exit_code == 0, result.output
    new = (goals / "2027-Q1" / "operations.yaml").read_text(encoding="utf-8")
    assert ("          to: 5.9\n"
            "        # kpi: osprey-burn-multiple  # the board's number  # goalsite rollover: a private KPI; "
            "put it back with the first check-in\n"
            "        weight: 2\n") in new
    assert build_portal(goals, dt.date(2027, 1, 5)).ok

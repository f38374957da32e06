"""Commands that write goal files, run at the same time: none may lose another's edit.

Every command is the installed `goalsite` script in a process of its own, started together
(each waits at a barrier until all are ready), exactly as two people or two CI jobs would run them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from generator import build_portal
from generator.writeback.goalfile import LOCK_NAME
from generator.writeback import TEMP_SUFFIX
from hardening_support import ROOT, goalsite_exe

EXAMPLE = ROOT / "goals"
TODAY = "2026-11-27"
KEY_RESULTS = ["fast-mobile-checkout/mobile-load", "fast-mobile-checkout/completion", "fast-mobile-checkout/wallets",
               "calm-peak/error-rate", "calm-peak/load-test"]
DATES = ["2026-11-21", "2026-11-23", "2026-11-24", "2026-11-25"]  # no key result has a check-in on these yet

# Waits until the go file exists, then becomes `goalsite ARGS...`: the start of every run is the same instant.
_BARRIER = r"""
import os, sys, time
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.002)
os.execv(sys.argv[2], sys.argv[2:])
"""


def _start_together(tmp_path: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _BARRIER, str(go), goalsite_exe(), *args], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in commands]
    time.sleep(0.5)  # every process is waiting at the barrier
    go.touch()
    results = []
    for args, proc in zip(commands, procs):
        out, err = proc.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(args, proc.returncode, out, err))
    return results


def _goals(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "goals"))


def test_parallel_checkins_on_one_file_all_land(tmp_path):
    goals = _goals(tmp_path)
    path = goals / "2026-Q4" / "storefront.yaml"
    wanted = {}
    commands = []
    for n, (kr, day) in enumerate(itertools.product(KEY_RESULTS, DATES)):  # 20 check-ins, 10 pairs
        value = round(0.05 * (n + 1), 2)
        wanted[(kr, day)] = value
        commands.append(["checkin", f"storefront/{kr}", "--value", str(value), "--date", day, "--goals", str(goals),
                         "--today", TODAY])
    for run in _start_together(tmp_path, commands):
        assert run.returncode == 0, (run.args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = {}
    for obj in data["objectives"]:
        for kr in obj["key_results"]:
            for checkin in kr.get("checkins") or []:
                found[(f"{obj['id']}/{kr['id']}", str(checkin["date"]))] = checkin["value"]
    assert {key: found.get(key) for key in wanted} == wanted  # every accepted check-in is in the file
    assert build_portal(goals, dt.date(2026, 11, 27)).ok
    assert not list(goals.rglob(f"*{TEMP_SUFFIX}")) and not (goals / LOCK_NAME).exists()


def test_parallel_rollovers_write_each_file_once(tmp_path):
    goals = _goals(tmp_path)
    args = ["rollover", "2026-Q4", "2027-Q1", "--unit", "storefront", "--goals", str(goals), "--today", "2027-01-05"]
    runs = _start_together(tmp_path, [args] * 6)
    for run in runs:
        assert run.returncode == 0, (run.stdout, run.stderr)
    out = (goals / "2027-Q1" / "storefront.yaml").as_posix()
    # Without --force a file of TO is never overwritten: one run writes it, every other one finds it.
    assert sorted(f"Wrote {out}" in run.stdout for run in runs) == [False] * 5 + [True]
    assert sum("exists (pass --force to overwrite)" in run.stdout for run in runs) == 5
    assert build_portal(goals, dt.date(2027, 1, 5)).ok
    assert not (goals / LOCK_NAME).exists()


def test_rollover_and_checkins_at_once_keep_every_checkin(tmp_path):
    goals = _goals(tmp_path)
    path = goals / "2026-Q4" / "storefront.yaml"
    checkins = [["checkin", f"storefront/{kr}", "--value", "0.5", "--date", "2026-12-01", "--goals", str(goals),
                 "--today", "2026-12-01"] for kr in KEY_RESULTS]
    roll = ["rollover", "2026-Q4", "2027-Q1", "--goals", str(goals), "--today", "2026-12-01"]
    runs = _start_together(tmp_path, [*checkins[:3], roll, *checkins[3:], roll])
    assert [run.returncode for run in runs] == [0] * len(runs), [run.stdout + run.stderr for run in runs]
    text = path.read_text(encoding="utf-8")
    assert text.count("{date: 2026-12-01, value: 0.5}") == len(KEY_RESULTS)
    assert sum("Wrote" in run.stdout for run in runs if run.args[0] == "rollover") == 1
    assert build_portal(goals, dt.date(2026, 12, 1)).ok


def test_a_lock_file_left_by_a_killed_command_is_taken_over(tmp_path):
    goals = _goals(tmp_path)
    (goals / LOCK_NAME).write_text("", encoding="utf-8")  # what SIGKILL leaves: a file no process holds
    run = subprocess.run([goalsite_exe(), "checkin", "storefront/calm-peak/error-rate", "--value", "0.3", "--date",
                          "2026-11-21", "--goals", str(goals), "--today", TODAY], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env={**os.environ})
    assert run.returncode == 0, run.stderr
    assert not (goals / LOCK_NAME).exists()


def test_a_checkin_waits_while_another_command_holds_the_lock(tmp_path):
    from generator.writeback.goalfile import lock_goals

    goals = _goals(tmp_path)
    path = goals / "2026-Q4" / "storefront.yaml"
    before = path.read_bytes()
    with lock_goals(goals):
        proc = subprocess.Popen([goalsite_exe(), "checkin", "storefront/calm-peak/error-rate", "--value", "0.3",
                                 "--date", "2026-11-21", "--goals", str(goals), "--today", TODAY], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stderr.readline() == f"Waiting for another goalsite command writing to {goals} ...\n"
        assert proc.poll() is None and path.read_bytes() == before
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "{date: 2026-11-21, value: 0.3}" in path.read_text(encoding="utf-8")

"""Atomic publishing: `goalsite build` killed with SIGKILL at moments spread over a whole build.

Every kill must leave the previous site byte-identical (whether it landed while goals were read,
while MkDocs was writing the new site next to it, or anywhere else), and the next build must
succeed, publish the new site and leave no half-built folder behind.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

from generator.publish import _recover
from hardening_support import ROOT, TODAY, copy_goals, goalsite_exe, run_bounded, tree_bytes

KILLS = 5


def _start_build(goals: Path, site: Path) -> subprocess.Popen:
    return subprocess.Popen([goalsite_exe(), "build", "--goals", str(goals), "--today", TODAY, "--site-dir", str(site)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_builds_killed_at_random_moments_leave_the_previous_site(tmp_path, good_site):
    goals = copy_goals(tmp_path / "goals")
    acme = goals / "2026" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("Grow into", "Grow fast into"), encoding="utf-8")
    out = tmp_path / "out"
    site = out / "site"
    shutil.copytree(good_site, site)
    before = tree_bytes(site)

    # How long a whole build takes here, measured on a throwaway site.
    start = time.monotonic()
    assert run_bounded("build", "--goals", goals, "--today", TODAY, "--site-dir", tmp_path / "timing" / "site",
                       timeout=120).returncode == 0
    typical = time.monotonic() - start
    published = tree_bytes(tmp_path / "timing" / "site")  # builds are reproducible: what a finished build publishes
    assert published != before

    rng = random.Random(7)
    # Spread over the build: early (reading goals) to late (MkDocs writing pages), never past its end.
    delays = [typical * (0.05 + 0.9 * (i + rng.random()) / KILLS) for i in range(KILLS)]
    # Should timing on a busy machine make every late kill miss, a few more land mid-build.
    delays += [typical * 0.6] * 3
    killed_in_engine = 0
    for n, delay in enumerate(delays):
        if n >= KILLS and killed_in_engine:
            break
        earlier = set(out.glob(".site.goalsite-new-*"))  # left by the previous kill until a build starts
        proc = _start_build(goals, site)
        time.sleep(delay)
        if proc.poll() is not None:  # this run was quicker than the typical one: it published; start over
            shutil.rmtree(site)
            shutil.copytree(good_site, site)
            continue
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
        # publish() makes the folder just before MkDocs' build starts, once the goals were read and checked.
        unfinished = set(out.glob(".site.goalsite-new-*")) - earlier
        if not site.exists():  # killed between the two renames of the swap: what the next build undoes first
            _recover(site)
        now = tree_bytes(site)
        if now == published and not unfinished:
            # Killed after the swap, while the process was exiting: the build had succeeded.
            shutil.rmtree(site)
            shutil.copytree(good_site, site)
            continue
        assert now == before, f"a build killed after {delay:.2f} s of {typical:.2f} s changed the site"
        killed_in_engine += bool(unfinished)

    assert killed_in_engine >= 1, "no kill landed while MkDocs was writing the new site"
    run = run_bounded("build", "--goals", goals, "--today", TODAY, "--site-dir", site, timeout=120)
    assert run.returncode == 0, run.output
    assert "Grow fast into" in (site / "api" / "goals.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["site"]

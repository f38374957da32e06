"""Helpers of the hardening tests (imported by name: every test folder has its own conftest): the real `goalsite` script in a subprocess, bounded in time and memory.

Every hostile input is fed to the installed entry point exactly as CI runs it, so a crash, a
traceback or a runaway allocation shows up as it would for a user.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINIMAL_GOALS = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"
TODAY = "2026-11-22"
MEMORY_LIMIT = 2 * 1024**3
"""Address space a goalsite run may reserve (RLIMIT_AS): a runaway allocation fails instead of swapping."""
TIMEOUT = 20
"""Seconds a goalsite run on hostile input may take before the test fails."""

# Runs the command under RLIMIT_AS and reports the peak resident memory of the command on stderr.
# A wrapper process instead of preexec_fn, because the catalogue starts runs from several threads.
_WRAPPER = r"""
import resource, subprocess, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
code = subprocess.call(sys.argv[2:])
sys.stderr.write("\n@@maxrss-kb %d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""


def goalsite_exe() -> str:
    """The `goalsite` script of the environment running pytest."""
    for candidate in (Path(sys.executable).with_name("goalsite"), ROOT / ".venv" / "bin" / "goalsite"):
        if candidate.is_file():
            return str(candidate)
    return shutil.which("goalsite") or pytest.fail("goalsite is not installed", pytrace=False)


@dataclasses.dataclass
class Run:
    """A finished goalsite run."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    maxrss_kb: int

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr


def run_bounded(*args: str | Path, cwd: Path = ROOT, timeout: float = TIMEOUT, env: dict | None = None) -> Run:
    """`goalsite ARGS...` in a subprocess under RLIMIT_AS; fails the test if it outlives `timeout`."""
    cmd = [sys.executable, "-c", _WRAPPER, str(MEMORY_LIMIT), goalsite_exe(), *map(str, args)]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", start_new_session=True, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"goalsite {' '.join(map(str, args))} took more than {timeout} s", pytrace=False)
    seconds = time.monotonic() - start
    maxrss = 0
    if "\n@@maxrss-kb " in err:
        err, _, tail = err.rpartition("\n@@maxrss-kb ")
        maxrss = int(tail.split()[0])
    return Run(proc.returncode, out, err, seconds, maxrss)


def copy_goals(dest: Path, source: Path = MINIMAL_GOALS) -> Path:
    """A fresh copy of the minimal fixture's goals at `dest` (returned)."""
    shutil.copytree(source, dest)
    return dest


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its relative path, with its bytes (symlinks as their target)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = b"->" + os.readlink(p).encode()
        elif p.is_file():
            out[rel] = p.read_bytes()
    return out

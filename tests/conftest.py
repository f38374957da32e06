"""Session fixtures shared by the end-to-end and browser tests: real `goalsite build` runs, once each.

Every site is built by the installed `goalsite` script in a subprocess, exactly as a user or CI
runs it, so the tests see the real entry point, logging and exit codes.
"""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"
"""The date every shared site is built as of: a Sunday late in 2026-Q4."""
MINIMAL = ROOT / "tests" / "fixtures" / "portal_minimal"
"""A small company with one private objective, whose title contains "Nightjar"."""


def goalsite_exe() -> str:
    """The `goalsite` script of the environment running pytest."""
    for candidate in (Path(sys.executable).with_name("goalsite"), ROOT / ".venv" / "bin" / "goalsite"):
        if candidate.is_file():
            return str(candidate)
    return shutil.which("goalsite") or pytest.fail("goalsite is not installed: run `make test`", pytrace=False)


def run_goalsite(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run `goalsite ARGS...` in a subprocess; returns the finished process (text output)."""
    return subprocess.run([goalsite_exe(), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def build_site(goals: Path, site_dir: Path, *extra: str, today: str = TODAY) -> Path:
    """`goalsite build` of `goals` into `site_dir`; fails the test with the output if it does not exit 0."""
    proc = run_goalsite("build", "--goals", goals, "--today", today, "--site-dir", site_dir, *extra)
    if proc.returncode != 0 or not (site_dir / "index.html").is_file():
        pytest.fail(f"goalsite build exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}",
                    pytrace=False)
    return site_dir


def rewrite_yaml(path: Path, change) -> None:
    """Load a goal file with ruamel (round trip), let `change(data)` edit it, write it back.

    Comments and the layout of the rest of the file stay, as `goalsite checkin` keeps them.
    """
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site of the example company (the repo's goals/) as of 2026-11-22. Read it, never change it."""
    return build_site(ROOT / "goals", tmp_path_factory.mktemp("built") / "site")


@pytest.fixture(scope="session")
def minimal_site(tmp_path_factory) -> Path:
    """The public site of tests/fixtures/portal_minimal as of 2026-11-22."""
    return build_site(MINIMAL / "goals", tmp_path_factory.mktemp("minimal") / "site")


@pytest.fixture(scope="session")
def minimal_private_site(tmp_path_factory) -> Path:
    """tests/fixtures/portal_minimal built with --include-private (the restricted build)."""
    return build_site(MINIMAL / "goals", tmp_path_factory.mktemp("private") / "site", "--include-private")


@pytest.fixture(scope="session")
def goalsite():
    """run(*args, cwd=ROOT) -> CompletedProcess: the real `goalsite` script in a subprocess."""
    return run_goalsite


@pytest.fixture(scope="session")
def site_builder():
    """build(goals, site_dir, *flags, today=TODAY) -> site_dir: `goalsite build` that must exit 0."""
    return build_site


def least_cpu_seconds(convert, text: str, runs: int) -> float:
    """CPU seconds of `convert(text)`, the least of `runs`: other processes on the machine do not count."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(runs):
            start = time.process_time()
            convert(text)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best

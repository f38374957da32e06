"""The build's progress line: counts on a terminal, nothing at all in a log or in CI."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.plugin.progress import Progress, interactive

ROOT = Path(__file__).resolve().parents[2]
MINIMAL_GOALS = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_counts_up_to_its_total_and_is_erased_at_the_end():
    out = FakeTerminal()
    progress = Progress(out, enabled=True)
    progress.phase("Writing pages", 4)
    for _ in range(4):
        progress.step()
    assert progress.line() == "Writing pages [########################] 4/4"
    progress.close()
    text = out.getvalue()
    assert "Writing pages [" in text and "] 0/4" in text and text.endswith("4/4\r\x1b[2K")


def test_a_phase_without_a_total_shows_its_label():
    progress = Progress(FakeTerminal(), enabled=True)
    progress.phase("Reading goals")
    assert progress.line() == "Reading goals…"
    progress.phase("Half", 10)
    progress.step(5)
    assert progress.line() == "Half [############............] 5/10"


@pytest.mark.parametrize("env, tty, shown", [({}, True, True), ({"CI": "true"}, True, False),
                                             ({"TERM": "dumb"}, True, False), ({}, False, False)])
def test_only_a_persons_terminal_gets_a_progress_line(monkeypatch, env, tty, shown):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = FakeTerminal() if tty else io.StringIO()
    assert interactive(out) is shown
    progress = Progress(out)
    progress.phase("Writing pages", 2)
    progress.step(2)
    progress.close()
    assert bool(out.getvalue()) is shown


def _build(tmp_path, *, terminal: bool, env: dict) -> str:
    """`goalsite build` of the small fixture with stderr on a pseudo-terminal or a pipe; its stderr."""
    command = [sys.executable, "-m", "generator", "build", "--goals", str(MINIMAL_GOALS), "--today", "2026-11-22",
               "--site-dir", str(tmp_path / "site"), "--config-file", str(ROOT / "mkdocs.yml")]
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")} | {"TERM": "xterm"} | env
    if not terminal:
        done = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stderr
    main, child = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode()


def test_goalsite_build_draws_page_counts_on_a_terminal(tmp_path):
    err = _build(tmp_path, terminal=True, env={})
    pages = len(list((tmp_path / "site").rglob("*.html"))) - 1  # less the 404 page, which is no document
    assert "Reading goals…" in err and "Rendering pages…" in err
    assert re.search(rf"Reading pages \[#+\] {pages}/{pages}", err)
    assert re.search(rf"Writing pages \[#+\] {pages}/{pages}\r\x1b\[2K", err), "erased when the build ends"


@pytest.mark.parametrize("terminal, env", [(False, {}), (True, {"CI": "true"})])
def test_goalsite_build_draws_nothing_in_a_log_or_in_ci(tmp_path, terminal, env):
    err = _build(tmp_path, terminal=terminal, env=env)
    assert "pages [" not in err and "\x1b[2K" not in err

"""`goalsite serve`: one goal-file edit, one rebuild, and the page shows the change; no rebuild loop."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOALSITE = Path(sys.executable).with_name("goalsite")
PAGE = "units/sales-emea/2026-Q4/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    return None


def test_a_goal_edit_rebuilds_once_and_is_served(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(ROOT / "tests" / "fixtures" / "portal_minimal" / "goals", goals)
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22
    with open(log, "w") as out:
        server = subprocess.Popen(
            [str(GOALSITE), "serve", "--goals", str(goals), "--config-file", str(ROOT / "mkdocs.yml"),
             "--dev-addr", f"127.0.0.1:{port}"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/{PAGE}"
        first = _wait_for(lambda: _get(url), 60)
        assert first and "Become the first choice" in first, log.read_text()
        builds = log.read_text().count("Building documentation")

        team = goals / "2026-Q4" / "sales-emea.yaml"
        team.write_text(team.read_text().replace("Become the first choice", "Become the clear favourite"))
        assert _wait_for(lambda: "Become the clear favourite" in (_get(url) or ""), 30), log.read_text()
        time.sleep(3)  # a loop would rebuild again and again in this time
        assert log.read_text().count("Building documentation") == builds + 1, log.read_text()
        assert "Traceback" not in log.read_text()
    finally:
        server.terminate()
        server.wait(10)

"""`goalsite serve`: one goal-file edit, one rebuild, and the page shows the change; no rebuild loop."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fast", ["off", "on"])
def test_incremental_rebuilds_serve_exactly_what_a_full_build_makes(tmp_path, fast):
    """After each edit, the served folder equals a fresh `goalsite build` of the same goals, file for file.

    The edits cover what an incremental rebuild could get wrong: a changed title (a few pages), a
    unit's file removed (its page must go), the company renamed (every page, hand-written ones
    too), and a broken file (nothing rebuilt) followed by its fix. With fast rebuilds (what a large
    company gets) each edit is two rebuilds: the edited teams' pages, then the company-wide ones.
    """
    passes = 2 if fast == "on" else 1
    goals = tmp_path / "goals"
    shutil.copytree(ROOT / "tests" / "fixtures" / "portal_minimal" / "goals", goals)
    (tmp_path / "tmp").mkdir()
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600", "TMPDIR": str(tmp_path / "tmp")}
    with open(log, "w") as out:
        server = subprocess.Popen(
            [str(GOALSITE), "serve", "--goals", str(goals), "--config-file", str(ROOT / "mkdocs.yml"),
             "--dev-addr", f"127.0.0.1:{port}", "--fast-rebuilds", fast],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)

    def built() -> int:
        return log.read_text().count("Documentation built")

    def same_as_a_full_build(step: str) -> None:
        served = next((tmp_path / "tmp").glob("goalsite_*"))
        full = tmp_path / f"full-{step}"
        subprocess.run([str(GOALSITE), "build", "--goals", str(goals), "--config-file", str(ROOT / "mkdocs.yml"),
                        "--site-dir", str(full), "--site-url", f"http://127.0.0.1:{port}/"],
                       env=env, cwd=tmp_path, check=True, capture_output=True)
        # Search (generator/search/stage.py) is indexed in the background, and the files of earlier
        # indexes stay for pages that loaded them: once the served entry is the full build's, the full
        # build's index is served file for file, next to those older files.
        entry = Path("pagefind", "pagefind-entry.json")
        assert _wait_for(lambda: (served / entry).is_file() and (served / entry).read_bytes()
                         == (full / entry).read_bytes(), 60), (step, "the served search index")
        mine, theirs = _tree(served), _tree(full)
        mine = {p: v for p, v in mine.items() if not p.startswith("pagefind/") or p in theirs}
        assert mine.keys() == theirs.keys(), (step, mine.keys() ^ theirs.keys())
        assert [p for p in mine if mine[p] != theirs[p]] == [], step

    def edit(path: Path, old: str, new: str, *, builds: bool = True) -> None:
        before = built()
        path.write_text(path.read_text().replace(old, new))
        if builds:
            assert _wait_for(lambda: built() >= before + passes, 60), log.read_text()
            time.sleep(1)  # no third rebuild
            assert built() == before + passes, log.read_text()
            fast_pass = re.findall(r"Rebuilt \d+ of \d+ pages.*", log.read_text())[-passes]
            assert ("the company-wide pages follow" in fast_pass) == (passes == 2), fast_pass
            # The lint advice comes with the complete rebuild only (the minimal company has some).
            advice = ["[lint." in b for b in log.read_text().split("Building documentation")[-passes:]]
            assert advice == [False, True][-passes:], log.read_text()
        else:
            assert _wait_for(lambda: "errors (see above)" in log.read_text(), 60), log.read_text()

    try:
        assert _wait_for(lambda: built() == 1 and _get(f"http://127.0.0.1:{port}/"), 60), log.read_text()
        same_as_a_full_build("start")

        team = goals / "2026-Q4" / "sales-emea.yaml"
        edit(team, "Become the first choice", "Become the clear favourite")
        rebuilt = [int(n) for n, _ in re.findall(r"Rebuilt (\d+) of (\d+) pages", log.read_text())]
        total = int(re.findall(r"Rebuilt \d+ of (\d+) pages", log.read_text())[-1])
        assert rebuilt and all(0 < n < total / 2 for n in rebuilt[-passes:]), log.read_text()
        same_as_a_full_build("title")

        edit(goals / "org.yaml", "name: Acme Corp", "name: Acme Works")
        assert re.findall(r"Rebuilt (\d+) of (\d+) pages", log.read_text())[-passes][0] == str(total)
        same_as_a_full_build("renamed")

        edit(team, "owner: dana", "owner: nobody-knows", builds=False)
        edit(team, "owner: nobody-knows", "owner: dana")
        same_as_a_full_build("fixed")

        before = built()
        team.unlink()
        assert _wait_for(lambda: built() >= before + passes, 60), log.read_text()
        assert _get(f"http://127.0.0.1:{port}/{PAGE}") is None, "the removed unit's page is gone"
        same_as_a_full_build("removed")
        assert "Traceback" not in log.read_text()
    finally:
        server.terminate()
        server.wait(10)

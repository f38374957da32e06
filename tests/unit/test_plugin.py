"""The MkDocs shell: real MkDocs builds with the repo's mkdocs.yml and the goals of portal_minimal."""

from __future__ import annotations

import json
import logging
import re
import textwrap
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import File, Files

from generator.plugin import GoalsitePlugin
from generator.plugin.files import drop_generated_copies, put_file
from generator.publish import MANIFEST

ROOT = Path(__file__).resolve().parents[2]
MINIMAL_GOALS = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"


def load(site_dir: Path):
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir))
    return config, config.plugins["goalsite"]


def logs(caplog, level=logging.INFO) -> str:
    """The plugin's log records as `LEVEL: message` lines (see mkdocs: tests/build_tests.py)."""
    return "\n".join(f"{r.levelname}: {r.getMessage()}" for r in caplog.records
                     if r.name.startswith("mkdocs.plugins.generator") and r.levelno >= level)


def test_goal_errors_are_logged_then_stop_the_build(broken_goals, tmp_path, caplog):
    config, plugin = load(tmp_path / "site")
    with plugin.preset(goals_dir=str(broken_goals), today="2026-11-22"), pytest.raises(Abort):
        mkdocs_build(config)
    assert logs(caplog, logging.ERROR) == textwrap.dedent("""\
        ERROR: generator: goals/2026-Q4/sales-emea.yaml:8:12: error: Expected a known person, got 'nobody' [resolve.unknown-person]""")
    assert "1 goal file has errors (see above)" in caplog.text
    assert not (tmp_path / "site" / "index.html").exists()


def test_lint_warnings_are_info_and_do_not_fail_strict(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")  # 2026-11-22
    caplog.set_level(logging.INFO, logger="mkdocs")
    config, plugin = load(tmp_path / "site")
    config.strict = True
    with plugin.preset(goals_dir=str(MINIMAL_GOALS)):
        mkdocs_build(config)
    assert "[lint.stale-checkin]" in logs(caplog, logging.INFO)
    assert logs(caplog, logging.WARNING) == ""
    export = json.loads((tmp_path / "site" / "api" / "goals.json").read_text())
    assert export["objectives"]
    assert (tmp_path / "site" / "assets" / "plotly.min.js").is_file()


def test_presets_are_cleared_on_the_way_out():
    from generator.plugin import Rebuilding
    from generator.plugin.progress import Progress
    from generator.serve.incremental import Incremental

    plugin = GoalsitePlugin()
    progress, rebuilding = Progress(enabled=False), Rebuilding(Incremental())
    with plugin.preset(object(), progress=progress, rebuilding=rebuilding, goals_dir="/x", include_private=True):
        assert plugin.overrides == {"goals_dir": "/x", "include_private": True}
        assert plugin.progress is progress and plugin.rebuilding is rebuilding
    assert plugin.overrides == {} and plugin.prebuilt is None
    assert plugin.progress is not progress and plugin.rebuilding is None, "what `goalsite serve` lends is handed back"


def test_a_bad_today_is_a_plugin_error(tmp_path):
    config, plugin = load(tmp_path / "site")
    with plugin.preset(today="22/11/2026"), pytest.raises(PluginError, match="YYYY-MM-DD"):
        plugin.on_config(config)


def test_generated_files_replace_same_path_files(tmp_path):
    config, _ = load(tmp_path / "site")
    (tmp_path / "docs").mkdir()
    config.docs_dir = str(tmp_path / "docs")
    files = Files([File("index.md", config.docs_dir, config.site_dir, True),
                   File("units/a/2026-Q4.md", config.docs_dir, config.site_dir, True),
                   File("guide/index.md", config.docs_dir, config.site_dir, True)])
    (tmp_path / "docs" / MANIFEST).write_text(json.dumps({"files": ["index.md", "units/a/2026-Q4.md"]}))
    drop_generated_copies(files, config.docs_dir)
    assert sorted(files.src_uris) == ["guide/index.md"], "copies from `goalsite generate` are forgotten"
    new = File("guide/index.md", None, config.site_dir, True)
    new.content_string = "# New"  # what File.generated() makes, outside of a plugin event
    put_file(files, new)
    assert [f.content_string for f in files] == ["# New"]


def test_many_lint_warnings_are_logged_as_one_count(tmp_path, caplog, monkeypatch):
    from generator.plugin import plugin as plugin_module

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")  # 2026-11-22
    monkeypatch.setattr(plugin_module, "MAX_LOGGED_WARNINGS", 1)
    caplog.set_level(logging.INFO, logger="mkdocs")
    config, plugin = load(tmp_path / "site")
    with plugin.preset(goals_dir=str(MINIMAL_GOALS)):
        mkdocs_build(config)
    info = logs(caplog, logging.INFO)
    assert "[lint." not in info
    assert re.search(r"goals: \d+ warnings in \d+ files?; run goalsite check to list them", info), info


def test_a_serve_command_rebuilds_with_the_plugins_memo_and_a_build_keeps_none(tmp_path, monkeypatch):
    """`mkdocs serve` (and `goalsite serve`, which hands the plugin its own memo) rebuild with one memo:
    the second build reuses what the first made, in every stage; the same site either way."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")  # 2026-11-22
    config, plugin = load(tmp_path / "site")
    try:
        config.plugins.on_startup(command="serve", dirty=False)
        memo = plugin.memo
        with plugin.preset(goals_dir=str(MINIMAL_GOALS)):
            mkdocs_build(config)
            first = (tmp_path / "site" / "api" / "goals.json").read_text()
            config, _ = load(tmp_path / "site")  # as the serve loop does before each rebuild
            mkdocs_build(config)
        assert plugin.memo is memo
        reused = {stage: memo.stats(stage).reused
                  for stage in ("resolve-checkins", "score", "lint", "render", "export", "export-text")}
        assert all(reused.values()), reused
        assert (tmp_path / "site" / "api" / "goals.json").read_text() == first
    finally:
        config.plugins.on_startup(command="build", dirty=False)
    assert plugin.memo is None, "a one-shot build keeps nothing"

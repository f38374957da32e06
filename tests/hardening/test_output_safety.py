"""What goal data makes goalsite print or publish stays in bounds.

A file or folder name, a title or any other goal text may hold line breaks and terminal escapes.
Printed raw, `goals/a\\n::error::forged.yaml` becomes a line that GitHub Actions runs as a command
(a forged annotation, `::stop-commands::` hiding the real errors). Such names are refused, and every
line goalsite prints from goal data (`check` in text and github formats, `build`, the plugin's log
lines under plain `mkdocs build`) shows control characters escaped. And a file that repeats a long
text through YAML aliases cannot blow up into a site hundreds of times its size.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.load import MAX_EXPANDED_TEXT, load_goals, read_yaml
from generator.problems import Location, error, escape_controls, format_github, format_problem, format_text, warning
from hardening_support import ROOT, TODAY, copy_goals, run_bounded, tree_bytes

FORGED_FILE = "acme\n::error::forged.yaml"
FORGED_TITLE = "Grow\n::stop-commands::x"
OWN_ANNOTATION = re.compile(r"^::(error|warning) file=[^,:]*,line=\d+,col=\d+,title=[^,:]*::")
"""goalsite's own annotation: its properties escape `,` and `:`, so nothing in them can end one early."""


def hostile_goals(folder: Path) -> Path:
    """The minimal fixture's goals with hostile names (a period file, a kpis file, a folder) and a hostile title."""
    goals = copy_goals(folder)
    acme = (goals / "2026-Q4" / "acme.yaml").read_text(encoding="utf-8")
    (goals / "2026-Q4" / FORGED_FILE).write_text(acme, encoding="utf-8")
    (goals / "kpis").mkdir()
    (goals / "kpis" / "k\x1b[2J\r::warning::x.yaml").write_text("kpis: []\n", encoding="utf-8")
    (goals / "2027\u2028::notice::y").mkdir()
    emea = goals / "2026-Q4" / "sales-emea.yaml"
    text = emea.read_text(encoding="utf-8")
    emea.write_text(text.replace("title: Become the first choice for mid-market retailers in DACH",
                                 f"title: {json.dumps(FORGED_TITLE)}", 1), encoding="utf-8")
    return goals


def command_lines(output: str) -> list[str]:
    """Lines a CI runner could take for a workflow command (it trims leading blanks) or a terminal for a break."""
    return [ln for ln in output.splitlines() if ln.lstrip().startswith("::")]


def assert_one_line_each(output: str) -> None:
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", output), repr(output)


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_check_prints_no_forged_workflow_command(tmp_path, fmt):
    hostile_goals(tmp_path / "goals")
    run = run_bounded("check", "--goals", "goals", "--today", TODAY, "--format", fmt, cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.output
    assert_one_line_each(run.output)
    forged = [ln for ln in command_lines(run.output) if not (fmt == "github" and OWN_ANNOTATION.match(ln))]
    assert forged == [], run.output
    if fmt == "text":
        assert "goals/2026-Q4/acme\\n::error::forged.yaml:1:1: error: " in run.stdout
        assert "got 'acme\\n::error::forged.yaml' [load.bad-name]" in run.stdout
        assert "goals/kpis/k\\x1b[2J\\r::warning::x.yaml:1:1: error: " in run.stdout
        assert "goals/2027\\u2028::notice::y:1:1: error: " in run.stdout
    elif fmt == "github":
        assert len(command_lines(run.output)) == len(run.stdout.splitlines())
    else:
        paths = {p["path"] for p in json.loads(run.stdout)["problems"]}
        assert "goals/2026-Q4/" + FORGED_FILE in paths


def test_build_prints_no_forged_workflow_command(tmp_path):
    goals = hostile_goals(tmp_path / "goals")
    run = run_bounded("build", "--goals", goals, "--today", TODAY, "--site-dir", tmp_path / "site",
                      "--config-file", ROOT / "mkdocs.yml", cwd=tmp_path, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.output
    assert_one_line_each(run.output)
    assert command_lines(run.output) == [], run.output
    assert not (tmp_path / "site").exists()


def test_the_plugin_logs_no_forged_workflow_command_under_plain_mkdocs(tmp_path):
    hostile_goals(tmp_path / "goals")
    (tmp_path / "mkdocs.yml").write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'site_src'}\ntheme:\n  custom_dir: {ROOT / 'theme'}\n"
        "plugins:\n  - search\n  - tags\n  - goalsite:\n      goals_dir: goals\n      today: '2026-11-22'\n"
        "watch:\n  - goals\n", encoding="utf-8")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([str(mkdocs), "build", "-f", str(tmp_path / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "[load.bad-name]" in output
    assert_one_line_each(output)
    assert command_lines(output) == [], output


# --- the formats themselves ----------------------------------------------------------------------------

NASTY = error(Location("goals/a\n::error::b\x1b[31m.yaml", 2, 3), "load.bad\u2028name",
              "Expected x, got 'y'\r\n::stop-commands::z\x85::notice::w", "Fix\n::warning::it\x00")


def test_text_format_escapes_every_part_of_a_problem():
    lines = format_text([NASTY, warning(Location("goals/ok.yaml"), "lint.x", "fine")]).splitlines()
    assert len(lines) == 4  # the problem, its hint, the other problem, the summary
    assert lines[0] == ("goals/a\\n::error::b\\x1b[31m.yaml:2:3: error: Expected x, got 'y'\\r\\n::stop-commands::z"
                        "\\x85::notice::w [load.bad\\u2028name]")
    assert lines[1] == "    hint: Fix\\n::warning::it\\x00"
    assert format_problem(NASTY) == "\n".join(lines[:2])


def test_github_format_keeps_each_annotation_on_one_line():
    out = format_github([NASTY])
    assert out.splitlines() == [out]
    assert OWN_ANNOTATION.match(out)
    assert "file=goals/a%0A%3A%3Aerror%3A%3Ab\\x1b[31m.yaml," in out
    assert "::Expected x, got 'y'%0D%0A::stop-commands::z\\x85::notice::w%0Ahint: Fix%0A::warning::it\\x00" in out


def test_escape_controls_writes_each_control_character_as_an_escape():
    assert escape_controls("plain: text, ünïcödé ✓") == "plain: text, ünïcödé ✓"
    assert escape_controls("a\tb\nc\rd\x1be\x7ff\x85g\u2028h\u2029i") == "a\\tb\\nc\\rd\\x1be\\x7ff\\x85g\\u2028h\\u2029i"


def test_the_clis_mkdocs_log_lines_are_one_line_each():
    from generator.commands.mkdocs_run import OneLineFormatter

    record = logging.LogRecord("mkdocs", logging.WARNING, __file__, 1, "Doc file has %s", ("x\n::error::y\x1b[2J",), None)
    assert OneLineFormatter("%(levelname)s - %(message)s").format(record) == \
        "WARNING - Doc file has x\\n::error::y\\x1b[2J"


# --- names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a\nb.yaml", "a\rb.yaml", "tab\there.yaml", "esc\x1b[0m.yaml", "nel\x85.yaml",
                                  "ls\u2028.yaml", "ps\u2029.yaml", "del\x7f.yaml", "c1\x9b31m.yaml"])
@pytest.mark.parametrize("folder", [".", "2026-Q4", "kpis"])
def test_a_name_with_a_control_character_is_refused(tmp_path, name, folder):
    goals = copy_goals(tmp_path / "goals")
    (goals / folder).mkdir(exist_ok=True)
    (goals / folder / name).write_text("kpis: []\n" if folder == "kpis" else "objectives: []\n", encoding="utf-8")
    problems = [p for p in load_goals(goals).problems if p.code == "load.bad-name"]
    assert [(p.location.path.rsplit("/", 1)[-1], p.location.line) for p in problems] == [(name, 1)]
    assert f"got '{escape_controls(name)}'" in problems[0].message


def test_a_folder_name_and_a_data_path_with_a_control_character_are_refused(tmp_path):
    goals = copy_goals(tmp_path / "goals")
    (goals / "2027\n").mkdir()
    kpis = goals / "kpis.yaml"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace("data: data/monthly-churn.csv",
                                                             'data: "data/monthly\\e-churn.csv"'), encoding="utf-8")
    problems = {(p.location.path.split("/goals/")[-1], p.code) for p in load_goals(goals).problems}
    assert ("2027\n", "load.bad-name") in problems
    assert ("kpis.yaml", "load.bad-name") in problems


# --- alias amplification ---------------------------------------------------------------------------------


def alias_bomb(text_bytes: int, uses: int) -> str:
    """A period file that anchors one long title and repeats it `uses` times through aliases."""
    objectives = [f"  - {{id: o0, owner: dana, title: &t {'x' * text_bytes}}}"]
    objectives += [f"  - {{id: o{i}, owner: dana, title: *t}}" for i in range(1, uses + 1)]
    return "objectives:\n" + "\n".join(objectives) + "\n"


def test_a_file_that_expands_to_too_much_text_is_refused(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text(alias_bomb(512 * 1024, 199), encoding="utf-8")
    assert 500_000 < path.stat().st_size < 600_000  # the 546 KB that built a 308 MB site
    _, problems = read_yaml(path, "acme.yaml", "period", period="2026-Q4", unit="acme")
    limit = MAX_EXPANDED_TEXT // (1024 * 1024)
    # Line 2 holds the first copy of the title; the copy that makes it 20 of them (with the ids: over 10 MB) is on line 21.
    copies = MAX_EXPANDED_TEXT // (512 * 1024)
    assert [(p.code, p.location.line) for p in problems] == [("load.too-much-text", 1 + copies)]
    assert f"Expected at most {limit} MB of text once aliases are expanded" in problems[0].message
    assert problems[0].hint and "alias" in problems[0].hint


def test_aliases_below_the_limit_still_load(tmp_path):
    path = tmp_path / "acme.yaml"
    path.write_text(alias_bomb(1024 * 1024, 8), encoding="utf-8")  # 9 MB of titles from a 1 MB file
    source, problems = read_yaml(path, "acme.yaml", "period", period="2026-Q4", unit="acme")
    assert problems == []
    assert len(source.data["objectives"]) == 9


def test_build_refuses_an_alias_bomb_and_keeps_the_last_site(tmp_path, good_site):
    goals = copy_goals(tmp_path / "goals")
    (goals / "2026-Q4" / "acme.yaml").write_text(alias_bomb(512 * 1024, 199), encoding="utf-8")
    site = tmp_path / "out" / "site"
    shutil.copytree(good_site, site, symlinks=True)
    before = tree_bytes(site.parent)
    run = run_bounded("build", "--goals", goals, "--today", TODAY, "--site-dir", site,
                      "--config-file", ROOT / "mkdocs.yml", cwd=tmp_path, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.output
    assert re.search(r"goals/2026-Q4/acme\.yaml:\d+:\d+: error: .*\[load\.too-much-text\]", run.output), run.output
    assert tree_bytes(site.parent) == before

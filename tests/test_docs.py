"""The docs stay true to the code: every command, option, lint rule and problem code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import lint, score
from generator.cli import cli

ROOT = Path(__file__).parents[1]
GUIDE = ROOT / "site_src" / "guide"


def _doc(name: str) -> str:
    return (GUIDE / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_a_section_with_its_current_help(command):
    text = _doc("cli.md")
    assert f"## goalsite {command}" in text
    help_text = CliRunner().invoke(cli, [command, "--help"], terminal_width=80).output
    body = help_text.split("\n", 1)[1].strip()  # the usage line may wrap differently
    assert body in text, f"The --help of `goalsite {command}` in cli.md is out of date; paste the new one."


@pytest.mark.parametrize("rule", sorted(lint.RULES))
def test_every_lint_rule_is_documented(rule):
    assert f"### {rule}" in _doc("lint.md")


def _codes() -> set[str]:
    found = set()
    for path in (ROOT / "generator").rglob("*.py"):
        found |= set(re.findall(r'"((?:load|model|resolve)\.[a-z][a-z-]*)"', path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("code", sorted(_codes()))
def test_every_error_code_is_documented(code):
    assert f"`{code}`" in _doc("lint.md")


def test_problem_codes_are_kebab_case():
    for code in _codes():
        assert re.fullmatch(r"[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*", code), code


@pytest.mark.parametrize("name", ["OFF_TRACK_GAP", "AT_RISK_GAP", "OFF_TRACK_CONFIDENCE", "AT_RISK_CONFIDENCE"])
def test_scoring_thresholds_in_the_docs_match_the_code(name):
    value = getattr(score, name)
    shown = f"{value:g}" if isinstance(value, int) else f"{value * 100:g}"
    assert shown in _doc("scoring.md"), f"{name} = {value} is not in scoring.md"


def test_every_plugin_option_is_documented():
    from generator.plugin.config import PortalConfig

    text = _doc("configuration.md")
    for name in PortalConfig():  # a Config holds every option of its schema, at its default
        assert f"| `{name}` |" in text, f"plugin option {name} is not in configuration.md"


def test_readme_has_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme and "make test" in readme


def update_cli_reference() -> None:
    """Paste the current `--help` of every command into cli.md (run: python tests/test_docs.py)."""
    path = GUIDE / "cli.md"
    text = path.read_text(encoding="utf-8")
    for command in [None, *sorted(cli.commands)]:
        heading = "## goalsite" + (f" {command}" if command else "") + "\n"
        start = text.index(heading)
        block_start = text.index("```text\n", start) + len("```text\n")
        block_end = text.index("```", block_start)
        args = [command, "--help"] if command else ["--help"]
        output = CliRunner().invoke(cli, args, terminal_width=80, prog_name="goalsite").output
        text = text[:block_start] + output + text[block_end:]
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    update_cli_reference()

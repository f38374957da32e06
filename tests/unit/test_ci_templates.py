"""The CI templates shipped for users parse, pin their actions and run only goalsite commands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from generator.cli import cli

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
GITLAB = ROOT / ".gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
SHELL_OPERATORS = {">", ">>", "|", "||", "&&", ";", "2>&1", "<"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _github_scripts(path: Path) -> list[str]:
    return [step["run"] for job in _load(path)["jobs"].values() for step in job.get("steps", []) if "run" in step]


def _gitlab_scripts() -> list[str]:
    out = []
    for name, job in _load(GITLAB).items():
        if isinstance(job, dict) and "script" in job:
            out += job["script"]
    return out


def _goalsite_commands(scripts: list[str]) -> list[list[str]]:
    """Every `goalsite ...` command line of the scripts, up to the first shell operator."""
    found = []
    for script in scripts:
        for line in script.splitlines():
            if not re.match(r"\s*goalsite\s", line):
                continue
            words = shlex.split(line)
            args = []
            for word in words[1:]:
                if word in SHELL_OPERATORS:
                    break
                args.append(word)
            found.append(args)
    return found


ALL_SCRIPTS = {
    **{p.name: _github_scripts(p) for p in WORKFLOWS},
    ".gitlab-ci.yml": _gitlab_scripts(),
    ".pre-commit-hooks.yaml": [hook["entry"] for hook in _load(HOOKS)],
}


def test_the_templates_exist_and_parse():
    assert {p.name for p in WORKFLOWS} >= {"goals-pr.yml", "goals-publish.yml"}
    for path in [*WORKFLOWS, GITLAB, HOOKS]:
        assert _load(path), path


@pytest.mark.parametrize("name", sorted(ALL_SCRIPTS))
def test_every_goalsite_command_exists_with_valid_options(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # `build` checks that its default --config-file exists
    commands = _goalsite_commands(ALL_SCRIPTS[name])
    assert commands, f"{name} runs no goalsite command"
    for args in commands:
        assert args and args[0] in cli.commands, f"{name}: `goalsite {' '.join(args)}` is no goalsite command"
        # Resilient parsing reads the line as --help would, without running anything; the strict pass
        # then rejects unknown options, missing arguments and values outside a choice.
        _parse(args[0], args[1:], resilient_parsing=True)
        try:
            _parse(args[0], args[1:])
        except click.UsageError as e:
            pytest.fail(f"{name}: `goalsite {' '.join(args)}`: {e.format_message()}")


def _parse(name: str, args, **options) -> click.Context:
    """Parse a command line as `goalsite NAME ARGS` would, under the group's context settings.

    Without the group as parent, click caches a help option without `-h` on the command,
    and the --help of later tests in the same process changes.
    """
    parent = click.Context(cli, info_name="goalsite", **cli.context_settings)
    return cli.commands[name].make_context(name, list(args), parent=parent, **options)


def test_the_parser_catches_a_wrong_option(monkeypatch):
    monkeypatch.chdir(ROOT)
    [args] = _goalsite_commands(["goalsite diff origin/main --format html > summary.md"])
    assert args == ["diff", "origin/main", "--format", "html"]
    with pytest.raises(click.UsageError):
        _parse("diff", args[1:])
    with pytest.raises(click.NoSuchOption):
        _parse("check", ["--colour"])


def _uses(data) -> list[str]:
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == "uses"] + [u for v in data.values() for u in _uses(v)]
    if isinstance(data, list):
        return [u for v in data for u in _uses(v)]
    return []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned(path):
    uses = _uses(_load(path))
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})", action), f"{action} is not pinned"


def test_the_pull_request_workflow_checks_summarizes_once_and_builds():
    data = _load(ROOT / ".github" / "workflows" / "goals-pr.yml")
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["pull_request"]["paths"] == ["goals/**"]
    [job] = data["jobs"].values()
    steps = job["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "goalsite check --format github" in runs
    assert re.search(r'goalsite diff "origin/\$BASE_REF" --format markdown > summary\.md', runs)
    assert job["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert "goalsite build --strict" in runs
    script = next(s["with"]["script"] for s in steps if s.get("uses", "").startswith("actions/github-script@"))
    assert "<!-- goalsite-diff -->" in script and "updateComment" in script  # one sticky comment
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps)


def test_the_publish_workflow_deploys_to_pages_from_main():
    data = _load(ROOT / ".github" / "workflows" / "goals-publish.yml")
    on = data.get("on", data.get(True))
    assert on["push"]["branches"] == ["main"]
    uses = _uses(data)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_gitlab_has_a_merge_request_job_and_pages():
    data = _load(GITLAB)
    assert data["pages"]["artifacts"]["paths"] == ["public"]
    rules = data["goals-proposal"]["rules"][0]
    assert "merge_request_event" in rules["if"] and rules["changes"] == ["goals/**/*"]


def test_the_pre_commit_hook():
    [hook] = _load(HOOKS)
    assert hook == {**hook, "id": "goalsite-check", "entry": "goalsite check", "language": "python",
                    "pass_filenames": False, "files": "^goals/"}

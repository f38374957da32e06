"""`goalsite check`: validate and lint the goal files, list every problem."""

from __future__ import annotations

import os
import sys

import click

from .options import changed_since_option, default_today, goals_option, load_tasks, today_option
from .proposal import proposal_text, read_changes


@click.command()
@goals_option
@today_option
@click.option("--strict", is_flag=True,
              help="Treat warnings as errors; with --changed-since only the warnings in what changed, "
                   "and never date-driven ones (stale check-ins and KPIs).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default=None,
              help="Output format (default: github under GitHub Actions, text elsewhere).")
@changed_since_option
def check(goals_dir, today, strict, fmt, base):
    """Validate and lint the goal files; list every problem with file:line:column."""
    from ..pipeline import build_portal
    from ..problems import escalate, format_github, format_json, format_text

    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    changes = read_changes(goals_dir, base)
    build = build_portal(goals_dir, today or default_today(), tasks=load_tasks())
    if changes is not None:
        _report_proposal(build.problems, changes, strict, fmt)
    problems = escalate(build.problems) if strict else build.problems
    if fmt == "json":
        click.echo(format_json(problems))
    elif fmt == "github":
        if problems:
            click.echo(format_github(problems))
    else:
        click.echo(format_text(problems), err=False)
    sys.exit(1 if any(p.is_error for p in problems) else 0)


def _report_proposal(problems, changes, strict: bool, fmt: str):
    """`check --changed-since`: the problems in what changed first, the other warnings counted; exits."""
    from ..changed import format_json, triage
    from ..problems import format_github

    result = triage(problems, changes, strict=strict)
    if fmt == "json":
        click.echo(format_json(result))
    elif fmt == "github":
        click.echo("\n".join(filter(None, [format_github(result.listed), result.footer()])))
    else:
        click.echo(proposal_text(result))
    sys.exit(1 if result.failed else 0)

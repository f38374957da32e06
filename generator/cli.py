"""The `goalsite` command line: one click command per verb.

Exit codes: 0 clean (warnings alone exit 0 unless --strict), 1 problems found,
2 usage. Heavy imports live inside the commands so `goalsite --help` is quick.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

import click


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"expected a date YYYY-MM-DD, got {value!r}", param, ctx)


def default_today() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise click.UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}")
    return dt.date.today()


goals_option = click.option(
    "--goals", "goals_dir", default="goals", show_default=True, type=click.Path(file_okay=False),
    help="The goals folder.",
)
today_option = click.option(
    "--today", type=DateType(), default=None,
    help="Score as of this date (default: today, or SOURCE_DATE_EPOCH when set).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="goalsite")
def cli():
    """Turn a company's goal files into its goal transparency portal."""


@cli.command()
@goals_option
@today_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default=None,
              help="Output format (default: github under GitHub Actions, text elsewhere).")
def check(goals_dir, today, strict, fmt):
    """Validate and lint the goal files; list every problem with file:line:column."""
    from .pipeline import build_portal
    from .problems import escalate, format_github, format_json, format_text

    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    build = build_portal(goals_dir, today or default_today())
    problems = escalate(build.problems) if strict else build.problems
    if fmt == "json":
        click.echo(format_json(problems))
    elif fmt == "github":
        if problems:
            click.echo(format_github(problems))
    else:
        click.echo(format_text(problems), err=False)
    sys.exit(1 if any(p.is_error for p in problems) else 0)


@cli.command()
@click.argument("kind", type=click.Choice(["period", "org", "kpis"]), default="period")
def schema(kind):
    """Print the JSON Schema (draft-07) of a kind of goal file, for editor completion.

    KIND is period (goals/PERIOD/UNIT.yaml, the default), org (goals/org.yaml)
    or kpis (goals/kpis.yaml and goals/kpis/*.yaml).
    """
    from .schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2, sort_keys=True))


def main():  # pragma: no cover - `python -m generator`
    cli()

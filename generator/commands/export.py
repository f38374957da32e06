"""`goalsite export`: everything public about the goals, as the site's JSON or as CSV, for other tools."""

from __future__ import annotations

import json
import sys

import click

from .options import default_today, goals_option, load_tasks, today_option


@click.command()
@goals_option
@today_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: the whole export (the site's api/goals.json while the company is small); "
                   "csv: one row per objective and key result.")
@click.option("--include-private", is_flag=True, help="Include private goals. Never for a public consumer.")
def export(goals_dir, today, fmt, include_private):
    """Print everything public about the goals, for other tools.

    The JSON is the whole export: the site has it as api/goals.json while the
    company is small, and always split into api/index.json and one file per
    period and unit (see the guide's command line page). Errors in the goal
    files are printed like `goalsite check` and exit 1.
    """
    from ..export import export_csv, export_json
    from ..pipeline import build_portal
    from ..problems import format_text

    result = build_portal(goals_dir, today or default_today(), include_private=include_private, lint=False,
                          tasks=load_tasks())
    if not result.ok:
        click.echo(format_text(result.problems), err=True)
        sys.exit(1)
    data = export_json(result)
    click.echo(export_csv(data) if fmt == "csv" else json.dumps(data, sort_keys=True, indent=1), nl=fmt == "json")

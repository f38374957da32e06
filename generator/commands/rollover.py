"""`goalsite rollover`: scaffold a period's goal files with the objectives of another that did not succeed."""

from __future__ import annotations

from pathlib import Path

import click

from .options import default_today, goals_option, safe, today_option
from .types import PeriodIdType
from .writing import goals_locked, load_for_writing, refusals


@click.command()
@click.argument("source", metavar="FROM", type=PeriodIdType())
@click.argument("target", metavar="TO", type=PeriodIdType())
@click.option("--unit", default=None, metavar="UNIT", help="Roll over this unit's file only (default: every unit's).")
@goals_option
@today_option
@click.option("--force", is_flag=True, help="Overwrite files of TO that exist.")
def rollover(source, target, unit, goals_dir, today, force):
    """Scaffold TO's goal files with the objectives of FROM that did not succeed.

    Each objective keeps its fields, gets `rolled_over_from: FROM:UNIT/OBJECTIVE`,
    its key results' baselines (`from`) set to their last values, and no check-ins
    or due dates. Succeeded objectives are skipped; private ones stay private.
    Key result titles that state the old baseline ("from 61% to 70%") get the new
    one, and header comments naming FROM are rewritten for TO; every such change is
    listed, here and at the top of the new file. Files of TO that exist are skipped
    unless --force. The new files are validated before any is written and each is
    written atomically.
    """
    today = today or default_today()
    with goals_locked(goals_dir):
        period, plan = _rollover(source, target, unit, goals_dir, today, force)
    if period.state(today) == "running":
        click.echo(f"note: {source} is still running; success is decided on the scores of {today}")
    for edit in plan.edits:
        click.echo(f"{'Overwrote' if edit.existed else 'Wrote'} {safe(edit.path.as_posix())}")
    for line in plan.wrote:
        click.echo(f"  rolled over {safe(line)}")
    for line in plan.changed:
        click.echo(f"  changed {safe(line)}")
    for line in plan.skipped:
        click.echo(f"skipped {safe(line)}")


def _rollover(source, target, unit, goals_dir, today, force):
    """Plan, validate and write, under the lock: (the FROM period, the plan)."""
    from .. import writeback
    from ..resolve import period_dates

    result = load_for_writing(goals_dir, today)  # read under the lock: TO's files as the last command left them
    portal = result.portal
    if source not in portal.periods:
        raise click.UsageError(f"Expected a period with goal files ({', '.join(sorted(portal.periods))}), got {source!r}")
    period = portal.periods[source]
    if period_dates(target, portal.settings.fiscal_year_start_month)[1] <= period.end:
        raise click.UsageError(f"Expected a period TO that ends after {source} ({period.end}), got {target!r}")
    with refusals():
        units = writeback.rollover_units(period, unit)
        plan = writeback.plan_rollover(result, source, target, units, today=today, force=force, goals_dir=Path(goals_dir))
        problems = writeback.validate_edits(Path(goals_dir), plan.edits, today) if plan.edits else []
        if problems:
            raise writeback.Refused(problems)
        for edit in plan.edits:
            edit.path.parent.mkdir(parents=True, exist_ok=True)
            writeback.write_atomic(edit.path, edit.text)
    return period, plan

"""`goalsite checkin`: append a check-in to a key result in its goal file, keeping the file's comments and layout."""

from __future__ import annotations

from pathlib import Path

import click

from .options import default_today, goals_option, safe, today_option
from .types import DateType, KeyResultRefType, NumberType, PeriodIdType
from .writing import goals_locked, load_for_writing, refusals


@click.command()
@click.argument("target", metavar="UNIT/OBJECTIVE/KR", type=KeyResultRefType())
@click.option("--value", required=True, type=NumberType(), help="The key result's value (a milestone: fraction done).")
@click.option("--confidence", type=int, default=None, help="1..10: how likely the target is reached.")
@click.option("--note", default=None, help="Progress and wins (Markdown).")
@click.option("--blockers", default=None, help="What is in the way (Markdown).")
@click.option("--next", "next_", default=None, help="The next steps (Markdown).")
@click.option("--date", "day", type=DateType(), default=None, help="The check-in's date (default: --today).")
@click.option("--period", type=PeriodIdType(), default=None,
              help="The period file to write (default: the running period whose file holds the objective).")
@goals_option
@today_option
@click.option("--force", is_flag=True, help="Replace a check-in of the key result on the same date.")
def checkin(target, value, confidence, note, blockers, next_, day, period, goals_dir, today, force):
    """Append a check-in to key result UNIT/OBJECTIVE/KR in its goal file.

    The check-in is written in the style of the key result's other check-ins, and
    nothing else in the file changes: comments, order, quoting and indentation are
    kept. The result is validated before it is written (exit 1 and the usual
    file:line:column message when it is invalid, e.g. a date outside the period),
    and the file is replaced atomically.
    """
    from .. import writeback
    from ..load import display_path

    today = today or default_today()
    entry = {"date": day or today, "value": value, "confidence": confidence, "note": note, "blockers": blockers,
             "next": next_}
    with goals_locked(goals_dir):
        path, before, edit, replaced = _checkin(target, entry, period, goals_dir, today, force)
    verb = "Replaced the" if replaced else "Added a"
    click.echo(safe(f"{verb} check-in of {'/'.join(target)} on {entry['date']} in {display_path(path)}:"))
    for line in writeback.added_lines(before, edit.text):
        click.echo(f"+ {safe(line)}")


def _checkin(target, entry, period, goals_dir, today, force):
    """Read, edit, validate and write, under the lock: (path, its text before, the edit, replaced)."""
    from .. import writeback

    result = load_for_writing(goals_dir, today)  # read under the lock: the file as the last command left it
    unit_id, objective_id, kr_id = target
    with refusals():
        path = writeback.find_checkin_file(result, unit_id, objective_id, period)
        before = path.read_bytes().decode("utf-8")
        edit, replaced = writeback.plan_checkin(path, (objective_id, kr_id), entry, force=force)
        problems = writeback.validate_edits(Path(goals_dir), [edit], today)
        if problems:
            raise writeback.Refused(problems)
        writeback.write_atomic(edit.path, edit.text)
    return path, before, edit, replaced

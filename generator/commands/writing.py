"""What the verbs that write goal files (`checkin`, `rollover`) share: the goals as they are, under the lock.

Each command holds the goals folder's write lock (writeback/goalfile.py) for its whole
read-modify-write; a refused edit exits 1 with its problems, a usage problem 2.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click


def load_for_writing(goals_dir, today):
    """The goals as they are; exit 1 listing the errors when they do not validate."""
    from ..pipeline import build_portal
    from ..problems import format_text
    from .options import load_tasks

    result = build_portal(goals_dir, today, lint=False, tasks=load_tasks())
    if not result.ok:
        click.echo(format_text(result.errors))
        sys.exit(1)
    return result


@contextlib.contextmanager
def goals_locked(goals_dir):
    """Hold the goals folder's write lock (writeback/goalfile.py) for a command's whole read-modify-write."""
    from .. import writeback
    from ..problems import Location, error, format_text

    def waiting():
        click.echo(f"Waiting for another goalsite command writing to {goals_dir} ...", err=True)

    with contextlib.ExitStack() as stack:
        if Path(goals_dir).is_dir():  # else the load reports the missing folder
            try:
                stack.enter_context(writeback.lock_goals(goals_dir, on_wait=waiting))
            except OSError as e:
                where = Location(Path(goals_dir, writeback.LOCK_NAME).as_posix(), 1)
                click.echo(format_text([error(where, "writeback.lock", "Expected a goals folder goalsite can "
                                              f"create its lock file in, got {e.strerror or e}",
                                              "Make the goals folder writable.")]))
                sys.exit(1)
        yield


@contextlib.contextmanager
def refusals():
    """Refused edits exit 1 with their problems; usage problems exit 2."""
    from .. import writeback
    from ..problems import format_text

    try:
        yield
    except writeback.Refused as e:
        click.echo(format_text(e.problems))
        sys.exit(1)
    except writeback.Usage as e:
        raise click.UsageError(str(e))

"""What several verbs share: their options, `today` when --today is not given, and safe() output lines.

Only click is imported here: `goalsite --help` reads every verb's options.
"""

from __future__ import annotations

import datetime as dt
import os

import click

from .types import DateType


def default_today() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    from ..pipeline import today_from_environment

    try:
        return today_from_environment(os.environ)
    except ValueError:
        epoch = os.environ["SOURCE_DATE_EPOCH"]
        raise click.UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}") from None


def default_tasks():
    """The task runner of a command (speed/tasks.py): GOALSITE_JOBS processes, else as many as are free;
    a forked task that fails is logged as the plugin's warnings are."""
    import logging

    from ..speed.tasks import Tasks, parse_jobs

    return Tasks(parse_jobs(os.environ.get("GOALSITE_JOBS")), warn=logging.getLogger("mkdocs.plugins.goalsite").warning)


def load_tasks():
    """The task runner of a command's load, which parses some files in a second process: default_tasks()
    when GOALSITE_JOBS asks for processes or a CPU is idle now, else None (speed.tasks.when_idle())."""
    from ..speed.tasks import when_idle

    return when_idle(default_tasks())


def safe(value: object) -> str:
    """A value for one line of output: control characters escaped (see problems.escape_controls)."""
    from ..problems import escape_controls

    return escape_controls(str(value))


goals_option = click.option(
    "--goals", "goals_dir", default="goals", show_default=True, type=click.Path(file_okay=False),
    help="The goals folder.",
)
today_option = click.option(
    "--today", type=DateType(), default=None,
    help="Score as of this date (default: today, or SOURCE_DATE_EPOCH when set).",
)
changed_since_option = click.option(
    "--changed-since", "base", default=None, metavar="REV",
    help="Check a proposal against git revision REV (its base branch): list the problems in the goals "
         "changed since REV first and only count the other warnings.",
)
config_file_option = click.option(
    "--config-file", "-f", default="mkdocs.yml", show_default=True, type=click.Path(exists=True, dir_okay=False),
    help="The MkDocs configuration of the site.",
)
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Show MkDocs' INFO messages too.")

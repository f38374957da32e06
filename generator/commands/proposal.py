"""`check` and `build` with --changed-since: what changed since the base revision, and the report listing its problems first."""

from __future__ import annotations

import sys

import click


def read_changes(goals_dir, base):
    """What changed in the goals since git revision `base` (None without one); exit 2 when git cannot say."""
    if base is None:
        return None
    from ..changed import changed_since
    from ..history import GitError

    try:
        return changed_since(goals_dir, base)
    except GitError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)


def proposal_text(result) -> str:
    """The text report of a proposal (changed.triage()): its problems, then the count of the others."""
    from ..problems import format_problem

    return "\n".join([*map(format_problem, result.listed), result.footer()])

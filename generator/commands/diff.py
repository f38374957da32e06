"""`goalsite diff`: what changed in the goals between two git revisions, as a pull-request comment or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import default_today, goals_option, load_tasks, safe, today_option


@click.command()
@click.argument("base")
@click.argument("head", required=False)
@goals_option
@today_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True,
              help="markdown: one pull-request comment; json: the same as data.")
@click.option("--base-url", default=None, metavar="URL",
              help="Where the preview site of HEAD is served: the summary links to the changed goals there.")
def diff(base, head, goals_dir, today, fmt, base_url):
    """Summarize what changed in the goals from git revision BASE to HEAD.

    HEAD defaults to the working tree. Both revisions are read with git and run
    through the whole pipeline as of --today: objectives and key results added,
    removed and renamed, changed targets and other fields, check-ins added,
    "moved goalposts" (a target made easier or a baseline moved after its period
    started), HEAD's errors and the warnings HEAD introduces. Private goals are
    only counted. Exits 0 when the summary is written (`goalsite check` fails a
    job on errors), 2 when BASE or HEAD cannot be read from git.
    """
    import tempfile

    from ..diff import compare, format_json, format_markdown, review_problems
    from ..history import GitError, export_revision
    from ..pipeline import build_portal

    today = today or default_today()
    with tempfile.TemporaryDirectory(prefix="goalsite-diff-") as tmp:
        try:
            old_dir = export_revision(goals_dir, base, Path(tmp) / "base", name="BASE")
            new_dir = export_revision(goals_dir, head, Path(tmp) / "head", name="HEAD") if head else goals_dir
        except GitError as e:
            click.echo(f"Error: {safe(e)}", err=True)
            sys.exit(2)
        tasks = load_tasks()
        old, new = build_portal(old_dir, today, tasks=tasks), build_portal(new_dir, today, tasks=tasks)
        changes = compare(old, new)
        review = review_problems(old, new, label=Path(goals_dir).as_posix())
    if fmt == "json":
        click.echo(format_json(changes, review))
    else:
        click.echo(format_markdown(changes, review, base=base, head=head or "working tree", base_url=base_url), nl=False)

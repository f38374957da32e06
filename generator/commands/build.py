"""`goalsite build`: check the goals, then build the portal with MkDocs and publish it into --site-dir."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .options import (changed_since_option, config_file_option, default_today, goals_option, load_tasks, safe,
                      today_option, verbose_option)
from .proposal import proposal_text, read_changes


@click.command()
@goals_option
@today_option
@click.option("--site-dir", default="site", show_default=True, type=click.Path(file_okay=False),
              help="Where to publish the site; replaced only when the build succeeds.")
@click.option("--include-private", is_flag=True,
              help="Publish private goals too, under a 'Restricted build' banner. Never for a public site.")
@config_file_option
@click.option("--site-url", default=None, metavar="URL",
              help="Where the portal will be served (overrides site_url of mkdocs.yml). "
                   "Material's instant navigation needs it.")
@click.option("--strict", is_flag=True,
              help="Fail on lint warnings and on MkDocs warnings; with --changed-since only on the lint "
                   "warnings in what changed, and never on date-driven ones.")
@changed_since_option
@verbose_option
def build(goals_dir, today, site_dir, include_private, config_file, site_url, strict, base, verbose):
    """Check the goals and build the portal into --site-dir.

    On any error in the goal files nothing is built and --site-dir is left as it
    was; errors are printed like `goalsite check`. The site is built next to
    --site-dir and swapped in only when the whole build succeeded.

    The flags reach the goalsite plugin of --config-file as its options (goals_dir,
    today, include_private), overriding mkdocs.yml. SOURCE_DATE_EPOCH is set from
    --today when unset, so the same goals and --today give a byte-identical site.
    """
    from ..pipeline import build_portal
    from ..speed.gc import keep_for_process
    from ..plugin.progress import Progress
    from .mkdocs_run import mkdocs_session, publish_site, source_date

    today = today or default_today()
    changes = read_changes(goals_dir, base)
    progress = Progress()
    progress.phase("Reading goals")
    result = build_portal(goals_dir, today, include_private=include_private, history=True, tasks=load_tasks())
    keep_for_process()  # this process builds one site and exits
    progress.close()
    problems, report, lint = _build_problems(result.problems, changes, strict)
    if not result.ok or any(p.is_error for p in problems):
        click.echo(report())
        sys.exit(1)
    options = dict(goals_dir=os.path.abspath(goals_dir), today=today.isoformat(), include_private=include_private)
    with mkdocs_session(verbose) as counter, source_date(today):
        config = publish_site(config_file, site_dir, result, options, strict=strict, site_url=site_url,
                              progress=progress)
    pages = sum(1 for _ in Path(site_dir).rglob("*.html"))
    click.echo(f"Built {pages} pages into {safe(site_dir)} ({counter.count} MkDocs warnings{lint})")
    if not config.site_url:
        click.echo("note: no site_url (mkdocs.yml or --site-url): links reload whole pages, because "
                   "Material's instant navigation follows only the URLs of the sitemap", err=True)


def _build_problems(problems, changes, strict: bool):
    """(the problems after --strict, the report to print when they stop the build, the summary's goals part)."""
    from ..problems import escalate, format_text, summarize

    if changes is None:
        problems = escalate(problems) if strict else problems
        lint = f"; goals: {summarize(problems)}, run goalsite check to list them" if problems else ""
        return problems, lambda: format_text(problems), lint
    from ..changed import triage

    result = triage(problems, changes, strict=strict)
    lint = (f"; goals: {summarize(result.introduced)} in what changed since {changes.base}, "
            f"{summarize(result.others)} elsewhere, run goalsite check to list them")
    return result.introduced + result.others, lambda: proposal_text(result), lint

"""`goalsite generate`: the site's generated files as plain files, for engines without the goalsite plugin."""

from __future__ import annotations

import sys

import click

from .options import default_tasks, default_today, goals_option, load_tasks, today_option


@click.command()
@goals_option
@today_option
@click.option("--out", default="site_src", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the generated files: the docs_dir of mkdocs.yml.")
@click.option("--include-private", is_flag=True, help="Include private goals. Never for a public site.")
def generate(goals_dir, today, out, include_private):
    """Write the generated pages, assets and JSON export (api/) as plain files under --out.

    For engines that read mkdocs.yml without running the goalsite plugin (Zensical):
    the default --out is the docs_dir, so the files land at the same paths the plugin
    gives them and the site has the same URLs. Only files whose content changed are
    rewritten; files an earlier run wrote that are no longer generated are removed
    (the list lives in --out/.goalsite-generated.json). An existing file goalsite did
    not write is never overwritten. The goalsite plugin ignores these copies and
    generates fresh ones, so `goalsite build` and `mkdocs serve` are unaffected.
    Do not commit the generated files.
    """
    from ..pipeline import build_portal, render_site
    from ..problems import format_text
    from ..publish import write_tree

    result = build_portal(goals_dir, today or default_today(), include_private=include_private, tasks=load_tasks())
    if not result.ok:
        click.echo(format_text(result.problems))
        sys.exit(1)
    outputs = render_site(result, tasks=default_tasks())
    try:
        written, removed = write_tree(outputs, out)
    except FileExistsError as e:
        raise click.ClickException(str(e))
    click.echo(f"{len(outputs)} files in {out}: {len(written)} written, {len(removed)} removed")

"""`goalsite serve`: the portal on a local server, rebuilt whenever a goal file changes (generator/serve/)."""

from __future__ import annotations

import os

import click

from .options import config_file_option, goals_option


@click.command()
@goals_option
@config_file_option
@click.option("--dev-addr", default=None, metavar="HOST:PORT", help="Address to serve on (default: mkdocs.yml's).")
@click.option("--fast-rebuilds", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="Whether a goal edit first rebuilds only the pages of the teams it changed, then the "
                   "company-wide pages (indexes, periods, retrospectives) and the export (api/) in a "
                   "second rebuild. auto: when those pages hold over 4 MB of Markdown (a few hundred "
                   "teams).")
def serve(goals_dir, config_file, dev_addr, fast_rebuilds):
    """Serve the portal locally and rebuild it whenever a goal file changes.

    Scores are computed as of today (or SOURCE_DATE_EPOCH). Nothing is written into
    the docs folder, so a rebuild never triggers another one. A goal edit rebuilds
    only the pages it changed (the log says how many); a change to mkdocs.yml, the
    docs folder or the theme rebuilds everything. In a large company the edited
    teams' pages come first and the company-wide pages follow (--fast-rebuilds).
    """
    from ..serve import serve as serve_site
    from .mkdocs_run import load_config, mkdocs_session, plugin_of, run_mkdocs

    with mkdocs_session(True):
        plugin_of(load_config(config_file))  # a config without the plugin is refused before anything starts
        run_mkdocs(serve_site, config_file, dev_addr=dev_addr, prepare=plugin_of, fast_rebuilds=fast_rebuilds,
                   options={"goals_dir": os.path.abspath(goals_dir)})

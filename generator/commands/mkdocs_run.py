"""Running MkDocs for the CLI (`build`, `serve`) and publishing the site it builds.

MkDocs' log goes to stderr one line per record, warnings and errors counted for
the summary line; SOURCE_DATE_EPOCH is set from --today around a build, so the
same goals give a byte-identical site; the site is built next to --site-dir and
swapped in only when the build succeeded (publish.py). MkDocs' own failures exit 1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
from pathlib import Path

import click

from .options import safe


class _Counter(logging.Handler):
    """Counts MkDocs' warnings and errors for the summary line."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


class OneLineFormatter(logging.Formatter):
    """Each record on one line: a message that quotes goal text cannot start a line (a CI command) of its own."""

    def format(self, record):
        return safe(super().format(record))


@contextlib.contextmanager
def mkdocs_session(verbose: bool):
    """MkDocs logs on stderr as `LEVEL - message`: warnings and errors only, unless --verbose."""
    logger = logging.getLogger("mkdocs")
    saved = logger.level, logger.propagate, list(logger.handlers)
    printer = logging.StreamHandler(sys.stderr)
    printer.setFormatter(OneLineFormatter("%(levelname)-7s -  %(message)s"))
    counter = _Counter()
    logger.handlers[:] = [printer, counter]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False
    try:
        yield counter
    finally:
        logger.handlers[:] = saved[2]
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


@contextlib.contextmanager
def source_date(today: dt.date):
    """Set SOURCE_DATE_EPOCH to `today` (midnight UTC) unless set: MkDocs dates the sitemap and gzip by it."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        yield
        return
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=dt.timezone.utc)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def publish_site(config_file: str, site_dir: str, result, options: dict, *, strict: bool, site_url: str | None,
                 progress=None):
    """Build the site with MkDocs into a folder next to `site_dir`, then swap it in (see publish.py).

    Returns the MkDocs config the site was built with.
    """
    from mkdocs.commands.build import build as mkdocs_build

    from ..publish import SiteNotWritable, publish

    overrides = {"site_url": site_url} if site_url else {}
    config = load_config(config_file, strict=strict, **overrides)
    plugin = plugin_of(config)
    # The old site is deleted after the swap, and a site inside the sources would be read back as one.
    site = Path(site_dir).resolve()
    sources = [Path(config.docs_dir).resolve(), Path(options["goals_dir"]).resolve()]
    project = Path(config.config_file_path).parent.resolve()
    if any(site.is_relative_to(f) or f.is_relative_to(site) for f in sources) or project.is_relative_to(site):
        raise click.UsageError(f"--site-dir {site_dir} overlaps the sources of the site; publish it elsewhere")

    def build_into(tmp: Path) -> None:
        config.site_dir = str(tmp)
        with plugin.preset(result, progress=progress, **options):
            mkdocs_build(config)

    try:
        run_mkdocs(publish, build_into, site_dir)
    except FileExistsError as e:
        raise click.UsageError(str(e))
    except SiteNotWritable as e:
        raise click.ClickException(safe(e))
    return config


def load_config(config_file: str, **options):
    """The MkDocs config of `config_file`, `options` overriding it; exit 1 when MkDocs refuses it."""
    from mkdocs.config import load_config as mkdocs_load_config

    return run_mkdocs(mkdocs_load_config, config_file=config_file, **options)


def plugin_of(config):
    """The goalsite plugin instance of a loaded MkDocs config."""
    plugin = config.plugins.get("goalsite")
    if plugin is None:
        raise click.ClickException(f"{config.config_file_path} does not use the goalsite plugin (plugins: [goalsite])")
    return plugin


def run_mkdocs(fn, *args, **kwargs):
    """Call into MkDocs; its failures (bad mkdocs.yml, plugin errors, strict warnings) exit 1."""
    from mkdocs.exceptions import MkDocsException

    try:
        return fn(*args, **kwargs)
    except MkDocsException as e:
        # PluginError and Abort were already logged by MkDocs; the message says what stopped the build.
        click.echo(f"Error: {safe(e)}", err=True)
        sys.exit(1)

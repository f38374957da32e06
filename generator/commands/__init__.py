"""The `goalsite` command line: a click group, one verb a file.

    check.py  build.py  generate.py  serve.py  diff.py  export.py  schema.py  checkin.py  rollover.py

What the verbs share: options.py (options, `today`, output lines), types.py (argument
checks), proposal.py (--changed-since), writing.py (the lock of the commands that
write goal files) and mkdocs_run.py (running MkDocs and publishing the site).

Exit codes: 0 clean (warnings alone exit 0 unless --strict), 1 problems found,
2 usage. Heavy imports live inside the commands so `goalsite --help` is quick.
"""

from __future__ import annotations

import click

from . import build, check, checkin, diff, export, generate, rollover, schema, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="goalsite")
def cli():
    """Turn a company's goal files into its goal transparency portal."""


for _command in (check.check, build.build, generate.generate, serve.serve, diff.diff, export.export, schema.schema,
                 checkin.checkin, rollover.rollover):
    cli.add_command(_command)

__all__ = ["cli"]

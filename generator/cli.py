"""The `goalsite` entry point (`[project.scripts] goalsite = "generator.cli:cli"`).

The command line itself lives in generator/commands/: the click group and one verb a file.
"""

from __future__ import annotations

from .commands import cli

__all__ = ["cli", "main"]


def main():  # pragma: no cover - `python -m generator`
    cli()

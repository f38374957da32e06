"""goalsite: turns a company's goal files into its goal transparency portal.

The public surface: `build_portal()` and `render_site()` (pipeline.py), `Build`, `Problem`,
`Location`, `Severity` (problems.py) and `__version__`. They are imported on first use, so that
the command line (cli.py) starts without loading the pipeline: `goalsite --help` stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline import Build, build_portal, render_site
    from .problems import Location, Problem, Severity

__version__ = "0.1.0"
__all__ = ["Build", "Location", "Problem", "Severity", "build_portal", "render_site", "__version__"]

#: Where each name of the public surface is defined.
_HOMES = (("pipeline", ("Build", "build_portal", "render_site")), ("problems", ("Location", "Problem", "Severity")))


def __getattr__(name: str):
    for module, names in _HOMES:
        if name in names:
            return getattr(import_module(f".{module}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

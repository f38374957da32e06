"""Where the plotly wheel keeps plotly.js: `package_data/plotly.min.js` next to the package.

The portal serves that file as it is (no CDN, no copy in this repository). plotly offers its text
(`plotly.offline.get_plotlyjs()`) but not its path, and MkDocs copies a file best from a path.
"""

from __future__ import annotations

from pathlib import Path

FITS = "plotly 5.20 to 7 (plotly.min.js in the package's package_data folder)"
"""The plotly versions this module fits, and what of plotly it relies on."""


def plotly_js() -> Path | None:
    """The installed plotly.min.js, or None when plotly (a dependency) or the file is missing."""
    try:
        import plotly
    except ImportError:  # pragma: no cover - plotly is a dependency
        return None
    path = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"
    return path if path.is_file() else None

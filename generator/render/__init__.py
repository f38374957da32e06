"""Render stage: a built portal -> the Markdown pages of the site.

`render_pages(build)` returns {docs-relative path: Markdown}. Pages:

    index.md                    home: mission and strategy, the running period, what needs attention
    periods/index.md            every period, newest first
    periods/<period>.md         every unit's objectives, roll-ups, the alignment tree
    units/index.md              the org tree
    units/<unit>/index.md       a unit's overview and its current period's objectives
    units/<unit>/<period>.md    a unit's goals in full for one period
    people/index.md             everyone
    people/<unit>.md            what each person of a unit owns and collaborates on
    kpis/index.md               the KPI catalogue
    kpis/<kpi>.md               one KPI
    retrospectives/index.md     the archive of closed periods' retrospectives
    retrospectives/<period>.md  a closed period's retrospective (a draft while it runs)

Only published content appears: public goals, plus private ones when
`build.include_private` (then marked, and every page carries a banner).
See site.py (what is published), text.py (escaping and sanitizing),
links.py (paths and anchors) and figures.py (the charts: unit-period pages, unit
overviews with two or more scored periods, period pages and KPI pages carry them;
no other page references plotly.js).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import Build


def render_pages(build: "Build") -> dict[str, str]:
    """docs-relative path (posix, e.g. "units/sales-emea/2026-Q4.md") -> Markdown text.

    Deterministic and sorted by path; only published (public unless
    `build.include_private`) content. Call only when `build.ok`.
    """
    from .home import render_home
    from .kpis import render_kpi_pages
    from .page import Pages
    from .people import render_people_pages
    from .periods import render_period_pages
    from .retro import render_retro_pages
    from .site import Site
    from .units import render_unit_pages

    if not build.ok:
        raise ValueError("render_pages() needs a build without errors (check build.ok first)")
    pages = Pages(Site(build))
    for render in (render_home, render_period_pages, render_unit_pages, render_people_pages, render_kpi_pages,
                   render_retro_pages):
        render(pages)
    return dict(sorted(pages.out.items()))


__all__ = ["render_pages"]

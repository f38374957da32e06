"""Render stage: a built portal -> the Markdown pages of the site.

`render_pages(build)` returns {docs-relative path: Markdown}. Pages:

    index.md                    home: mission and strategy, the running period, what needs attention
    periods/index.md            every period, newest first
    periods/<period>.md         roll-ups, the departments, the company's objectives, the alignment map
    periods/<period>/_departments/<n>.md  the next 100 departments of the period's table (departments.py)
    periods/<period>/<dept>.md  a department's units' objectives in the period (departments.py; paged)
    units/index.md              the org tree (then units/_departments/<n>.md in a large company)
    units/<unit>/index.md       a unit's overview and its current period's objectives
    units/<unit>/<period>.md    a unit's goals in full for one period
    people/index.md             everyone A-Z (or the pages people/list/<n>.md of a large company)
    people/<unit>.md            each person of a unit, linking to their page
    people/<person>.md          what one person owns and collaborates on, current period first
    tags/index.md               the tags of objectives
    tags/<tag>/index.md         the objectives of a tag, current period first (then tags/<tag>/<n>.md)
    kpis/index.md               the KPI catalogue (100 KPIs a page, then kpis/_page/<n>.md)
    kpis/<kpi>.md               one KPI
    retrospectives/index.md     the archive of closed periods' retrospectives
    retrospectives/<period>.md  a closed period's retrospective (a draft while it runs)
    retrospectives/<period>/_departments/<n>.md  the next 100 departments of its table
    retrospectives/<period>/<dept>.md  a department's final scores, rolled over, abandoned, lessons

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
    from ..speed.memo import Memo, Table
    from ..speed.tasks import Tasks
    from .page import Claims
    from .site import Site

#: Below this many published objectives to render a second process costs more than it saves.
PARALLEL_MIN_OBJECTIVES = 400


def render_pages(build: "Build", *, tasks: "Tasks | None" = None, site: "Site | None" = None,
                 deferred: "dict[str, str] | None" = None, memo: "Memo | None" = None) -> dict[str, str]:
    """docs-relative path (posix, e.g. "units/sales-emea/2026-Q4.md") -> Markdown text.

    Deterministic and sorted by path; only published (public unless
    `build.include_private`) content. Call only when `build.ok`.

    The processes of `tasks` (speed/tasks.py; none: this one only) share the pages (forked, so they
    read this process's portal without copying it): as many as its `jobs`, else up to two CPUs for a
    large portal and one for a small one. The pages are the same whatever the number of processes.

    With the `memo` of a rebuilding shell, a page whose goal files did not change since the last
    render is taken from that render (see cache.py; `memo.stats("render")` counts them); the pages
    are the same either way. Without one, every page is rendered and nothing is kept.

    `site` is the build's Site when the caller has one already (the plugin shares it with the export).

    `deferred` ({path: Markdown}, the fast rebuilds of `goalsite serve`) are pages not rendered this
    time: each that the memo cannot give as it is now comes back with the text given here (what the
    site shows already), and is rendered by a later call. The memo never keeps such a text.
    """
    from ..speed import gc as gc_policy
    from ..speed.tasks import SerialTasks
    from .cache import keep_pages
    from .site import Site
    from .text import EscapedTexts, escaping

    if not build.ok:
        raise ValueError("render_pages() needs a build without errors (check build.ok first)")
    site = site or Site(build)
    tasks = tasks or SerialTasks()
    with gc_policy.paused(), escaping(EscapedTexts()):
        pages = memo.table("render") if memo is not None else None
        held = _prepare(site, deferred, memo, pages)
        processes = _processes(site, tasks)
        out = _render_share(site, None) if processes == 1 else _render_in_processes(site, processes, tasks)
        if pages is not None:
            keep_pages(pages, site.page_keys, out)
            site.fragments.carry()
        out.update(site.reused)
        out.update(held)
    return dict(sorted(out.items()))


def _prepare(site: "Site", deferred: "dict[str, str] | None", memo: "Memo | None",
             pages: "Table | None") -> dict[str, str]:
    """Set `site` up for this render: its pages' keys, the pages `memo` gives as they were (its table
    `pages`), the fragments it keeps, a fresh figure encoder. The deferred pages not reused, by path."""
    from .cache import page_keys, reusable_pages
    from .figure_json import FigureJson
    from .fragments import Fragments

    keys = page_keys(site) if memo is not None else {}
    site.page_keys = keys
    site.reused = reusable_pages(pages, keys) if pages is not None else {}
    held = {path: text for path, text in (deferred or {}).items() if path not in site.reused}
    site.deferred = set(held)
    site.fragments = Fragments(memo.table("render-fragments") if memo is not None else None, keys)
    site.figure_json = FigureJson()
    return held


def _processes(site: "Site", tasks: "Tasks") -> int:
    """How many processes render: the `jobs` of `tasks` when it was asked for, else two for a large
    portal when two CPUs are free, else one (always one while other threads run: see Tasks.processes())."""
    from .links import unit_period_path

    processes = tasks.processes()
    if processes == 1 or tasks.jobs is not None:  # one process, or as many as were asked for
        return processes
    to_render = sum(len(nodes) for (pid, uid), nodes in site.files.items()
                    if unit_period_path(uid, pid) not in site.reused)
    return 1 if to_render < PARALLEL_MIN_OBJECTIVES else processes


def _render_share(site: "Site", claims: "Claims | None") -> dict[str, str]:
    """The pages this process claims (all of them without `claims`)."""
    from .home import render_home
    from .kpis import render_kpi_pages
    from .page import Pages
    from .people import render_people_pages
    from .person import render_person_pages
    from .periods import render_period_pages
    from .retro import render_retro_pages
    from .tags import render_tag_pages
    from .units import render_unit_pages

    pages = Pages(site, claims)
    for render in (render_home, render_period_pages, render_unit_pages, render_people_pages, render_person_pages,
                   render_kpi_pages, render_retro_pages, render_tag_pages):
        render(pages)
    return pages.out


def _render_in_processes(site: "Site", processes: int, tasks: "Tasks") -> dict[str, str]:
    """This process and processes-1 forked ones share the pages; the forked ones read this process's
    portal as it is in memory, and only their pages come back (pickled, through a pipe).

    Should a forked one fail (killed, out of memory, an exception), the pages are rendered again here
    in one process, and `tasks` is told: the same pages, later, and an exception of the render itself
    is raised here.
    """
    from ..speed.tasks import TaskFailed
    from .page import Claims

    claims = Claims(tasks.counter())
    try:
        shares = tasks.share(lambda: _render_share(site, claims), processes, "a render worker")
    except TaskFailed as e:
        tasks.report(f"goalsite: {e}; rendering the pages again in one process")
        return _render_share(site, None)
    out: dict[str, str] = {}
    for share in shares:
        out.update(share)
    return out


__all__ = ["render_pages"]

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

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pipeline import Build
    from ..speed.tasks import Tasks
    from .page import Claims
    from .site import Site

#: Below this many published objectives to render a second process costs more than it saves.
PARALLEL_MIN_OBJECTIVES = 400


def render_pages(build: "Build", *, tasks: "Tasks | None" = None, reuse: bool = True,
                 site: "Site | None" = None, deferred: "dict[str, str] | None" = None) -> dict[str, str]:
    """docs-relative path (posix, e.g. "units/sales-emea/2026-Q4.md") -> Markdown text.

    Deterministic and sorted by path; only published (public unless
    `build.include_private`) content. Call only when `build.ok`.

    The processes of `tasks` (speed/tasks.py; none: this one only) share the pages (forked, so they
    read this process's portal without copying it): as many as its `jobs`, else up to two CPUs for a
    large portal and one for a small one. The pages are the same whatever the number of processes.

    With `reuse` (the default) a page whose goal files did not change since the previous render in
    this process is taken from that render (see cache.py); the pages are the same either way.

    `site` is the build's Site when the caller has one already (the plugin shares it with the export).

    `deferred` ({path: Markdown}, the fast rebuilds of `goalsite serve`) are pages not rendered this
    time: each that the cache cannot give as it is now comes back with the text given here (what the
    site shows already), and is rendered by a later call. The cache never keeps such a text.
    """
    global last_reused
    from ..charts import forget_encoded
    from ..speed import gc as gc_policy
    from ..speed.tasks import SerialTasks
    from .cache import page_keys
    from .fragments import Fragments
    from .site import Site
    from .text import forget_escaped

    if not build.ok:
        raise ValueError("render_pages() needs a build without errors (check build.ok first)")
    site = site or Site(build)
    tasks = tasks or SerialTasks()
    with _cache_lock, gc_policy.paused():
        cache = _render_cache()
        keys = page_keys(site) if reuse else {}
        site.page_keys = keys
        site.reused = cache.reusable(keys)
        held = {path: text for path, text in (deferred or {}).items() if path not in site.reused}
        site.deferred = set(held)
        site.fragments = Fragments(cache.fragments, keys)
        processes = _processes(site, tasks)
        try:
            out = _render_share(site, None) if processes == 1 else _render_in_processes(site, processes, tasks)
        finally:
            forget_escaped()
            forget_encoded()
        out.update(site.reused)
        if reuse:
            cache.keep(keys, out, site.fragments)
        out.update(held)
        last_reused = len(site.reused)
    return dict(sorted(out.items()))


last_reused = 0
"""How many pages the last render_pages() of this process took from the one before (for logs and tests)."""
_cache_lock = threading.Lock()
_cache = None  # the RenderCache of this process (cache.py), made on first use


def _render_cache():
    global _cache
    if _cache is None:
        from .cache import RenderCache

        _cache = RenderCache()
    return _cache


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
    from .periods import render_period_pages
    from .retro import render_retro_pages
    from .units import render_unit_pages

    pages = Pages(site, claims)
    for render in (render_home, render_period_pages, render_unit_pages, render_people_pages, render_kpi_pages,
                   render_retro_pages):
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

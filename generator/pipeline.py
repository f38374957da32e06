"""The pipeline, top to bottom, as far as the site's files.

`build_portal()`: load -> validate -> resolve -> score -> lint, into a `Build`.
`render_site()`: a `Build` -> every file of the site: the pages, the JSON export and the assets.

Both shells (the CLI's commands and the MkDocs plugin) call these and nothing else of the
core. They raise nothing for bad input: problems come back as data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .lint import lint_portal
from .load import Goals, load_goals
from .model import Model, validate_goals
from .problems import Problem, sort_problems
from .resolve import Portal, resolve_portal
from .score import Scores, score_portal
from .speed import gc as gc_policy
from .speed.memo import Memo
from .speed.tasks import Tasks

#: Where the portal's own CSS/JS and plotly.min.js live in the site (charts.PLOTLY_PATH agrees).
ASSETS_URI = "assets"


@dataclass
class Build:
    """What a run of the pipeline found: the linked portal, its scores and every problem."""

    goals: Goals
    model: Model
    portal: Portal | None
    scores: Scores | None
    today: dt.date
    include_private: bool = False
    problems: list[Problem] = field(default_factory=list)
    history: dict | None = None
    """{key result ref: [history.TargetChange]} from git with `history=True`; None otherwise or outside git."""
    history_read: bool = False
    """True when `history=True` asked for it: then a None history means the goals are not in git."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        """True when there is a portal and no error: the site may be published."""
        return self.portal is not None and not self.errors


def day_of_epoch(seconds: str) -> dt.date:
    """The UTC day of a SOURCE_DATE_EPOCH value; ValueError when it is not whole seconds.

    Both shells derive `today` from it when it is set (reproducible builds).
    """
    try:
        return dt.datetime.fromtimestamp(int(seconds), tz=dt.timezone.utc).date()
    except (OverflowError, OSError) as e:
        raise ValueError(f"{seconds!r} is out of range") from e


def today_from_environment(environ: Mapping[str, str]) -> dt.date:
    """The `today` of a run not given one: the day of SOURCE_DATE_EPOCH in `environ` when set, else the clock's.

    ValueError when SOURCE_DATE_EPOCH is set but not whole seconds. Only the shells call this, with
    os.environ; the stages take `today` as a parameter.
    """
    epoch = environ.get("SOURCE_DATE_EPOCH")
    return day_of_epoch(epoch) if epoch else dt.date.today()


def build_portal(goals_dir: Path | str, today: dt.date, *, include_private: bool = False, lint: bool = True,
                 history: bool = False, freeze_sources: bool = False, memo: Memo | None = None,
                 tasks: Tasks | None = None) -> Build:
    """Read, validate, link, score and lint the goals in `goals_dir` as of `today`.

    `memo` is the rebuilding shell's (`goalsite serve`): what the last build made that this one may
    reuse (speed/memo.py); a one-shot build passes none. `tasks` is the shell's task runner when a CPU
    is idle (speed.tasks.when_idle()): a cold load of a large company then parses some files in a
    second process (speed/prefetch.py); none loads in this process only.

    With `history=True` each key result's target history is read from git (see history.py).

    With `freeze_sources` (the first build of `goalsite serve`) the goal files read and validated
    are taken out of the cycle collector's sight before the portal links them (speed.gc.keep_sources()).
    """
    with gc_policy.paused():
        return _build_portal(goals_dir, today, include_private=include_private, lint=lint, history=history,
                             freeze_sources=freeze_sources, memo=memo, tasks=tasks)


def _build_portal(goals_dir: Path | str, today: dt.date, *, include_private: bool, lint: bool, history: bool,
                  freeze_sources: bool, memo: Memo | None, tasks: Tasks | None) -> Build:
    goals = load_goals(goals_dir, memo=memo, tasks=tasks)
    model, problems = validate_goals(goals, memo)
    if freeze_sources:
        gc_policy.keep_sources()
    problems = goals.problems + problems
    portal, found = resolve_portal(model, today, memo)
    problems += found
    scores = None
    if portal is not None:
        scores = score_portal(portal, today, include_private, memo)
        if lint:
            problems += lint_portal(portal, scores, memo)
    build = Build(goals, model, portal, scores, today, include_private, sort_problems(problems))
    if history and portal is not None:
        from .history import read_target_history

        starts = {p.id: p.start for p in portal.periods.values()}
        build.history = read_target_history(goals_dir, starts, portal.settings.fiscal_year_start_month)
        build.history_read = True
    return build


def render_site(build: Build, *, deferred: dict[str, str] | None = None, memo: Memo | None = None,
                tasks: Tasks | None = None) -> dict[str, str | Path]:
    """Every file of the site the pipeline makes: {site path: its text, or the file to copy}.

    The pages and the export come first, sorted by path, then the assets. Call only when `build.ok`.
    `deferred` is for the fast rebuilds of `goalsite serve` (see portal_outputs()); `memo` is the
    rebuilding shell's (none for a one-shot build); `tasks` the shell's task runner (speed/tasks.py;
    none renders in this process only).
    """
    outputs = portal_outputs(build, deferred=deferred, memo=memo, tasks=tasks)
    outputs: dict[str, str | Path] = dict(sorted(outputs.items()))
    outputs.update(portal_assets())
    return outputs


def portal_outputs(build: Build, *, deferred: dict[str, str] | None = None,
                   memo: Memo | None = None, tasks: Tasks | None = None) -> dict[str, str]:
    """Every generated text file of the site: the rendered pages, the JSON export and the alignment map's branches.

    `deferred` is for the fast rebuilds of `goalsite serve` (serve/incremental.py): those pages come back
    with the text given, unless unchanged, and the export is left out (the site keeps the one it has).
    `memo` is the rebuilding shell's (none for a one-shot build): see render_pages() and export_json().
    """
    from .export import export_json
    from .export_files import export_files
    from .render import render_pages
    from .render.site import Site
    from .render.tree import alignment_outputs

    site = Site(build)  # one index of the portal for the pages and the export
    outputs = dict(render_pages(build, site=site, deferred=deferred, memo=memo, tasks=tasks))
    if deferred is not None:
        return outputs
    # The export's files enter the build as generated files (not written in on_post_build), so that they
    # replace stale copies left by `goalsite generate` exactly like the pages do.
    # Compact: with `indent` the json module falls back to its pure-Python encoder, seconds at 1,000 teams.
    outputs.update(export_files(export_json(build, site, memo), memo))
    outputs.update(alignment_outputs(site))
    return outputs


def portal_assets() -> dict[str, Path]:
    """The portal's static files by site path: generator/assets/* and plotly.min.js from the plotly wheel."""
    folder = Path(__file__).with_name("assets")
    found = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.startswith("."))
    from .upstream.plotly import plotly_js

    found += [path for path in [plotly_js()] if path is not None]
    return {f"{ASSETS_URI}/{p.name}": p for p in found}

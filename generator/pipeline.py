"""build_portal(): load -> validate -> resolve -> score -> lint, top to bottom.

Both shells (the CLI and the MkDocs plugin) call this and nothing else of the
core. It raises nothing for bad input: problems come back as data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .lint import lint_portal
from .load import Goals, load_goals
from .model import Model, validate_goals
from .problems import Problem, sort_problems
from .resolve import Portal, resolve_portal
from .score import Scores, score_portal
from .speed import gc as gc_policy
from .speed.memo import Memo


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


def build_portal(goals_dir: Path | str, today: dt.date, *, include_private: bool = False, lint: bool = True,
                 history: bool = False, freeze_sources: bool = False, memo: Memo | None = None) -> Build:
    """Read, validate, link, score and lint the goals in `goals_dir` as of `today`.

    With `history=True` each key result's target history is read from git (see history.py).

    `memo` is the rebuilding shell's (`goalsite serve`): goal files that did not change since its last
    build are not read or parsed again; a one-shot build passes none.

    With `freeze_sources` (the first build of `goalsite serve`) the goal files read and validated
    are taken out of the cycle collector's sight before the portal links them (speed.gc.keep_sources()).
    """
    with gc_policy.paused():
        return _build_portal(goals_dir, today, include_private=include_private, lint=lint, history=history,
                             freeze_sources=freeze_sources, memo=memo)


def _build_portal(goals_dir: Path | str, today: dt.date, *, include_private: bool, lint: bool, history: bool,
                  freeze_sources: bool, memo: Memo | None) -> Build:
    goals = load_goals(goals_dir, memo=memo)
    model, problems = validate_goals(goals)
    if freeze_sources:
        gc_policy.keep_sources()
    problems = goals.problems + problems
    portal, found = resolve_portal(model, today)
    problems += found
    scores = None
    if portal is not None:
        scores = score_portal(portal, today, include_private)
        if lint:
            problems += lint_portal(portal, scores)
    build = Build(goals, model, portal, scores, today, include_private, sort_problems(problems))
    if history and portal is not None:
        from .history import read_target_history

        starts = {p.id: p.start for p in portal.periods.values()}
        build.history = read_target_history(goals_dir, starts, portal.settings.fiscal_year_start_month)
        build.history_read = True
    return build

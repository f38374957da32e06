"""The base of every lint rule (`Rule`) and what all rules look at (`Live`)."""

from __future__ import annotations

from typing import Iterator

from ..problems import Problem, warning
from ..resolve import ObjectiveNode, Portal
from ..score import Scores


class Rule:
    """A lint rule: subclasses set ID, SUMMARY, WHY and implement objective(), or check() and
    PER_OBJECTIVE = False for a rule that compares goals with each other."""

    ID = ""
    SUMMARY = ""
    WHY = ""

    def check(self, live: "Live") -> Iterator[Problem]:
        """A rule that compares goals with each other (PER_OBJECTIVE = False): its warnings."""
        raise NotImplementedError

    def objective(self, obj: ObjectiveNode, live: "Live") -> Iterator[Problem]:
        """A rule on one objective and its key results: its warnings, from what `_inputs()` holds of it."""
        raise NotImplementedError

    #: Whether the rule looks at one objective at a time (objective()) rather than the whole portal (check()).
    PER_OBJECTIVE = True

    #: Whether the rule can warn about goals nobody changed, only because `today` moved on (a check-in or
    #: a KPI reading grew old). Such warnings pile up in any busy repository, so `--changed-since` never
    #: fails a proposal on them (see cli.md, "Checking a proposal").
    DATE_DRIVEN = False

    def warn(self, node, message: str, hint: str | None = None) -> Problem:
        return warning(node.location, f"lint.{self.ID}", message, hint)


class Live:
    """What the rules look at: the portal, its scores, and the periods not closed yet with their goals."""

    def __init__(self, portal: Portal, scores: Scores) -> None:
        self.portal = portal
        self.scores = scores
        self.periods = [p for p in portal.periods.values() if p.state(scores.today) != "closed"]
        self.objectives: list[ObjectiveNode] = [o for p in self.periods for up in p.files.values() for o in up.objectives
                                                if portal.objectives[o.ref] is o  # not a duplicate id
                                                and o.ref not in portal.incomplete]  # parts of it had errors

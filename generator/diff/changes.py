"""What a summary holds: one `Change` per changed goal, and the `ProblemReview` of the new build."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PRIVATE_OBJECTIVE = "a private objective"
PRIVATE_KPI = "a private KPI"


@dataclass(frozen=True)
class Change:
    """One change of one objective or key result (or, with kind "private", a count and nothing else).

    kind: "added", "removed", "renamed", "changed", "checkins", "not-compared" or "private".
    level: "objective", "key-result", "file" or "org" (the last two for "not-compared" only).
    """

    kind: str
    level: str
    period: str = ""
    unit: str = ""
    ref: str = ""
    title: str = ""
    field: str = ""
    old: Any = None
    new: Any = None
    goalposts: bool = False
    count: int = 0
    page: str = ""
    anchor: str = ""
    unit_name: str = ""
    metric_unit: str | None = None
    """For a changed target or baseline: the metric's unit ("logos", "%"), so that 25 → 18 says of what."""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ProblemReview:
    """Problems for the summary: HEAD's errors, the warnings HEAD introduces, and how many were hidden."""

    errors: list[dict] = field(default_factory=list)
    new_warnings: list[dict] = field(default_factory=list)
    hidden: int = 0

"""What a write plans (`Edit`, `Rollover`), and the exceptions that stop a command (`Refused`, `Usage`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem


class Refused(Exception):
    """Bad input or an invalid result: report `problems`, write nothing, exit 1."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class Usage(Exception):
    """The command needs other arguments (an ambiguous period, an unknown one): exit 2."""


@dataclass
class Edit:
    """One file to write: its path and its new text (`existed`: it is replaced)."""

    path: Path
    text: str
    existed: bool = False


@dataclass
class Rollover:
    """What a rollover writes and what it leaves out, as lines for the user."""

    edits: list[Edit] = field(default_factory=list)
    wrote: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # what was changed for the goals to hold in TO

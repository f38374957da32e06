"""The goals folder: its layout (org.yaml, kpis.yaml and kpis/, one folder per period, data/) read into `Goals`.

`load_goals()` is the only reader of a goals folder: each YAML file through a FileReader (read.py),
the CSV files the KPIs name (csv.py). Anything else in the folder is a Problem, never an exception.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR
from typing import TYPE_CHECKING

from ..ids import PERIOD_RE, SLUG_RE
from ..problems import Location, Problem, error, has_controls
from ..speed.memo import Memo
from .csv import CsvSeries, load_csv_files
from .fence import Entry, Fence, bad_name
from .located import Source, display_path, in_folder
from .read import FileReader

if TYPE_CHECKING:
    from ..speed.prefetch import Prefetch
    from ..speed.tasks import Tasks


@dataclass
class LoadStats:
    """What one load_goals() read from disk, and of that what the prefetch's process parsed (tests and
    benchmarks read them)."""

    files_read: int = 0
    """Goal files read from disk: the others were unchanged since the memo's last load."""
    files_prefetched: int = 0
    """Of those, the period files whose parse the prefetch's forked process did (speed/prefetch.py)."""


@dataclass
class Goals:
    """Everything read from a goals folder, before validation."""

    root: Path
    org: Source | None = None
    kpis: list[Source] = field(default_factory=list)
    periods: dict[str, dict[str, Source]] = field(default_factory=dict)
    csv: dict[str, CsvSeries] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    stats: LoadStats = field(default_factory=LoadStats, repr=False, compare=False)

    def sources(self) -> list[Source]:
        """Every YAML source, org first, in a stable order."""
        out = [self.org] if self.org else []
        out += self.kpis
        for period in sorted(self.periods):
            out += [self.periods[period][u] for u in sorted(self.periods[period])]
        return out


def load_goals(root: Path | str, memo: Memo | None = None, tasks: "Tasks | None" = None) -> Goals:
    """Read every goal file under `root`. Never raises for bad input.

    `memo` is the rebuilding shell's: files unchanged since its last load are not parsed again (read.py);
    none reads and parses every file. With `tasks` (speed/tasks.py) a cold load of a large company
    parses its last period files in a second process (speed/prefetch.py); the result is the same. The
    shell passes a runner only when that can pay (speed.tasks.when_idle()); none parses here only.
    """
    root = Path(root)
    memo = memo or Memo.none()
    fence = Fence(root)
    prefetch = _prefetch(fence, root, memo, tasks)
    reader = FileReader(fence, memo, prefetch)
    try:
        goals = _load_goals(root, reader)
    finally:
        if prefetch is not None:
            prefetch.close()
    goals.stats = LoadStats(reader.files_read, reader.files_prefetched)
    return goals


def _prefetch(fence: Fence, root: Path, memo: Memo, tasks: "Tasks | None") -> "Prefetch | None":
    """The prefetch of a cold load (the memo holds no files of an earlier one), when `tasks` may fork."""
    last = memo.stats("load")
    if tasks is None or last.made or last.reused or tasks.processes() < 2 or not os.path.isdir(root):
        return None
    from ..speed.prefetch import Prefetch

    return Prefetch.start(tasks, _period_files(fence, root))


def _period_files(fence: Fence, root: Path) -> list[tuple[Path, str, int]]:
    """(resolved path, display path, size) of every file _load_entry() reads as a period file, in its order.

    Listed through the fence, as the load lists them: the prefetch reads nothing outside the goals folder.
    """
    out: list[tuple[Path, str, int]] = []
    try:
        folders = [e for e in fence.scan(fence.root) if e.kind == "folder" and PERIOD_RE.match(e.name)]
    except OSError:  # the load says what it cannot read; the prefetch leaves it alone
        return out
    for folder in folders:
        display = display_path(root / folder.name)
        try:
            out += [(Path(e.real), in_folder(display, e.name), fence.stat(e.real).st_size)
                    for e in fence.scan(folder.real)
                    if e.kind == "file" and e.name.endswith(".yaml") and SLUG_RE.match(e.name[:-5])]
        except OSError:
            continue
    return out


def _load_goals(root: Path, reader: FileReader) -> Goals:
    fence = reader.fence
    goals = Goals(root=root)
    top = display_path(root)
    try:
        if not S_ISDIR(os.stat(root).st_mode):
            raise NotADirectoryError
        entries = fence.scan(fence.root)
    except (FileNotFoundError, NotADirectoryError):
        goals.problems.append(error(Location(top), "load.no-goals", f"Expected a goals folder at {top}, got nothing there",
                                    "Pass --goals DIR, or run from the folder that holds goals/."))
        return goals
    except OSError as exc:  # the folder, or one above it, may not be read
        goals.problems.append(fence.unreadable(Location(top), exc, "goals folder"))
        return goals
    org = next((e for e in entries if e.name == "org.yaml"), None)
    if org is None or org.kind == "folder":
        goals.problems.append(error(Location(in_folder(top, "org.yaml")), "load.no-org",
                                    "Expected org.yaml in the goals folder, got none",
                                    "Create goals/org.yaml with `company:` (id and name)."))
    for entry in ([org] if org else []) + [e for e in entries if e is not org]:  # org.yaml first
        _load_entry(goals, reader, entry, in_folder(top, entry.name))
    load_csv_files(goals, fence)
    return goals


def _load_entry(goals: Goals, reader: FileReader, entry: Entry, display: str) -> None:
    name = entry.name
    if name.startswith(".") or not _fenced(goals, reader.fence, entry, display):
        return
    if entry.kind == "folder":
        if name == "kpis":
            for f in _yaml_files(goals, reader.fence, entry, display):
                source, problems = reader.read(f.real, in_folder(display, f.name), "kpis")
                goals.kpis.append(source)
                goals.problems += problems
        elif PERIOD_RE.match(name):
            _load_period(goals, reader, entry, display)
        elif name not in ("data", "org.yaml"):
            hint = ("Period folders are named YYYY, YYYY-H1/H2 or YYYY-Q1..Q4, in capitals: 2026-Q4."
                    if re.match(r"^\d{4}", name) else
                    "The goals folder holds org.yaml, kpis.yaml, kpis/, data/ and one folder per period.")
            goals.problems.append(error(Location(display), "load.unknown-folder",
                                        f"Expected a period folder (YYYY, YYYY-HN, YYYY-QN), kpis/ or data/, got {name}/", hint))
    elif name == "org.yaml":
        goals.org, problems = reader.read(entry.real, display, "org")
        goals.problems += problems
    elif name == "kpis.yaml":
        source, problems = reader.read(entry.real, display, "kpis")
        goals.kpis.insert(0, source)
        goals.problems += problems
    elif name in ("org.yml", "kpis.yml"):
        goals.problems.append(error(Location(display), "load.yml-extension", f"Expected a .yaml file, got {name}",
                                    f"Rename it to {name[:-4]}.yaml."))
    elif name.endswith((".yaml", ".yml")):
        goals.problems.append(error(Location(display), "load.unknown-file",
                                    f"Expected org.yaml or kpis.yaml at the top of the goals folder, got {name}",
                                    "Period files go in a period folder: goals/2026-Q4/UNIT.yaml."))


def _fenced(goals: Goals, fence: Fence, entry: Entry, display: str) -> bool:
    """Whether an entry may be looked at: its name is one line of text and, a link, it stays inside."""
    if has_controls(entry.name):
        goals.problems.append(bad_name(Location(display), entry.name))
        return False
    if entry.kind == "outside":
        goals.problems.append(fence.outside(Location(display)))
        return False
    return True


def _load_period(goals: Goals, reader: FileReader, folder: Entry, display: str) -> None:
    period = folder.name
    goals.periods[period] = {}
    for f in _yaml_files(goals, reader.fence, folder, display):
        unit, where = f.name[:-len(".yaml")], in_folder(display, f.name)
        if not SLUG_RE.match(unit):
            goals.problems.append(error(Location(where), "load.bad-file-name",
                                        f"Expected the file name to be a unit id (lowercase letters, digits, dashes), got {unit!r}",
                                        "Name each period file after its unit: goals/2026-Q4/sales-emea.yaml."))
            continue
        source, problems = reader.read(f.real, where, "period", period=period, unit=unit)
        goals.periods[period][unit] = source
        goals.problems += problems


def _yaml_files(goals: Goals, fence: Fence, folder: Entry, display: str) -> list[Entry]:
    """The .yaml files of a folder of the goals folder (its listing comes with whether each is a file:
    no stat of each of thousands)."""
    try:
        entries = fence.scan(folder.real)
    except OSError as exc:
        goals.problems.append(fence.unreadable(Location(display), exc, "folder"))
        return []
    files = []
    for entry in entries:
        name = entry.name
        where = in_folder(display, name)
        if name.startswith(".") or not _fenced(goals, fence, entry, where) or entry.kind == "folder":
            continue
        if name.endswith(".yml"):
            goals.problems.append(error(Location(where), "load.yml-extension", f"Expected a .yaml file, got {name}",
                                        f"Rename it to {name[:-4]}.yaml."))
        elif name.endswith(".yaml"):
            files.append(entry)
    return files


"""What a proposal changed since a git revision, and which problems it is answerable for.

A pull request should fail for what it introduces, not for the state of the world: in a busy
repository some team's check-in is always late. `goalsite check --changed-since BASE` (and
`build`) therefore sorts the problems of the goals as they are now into two groups:

* **introduced**: located in what differs from BASE. The granularity is the goal: a new or
  changed objective, key result, KPI, unit or person (compared as data with its version in
  BASE, so moving or reformatting one is no change), or a whole file when it is new, not YAML
  (a CSV series), unreadable, or changed outside its list of goals (its header, `settings:`).
  An objective counts as changed when any of its key results changed, so its own warnings
  ("every key result is a milestone") count too; a key result counts only when it changed.
* **others**: everything else. Their warnings are counted, not listed.

`--strict` then fails only on introduced warnings that are not date-driven (`Rule.DATE_DRIVEN`
in lint.py): nobody introduces "no check-in for 8 days", the calendar does. Errors always fail.

Reading git goes through history.py's runner; everything else here is pure.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from .history import _git, find_revision
from .lint import RULES
from .load import PERIOD_RE, LocDict, LocList, Source, read_yaml
from .problems import Location, Problem, Severity, summarize

WHOLE_FILE = ((1, 10**9),)
"""The line spans of a file that changed as a whole."""
ITEM_LISTS = ("objectives", "kpis", "units", "people")
"""Top-level lists whose items (mappings with an `id`) are compared one by one."""
NESTED_LISTS = ("key_results",)
"""Lists inside an item whose items are compared one by one too."""


@dataclass(frozen=True)
class Changes:
    """The parts of the goals folder that differ from revision `base`: line spans per file."""

    base: str
    root: Path
    """The goals folder, resolved."""
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """{path relative to the goals folder: ((first line, last line), ...)} of what changed."""

    def touches(self, location: Location) -> bool:
        """Whether a problem at `location` lies in what changed."""
        rel = _relative(location.path, self.root)
        return rel is not None and any(lo <= location.line <= hi for lo, hi in self.spans.get(rel, ()))


def _relative(shown: str, root: Path) -> str | None:
    try:
        return Path(shown).resolve().relative_to(root).as_posix()
    except ValueError:
        return None


# --- reading git -------------------------------------------------------------------------------


def changed_since(goals_dir: Path | str, base: str) -> Changes:
    """What differs in the goals folder (its working tree) from git revision `base`.

    Raises GitError with a message for the user when there is no repository or no such revision.
    """
    top, rel, sha = find_revision(goals_dir, base, "--changed-since", "in CI check out the whole history "
                                  "(fetch-depth: 0) or fetch it: git fetch origin main")
    prefix = "" if rel == "." else rel + "/"
    paths = _changed_paths(top, sha, rel)
    olds = _blobs_at(top, sha, [p for p in paths if p.endswith(".yaml") and "\n" not in p])  # one name a line
    root = Path(goals_dir).resolve()
    spans = {}
    with tempfile.TemporaryDirectory(prefix="goalsite-changed-") as tmp:
        for path in paths:
            inside = path[len(prefix):]
            if (root / inside).is_file():
                spans[inside] = _file_spans(root / inside, inside, olds.get(path), Path(tmp))
    return Changes(base, root, {k: v for k, v in spans.items() if v})


def _changed_paths(top: Path, sha: str, rel: str) -> list[str]:
    """Files under `rel` (paths from `top`) that differ from `sha` in the working tree, untracked ones too."""
    tracked = _git(["diff", "--name-only", "--no-renames", "-z", sha, "--", rel], top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--", rel], top)
    names = (tracked + untracked).decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def _blobs_at(top: Path, sha: str, paths: list[str]) -> dict[str, bytes]:
    """{path: its bytes at `sha`} for the paths that exist there, in one `git cat-file --batch`."""
    if not paths:
        return {}
    out = _git(["cat-file", "--batch"], top, stdin="".join(f"{sha}:{p}\n" for p in paths).encode())
    blobs, pos = {}, 0
    for path in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) != 3 or header[1] != b"blob":  # "<name> missing": the file is new
            pos = end + 1
            continue
        size = int(header[2])
        blobs[path] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


# --- comparing one file -----------------------------------------------------------------------


def _kind(rel: str) -> str | None:
    parts = PurePosixPath(rel).parts
    if parts == ("org.yaml",):
        return "org"
    if parts == ("kpis.yaml",) or (len(parts) == 2 and parts[0] == "kpis" and parts[1].endswith(".yaml")):
        return "kpis"
    if len(parts) == 2 and PERIOD_RE.match(parts[0]) and parts[1].endswith(".yaml"):
        return "period"
    return None


def _file_spans(path: Path, rel: str, old_bytes: bytes | None, tmp: Path) -> tuple[tuple[int, int], ...]:
    """The changed line spans of one changed file of the working tree."""
    kind = _kind(rel)
    if kind is None or old_bytes is None:
        return WHOLE_FILE
    new, problems = read_yaml(path, rel, kind)
    old_path = tmp / "old.yaml"
    old_path.write_bytes(old_bytes)
    old, old_problems = read_yaml(old_path, rel, kind)
    if problems or old_problems or not isinstance(new.data, LocDict) or not isinstance(old.data, LocDict):
        return WHOLE_FILE
    return tuple(_goal_spans(new, old.data))


def _goal_spans(new: Source, old: LocDict) -> list[tuple[int, int]]:
    """Spans of the goals that changed; the whole file when anything outside the lists of goals did."""
    data = new.data
    lists = [k for k in ITEM_LISTS if _itemized(data.get(k)) and isinstance(old.get(k, []), list)]
    if {k: v for k, v in data.items() if k not in lists} != {k: v for k, v in old.items() if k not in lists}:
        return list(WHOLE_FILE)
    keys = list(data)
    spans = []
    for key in lists:
        after = keys[keys.index(key) + 1:]
        end = new.at(after[0], key=True).line - 1 if after else WHOLE_FILE[0][1]
        spans += _item_spans(new, (key,), old.get(key, []), end)
    return spans


def _itemized(value) -> bool:
    return isinstance(value, LocList) and all(isinstance(item, LocDict) for item in value)


def _item_spans(new: Source, keys: tuple, old_items: list, end: int) -> list[tuple[int, int]]:
    """Spans of the items of the list at `keys` that are new or differ from their namesake in `old_items`."""
    items = _get(new.data, keys)
    old_by_id = {}
    for item in old_items:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            old_by_id.setdefault(item["id"], item)
    starts = [new.at(*keys, i).line for i in range(len(items))]
    spans = []
    for i, item in enumerate(items):
        lo, hi = starts[i], (starts[i + 1] - 1 if i + 1 < len(items) else end)
        old = old_by_id.get(item.get("id")) if isinstance(item.get("id"), str) else None
        if old is None:
            spans.append((lo, hi))
        elif item != old:
            spans += _changed_item_spans(new, (*keys, i), old, lo, hi)
    return spans


def _changed_item_spans(new: Source, keys: tuple, old: dict, lo: int, hi: int) -> list[tuple[int, int]]:
    """A changed item: its own lines, and of its nested lists (key results) only the items that changed."""
    item = _get(new.data, keys)
    own, spans = [(lo, hi)], []
    names = list(item)
    for name in NESTED_LISTS:
        if not (_itemized(item.get(name)) and item[name] and isinstance(old.get(name), list)):
            continue
        after = names[names.index(name) + 1:]
        first = new.at(*keys, name, 0).line
        last = new.at(*keys, after[0], key=True).line - 1 if after else hi
        spans += _item_spans(new, (*keys, name), old[name], last)
        own = [piece for a, b in own for piece in ((a, min(b, first - 1)), (max(a, last + 1), b)) if piece[0] <= piece[1]]
    return own + spans


def _get(data, keys: tuple):
    for k in keys:
        data = data[k]
    return data


# --- sorting the problems --------------------------------------------------------------------


def is_date_driven(problem: Problem) -> bool:
    """Whether the lint rule behind a problem warns only because time passed (`Rule.DATE_DRIVEN`)."""
    rule = RULES.get(problem.code[len("lint."):]) if problem.code.startswith("lint.") else None
    return bool(rule is not None and rule.DATE_DRIVEN)


@dataclass
class Triage:
    """The problems of a proposal: those in what it changed, and the others."""

    base: str
    introduced: list[Problem]
    others: list[Problem]

    @property
    def listed(self) -> list[Problem]:
        """What is printed: every introduced problem first, then the errors elsewhere (they block the build)."""
        return self.introduced + [p for p in self.others if p.is_error]

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.introduced + self.others)

    def footer(self) -> str:
        """Two lines: what the change holds, and what was left out."""
        lines = [f"In what changed since {self.base}: {summarize(self.introduced)}"]
        errors = [p for p in self.others if p.is_error]
        warnings = [p for p in self.others if not p.is_error]
        parts = [f"{summarize(errors)} (listed above)"] if errors else []
        if warnings:
            dated = sum(map(is_date_driven, warnings))
            parts.append(f"{summarize(warnings)} not listed, {dated} of them date-driven: "
                         "run goalsite check without --changed-since to list them")
        lines.append(f"Elsewhere: {'; '.join(parts) or 'no problems'}")
        return "\n".join(lines)


def triage(problems: Iterable[Problem], changes: Changes, *, strict: bool = False) -> Triage:
    """Sort `problems` by whether they lie in `changes`; with `strict`, the introduced warnings that are
    not date-driven become errors."""
    introduced, others = [], []
    rels: dict[str, str | None] = {}  # a path is resolved once, not once for each of its problems
    for p in problems:
        path = p.location.path
        if path not in rels:
            rels[path] = _relative(path, changes.root)
        if any(lo <= p.location.line <= hi for lo, hi in changes.spans.get(rels[path], ())):
            if strict and not p.is_error and not is_date_driven(p):
                p = Problem(p.location, Severity.ERROR, p.code, p.message, p.hint)
            introduced.append(p)
        else:
            others.append(p)
    return Triage(changes.base, introduced, others)


def format_json(result: Triage) -> str:
    """`goalsite check --format json` with --changed-since: every problem, introduced ones first,
    each with `introduced` and `date_driven`, and the counts of both groups."""
    def item(p: Problem, introduced: bool) -> dict:
        return {**p.as_dict(), "introduced": introduced, "date_driven": is_date_driven(p)}

    everything = result.introduced + result.others
    errors = sum(p.is_error for p in everything)
    doc = {
        "changed_since": result.base,
        "problems": [item(p, True) for p in result.introduced] + [item(p, False) for p in result.others],
        "errors": errors,
        "warnings": len(everything) - errors,
        "introduced": {"errors": sum(p.is_error for p in result.introduced),
                       "warnings": sum(not p.is_error for p in result.introduced)},
    }
    return json.dumps(doc, indent=2, sort_keys=True)

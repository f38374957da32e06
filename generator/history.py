"""Goal files in git: the goals folder at a revision, and every key result's target history.

This is a reader, like load.py, and the only module that runs git:

* `export_revision(goals_dir, rev, dest)` writes the goals folder as it was at
  `rev` into `dest` (`git archive` of that path), for `goalsite diff`.
* `read_target_history(goals_dir)` walks the history of the goals folder once:
  one `git log --raw` lists every commit with the blob of each period file it
  changed, and one `git cat-file --batch` reads all those blobs. Each blob is
  parsed by the project's own loader and validator. The result is cached in
  `.goalsite-cache/` at the top of the repository under a key made of the HEAD
  commit id and the goals path: a new commit is a new key, so the cache can
  never serve stale data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

from .ids import PERIOD_RE, SLUG_RE
from .load import read_yaml
from .model import Metric, PeriodFile, validate_source
from .resolve import period_dates

CACHE_DIR = ".goalsite-cache"
CACHE_VERSION = 1
_LINK_MODE = "120000"
"""git's mode of a symbolic link."""


class GitError(Exception):
    """git is missing, the folder is not in a repository, or a revision is unknown: a usage error."""


@dataclass(frozen=True)
class TargetChange:
    """One commit that set or changed a key result's target or baseline (old values None when it was created)."""

    commit: str
    date: str
    author: str
    form: str
    unit: str | None
    target_old: Any
    target_new: Any
    baseline_old: float | None
    baseline_new: float | None
    goalposts: bool = False

    @property
    def created(self) -> bool:
        return self.target_old is None and self.baseline_old is None


# --- running git ---------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except OSError as e:
        raise GitError(f"Expected git to be installed, got: {e.strerror}") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def _existing(path: Path) -> Path:
    path = path.resolve()
    while not os.path.isdir(path) and path != path.parent:  # isdir: False, not an error, for a locked folder
        path = path.parent
    return path


def repository(goals_dir: Path | str) -> tuple[Path, str] | None:
    """(top folder of the git repository, goals path relative to it), or None when not in one."""
    goals = Path(goals_dir).resolve()
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], _existing(goals)).decode().strip()).resolve()
    except GitError:
        return None
    return top, goals.relative_to(top).as_posix() if goals != top else "."


def _commit(top: Path, rev: str) -> str | None:
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], top).decode().strip()
    except GitError:
        return None


def find_revision(goals_dir: Path | str, rev: str, name: str, fetch: str) -> tuple[Path, str, str]:
    """(top folder of the repository, goals path relative to it, the commit id of `rev`).

    Raises GitError with a message for the user when there is no repository or no such revision:
    `name` is how the user gave the revision (--changed-since, BASE), `fetch` how CI gets it.
    """
    found = repository(goals_dir)
    if found is None:
        raise GitError(f"Expected the goals folder {goals_dir} to be inside a git repository, got none")
    top, rel = found
    sha = _commit(top, rev)
    if sha is None:
        raise GitError(f"Expected a git revision {name} that this checkout has, got {rev!r}; {fetch}")
    return top, rel, sha


def export_revision(goals_dir: Path | str, rev: str, dest: Path, name: str = "BASE") -> Path:
    """Write the goals folder as it was at `rev` under `dest`; returns its path there.

    Raises GitError with a message for the user when there is no repository or no such revision.
    A revision without the goals folder gives an empty folder.
    """
    top, rel, sha = find_revision(goals_dir, rev, name, "in CI fetch it without --depth, which would make a full clone "
                                  "shallow: git fetch origin main")
    out = dest / rel
    out.mkdir(parents=True, exist_ok=True)
    if _git(["ls-tree", "--name-only", sha, "--", rel], top).strip():
        archive = _git(["archive", "--format=tar", sha, "--", rel], top)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            members = tar.getmembers()
            tar.extractall(dest, members=[m for m in members if not (m.issym() or m.islnk())], filter="data")
        _place_links(dest, [m for m in members if m.issym()])
    return out


def _place_links(dest: Path, links: list[tarfile.TarInfo]) -> None:
    """The symbolic links of a revision, written as they were committed (mode 120000) and never followed.

    tarfile's "data" filter stops at a link that leads out of `dest`; as written here, such a link is
    there for the loader to refuse (load.outside-goals), exactly as in the working tree, and a link
    between goal files still works. Placed after every file: nothing is ever written through one.
    """
    top = os.path.join(os.path.realpath(dest), "")
    for member in links:
        path = dest / member.name
        parent = os.path.realpath(path.parent)
        if os.path.join(parent, "").startswith(top) and not os.path.lexists(path):
            os.makedirs(parent, exist_ok=True)
            os.symlink(member.linkname, os.path.join(parent, path.name))


# --- target history ------------------------------------------------------------------------------


def read_target_history(goals_dir: Path | str, starts: Mapping[str, dt.date] | None = None,
                        fiscal_start_month: int = 1) -> dict[str, list[TargetChange]] | None:
    """{key result ref: its target changes, oldest first}; None when the goals are not in git.

    `starts` gives each period's first day (a change after it that makes the target easier or
    moves the baseline is "moved goalposts"); periods not in it get their default dates.
    """
    found = repository(goals_dir)
    if found is None:
        return None
    top, rel = found
    head = _commit(top, "HEAD")
    if head is None:
        return {}
    starts = dict(starts or {})
    key = hashlib.sha256(json.dumps([CACHE_VERSION, head, rel, sorted((k, v.isoformat()) for k, v in starts.items()),
                                     fiscal_start_month]).encode()).hexdigest()[:32]
    cached = _read_cache(top, key)
    if cached is not None:
        return cached
    history = _walk(top, rel, head, lambda pid: starts.get(pid) or period_dates(pid, fiscal_start_month)[1])
    _write_cache(top, key, history)
    return history


def _walk(top: Path, rel: str, head: str, start_of) -> dict[str, list[TargetChange]]:
    commits = _log(top, rel, head)
    blobs = _cat_blobs(top, sorted({sha for *_, changed in commits for _, sha in changed if sha}))
    history: dict[str, list[TargetChange]] = {}
    state: dict[str, dict[str, tuple]] = {}
    with tempfile.TemporaryDirectory(prefix="goalsite-history-") as tmp:
        for (commit, author, date), changed in commits:
            for path, sha in changed:
                pid, unit = path.split("/")[-2], path.split("/")[-1][: -len(".yaml")]
                targets = _targets(Path(tmp), pid, unit, blobs.get(sha)) if sha else {}
                if targets is None:
                    continue  # a broken file at this commit: keep what was known before
                before = state.get(path, {})
                for ref, now in targets.items():
                    was = before.get(ref)
                    if was == now:
                        continue
                    row = _change(commit[:7], date, author, was, now, dt.date.fromisoformat(date) >= start_of(pid))
                    history.setdefault(ref, []).append(row)
                state[path] = targets
    return history


def _log(top: Path, rel: str, head: str) -> list[tuple[tuple[str, str, str, str], list[tuple[str, str | None]]]]:
    """Every commit touching the goals, oldest first, with (path, new blob or None if deleted) of its period files."""
    out = _git(["log", "--reverse", "--no-renames", "--raw", "--no-abbrev", "--format=%x1e%H%x1f%an%x1f%aI",
                head, "--", rel], top).decode("utf-8", "replace")
    commits = []
    for record in out.split("\x1e")[1:]:
        header, _, body = record.partition("\n")
        commit, author, when = header.split("\x1f")
        changed = []
        for line in body.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            parts = meta.split()
            # A symbolic link (mode 120000) is never followed: its blob, the link's target, is no goal file.
            # Such a version is skipped, like a broken one: the targets known before stay.
            if _is_period_file(path, rel) and parts[1] != _LINK_MODE:
                changed.append((path, None if parts[4].startswith("D") else parts[3]))
        commits.append(((commit, author, when[:10]), changed))
    return commits


def _is_period_file(path: str, rel: str) -> bool:
    prefix = "" if rel == "." else rel + "/"
    if not path.startswith(prefix) or not path.endswith(".yaml"):
        return False
    parts = path[len(prefix):].split("/")
    return len(parts) == 2 and bool(PERIOD_RE.match(parts[0])) and bool(SLUG_RE.match(parts[1][:-5]))


def _cat_blobs(top: Path, shas: list[str]) -> dict[str, bytes]:
    """Every blob in one `git cat-file --batch`."""
    if not shas:
        return {}
    out = _git(["cat-file", "--batch"], top, stdin="".join(s + "\n" for s in shas).encode())
    blobs, pos = {}, 0
    for _ in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) < 3:  # "<sha> missing"
            pos = end + 1
            continue
        size = int(header[2])
        blobs[header[0].decode()] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def _targets(tmp: Path, pid: str, unit: str, blob: bytes | None) -> dict[str, tuple] | None:
    """{kr ref: (form, unit, target, baseline)} of one version of a period file; None when it does not validate."""
    if blob is None:
        return None
    path = tmp / f"{pid}-{unit}.yaml"
    path.write_bytes(blob)
    source, problems = read_yaml(path, f"{pid}/{unit}.yaml", "period", period=pid, unit=unit)
    if problems:
        return None
    parsed, problems = validate_source(source)
    if not isinstance(parsed, PeriodFile):
        return None
    out = {}
    for obj in parsed.objectives:
        for kr in obj.key_results:
            form, target, baseline = target_of(kr.metric)
            out[f"{pid}:{unit}/{obj.id}/{kr.id}"] = (form, kr.metric.unit if kr.metric else None, target, baseline)
    return out


def _change(short: str, date: str, author: str, was: tuple | None, now: tuple, started: bool) -> TargetChange:
    form, unit, target, baseline = now
    old_target, old_baseline = (None, None) if was is None else (was[2], was[3])
    moved = was is not None and any(moved_goalposts((was[0], was[2], was[3]), (form, target, baseline), started))
    return TargetChange(short, date, author, form, unit, old_target, target, old_baseline, baseline, moved)


# --- moved goalposts: the one rule, for the target history and for goalsite diff ----------------------------


def target_of(metric: Metric | None) -> tuple[str, Any, float | None]:
    """(form, target, baseline) of a key result's metric; ("milestone", None, None) for a milestone.

    The target of keep_between is [low, high]; a keep form has no baseline.
    """
    if metric is None:
        return "milestone", None, None
    form = metric.form
    if metric.keep_between is not None:
        target = list(metric.keep_between)
    else:
        target = {"keep_above": metric.keep_above, "keep_below": metric.keep_below}.get(form, metric.to)
    return form, target, None if metric.is_keep else metric.from_


def moved_goalposts(was: tuple, now: tuple, started: bool) -> tuple[bool, bool]:
    """(the target asks for less, the baseline moved) when a metric changes from `was` to `now` (target_of()).

    Both are False before the key result's period started (planning is not moving goalposts) and when
    the form changed (an increase that became a keep form is a new goal, not an easier one).
    """
    if not started or was[0] != now[0]:
        return False, False
    return _easier(now[0], was[1], now[1]), was[2] != now[2]


def _easier(form: str, old: Any, new: Any) -> bool:
    if old is None or new is None or old == new:
        return False
    if form == "keep_between":
        return new[0] <= old[0] and new[1] >= old[1]
    return new < old if form in ("increase", "keep_above") else new > old


# --- the cache ----------------------------------------------------------------------------------


def _read_cache(top: Path, key: str) -> dict[str, list[TargetChange]] | None:
    try:
        data = json.loads((top / CACHE_DIR / f"history-{key}.json").read_text(encoding="utf-8"))
        return {ref: [TargetChange(**row) for row in rows] for ref, rows in data.items()}
    except (OSError, ValueError, TypeError):
        return None


def _write_cache(top: Path, key: str, history: dict[str, list[TargetChange]]) -> None:
    """Best effort: a read-only checkout just recomputes next time."""
    folder = top / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        tmp = folder / f".history-{key}.{os.getpid()}.tmp"
        data = {ref: [asdict(r) for r in rows] for ref, rows in sorted(history.items())}
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        tmp.replace(folder / f"history-{key}.json")
    except OSError:
        pass

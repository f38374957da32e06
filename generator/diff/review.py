"""The problems a reviewer must see: HEAD's errors and the warnings it introduces, private goals redacted."""

from __future__ import annotations

import re
from pathlib import Path

from ..pipeline import Build
from ..problems import Problem
from .changes import ProblemReview
from .privacy import _private_item


def review_problems(old: Build, new: Build, label: str = "goals") -> ProblemReview:
    """HEAD's errors and the warnings HEAD introduces; paths as `label/...`; private ones only counted."""
    secrets = _secrets(old) | _secrets(new)
    spans = _private_spans(old) + _private_spans(new)
    known = {(p.code, _relative(p, old), p.message) for p in old.problems if not p.is_error}
    files = {_relative_path(source.path, new): (pid, unit) for pid, sources in new.goals.periods.items()
             for unit, source in sources.items()}
    review = ProblemReview()
    for p in new.problems:
        rel = _relative(p, new)
        if not p.is_error and (p.code, rel, p.message) in known:
            continue
        if _is_private(p, rel, secrets, spans):
            review.hidden += 1
            continue
        period, unit = files.get(rel, (None, None))
        item = dict(p.as_dict(), path=f"{label.rstrip('/')}/{rel}" if rel else label, period=period, unit=unit)
        (review.errors if p.is_error else review.new_warnings).append(item)
    return review


def _relative(p: Problem, build: Build) -> str:
    """A problem's path relative to its goals folder: the same file in two checkouts compares equal."""
    return _relative_path(p.location.path, build)


def _relative_path(shown: str, build: Build) -> str:
    path, root = Path(shown), Path(build.goals.root)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _secrets(build: Build) -> set[str]:
    """Titles and ids of private goals and KPIs, as they could appear in a message."""
    out: set[str] = set()
    for source in build.goals.sources():
        data = source.data if isinstance(source.data, dict) else {}
        items = data.get("kpis") if source.kind == "kpis" else data.get("objectives")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and _private_item(item, data, source.kind):
                out |= {str(item[k]) for k in ("id", "title", "name") if item.get(k) not in (None, "")}
                for kr in item.get("key_results") or [] if isinstance(item.get("key_results"), list) else []:
                    if isinstance(kr, dict) and kr.get("title"):
                        out.add(str(kr["title"]))
    return out


def _private_spans(build: Build) -> list[tuple[str, int, int]]:
    """(file, first line, last line) of each private objective or KPI in the raw sources."""
    spans = []
    for source in build.goals.sources():
        data = source.data if isinstance(source.data, dict) else {}
        items = data.get("kpis") if source.kind == "kpis" else data.get("objectives")
        if source.kind == "org" or not isinstance(items, list):
            continue
        rel = _relative_path(source.path, build)
        starts = [source.at("kpis" if source.kind == "kpis" else "objectives", i).line for i in range(len(items))]
        for i, item in enumerate(items):
            if isinstance(item, dict) and _private_item(item, data, source.kind):
                spans.append((rel, starts[i], starts[i + 1] - 1 if i + 1 < len(starts) else 10**9))
    return spans


def _is_private(p: Problem, rel: str, secrets: set[str], spans: list) -> bool:
    if any(path == rel and lo <= p.location.line <= hi for path, lo, hi in spans):
        return True
    text = f"{p.message} {p.hint or ''}"
    return any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text) for s in secrets)

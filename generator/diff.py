"""What changed in the goals between two builds, for pull-request summaries.

`compare(old, new)` is pure: two `Build`s in, a sorted list of `Change`s out.
`review_problems(old, new)` picks the problems a reviewer must see: every error
of the new build, and the warnings it introduces (compared by code, file and
message, not by line, so an edit above a warning does not make it "new").
`format_markdown()` writes one pull-request comment; `format_json()` the same as data.

Privacy is absolute here too: an objective (with its key results) that is
private in either revision never appears in a change, not even its id; it is
only counted ("1 private objective changed"). A parent, KPI or problem that
would name a private goal is redacted the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .model import Metric
from .pipeline import Build
from .problems import Problem
from .render.links import key_result_anchor, objective_anchor, site_url, unit_period_path
from .render.text import escape_text, format_number

PRIVATE_OBJECTIVE = "a private objective"
PRIVATE_KPI = "a private KPI"
COMMENT_LIMIT = 60_000
"""Characters of Markdown at most: GitHub refuses comments over 65,536."""
TITLE_LIMIT = 120
OPEN_LINES = 15
"""A unit's section with more lines than this is collapsed into <details>."""
PROBLEM_LIMIT = 50


@dataclass(frozen=True)
class Change:
    """One change of one objective or key result (or, with kind "private", a count and nothing else).

    kind: "added", "removed", "renamed", "changed", "checkins", "not-compared" or "private".
    level: "objective", "key-result" or "file".
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

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ProblemReview:
    """Problems for the summary: HEAD's errors, the warnings HEAD introduces, and how many were hidden."""

    errors: list[dict] = field(default_factory=list)
    new_warnings: list[dict] = field(default_factory=list)
    hidden: int = 0


# --- comparing ---------------------------------------------------------------------------


def compare(old: Build, new: Build) -> list[Change]:
    """Every change from `old` to `new`, per period and unit; private goals only counted."""
    if old.portal is None or new.portal is None:
        return []
    skipped = _broken_files(old) | _broken_files(new)
    before, after = old.portal.objectives, new.portal.objectives
    changes: list[Change] = [Change("not-compared", "file", p, u) for p, u in sorted(skipped)]
    private = 0
    for ref in sorted(set(before) | set(after)):
        a, b = before.get(ref), after.get(ref)
        node = b or a
        if (node.period.id, node.unit.id) in skipped:
            continue
        if (a is not None and a.private) or (b is not None and b.private):
            private += a is None or b is None or a.obj != b.obj
            continue
        changes += _objective_changes(a, b, old, new)
    if private:
        changes.append(Change("private", "objective", count=private))
    return changes


def _broken_files(build: Build) -> set[tuple[str, str]]:
    return {tuple(name.split(":", 1)) for kind, name in build.model.broken if kind == "period"}


def _objective_changes(a, b, old: Build, new: Build) -> list[Change]:
    node = b or a
    where = dict(period=node.period.id, unit=node.unit.id, ref=node.ref, title=node.obj.title)
    if b is not None:
        where.update(page=unit_period_path(b.unit.id, b.period.id), anchor=objective_anchor(b.id))
    if a is None:
        return [Change("added", "objective", **where)] + [
            _kr_added(kr, where) for kr in b.key_results]
    if b is None:
        return [Change("removed", "objective", **where)]
    out = []
    if a.obj.title != b.obj.title:
        out.append(Change("renamed", "objective", **where, old=a.obj.title, new=b.obj.title))
    for name, x, y in (("owner", a.obj.owner, b.obj.owner), ("kind", a.obj.kind, b.obj.kind),
                       ("alignment", _parents(a), _parents(b))):
        if x != y:
            out.append(Change("changed", "objective", **where, field=name, old=x, new=y))
    olds = {kr.id: kr for kr in a.key_results}
    news = {kr.id: kr for kr in b.key_results}
    for kr_id in [k.id for k in b.key_results] + [k for k in olds if k not in news]:
        out += _kr_changes(olds.get(kr_id), news.get(kr_id), where, old, new)
    return out


def _parents(node) -> list[str]:
    return sorted(PRIVATE_OBJECTIVE if p.private else p.ref for p in node.parents)


def _kr_where(kr, where: dict, in_head: bool) -> dict:
    out = dict(where, ref=kr.ref, title=kr.kr.title)
    if in_head:
        out["anchor"] = key_result_anchor(kr.objective.id, kr.id)
    return out


def _kr_added(kr, where: dict) -> Change:
    return Change("added", "key-result", **_kr_where(kr, where, True), new=_target_text(kr.kr.metric))


def _kr_changes(a, b, where: dict, old: Build, new: Build) -> list[Change]:
    if a is None:
        return [_kr_added(b, where)]
    if b is None:
        return [Change("removed", "key-result", **_kr_where(a, where, False))]
    at = _kr_where(b, where, True)
    out = []
    if a.kr.title != b.kr.title:
        out.append(Change("renamed", "key-result", **at, old=a.kr.title, new=b.kr.title))
    started = b.objective.period.start <= new.today
    ma, mb = a.kr.metric, b.kr.metric
    same_form = _form(ma) == _form(mb)
    fields = [
        ("target", _target(ma), _target(mb), started and same_form and _easier(ma, mb)),
        ("baseline", _baseline(ma), _baseline(mb), started and same_form),
        ("form", _form(ma), _form(mb), False),
        ("unit", ma.unit if ma else None, mb.unit if mb else None, False),
        ("weight", a.kr.weight, b.kr.weight, False),
        ("owner", a.kr.owner, b.kr.owner, False),
        ("due", _iso(a.kr.due), _iso(b.kr.due), False),
        ("kpi", _kpi(a.kr.kpi, old, new), _kpi(b.kr.kpi, old, new), False),
    ]
    for name, x, y, moved in fields:
        if x != y:
            out.append(Change("changed", "key-result", **at, field=name, old=x, new=y, goalposts=moved))
    seen = set(a.kr.checkins)
    added = [c for c in b.kr.checkins if c not in seen]
    if added:
        latest = max(added, key=lambda c: c.date)
        unit = mb.unit if mb else None
        value = f"{format_number(latest.value * 100)} % done" if mb is None else _with(latest.value, unit)
        out.append(Change("checkins", "key-result", **at, count=len(added), new=f"{value} on {latest.date.isoformat()}"))
    return out


def _form(m: Metric | None) -> str:
    return "milestone" if m is None else m.form


def _target(m: Metric | None) -> Any:
    if m is None:
        return None
    if m.keep_between is not None:
        return list(m.keep_between)
    return {"keep_above": m.keep_above, "keep_below": m.keep_below}.get(m.form, m.to)


def _baseline(m: Metric | None) -> float | None:
    return None if m is None or m.is_keep else m.from_


def _easier(a: Metric | None, b: Metric | None) -> bool:
    """True when the new target of the same form asks for less: the goalposts moved."""
    if a is None or b is None:
        return False
    form = a.form
    if form == "keep_between":
        (lo, hi), (nlo, nhi) = a.keep_between, b.keep_between
        return nlo <= lo and nhi >= hi and (nlo, nhi) != (lo, hi)
    old, new = _target(a), _target(b)
    if old is None or new is None:
        return False
    return new < old if form in ("increase", "keep_above") else new > old


def _kpi(kpi_id: str | None, old: Build, new: Build) -> str | None:
    if kpi_id is None:
        return None
    for build in (old, new):
        node = build.portal.kpis.get(kpi_id)
        if node is not None and node.private:
            return PRIVATE_KPI
    return kpi_id


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _with(value, unit: str | None) -> str:
    return f"{format_number(value)} {unit}" if unit else format_number(value)


def _target_text(m: Metric | None) -> str:
    """A metric in words: "0 → 25 logos", "keep between 99.9 and 100 %", "milestone"."""
    if m is None:
        return "milestone"
    if m.keep_between is not None:
        return f"keep between {format_number(m.keep_between[0])} and {_with(m.keep_between[1], m.unit)}"
    if m.is_keep:
        return f"{m.form.replace('_', ' ')} {_with(_target(m), m.unit)}"
    return f"{format_number(m.from_)} → {_with(m.to, m.unit)}"


# --- problems ----------------------------------------------------------------------------------


def review_problems(old: Build, new: Build, label: str = "goals") -> ProblemReview:
    """HEAD's errors and the warnings HEAD introduces; paths as `label/...`; private ones only counted."""
    secrets = _secrets(old) | _secrets(new)
    spans = _private_spans(old) + _private_spans(new)
    known = {(p.code, _relative(p, old), p.message) for p in old.problems if not p.is_error}
    review = ProblemReview()
    for p in new.problems:
        rel = _relative(p, new)
        if not p.is_error and (p.code, rel, p.message) in known:
            continue
        if _is_private(p, rel, secrets, spans):
            review.hidden += 1
            continue
        item = dict(p.as_dict(), path=f"{label.rstrip('/')}/{rel}" if rel else label)
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
        file_private = source.kind == "period" and data.get("visibility") == "private"
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and (file_private or item.get("visibility", data.get("visibility")) == "private"):
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
            if isinstance(item, dict) and item.get("visibility", data.get("visibility")) == "private":
                spans.append((rel, starts[i], starts[i + 1] - 1 if i + 1 < len(starts) else 10**9))
    return spans


def _is_private(p: Problem, rel: str, secrets: set[str], spans: list) -> bool:
    if any(path == rel and lo <= p.location.line <= hi for path, lo, hi in spans):
        return True
    text = f"{p.message} {p.hint or ''}"
    return any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text) for s in secrets)


# --- output ----------------------------------------------------------------------------------


def format_json(changes: list[Change], review: ProblemReview) -> str:
    """The summary as JSON (documented in site_src/guide/proposals.md)."""
    public = [c.as_dict() for c in changes if c.kind != "private"]
    data = {
        "version": 1,
        "changes": public,
        "moved_goalposts": sum(c.goalposts for c in changes),
        "private_objectives_changed": sum(c.count for c in changes if c.kind == "private"),
        "problems": {"errors": review.errors, "new_warnings": review.new_warnings, "hidden": review.hidden},
    }
    return json.dumps(data, indent=2, sort_keys=True, default=str)


def format_markdown(changes: list[Change], review: ProblemReview, *, base: str = "BASE", head: str = "HEAD",
                    base_url: str | None = None) -> str:
    """One pull-request comment: moved goalposts first, then changes per period and unit, then problems."""
    link = _linker(base_url)
    out = [f"## Goal changes: {escape_text(base)} → {escape_text(head)}", ""]
    moved = [c for c in changes if c.goalposts]
    if moved:
        out += [f"> [!WARNING]\n> **Moved goalposts ({len(moved)})**: targets made easier or baselines moved "
                "after their period started.", ""]
        out += ["| Key result | What | Old | New |", "| --- | --- | --- | --- |"]
        out += [f"| {link(c)} | {c.field} | {_value(c.old)} | {_value(c.new)} |" for c in moved[:PROBLEM_LIMIT]]
        out += [f"\n…and {len(moved) - PROBLEM_LIMIT} more" if len(moved) > PROBLEM_LIMIT else "", ""]
    groups: dict[tuple[str, str], list[Change]] = {}
    for c in changes:
        if c.kind != "private":
            groups.setdefault((c.period, c.unit), []).append(c)
    if not groups and not moved:
        out += ["No goal changed.", ""]
    sections = [_section(period, unit, items, link) for (period, unit), items in sorted(groups.items())]
    out += _fit(sections, COMMENT_LIMIT - 6000)
    private = sum(c.count for c in changes if c.kind == "private")
    if private:
        out += [f"_{private} private objective{'s' if private != 1 else ''} changed (not shown)._", ""]
    out += _problems_markdown(review)
    text = "\n".join(out).rstrip() + "\n"
    return text if len(text) <= COMMENT_LIMIT else text[:COMMENT_LIMIT - 60] + "\n\n…(cut to fit one comment)\n"


def _linker(base_url: str | None):
    def link(c: Change) -> str:
        title = escape_text(_cut(c.title))
        if base_url and c.page:
            return f"[{title}]({base_url.rstrip('/')}/{site_url(c.page, c.anchor or None)})"
        return str(title)
    return link


def _cut(text: str, limit: int = TITLE_LIMIT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, (list, tuple)):
        return " – ".join(_value(v) for v in value) if value else "none"
    if isinstance(value, float):
        return format_number(value)
    return str(escape_text(_cut(value)))


def _line(c: Change, link) -> str:
    what = "Objective" if c.level == "objective" else "Key result"
    if c.kind == "added":
        return f"- **Added** {what.lower()} {link(c)}" + (f" ({_value(c.new)})" if c.new else "")
    if c.kind == "removed":
        return f"- **Removed** {what.lower()} {link(c)}"
    if c.kind == "renamed":
        return f"- **Renamed** {what.lower()} {_value(c.old)} → {link(c)}"
    if c.kind == "checkins":
        return f"- {what} {link(c)}: {c.count} check-in{'s' if c.count != 1 else ''} added (latest {_value(c.new)})"
    flag = " **⚠ moved goalposts**" if c.goalposts else ""
    return f"- {what} {link(c)}: {c.field} {_value(c.old)} → {_value(c.new)}{flag}"


def _section(period: str, unit: str, items: list[Change], link) -> list[str]:
    head = f"### {escape_text(period)} · {escape_text(unit)}"
    if items[0].kind == "not-compared":
        return [head, "", "Not compared: the file has errors (see below).", ""]
    lines = [_line(c, link) for c in items]
    if len(lines) > OPEN_LINES:
        return [head, "", f"<details><summary>{len(lines)} changes</summary>", "", *lines, "", "</details>", ""]
    return [head, "", *lines, ""]


def _fit(sections: list[list[str]], budget: int) -> list[str]:
    out, used = [], 0
    for i, section in enumerate(sections):
        size = sum(len(line) + 1 for line in section)
        if used + size > budget:
            out += [f"…and {len(sections) - i} more units not shown: run `goalsite diff` locally for all of it.", ""]
            break
        out += section
        used += size
    return out


def _problems_markdown(review: ProblemReview) -> list[str]:
    out = []
    for title, items in (("Errors", review.errors), ("New warnings", review.new_warnings)):
        if not items:
            continue
        lines = [f"- {escape_text(p['path'])}:{p['line']}: {p['severity']}: {escape_text(_cut(p['message'], 300))} "
                 f"\\[{p['code']}\\]" for p in items[:PROBLEM_LIMIT]]
        if len(items) > PROBLEM_LIMIT:
            lines.append(f"- …and {len(items) - PROBLEM_LIMIT} more: run `goalsite check`")
        summary = f"{title} ({len(items)})"
        if title == "Errors":
            out += [f"### {summary}", "", *lines, ""]
        else:
            out += [f"<details><summary>{summary}</summary>", "", *lines, "", "</details>", ""]
    if review.hidden:
        out += [f"_{review.hidden} problem{'s' if review.hidden != 1 else ''} in private goals not shown._", ""]
    if not review.errors and not review.new_warnings and not review.hidden:
        out += ["No errors, no new warnings.", ""]
    return out

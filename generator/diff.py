"""What changed in the goals between two builds, for pull-request summaries.

`compare(old, new)` is pure: two `Build`s in, a sorted list of `Change`s out.
`review_problems(old, new)` picks the problems a reviewer must see: every error
of the new build, and the warnings it introduces (compared by code, file and
message, not by line, so an edit above a warning does not make it "new").
`format_markdown()` writes one pull-request comment; `format_json()` the same as data.

A file with errors is compared all the same: every goal that validated in both
revisions is compared, and one that did not is "not compared" (never "removed"),
its file's errors listed beside it.

Privacy is absolute here too: an objective (with its key results) that is
private in either revision never appears in a change, not even its id; it is
only counted ("1 private objective changed"). A parent, KPI or problem that
would name a private goal is redacted the same way. An objective whose
visibility cannot be read for its errors counts as private.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .history import moved_goalposts, target_of
from .model import Kpi, KpiFile, Metric, Objective, PeriodFile
from .pipeline import Build
from .problems import Problem
from .resolve import full_ref
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


# --- comparing ---------------------------------------------------------------------------


def compare(old: Build, new: Build) -> list[Change]:
    """Every change from `old` to `new`, per period and unit; private goals only counted.

    A goal file with errors is compared all the same, part by part: what validated in both revisions is
    compared, and a part that did not (Model.gaps) is listed as "not-compared" rather than as added
    or removed. Only a file that could not be read at all is "not-compared" as a whole.
    """
    if old.portal is None or new.portal is None:
        return [Change("not-compared", "org", title="org.yaml")]
    skipped = _unread_files(old) | _unread_files(new)
    before, after = old.portal.objectives, new.portal.objectives
    changes: list[Change] = [Change("not-compared", "file", p, u) for p, u in sorted(skipped)]
    private = 0
    for ref in sorted(set(before) | set(after) | _objective_gaps(old) | _objective_gaps(new)):
        if tuple(ref.split("/", 1)[0].split(":", 1)) in skipped:
            continue
        a, b = before.get(ref), after.get(ref)
        unread = _unread(ref, a, b, old, new)
        if any(node is not None and node.private for node in (a, b)) or (unread and _raw_private(old, new, ref)):
            private += not unread and (a is None or b is None or a.obj != b.obj)
            continue
        if unread:
            changes.append(_not_compared("objective", ref, a or b, unread, old, new))
        else:
            changes += _objective_changes(a, b, old, new)
    if private:
        changes.append(Change("private", "objective", count=private))
    return changes


def _unread_files(build: Build) -> set[tuple[str, str]]:
    """(period, unit) of the goal files that could not be read (or name an unknown unit): nothing to compare."""
    out = set()
    for pid, files in build.goals.periods.items():
        period = build.portal.periods.get(pid)
        out.update((pid, unit) for unit in files if period is None or unit not in period.files)
    return out


def _unread(ref: str, a, b, old: Build, new: Build) -> str:
    """"BASE", "HEAD" or "BASE and HEAD": the revisions where the goal `ref` did not validate ("" when none)."""
    sides = [name for node, build, name in ((a, old, "BASE"), (b, new, "HEAD"))
             if node is None and build.model.unverified(ref) or ref in build.model.gaps]
    return " and ".join(sides)


def _objective_gaps(build: Build) -> set[str]:
    """Refs of the objectives whose id was read but that did not validate."""
    return {gap for gap in build.model.gaps if ":" in gap and gap.count("/") == 1 and not gap.endswith("/*")}


def _raw(build: Build, ref: str) -> tuple[dict, dict]:
    """(the file's data, the objective's or key result's data) as written, for a goal that did not validate."""
    head, *ids = ref.split("/")
    pid, unit = head.split(":", 1)
    source = build.goals.periods.get(pid, {}).get(unit)
    data = item = source.data if source is not None and isinstance(source.data, dict) else {}
    for key, wanted in zip(("objectives", "key_results"), ids):
        items = item.get(key) if isinstance(item.get(key), list) else []
        item = next((x for x in items if isinstance(x, dict) and str(x.get("id")) == wanted), {})
    return data, item


def _raw_private(old: Build, new: Build, ref: str) -> bool:
    """Whether an objective that did not validate may be private in either revision.

    Unless it (or its file) says `visibility: public` in so many words and has no unknown field that could be a
    misspelt `visibility:`, it is taken for private: its title and id stay out of the summary.
    """
    for build in (old, new):
        data, item = _raw(build, ref)
        if not data or not item:
            continue
        if _private_item(item, data, "period"):
            return True
    return False


def _may_be_visibility(key: Any, value: Any) -> bool:
    """Whether an unknown field may be a misspelt `visibility: private` (or a way of saying it)."""
    words = ("visibility", "private", "public", "secret", "hidden", "confidential")
    return (value is True or str(value).strip().lower() in words[1:]
            or bool(difflib.get_close_matches(str(key).strip().lower(), words, n=1, cutoff=0.6)))


def _not_compared(level: str, ref: str, node, sides: str, old: Build, new: Build) -> Change:
    """A goal that did not validate in one revision (`sides`, or both): named, never compared."""
    head = ref.split("/", 1)[0]
    period, unit = head.split(":", 1)
    if node is not None:
        title = node.kr.title if level == "key-result" else node.obj.title
    else:
        title = _raw(new, ref)[1].get("title") or _raw(old, ref)[1].get("title") or ref.split("/")[-1]
    unit_node = new.portal.units.get(unit) or old.portal.units.get(unit)
    return Change("not-compared", level, period, unit, ref, str(title), new=sides,
                  unit_name=unit_node.name if unit_node else unit)


def _objective_changes(a, b, old: Build, new: Build) -> list[Change]:
    node = b or a
    where = dict(period=node.period.id, unit=node.unit.id, ref=node.ref, title=node.obj.title, unit_name=node.unit.name)
    if b is not None:
        where.update(page=unit_period_path(b.unit.id, b.period.id), anchor=objective_anchor(b.id))
    if a is None:
        return [Change("added", "objective", **where, new=_outline(b, new))] + [_kr_added(kr, where) for kr in b.key_results]
    if b is None:
        return [Change("removed", "objective", **where)]
    out = []
    if a.obj.title != b.obj.title:
        out.append(Change("renamed", "objective", **where, old=a.obj.title, new=b.obj.title))
    for name, x, y in (("owner", a.obj.owner, b.obj.owner), ("kind", a.obj.kind, b.obj.kind),
                       ("alignment", _parents(a, old), _parents(b, new))):
        if x != y and x is not None and y is not None:
            out.append(Change("changed", "objective", **where, field=name, old=x, new=y))
    olds = {kr.id: kr for kr in a.key_results}
    news = {kr.id: kr for kr in b.key_results}
    for kr_id in [k.id for k in b.key_results] + [k for k in olds if k not in news] + _kr_gaps(b, old, new, olds, news):
        x, y, ref = olds.get(kr_id), news.get(kr_id), f"{b.ref}/{kr_id}"
        unread = _unread(ref, x, y, old, new)
        if unread:
            out.append(_not_compared("key-result", ref, y or x, unread, old, new))
        else:
            out += _kr_changes(x, y, where, old, new)
    return out


def _kr_gaps(b, old: Build, new: Build, olds: dict, news: dict) -> list[str]:
    """Ids of the key results of objective `b` that did not validate in either revision, nor are there."""
    prefix = b.ref + "/"
    gaps = {g[len(prefix):] for build in (old, new) for g in build.model.gaps if g.startswith(prefix)}
    return sorted(g for g in gaps if g != "*" and g not in olds and g not in news)


def _outline(b, new: Build) -> dict:
    """What a reviewer needs of an added objective besides its title: owner, alignment and key results."""
    return {"owner": b.obj.owner, "owner_name": b.owner.name if b.owner else None, "alignment": _parents(b, new),
            "key_results": [{"id": kr.id, "title": kr.kr.title, "metric": _target_text(kr.kr.metric)}
                            for kr in b.key_results]}


def _parents(node, build: Build) -> list[str] | None:
    """The goals `node` aligns to (a private one redacted); None when one of them did not validate."""
    linked = {p.ref for p in node.parents}
    written = [full_ref(ref, node.period.id)[0] for ref in node.obj.aligns_to]
    if any(ref not in linked and build.model.unverified(ref) for ref in written):
        return None  # not comparable: the goal it aligns to has errors
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
    was, now = target_of(ma), target_of(mb)
    easier, rebased = moved_goalposts(was, now, started)
    measure = (mb or ma).unit if (mb or ma) is not None else None
    fields = [
        ("target", was[1], now[1], easier),
        ("baseline", was[2], now[2], rebased),
        ("form", was[0], now[0], False),
        ("unit", ma.unit if ma else None, mb.unit if mb else None, False),
        ("weight", a.kr.weight, b.kr.weight, False),
        ("owner", a.kr.owner, b.kr.owner, False),
        ("due", _iso(a.kr.due), _iso(b.kr.due), False),
        ("kpi", _kpi(a.kr.kpi, old, new), _kpi(b.kr.kpi, old, new), False),
    ]
    for name, x, y, moved in fields:
        if x != y:
            out.append(Change("changed", "key-result", **at, field=name, old=x, new=y, goalposts=moved,
                              metric_unit=measure if name in ("target", "baseline") else None))
    seen = set(a.kr.checkins)
    added = [c for c in b.kr.checkins if c not in seen]
    if added:
        latest = max(added, key=lambda c: c.date)
        unit = mb.unit if mb else None
        value = f"{format_number(latest.value * 100)} % done" if mb is None else _with(latest.value, unit)
        out.append(Change("checkins", "key-result", **at, count=len(added), new=f"{value} on {latest.date.isoformat()}"))
    return out


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
        return f"{m.form.replace('_', ' ')} {_with(target_of(m)[1], m.unit)}"
    return f"{format_number(m.from_)} → {_with(m.to, m.unit)}"


# --- problems ----------------------------------------------------------------------------------


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


def _private_item(item: dict, data: dict, kind: str) -> bool:
    """Whether an objective or KPI as written may be private: unless it says public (by itself or by its file),
    has no unknown field that may be a misspelt `visibility:`, and its file's header no unknown key."""
    item_cls, file_cls = (Kpi, KpiFile) if kind == "kpis" else (Objective, PeriodFile)
    fields = {f.alias or name for name, f in item_cls.model_fields.items()}
    if any(k not in file_cls.model_fields for k in data):
        return True  # as model/salvage.py takes it: an unknown key in a file's header makes the file private
    visibility = item.get("visibility", data.get("visibility", "public") if kind == "period" else "public")
    return visibility != "public" or any(_may_be_visibility(k, v) for k, v in item.items() if k not in fields)


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
    """One pull-request comment: moved goalposts first, then the changes per period and unit with the errors
    of the unit's file beside them, then the other problems."""
    link = _linker(base_url)
    out = [f"## Goal changes: {escape_text(base)} → {escape_text(head)}", "", *_goalposts(changes, link)]
    if any(c.level == "org" for c in changes):
        out += ["**Not compared**: org.yaml has errors that leave nothing to compare (see them below).", ""]
    elif not changes:
        out += ["No goal changed.", ""]
    groups: dict[tuple[str, str], list[Change]] = {}
    for c in changes:
        if c.kind != "private" and c.level != "org":
            groups.setdefault((c.period, c.unit), []).append(c)
    beside = {key: [p for p in review.errors if (p.get("period"), p.get("unit")) == key] for key in groups}
    keys = sorted(groups)
    lines, fitted = _fit([_section(*key, groups[key], beside[key], link) for key in keys], COMMENT_LIMIT - 6000)
    out += lines
    private = sum(c.count for c in changes if c.kind == "private")
    if private:
        out += [f"_{private} private objective{'s' if private != 1 else ''} changed (not shown)._", ""]
    listed = {id(p) for key in keys[:fitted] for p in beside[key][:PROBLEM_LIMIT]}
    out += _problems_markdown(review, listed)
    text = "\n".join(out).rstrip() + "\n"
    return text if len(text) <= COMMENT_LIMIT else text[:COMMENT_LIMIT - 60] + "\n\n…(cut to fit one comment)\n"


def _goalposts(changes: list[Change], link) -> list[str]:
    """The warning box of moved goalposts: unit, key result, what, and the values with the metric's unit."""
    moved = [c for c in changes if c.goalposts]
    if not moved:
        return []
    out = [f"> [!WARNING]\n> **Moved goalposts ({len(moved)})**: targets made easier or baselines moved "
           "after their period started.", "", "| Unit | Key result | What | Old | New |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {escape_text(_cut(c.unit_name or c.unit, 60))} ({escape_text(c.period)}) | {link(c)} | {c.field} | "
            f"{_measured(c.old, c.metric_unit)} | {_measured(c.new, c.metric_unit)} |" for c in moved[:PROBLEM_LIMIT]]
    return out + ([f"\n…and {len(moved) - PROBLEM_LIMIT} more"] if len(moved) > PROBLEM_LIMIT else []) + [""]


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


def _measured(value: Any, unit: str | None) -> str:
    """A target or baseline with its metric's unit: "25 logos", "99.9 – 100 %"."""
    text = _value(value)
    return f"{text} {escape_text(_cut(unit, 40))}" if unit and value is not None else text


def _line(c: Change, link) -> str:
    what = "Objective" if c.level == "objective" else "Key result"
    if c.kind == "added" and c.level == "objective":
        return f"- **Added** objective {link(c)}" + _outline_text(c.new)
    if c.kind == "added":
        return f"- **Added** key result {link(c)}" + (f" ({_value(c.new)})" if c.new else "")
    if c.kind == "removed":
        return f"- **Removed** {what.lower()} {link(c)}"
    if c.kind == "renamed":
        return f"- **Renamed** {what.lower()} {_value(c.old)} → {link(c)}"
    if c.kind == "checkins":
        return f"- {what} {link(c)}: {c.count} check-in{'s' if c.count != 1 else ''} added (latest {_value(c.new)})"
    if c.kind == "not-compared":
        return f"- **Not compared** {what.lower()} {link(c)}: it has errors in {_value(c.new)}"
    flag = " **⚠ moved goalposts**" if c.goalposts else ""
    return f"- {what} {link(c)}: {c.field} {_measured(c.old, c.metric_unit)} → {_measured(c.new, c.metric_unit)}{flag}"


def _outline_text(outline: Any) -> str:
    """The rest of an added objective's line (" — owner Carol Reyes (carol), aligns to 2026:acme/grow-revenue"),
    then its key results with their metrics, one a nested line."""
    if not isinstance(outline, dict):
        return ""
    owner = outline.get("owner_name")
    owner = f"{escape_text(_cut(owner, 60))} ({escape_text(outline['owner'])})" if owner else escape_text(outline["owner"])
    alignment = outline["alignment"]
    parents = "a goal with errors" if alignment is None else ", ".join(str(escape_text(p)) for p in alignment) or "nothing"
    krs = [f"\n  - {escape_text(_cut(kr['title']))}: {escape_text(kr['metric'])}" for kr in outline["key_results"]]
    return f" — owner {owner}, aligns to {parents}" + ("".join(krs) if krs else "\n  - no key results")


def _section(period: str, unit: str, items: list[Change], errors: list[dict], link) -> list[str]:
    head = f"### {escape_text(period)} · {escape_text(unit)}"
    beside = [f"Errors in this file ({len(errors)}):", "", *_problem_lines(errors), ""] if errors else []
    if items[0].level == "file":
        return [head, "", "**Not compared**: the file could not be read (see its errors).", "", *beside]
    added = {c.ref for c in items if c.kind == "added" and c.level == "objective"}
    lines = [_line(c, link) for c in items
             if not (c.kind == "added" and c.level == "key-result" and c.ref.rsplit("/", 1)[0] in added)]
    if sum(line.count("\n") + 1 for line in lines) > OPEN_LINES:
        return [head, "", f"<details><summary>{len(lines)} changes</summary>", "", *lines, "", "</details>", "", *beside]
    return [head, "", *lines, "", *beside]


def _fit(sections: list[list[str]], budget: int) -> tuple[list[str], int]:
    """The sections that fit in `budget` characters, and how many they are."""
    out, used = [], 0
    for i, section in enumerate(sections):
        size = sum(len(line) + 1 for line in section)
        if used + size > budget:
            out += [f"…and {len(sections) - i} more units not shown: run `goalsite diff` locally for all of it.", ""]
            return out, i
        out += section
        used += size
    return out, len(sections)


def _problem_lines(items: list[dict]) -> list[str]:
    """One list item a problem, its hint ("Did you mean 'owner'?") on a line of its own under it."""
    lines = []
    for p in items[:PROBLEM_LIMIT]:
        lines.append(f"- {escape_text(p['path'])}:{p['line']}:{p['column']}: {p['severity']}: "
                     f"{escape_text(_cut(p['message'], 300))} \\[{p['code']}\\]")
        if p.get("hint"):
            lines.append(f"  - hint: {escape_text(_cut(p['hint'], 300))}")
    if len(items) > PROBLEM_LIMIT:
        lines.append(f"- …and {len(items) - PROBLEM_LIMIT} more: run `goalsite check`")
    return lines


def _problems_markdown(review: ProblemReview, listed: set[int] = frozenset()) -> list[str]:
    """The errors (but those `listed` above, by id) and the new warnings."""
    out = []
    for title, items in (("Errors", review.errors), ("New warnings", review.new_warnings)):
        if not items:
            continue
        summary = f"{title} ({len(items)})"
        if title == "Errors":
            lines = _problem_lines([p for p in items if id(p) not in listed])
            shown = sum(id(p) in listed for p in items)
            if shown:
                lines.append(f"- {shown} listed above, beside the changes of their unit")
            out += [f"### {summary}", "", *lines, ""]
        else:
            out += [f"<details><summary>{summary}</summary>", "", *_problem_lines(items), "", "</details>", ""]
    if review.hidden:
        out += [f"_{review.hidden} problem{'s' if review.hidden != 1 else ''} in private goals not shown._", ""]
    if not review.errors and not review.new_warnings and not review.hidden:
        out += ["No errors, no new warnings.", ""]
    return out

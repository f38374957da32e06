"""Comparing two builds: `compare(old, new)`, the changes of every objective and key result."""

from __future__ import annotations

from ..history import moved_goalposts, target_of
from ..model import Metric
from ..pipeline import Build
from ..resolve import full_ref
from ..render.links import key_result_anchor, objective_anchor, unit_period_path
from ..render.text import format_number
from .changes import PRIVATE_KPI, PRIVATE_OBJECTIVE, Change
from .privacy import _private_item


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

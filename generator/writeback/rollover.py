"""`goalsite rollover`'s plan: the running period's goals rolled over into the next one's files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from .goalfile import apply_layout, read_goal_text
from ..load import display_path
from ..model import REF_RE
from .rollover_text import Span, retitle, rewrite_file_header, rollover_header
from ..score import success
from .edits import Edit, Rollover, Usage
from .roundtrip import dump_rt, load_rt


def plan_rollover(build, source: str, target: str, units: list[str], *, today: dt.date, force: bool,
                  goals_dir: Path) -> Rollover:
    """New files for `target` with the objectives of `source` that did not succeed, one per unit."""
    portal, scores = build.portal, build.scores
    period = portal.periods[source]
    stretch = portal.settings.stretch_success
    plan = Rollover()
    carried: dict[str, set[str]] = {u: {o.id for o in up.objectives} for u, up in
                                    (portal.periods[target].files.items() if target in portal.periods else [])}
    todo = []
    for unit_id in units:
        up = period.files[unit_id]
        keep = []
        for node in up.objectives:
            facts = scores.objectives[node.ref]
            if success(node.obj.kind, facts.score, stretch):
                plan.skipped.append(f"{node.ref}: succeeded ({_pct(facts.score)})")
            else:
                keep.append(node)
        out = goals_dir / target / f"{unit_id}.yaml"
        if not keep:
            plan.skipped.append(f"{display_path(out)}: no objective of {unit_id} to roll over")
        elif out.exists() and not force:
            plan.skipped.append(f"{display_path(out)}: exists (pass --force to overwrite)")
        else:
            todo.append((up, keep, out))
            carried.setdefault(unit_id, set()).update(n.id for n in keep)
    spans = (Span(source, period.start, period.end), target_span(portal, target))
    for up, keep, out in todo:
        text, changed = _rolled_file(up, keep, scores, spans, carried, today)
        plan.edits.append(Edit(out, text, existed=out.exists()))
        for node in keep:
            plan.wrote.append(f"{target}:{node.unit.id}/{node.id} from {node.ref}"
                              f"{' (private)' if node.private else ''}")
        plan.changed.extend(f"{target}:{where}: {what}" if where else f"{display_path(out)}: {what}"
                            for where, what in changed)
    return plan


def target_span(portal, target: str) -> Span:
    """The id and dates of period `target`, which may have no goal file yet (org.yaml may set its dates)."""
    from ..resolve import period_dates

    if target in portal.periods:
        period = portal.periods[target]
        return Span(target, period.start, period.end)
    _, start, end = period_dates(target, portal.settings.fiscal_year_start_month)
    override = portal.org.periods.get(target)
    if override is not None and override.start <= override.end:
        start, end = override.start, override.end
    return Span(target, start, end)


def _pct(value: float | None) -> str:
    return "no score" if value is None else f"score {round(value * 100)} %"


def _rolled_file(up, keep, scores, spans: tuple[Span, Span], carried: dict,
                 today: dt.date) -> tuple[str, list[tuple[str, str]]]:
    """(the text of the new file, laid out like the old one; what was changed for it to hold in the new period).

    A change is (UNIT/OBJECTIVE/KR or "" for the file, what); the top of the new file lists them too.
    """
    source, target = spans[0].id, spans[1].id
    text, layout = read_goal_text(Path(up.path))
    text, dropped = rewrite_file_header(text, *spans)
    changed = [("", f"left out {dropped} header comment line{'s' if dropped > 1 else ''} naming days of {source}")
               ] if dropped else []
    data, yaml = load_rt(text)
    if "period" in data:
        data["period"] = target
    data.pop("retrospective", None)
    by_id = {n.id: n for n in keep}
    objectives = data.get("objectives") or CommentedSeq()
    for i in reversed(range(len(objectives))):
        node = by_id.get(objectives[i].get("id"))
        if node is None:
            del objectives[i]
        else:
            _roll_objective(objectives[i], node, scores, source, carried, changed)
    changed.sort()
    notes = [f"{where}: {what}" if where else what for where, what in changed]
    return apply_layout("", rollover_header(source, target, today, notes) + dump_rt(yaml, data), layout), changed


def _roll_objective(obj: CommentedMap, node, scores, source: str, carried: dict, changed: list) -> None:
    ref = f"{source}:{node.unit.id}/{node.id}"
    obj.pop("score", None)  # a manual grade belongs to the period it graded
    if "rolled_over_from" in obj:
        obj["rolled_over_from"] = ref
    else:
        at = list(obj).index("key_results") if "key_results" in obj else len(obj)
        obj.insert(at, "rolled_over_from", ref)
    if "aligns_to" in obj:
        obj["aligns_to"] = _requalify(obj["aligns_to"], source, carried)
    for kr_map, kr in zip(obj.get("key_results") or [], node.key_results):
        _roll_key_result(kr_map, kr, scores.key_results[kr.ref], changed)


def _requalify(value, source: str, carried: dict):
    """Same-period references whose objective is not in the new period point back at `source`."""
    def fix(ref):
        m = REF_RE.match(str(ref))
        if m is None or m.group(1) or m.group(3) in carried.get(m.group(2), set()):
            return ref
        return f"{source}:{ref}"

    if isinstance(value, list):
        for i, ref in enumerate(value):
            value[i] = fix(ref)
        return value
    return fix(value)


def _roll_key_result(kr: CommentedMap, node, facts, changed: list) -> None:
    """Empty the check-ins, move the baseline to the last value, and keep the title and the KPI link true."""
    kr.pop("checkins", None)
    kr.pop("due", None)  # a date inside the old period; set a new one by hand
    metric = kr.get("metric")
    last = facts.latest.value if facts.latest is not None else None
    name = f"{node.objective.unit.id}/{node.objective.id}/{node.id}"
    if isinstance(metric, dict) and "from" in metric and "to" in metric and last is not None:
        if facts.progress is not None and facts.progress < 1 and last != metric["to"]:
            old, metric["from"] = metric["from"], _plain(last)
            changed.extend((name, line) for line in _retitle(kr, old, metric["from"], metric["to"]))
    if node.kpi is not None and node.kpi.private and not node.objective.private and "kpi" in kr:
        # With its check-ins emptied, the key result would publish the private KPI's values as its progress.
        _comment_out(kr, "kpi", "goalsite rollover: a private KPI; put it back with the first check-in")
        changed.append((name, f"kpi: {node.kpi.id} commented out: a public key result without check-ins "
                              "may not name a private KPI; put it back with its first check-in"))


def _retitle(kr: CommentedMap, old_from, new_from, to) -> list[str]:
    """Rewrite the baseline the title states; what was done (or is left to do) as lines for the user."""
    title = kr.get("title")
    if not isinstance(title, str) or not all(isinstance(v, (int, float)) for v in (old_from, to)):
        return []
    done = retitle(title, old_from, new_from, to)
    if done.title != title:
        kr["title"] = type(title)(done.title) if type(title) is not str else done.title
    lines = [f"title now starts at {b} (was {a}), as its metric" for a, b in done.rewritten]
    lines += [f"title names {n}, not the metric's from ({new_from} now): reword it" for n in done.stale]
    return lines


def _comment_out(mapping: CommentedMap, key: str, why: str) -> None:
    """Remove `key` and leave it as a comment line where it was, with the comments that went with it.

    ruamel keeps a key's end-of-line comment, and the comment lines after it, with the key. They go after
    the key before when its value is a line (a scalar, a flow collection), else before the key after. The
    first key of a mapping, a key with neither, or one in a flow mapping just goes (the notes at the top of
    the file say so).
    """
    keys = list(mapping)
    at = keys.index(key)
    token = mapping.ca.items.get(key, [None] * 4)[2]
    eol, _, rest = (token.value if token is not None else "").partition("\n")
    text = f"{key}: {mapping[key]}{'  ' + eol if eol else ''}  # {why}"
    mapping.pop(key)
    if mapping.fa.flow_style() or at == 0:  # a comment before the first key would move it off the `- ` line
        return
    before, after = keys[at - 1], keys[at + 1] if at + 1 < len(keys) else None
    value = mapping[before]
    if not (isinstance(value, (CommentedMap, CommentedSeq)) and not value.fa.flow_style()):
        line = f"{' ' * mapping.lc.key(before)[1]}# {text}\n{rest}"
        slot = mapping.ca.items.setdefault(before, [None] * 4)
        if slot[2] is None:
            slot[2] = CommentToken("\n" + line, CommentMark(0), None)
        else:
            slot[2].value += ("" if slot[2].value.endswith("\n") else "\n") + line
    elif after is not None:
        slot = mapping.ca.items.setdefault(after, [None, [], None, None])
        slot[1] = slot[1] or []  # ruamel appends to it
        lines = [text] + [ln.strip()[1:].removeprefix(" ") if ln.strip() else "" for ln in rest.split("\n")[:-1]]
        mapping.yaml_set_comment_before_after_key(after, before="\n".join(lines), indent=mapping.lc.key(after)[1])


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def rollover_units(period, unit: str | None) -> list[str]:
    """The units of `period` to roll over: one, or every unit with a file in it."""
    if unit is None:
        return sorted(period.files)
    if unit not in period.files:
        raise Usage(f"Expected a unit with a file in {period.id} ({', '.join(sorted(period.files)) or 'none'}), "
                    f"got {unit!r}")
    return [unit]

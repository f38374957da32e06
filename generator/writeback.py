"""Commands that write goal files: `goalsite checkin` and `goalsite rollover`.

Like cli.py this is a shell around the pure core, and the only module besides it that
writes goal files. Every write follows the same four rules:

* **Round trip.** Files are edited with ruamel.yaml's round-trip mode: comments, key
  order, quoting and the file's own indentation are kept. A check-in must change
  nothing but the lines it adds; when ruamel cannot reproduce a file byte for byte
  the edit is refused rather than the file reformatted (`writeback.reformat`).
* **Validated first.** The edited files are written into a temporary copy of the
  goals folder and the real pipeline runs on it; any error is reported against the
  real file and nothing is written.
* **No overwrite** of a check-in on the same date or of an existing file without `force`.
* **Atomic.** A file is replaced in one `os.replace` of a fully written and fsynced
  file in the same folder, so a crash leaves either the old file or the new one.
* **One at a time.** The commands hold the goals folder's lock (goalfile.py) from their first
  read to their last write, so a second command starts from the first one's result. A file keeps
  its line ends, its BOM and its lack of a final line end (goalfile.py `Layout`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from .goalfile import LOCK_NAME, apply_layout, lock_goals, read_goal_text, split_layout  # noqa: F401 (the commands use the lock)
from .load import display_path
from .model import REF_RE
from .problems import Location, Problem, error
from .rollover_text import Span, retitle, rewrite_file_header, rollover_header
from .publish import TEMP_SUFFIX, write_atomic  # noqa: F401 (TEMP_SUFFIX: part of this module's surface)
from .score import success

TEXT_FIELDS = ("note", "blockers", "next")


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


# --- YAML round trip ----------------------------------------------------------------------------


def detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation of a YAML text, as `YAML.indent()` takes them.

    Mapping: the first key nested under a key. Offset: how far a `- ` sits inside its key.
    Defaults (2, 4, 2), the style of the example company's files.
    """
    mapping, offset = None, None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for above, line in zip(lines, lines[1:]):
        if not above.rstrip().endswith(":"):
            continue
        parent = len(above) - len(above.lstrip(" -"))
        inner = len(line) - len(line.lstrip(" "))
        if line.lstrip().startswith("- ") and offset is None:
            offset = max(0, inner - parent)
        elif not line.lstrip().startswith("- ") and mapping is None and inner > parent:
            mapping = inner - parent
    mapping = mapping or 2
    offset = 2 if offset is None else offset
    return mapping, offset + 2, offset


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never wrap a long line the user wrote on one
    mapping, sequence, offset = detect_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def load_rt(text: str):
    """(document, the YAML that dumps it back in the file's own style)."""
    yaml = _yaml(text)
    return yaml.load(text), yaml


def dump_rt(yaml: YAML, data) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _at(path: str, node, key=None) -> Location:
    """The 1-based location of a key (or of the node) of a ruamel mapping or sequence."""
    try:
        line, col = node.lc.key(key) if isinstance(node, CommentedMap) and key is not None else \
            node.lc.item(key) if key is not None else (node.lc.line, node.lc.col)
    except (AttributeError, KeyError, IndexError, TypeError):
        line, col = 0, 0
    return Location(path, line + 1, col + 1)


def only_additions(before: str, after: str, allowed: set[int] = frozenset()) -> bool:
    """True when `after` is `before` plus inserted lines (0-based lines in `allowed` may change)."""
    matcher = difflib.SequenceMatcher(None, _split(before, True), _split(after, True), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete") and not set(range(i1, i2)) <= allowed:
            return False
    return True


def added_lines(before: str, after: str) -> list[str]:
    """The lines `after` has that `before` has not (what an edit wrote), without line ends or BOM."""
    old, new = _split(split_layout(before)[0]), _split(split_layout(after)[0])
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [line for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace") for line in new[j1:j2]]


def _split(text: str, keepends: bool = False) -> list[str]:
    """The lines of an LF text (not `splitlines()`, which also breaks at U+2028 and other characters YAML keeps)."""
    lines = text.split("\n")
    if keepends:
        return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return lines[:-1] if lines[-1] == "" else lines


# --- validation on a copy ------------------------------------------------------------------------


def validate_edits(goals_dir: Path, edits: list[Edit], today: dt.date) -> list[Problem]:
    """Errors of the goals with `edits` applied, located in the real files. Writes only to a temp folder."""
    from .pipeline import build_portal

    goals_dir = Path(goals_dir)
    with tempfile.TemporaryDirectory(prefix="goalsite-check-") as tmp:
        copy = Path(tmp) / "goals"
        shutil.copytree(goals_dir, copy, symlinks=True)
        for edit in edits:
            target = copy / edit.path.resolve().relative_to(goals_dir.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(edit.text.encode("utf-8"))  # as written: no newline translation
        build = build_portal(copy, today, lint=False)
        prefix, real = display_path(copy), display_path(goals_dir)
        return [Problem(Location(_swap(p.location.path, prefix, real), p.location.line, p.location.column),
                        p.severity, p.code, p.message, p.hint) for p in build.errors]


def _swap(path: str, prefix: str, real: str) -> str:
    return real + path[len(prefix):] if path.startswith(prefix) else path


# --- checkin ------------------------------------------------------------------------------------


def plan_checkin(path: Path, ids: tuple[str, str], entry: dict, *, force: bool) -> tuple[Edit, bool]:
    """The file with one check-in appended to key result `ids` = (objective, kr): (edit, replaced).

    Read under the goals folder's lock (`goalfile.lock_goals`), which the caller holds until the edit is written.
    """
    text, layout = read_goal_text(path)
    shown = display_path(path)
    data, yaml = load_rt(text)
    if dump_rt(yaml, data) != text:
        raise Refused([error(Location(shown, 1), "writeback.reformat",
                             "Expected a file goalsite can rewrite byte for byte, got one ruamel.yaml would reformat",
                             "Add this check-in by hand, or normalise the file's layout (indentation, spacing) first.")])
    kr = _find_key_result(shown, data, *ids)
    checkins = kr.get("checkins")
    allowed: set[int] = set()
    if checkins is None or len(checkins) == 0:
        if checkins is not None:
            allowed = {kr.lc.key("checkins")[0]}  # `checkins: []` becomes a block
        checkins = kr["checkins"] = CommentedSeq()
        checkins.fa.set_block_style()
    item, replaced = _checkin_item(entry, checkins), False
    for i, old in enumerate(checkins):
        if isinstance(old, dict) and str(old.get("date")) == str(entry["date"]):
            if not force:
                raise Refused([error(_at(shown, checkins, i), "writeback.checkin-exists",
                                     f"Expected a date without a check-in for {'/'.join(ids)}, got {entry['date']}, "
                                     "which has one", "Pass --force to replace it.")])
            checkins[i], replaced = item, True
            allowed |= set(range(checkins.lc.item(i)[0], _item_end(checkins, i, text)))
            break
    else:
        checkins.append(item)
    new = dump_rt(yaml, data)
    if not only_additions(text, new, allowed):
        raise Refused([error(_at(shown, kr, "checkins"), "writeback.reformat",
                             "Expected to add lines only, got changes to other lines of the file",
                             "Add this check-in by hand.")])
    return Edit(path, apply_layout(text, new, layout), existed=True), replaced


def _item_end(seq: CommentedSeq, i: int, text: str) -> int:
    """The 0-based line after sequence item `i` (up to the next item or the end of its block)."""
    if i + 1 < len(seq):
        return seq.lc.item(i + 1)[0]
    lines = _split(text)
    start, col = seq.lc.item(i)
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > col):
        end += 1
    return end


def _find_key_result(shown: str, data, objective_id: str, kr_id: str) -> CommentedMap:
    objectives = data.get("objectives") if isinstance(data, dict) else None
    objectives = objectives if isinstance(objectives, list) else []
    obj = next((o for o in objectives if isinstance(o, dict) and o.get("id") == objective_id), None)
    if obj is None:
        known = ", ".join(str(o.get("id")) for o in objectives if isinstance(o, dict)) or "none"
        where = _at(shown, data, "objectives") if isinstance(data, dict) and "objectives" in data else Location(shown, 1)
        raise Refused([error(where, "writeback.unknown-objective",
                             f"Expected an objective of this file ({known}), got {objective_id!r}")])
    krs = obj.get("key_results") if isinstance(obj.get("key_results"), list) else []
    kr = next((k for k in krs if isinstance(k, dict) and k.get("id") == kr_id), None)
    if kr is None:
        known = ", ".join(str(k.get("id")) for k in krs if isinstance(k, dict)) or "none"
        where = _at(shown, obj, "key_results") if "key_results" in obj else _at(shown, obj)
        raise Refused([error(where, "writeback.unknown-key-result",
                             f"Expected a key result of {objective_id} ({known}), got {kr_id!r}")])
    return kr


def _checkin_item(entry: dict, checkins: CommentedSeq) -> CommentedMap:
    """The new check-in, flow style when the key result's latest check-in is written so."""
    item = CommentedMap((k, entry[k]) for k in ("date", "value", "confidence", *TEXT_FIELDS) if entry.get(k) is not None)
    last = checkins[-1] if len(checkins) else None
    if isinstance(last, CommentedMap) and last.fa.flow_style():
        item.fa.set_flow_style()
    else:
        item.fa.set_block_style()
    return item


# --- rollover -----------------------------------------------------------------------------------


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
    from .resolve import period_dates

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


def find_checkin_file(build, unit_id: str, objective_id: str, period_id: str | None) -> Path:
    """The period file of `unit_id` that holds `objective_id`: in `period_id`, else in the one running period."""
    portal = build.portal
    if unit_id not in portal.units:
        org = build.goals.root / "org.yaml"
        raise Refused([error(Location(display_path(org), 1), "writeback.unknown-unit",
                             f"Expected a unit of org.yaml, got {unit_id!r}")])
    if period_id is not None:
        period = portal.periods.get(period_id)
        if period is None or unit_id not in period.files:
            having = sorted(p for p, per in portal.periods.items() if unit_id in per.files)
            raise Usage(f"Expected a period with a file for {unit_id} ({', '.join(having) or 'none'}), got {period_id!r}")
        return Path(period.files[unit_id].path)
    running = [p for p in portal.periods_in_order() if p.state(build.today) == "running" and unit_id in p.files]
    holding = [p for p in running if any(o.id == objective_id for o in p.files[unit_id].objectives)]
    if len(holding) == 1:
        return Path(holding[0].files[unit_id].path)
    if len(holding) > 1:
        raise Usage(f"{unit_id}/{objective_id} is in {len(holding)} running periods "
                    f"({', '.join(p.id for p in holding)}); pass --period")
    if len(running) == 1:
        return Path(running[0].files[unit_id].path)  # reports the unknown objective at its file
    raise Usage(f"Expected one running period with a file for {unit_id} on {build.today}, got "
                f"{', '.join(p.id for p in running) or 'none'}; pass --period")

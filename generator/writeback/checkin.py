"""`goalsite checkin`'s plan: the file that holds the key result, one check-in appended to it."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .goalfile import apply_layout, read_goal_text
from ..load import display_path
from ..problems import Location, error
from .edits import Edit, Refused, Usage
from .roundtrip import _at, _split, dump_rt, load_rt, only_additions

TEXT_FIELDS = ("note", "blockers", "next")


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

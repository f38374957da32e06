"""The alignment graph: `aligns_to` and `rolled_over_from` references become links; loops are reported and cut."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Iterator

from ..load import Source
from ..model import REF_RE
from ..problems import Location, error
from .nodes import KeyResultNode, ObjectiveNode, Portal

if TYPE_CHECKING:
    from .portal import Resolver


def _find(portal: Portal, ref: str, here: ObjectiveNode) -> tuple[ObjectiveNode | KeyResultNode | None, str, str]:
    """(target, the reference in full, its period) for an aligns_to or rolled_over_from string."""
    full, period, to_kr = full_ref(ref, here.period.id)
    target = portal.key_results.get(full) if to_kr else portal.objectives.get(full)
    return target, full, period


@functools.lru_cache(maxsize=100_000)  # the same references every rebuild: parsed once
def full_ref(ref: str, here: str) -> tuple[str, str, bool]:
    """(the reference in full, its period, whether it names a key result) of a reference made in period `here`."""
    m = REF_RE.match(ref)
    period = m.group(1) or here
    full = f"{period}:{m.group(2)}/{m.group(3)}" + (f"/{m.group(4)}" if m.group(4) else "")
    return full, period, bool(m.group(4))


def _aligns_to_at(src: Source, o: int, j: int) -> Location:
    """Where the j-th aligns_to entry of objective o is: `aligns_to: x` or a list of them, the item either way."""
    listed = isinstance(src.data["objectives"][o].get("aligns_to"), list)
    return src.at("objectives", o, "aligns_to", *([j] if listed else []))


def resolve_alignment(r: Resolver, portal: Portal) -> None:
    """Link each objective to the goals it aligns to and the one it rolled over from; then cut every loop."""
    by_source = {(pid, unit): (src, index) for pid, files in r.model.periods.items() for unit, (_, src, index) in files.items()}
    # (child, parent) -> where its aligns_to entry is, looked up only for a loop to report
    places: dict[tuple[ObjectiveNode, object], tuple[Source, int, int]] = {}
    for up_objectives, (src, index) in ((up.objectives, by_source[(period.id, unit_id)])
                                        for period in portal.periods.values() for unit_id, up in period.files.items()):
        for node, o in zip(up_objectives, index):
            aligns_to, rolled = node.obj.aligns_to, node.obj.rolled_over_from
            if (aligns_to or rolled) and portal.objectives[node.ref] is not node:
                continue  # a duplicate id (reported by model/checks.py): only the last one is linked
            if aligns_to:
                for j, ref in enumerate(aligns_to):
                    target, full, period = _find(portal, ref, node)
                    target_obj = target.objective if isinstance(target, KeyResultNode) else target
                    if target is None:
                        r.unknown(_aligns_to_at(src, o, j), "objective or key result", full, _refs_in(portal, period), full,
                                  "Write UNIT/OBJECTIVE or UNIT/OBJECTIVE/KR; prefix PERIOD: for another period.")
                    elif target_obj is node:
                        r.problems.append(error(_aligns_to_at(src, o, j), "resolve.self-alignment",
                                                f"aligns_to: Expected a parent goal, got {full}, which is this objective itself"))
                    else:
                        node.parents.append(target)
                        target.children.append(node)
                        places[(node, target)] = (src, o, j)
            if rolled:
                target, full, period = _find(portal, rolled, node)
                if isinstance(target, ObjectiveNode) and target.period.start < node.period.start:
                    node.rolled_over_from = target
                    target.rolled_over_to.append(node)
                elif target is None:
                    r.unknown(src.at("objectives", o, "rolled_over_from"), "objective", full, _refs_in(portal, period), full)
                else:
                    r.problems.append(error(src.at("objectives", o, "rolled_over_from"), "resolve.bad-rollover",
                                            f"rolled_over_from: Expected an objective of an earlier period, got {full}",
                                            "Write PERIOD:UNIT/OBJECTIVE, e.g. 2026-Q3:sales/win-dach."))
    _alignment_loops(r, portal, places)


def _refs_in(portal: Portal, period: str) -> list[str]:
    return [ref for ref in portal.objectives if ref.startswith(period + ":")]


def _alignment_loops(r: Resolver, portal: Portal, places: dict) -> None:
    """Report each loop of alignments once, naming every member, and cut it."""
    state: dict[ObjectiveNode, int] = {}  # 1 on the path, 2 done
    for start in sorted(portal.objectives.values(), key=lambda n: n.ref):
        if start in state:
            continue
        path: list[ObjectiveNode] = []
        stack: list[tuple[ObjectiveNode, Iterator]] = [(start, iter(list(start.parents)))]
        state[start] = 1
        path.append(start)
        while stack:
            node, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            target = parent.objective if isinstance(parent, KeyResultNode) else parent
            if state.get(target) == 1:
                loop = path[path.index(target):]
                names = " → ".join(n.ref for n in loop + [target])
                place = places.get((node, parent))
                r.problems.append(error(_aligns_to_at(*place) if place else node.location, "resolve.alignment-loop",
                                        f"aligns_to: Expected alignments to lead up to a top goal, got a loop: {names}",
                                        "Remove the `aligns_to` of one of these objectives, or point it outside the loop."))
                node.parents.remove(parent)
                parent.children.remove(node)
            elif target not in state:
                state[target] = 1
                path.append(target)
                stack.append((target, iter(list(target.parents))))

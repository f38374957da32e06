"""The machine-readable export of everything published: `export_json(build) -> dict`.

`goalsite export` prints it indented; the site has it as files (export_files.py): `api/goals.json`
(the whole of it while the company is small, else the index), `api/index.json` (all but the
objectives and key results) and one file per period and unit (its objectives).
Only published content is in it: public objectives and KPIs, plus private ones
when `build.include_private` (then `"restricted": true` and each object's
`"private"` says which). Deterministic: every list is sorted, no wall clock;
the same goals and `today` give the same export. Goal text is exported as
written (Markdown fields as Markdown): a consumer that shows it must escape or
sanitize it.

Schema (version 2: version 1 plus `complete` and `files`)::

    generator   {"name": "goalsite", "version": "0.1.0", "schema": 2}
    today       "YYYY-MM-DD", the build date everything is scored at
    restricted  true when private goals are included
    complete    true: `objectives` and `key_results` are in this document; false (api/index.json, and
                api/goals.json of a large company): they are not, read them from `files`
    files       [{period, unit, url "api/periods/PERIOD/UNIT.json", objectives n, key_results n}]
                                                                   sorted by period, then unit
    company     {id, name, mission, vision, purpose, strategy, url}   (texts: Markdown or null)
    settings    {checkin_every_days, stretch_success, fiscal_year_start_month}
    periods     [{id, kind, start, end, state, url, objective_count, mean_score,
                  status_counts {status: n}, committed_met, committed_total,
                  aspirational_mean, aspirational_successes, aspirational_total,
                  unit_scores {unit: score|null}}]                 sorted by start, then id
    units       [{id, name, kind, parent, lead, children [ids], url,
                  periods [{id, score, url}]}]                     sorted by id
    people      [{id, name, title, unit, url}]                     sorted by id
    objectives  [Objective]                                        sorted by ref
    key_results [KeyResult]                                        sorted by ref (flat: every key result)
    kpis        [Kpi]                                              sorted by id

    Objective   {ref "PERIOD:UNIT/OBJECTIVE", id, period, unit, title, description, url,
                 owner, collaborators [ids], kind "aspirational"|"committed", tags, private,
                 score 0..1|null, progress (the computed score, before a manual grade) 0..1|null,
                 manual_score bool, status, success true|false|null (closed periods),
                 confidence (mean of the key results' latest) |null,
                 aligns_to [ref | "private"], rolled_over_from ref|null,
                 initiatives [{title, owner, status, link, key_results [kr ids]}],
                 key_results [KeyResult]}                 full objects, the same as in the flat list
    KeyResult   {ref "PERIOD:UNIT/OBJECTIVE/KR", id, objective (ref), title, url, owner, private,
                 type "metric"|"milestone", metric {unit, from, to, keep_between, keep_above,
                 keep_below}|null, due, weight, kpi (id|null), from_kpi,
                 progress (as is, may be <0 or >1)|null, score 0..1|null, status, confidence,
                 stale, last_update, checkins [{date, value, confidence, note, blockers, next}]
                 (oldest first)}
    Kpi         {id, name, description, url, unit, owner, collaborators, informed, indicator,
                 predicts [ids], predicted_by [ids], calculation, source, update_every_days,
                 private, threshold {unit, keep_between, keep_above, keep_below}|null,
                 healthy true|false|null, value (latest)|null, date|null, stale,
                 moved_by [key result refs], values [{date, value}] (oldest first)}

Statuses: on-track, at-risk, off-track, no-data, not-started, achieved, missed.
URLs are site-relative (`units/sales-emea/2026-Q4/#obj-win-dach`).
"""

from __future__ import annotations

import csv
import io
import re

from typing import TYPE_CHECKING

from .render.links import (key_result_anchor, kpi_path, objective_anchor, people_path, period_path, person_anchor,
                           site_url, unit_index_path, unit_period_path)
from .resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit
from .render.site import Site
from .speed.memo import Memo, Table

if TYPE_CHECKING:
    from .pipeline import Build

SCHEMA_VERSION = 2


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def _id(thing) -> str | None:
    return thing.id if thing is not None else None


def export_json(build: "Build", site: Site | None = None, memo: Memo | None = None) -> dict:
    """Everything published, as plain JSON-ready data (see the module docstring for the schema).

    `site` is the build's Site when the caller has one already (the plugin shares the renderer's).
    With the `memo` of a rebuilding shell and a Site that render_pages() keyed with it, the objectives
    of a file whose unit page of the period has the same key as last time are taken from the last
    export (`memo.stats("export")` counts those files).
    """
    from .speed import gc as gc_policy

    if not build.ok:
        raise ValueError("export_json() needs a build without errors (check build.ok first)")
    with gc_policy.paused():
        return _export(build, site or Site(build), memo)


def _export(build: "Build", site: Site, memo: Memo | None) -> dict:
    from . import __version__

    # Without keys (a Site that render_pages() did not key) the memo's table is left as it is.
    table = (memo or Memo.none()).table("export") if site.page_keys else None
    objectives = [o for (pid, uid), nodes in sorted(site.files.items())
                  for o in _file_objectives(site, pid, uid, nodes, table)]
    objectives.sort(key=lambda o: o["ref"])
    key_results = sorted((kr for o in objectives for kr in o["key_results"]), key=lambda kr: kr["ref"])
    return {
        "generator": {"name": "goalsite", "version": __version__, "schema": SCHEMA_VERSION},
        "today": build.today.isoformat(),
        "restricted": bool(build.include_private),
        "complete": True,
        "files": _files(objectives),
        "company": _company(site),
        "settings": site.portal.settings.model_dump(),
        "periods": [_period(site, p) for p in reversed(site.periods_newest)],
        "units": [_unit(site, u) for u in sorted(site.units_in_order, key=lambda u: u.id)],
        "people": [{"id": p.id, "name": p.name, "title": p.title, "unit": _id(p.unit),
                    "url": site_url(people_path(p.unit.id), person_anchor(p.id)) if p.unit else None}
                   for p in sorted(site.portal.people.values(), key=lambda p: p.id)],
        "objectives": objectives,
        "key_results": key_results,
        "kpis": [_kpi(site, k) for k in site.kpis],
    }


def _files(objectives: list[dict]) -> list[dict]:
    """The export's `files`: where the site has the objectives of each period and unit (export_files.py)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for o in objectives:
        count = counts.setdefault((o["period"], o["unit"]), [0, 0])
        count[0] += 1
        count[1] += len(o["key_results"])
    return [{"period": period, "unit": unit, "url": export_file_url(period, unit), "objectives": n, "key_results": k}
            for (period, unit), (n, k) in sorted(counts.items())]


def export_file_url(period_id: str, unit_id: str) -> str:
    """The site path of the export's file of a unit's objectives in a period."""
    return f"api/periods/{period_id}/{unit_id}.json"


def _file_objectives(site: Site, period_id: str, unit_id: str, nodes: list[ObjectiveNode],
                     table: Table | None) -> list[dict]:
    """The exported objectives of one file, kept in the memo's `table` by its unit page's key.

    An objective's export shows nothing that its unit's page of the period does not (render/cache.py
    keys that page with the file and every file it links to, and what every page may show), so an
    unchanged key means unchanged objectives. The objects are shared between exports: read them,
    never change them.
    """
    key = site.page_keys.get(unit_period_path(unit_id, period_id))
    if table is None or key is None:
        return [_objective(site, node) for node in nodes]
    return table.lookup((period_id, unit_id), key, lambda: [_objective(site, node) for node in nodes])


def _company(site: Site) -> dict:
    c = site.portal.org.company
    return {"id": c.id, "name": c.name, "mission": c.mission, "vision": c.vision, "purpose": c.purpose,
            "strategy": c.strategy, "url": ""}


def _period(site: Site, period) -> dict:
    s = site.scores.periods[period.id]
    return {
        "id": period.id, "kind": period.kind, "start": _iso(period.start), "end": _iso(period.end),
        "state": s.state, "url": site_url(period_path(period.id)),
        "objective_count": s.objective_count, "mean_score": s.mean_score, "status_counts": dict(s.status_counts),
        "committed_met": s.committed_met, "committed_total": s.committed_total,
        "aspirational_mean": s.aspirational_mean, "aspirational_successes": s.aspirational_successes,
        "aspirational_total": s.aspirational_total,
        "unit_scores": {u: v for u, v in s.unit_scores.items() if (period.id, u) in site.files},
    }


def _unit(site: Site, unit: OrgUnit) -> dict:
    periods = []
    for period in reversed(site.unit_periods.get(unit.id, [])):
        score = site.scores.periods[period.id].unit_scores.get(unit.id)
        periods.append({"id": period.id, "score": score, "url": site_url(unit_period_path(unit.id, period.id))})
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "parent": _id(unit.parent), "lead": _id(unit.lead),
            "children": sorted(c.id for c in unit.children), "url": site_url(unit_index_path(unit.id)),
            "periods": periods}


def _parent_ref(site: Site, parent: ObjectiveNode | KeyResultNode) -> str:
    return parent.ref if site.visible(parent) else "private"


def _objective(site: Site, node: ObjectiveNode) -> dict:
    facts = site.scores.objectives[node.ref]
    obj = node.obj
    rolled = node.rolled_over_from
    return {
        "ref": node.ref, "id": node.id, "period": node.period.id, "unit": node.unit.id,
        "title": obj.title, "description": obj.description,
        "url": site_url(unit_period_path(node.unit.id, node.period.id), objective_anchor(node.id)),
        "owner": _id(node.owner), "collaborators": [p.id for p in node.collaborators],
        "kind": obj.kind, "tags": list(obj.tags), "private": node.private,
        "score": facts.score, "progress": facts.computed, "manual_score": facts.manual,
        "status": facts.status, "success": facts.success, "confidence": facts.confidence,
        "aligns_to": [_parent_ref(site, p) for p in node.parents],
        "rolled_over_from": rolled.ref if rolled is not None and site.visible(rolled) else None,
        "initiatives": [{"title": i.title, "owner": i.owner, "status": i.status, "link": i.link,
                         "key_results": list(i.key_results)} for i in obj.initiatives],
        "key_results": [_key_result(site, kr) for kr in node.key_results],
    }


def _metric(metric) -> dict | None:
    if metric is None:
        return None
    return {"unit": metric.unit, "from": metric.from_, "to": metric.to,
            "keep_between": list(metric.keep_between) if metric.keep_between else None,
            "keep_above": metric.keep_above, "keep_below": metric.keep_below}


def _threshold(metric) -> dict | None:
    if metric is None:
        return None
    return {"unit": metric.unit, "keep_between": list(metric.keep_between) if metric.keep_between else None,
            "keep_above": metric.keep_above, "keep_below": metric.keep_below}


def _key_result(site: Site, node: KeyResultNode) -> dict:
    facts = site.scores.key_results[node.ref]
    kr = node.kr
    obj = node.objective
    kpi = node.kpi if site.visible_kpi(node.kpi) else None
    return {
        "ref": node.ref, "id": node.id, "objective": obj.ref, "title": kr.title,
        "url": site_url(unit_period_path(obj.unit.id, obj.period.id), key_result_anchor(obj.id, node.id)),
        "owner": _id(node.owner), "private": node.private,
        "type": "milestone" if kr.milestone else "metric", "metric": _metric(kr.metric),
        "due": _iso(kr.due), "weight": kr.weight, "kpi": _id(kpi), "from_kpi": node.from_kpi and kpi is not None,
        "progress": facts.progress, "score": facts.score, "status": facts.status, "confidence": facts.confidence,
        "stale": facts.stale, "last_update": _iso(facts.last_update),
        "checkins": [{"date": _iso(c.date), "value": c.value, "confidence": c.confidence, "note": c.note,
                      "blockers": c.blockers, "next": c.next} for c in node.checkins if c.date <= site.today],
    }


def _kpi(site: Site, node: KpiNode) -> dict:
    health = site.scores.kpis[node.id]
    k = node.kpi
    informed = [x.id for x in node.informed]
    return {
        "id": k.id, "name": k.name, "description": k.description, "url": site_url(kpi_path(k.id)),
        "unit": _id(node.unit), "owner": _id(node.owner), "collaborators": [p.id for p in node.collaborators],
        "informed": informed, "indicator": k.indicator,
        "predicts": sorted(x.id for x in node.predicts if site.visible_kpi(x)),
        "predicted_by": sorted(x.id for x in node.predicted_by if site.visible_kpi(x)),
        "calculation": k.calculation, "source": k.source, "update_every_days": k.update_every_days,
        "private": node.private,
        "threshold": _threshold(k.metric),
        "healthy": health.healthy, "value": health.latest_value, "date": _iso(health.latest_date),
        "stale": health.stale,
        "moved_by": sorted(kr.ref for kr in node.moved_by if site.visible(kr)),
        "values": [{"date": _iso(v.date), "value": v.value} for v in node.values if v.date <= site.today],
    }


CSV_COLUMNS = ("type", "ref", "period", "unit", "title", "owner", "score", "progress", "status",
               "confidence", "stale", "url")
"""The columns of `goalsite export --format csv`: one row per objective and per key result."""


def export_csv(data: dict) -> str:
    """The objectives and key results of an `export_json()` document as CSV, in its order.

    A key result's period and unit are its objective's; empty cells mean "none yet".
    Goal text is written as is, except for two defences of whoever opens the file in a spreadsheet:

    * Every line break in a cell (CR LF, CR, and the other breaks `str.splitlines` knows) becomes
      LF, and a cell holding one is quoted. The writer quotes only the characters of its
      `lineterminator` (LF), so a bare CR was written unquoted: a spreadsheet ended the row there.
    * A spreadsheet that evaluates cells starting with =, +, - or @ (OWASP's advice for CSV
      injection also names tab and CR) would run them, so such a cell gets a leading apostrophe,
      and so does each such line of a multi-line cell: a reader that splits rows at line breaks
      even inside quotes still sees no formula.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    objectives = {o["ref"]: o for o in data["objectives"]}
    for obj in data["objectives"]:
        writer.writerow(_csv_row("objective", obj, obj))
        for kr in obj["key_results"]:
            writer.writerow(_csv_row("key-result", kr, objectives[kr["objective"]]))
    return out.getvalue()


def _csv_row(kind: str, item: dict, objective: dict) -> list:
    values = {**item, "type": kind, "period": objective["period"], "unit": objective["unit"]}
    return [_csv_cell(values.get(column)) for column in CSV_COLUMNS]


_LINE_BREAK = re.compile("\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# The ASCII signs and their full-width forms, which some spreadsheets read as the same.
_FORMULA_START = frozenset("=+-@\t\uff1d\uff0b\uff0d\uff20")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # numbers stay numbers, negative progress too
    lines = _LINE_BREAK.sub("\n", str(value)).split("\n")
    return "\n".join("'" + line if line.lstrip(" ")[:1] in _FORMULA_START else line for line in lines)

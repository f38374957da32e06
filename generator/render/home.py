"""The home page, a dashboard of the running period: answers first, the company's texts last.

At the top: the running quarter's status counts (objectives and key results), its key results at risk
or off track (worst first), the company's objectives with progress; then objectives at risk, recent
check-ins, stale key results and unhealthy KPIs that no key result of a running period moves; then the
periods and, one fold away, the mission, vision, purpose and strategy.

Every list is capped at `HOME_LIMIT` rows (worst or newest first) with a count of the rest and a link
to the period page, which lists them all, so the page stays small for a company of thousands of teams.
"""

from __future__ import annotations

from ..resolve import KeyResultNode, ObjectiveNode, Period
from ..score import SEVERITY
from .goals import checkin_value, confidence_text
from .kpis import health_badge
from .page import Pages
from .parts import STALE, STATUS_WORDS, Links, bar, status_badge
from .retro import ARCHIVE_PATH, retro_path
from .text import format_percent, with_unit

HOME_LIMIT = 8
COMPANY_TEXTS = (("Mission", "mission"), ("Vision", "vision"), ("Purpose", "purpose"), ("Strategy", "strategy"))
TROUBLED = ("off-track", "at-risk")


def _objective_row(pages: Pages, links: Links, node: ObjectiveNode) -> dict:
    facts = pages.site.scores.objectives[node.ref]
    return {"link": links.objective(node), "unit": links.unit(node.unit, node.period.id), "period": node.period.id,
            "owner": links.person(node.owner), "score": format_percent(facts.score),
            "bar": bar(facts.score, inline=True), "status": status_badge(facts.status)}


def _kr_row(pages: Pages, links: Links, kr: KeyResultNode) -> dict:
    facts = pages.site.scores.key_results[kr.ref]
    obj = kr.objective
    latest = facts.latest
    unit = None if kr.kr.metric is None else (kr.kr.metric.unit or "")
    return {"link": links.key_result(kr), "unit": links.unit(obj.unit, obj.period.id), "owner": links.person(kr.owner),
            "score": format_percent(facts.score), "status": status_badge(facts.status),
            "since": facts.last_update.isoformat() if facts.last_update else "never", "stale": STALE,
            "date": latest.date.isoformat() if latest else "", "value": checkin_value(latest, unit) if latest else "",
            "confidence": confidence_text(latest.confidence) if latest else ""}


def _running(pages: Pages) -> list[Period]:
    site = pages.site
    return [p for p in site.periods_newest if p.state(site.today) == "running"]


def _capped(rows: list, limit: int = HOME_LIMIT) -> tuple[list, int]:
    return rows[:limit], max(0, len(rows) - limit)


def _counts(statuses: list[str]) -> list[dict]:
    """How many of each status, worst first: [{"count": 2, "status": badge}, ...]."""
    seen = {s: statuses.count(s) for s in sorted(set(statuses), key=lambda s: (SEVERITY.get(s, 99), s))}
    return [{"count": n, "status": status_badge(s), "word": STATUS_WORDS.get(s, s)} for s, n in seen.items()]


def _glance(pages: Pages, links: Links) -> dict:
    site = pages.site
    quarter = site.running_quarter
    company = site.portal.company
    others = [p for p in _running(pages) if p is not quarter and site.objectives(p.id, company.id)]
    objectives = [o for (pid, _), objs in site.files.items() if quarter and pid == quarter.id for o in objs]
    krs = [kr for o in objectives for kr in o.key_results]
    return {
        "quarter": links.period(quarter.id) if quarter else "",
        "elapsed": format_percent(site.scores.periods[quarter.id].elapsed) if quarter else "",
        "mean": format_percent(site.scores.periods[quarter.id].mean_score) if quarter else "",
        "objective_counts": _counts([site.scores.objectives[o.ref].status for o in objectives]),
        "kr_counts": _counts([site.scores.key_results[kr.ref].status for kr in krs]),
        "rows": [_objective_row(pages, links, o) for o in site.objectives(quarter.id, company.id)] if quarter else [],
        "annual": [{"period": links.period(p.id),
                    "rows": [_objective_row(pages, links, o) for o in site.objectives(p.id, company.id)]} for p in others],
    }


def _attention(pages: Pages, links: Links) -> dict:
    """Key results and objectives of running periods at risk or off track (worst first, org order inside),
    stale key results, the latest check-ins, unhealthy KPIs no key result moves: each capped."""
    site = pages.site
    troubled: list[ObjectiveNode] = []
    risky: list[KeyResultNode] = []
    stale: list[KeyResultNode] = []
    checked: list[KeyResultNode] = []
    for period in _running(pages):
        for unit in site.units_in_order:
            for node in site.objectives(period.id, unit.id):
                if site.scores.objectives[node.ref].status in TROUBLED:
                    troubled.append(node)
                for kr in node.key_results:
                    facts = site.scores.key_results[kr.ref]
                    risky += [kr] if facts.status in TROUBLED else []
                    stale += [kr] if facts.stale else []
                    checked += [kr] if facts.latest is not None and facts.latest.date <= site.today else []
    troubled.sort(key=lambda n: SEVERITY[site.scores.objectives[n.ref].status])  # stable: org order inside
    risky.sort(key=lambda n: SEVERITY[site.scores.key_results[n.ref].status])
    checked.sort(key=lambda kr: site.scores.key_results[kr.ref].latest.date, reverse=True)
    kpis = [site.portal.kpis[k] for k in site.scores.unhealthy_unmoved if site.visible_kpi(site.portal.kpis.get(k))]
    out: dict = {}
    for name, nodes, row in (("troubled", troubled, _objective_row), ("risky", risky, _kr_row),
                             ("stale", stale, _kr_row), ("recent", checked, _kr_row)):
        shown, out[f"{name}_more"] = _capped(nodes)
        out[name] = [row(pages, links, n) for n in shown]
    shown, out["kpis_more"] = _capped(kpis)
    out["kpis"] = [{"link": links.kpi(k), "health": health_badge(False),
                    "value": with_unit(site.scores.kpis[k.id].latest_value, k.kpi.metric.unit if k.kpi.metric else "")}
                   for k in shown]
    return out


def _moves(pages: Pages, links: Links) -> dict:
    """Links between periods: the running one, the one before it (of the same kind) and the archive."""
    site = pages.site
    now = site.running_quarter
    closed = [p for p in site.periods_newest if p.state(site.today) == "closed" and (now is None or p.kind == now.kind)]
    previous = closed[0] if closed else None
    return {
        "now": links.period(now.id) if now else "",
        "now_page": links.period(now.id, f"the {now.id} page") if now else "",
        "now_retro": links.to("draft retrospective", retro_path(now.id)) if now else "",
        "previous": links.period(previous.id) if previous else "",
        "previous_retro": links.to("retrospective", retro_path(previous.id)) if previous else "",
        "archive": links.to("All retrospectives", ARCHIVE_PATH),
    }


def render_home(pages: Pages) -> None:
    if not pages.owns("index.md"):  # before gathering anything for it
        return
    site = pages.site
    links = pages.links("index.md")
    company = site.portal.org.company
    texts = [{"heading": heading, "body": site.markdown.block(getattr(company, key))}
             for heading, key in COMPANY_TEXTS if getattr(company, key)]
    pages.add(
        "index.md", "home.md.j2", company.name, [],
        company=company.name, texts=texts,
        glance=_glance(pages, links),
        moves=_moves(pages, links),
        attention=_attention(pages, links),
        periods=[{"link": links.period(p.id), "state": p.state(site.today),
                  "retro": links.to("retrospective", retro_path(p.id)) if p.state(site.today) == "closed" else ""}
                 for p in site.periods_newest],
        units=links.to("Units", "units/index.md"), people=links.to("People", "people/index.md"),
        kpis=links.to("KPIs", "kpis/index.md"), all_periods=links.to("All periods", "periods/index.md"),
        tag_index=links.to("Tags", "tags/index.md"),
    )

"""The home page: the company's mission and strategy, the running period at a glance,
and what needs attention (off-track and at-risk objectives, stale key results by
owner, unhealthy KPIs that no key result of a running period moves).

Attention lists are capped at `ATTENTION_LIMIT` rows each (worst first), with a
count of the rest, so the page stays small for a company of thousands of teams.
"""

from __future__ import annotations

from ..resolve import KeyResultNode, ObjectiveNode, Period
from ..score import SEVERITY
from .page import Pages
from .parts import Links, STALE, bar, status_badge
from .kpis import health_badge
from .retro import ARCHIVE_PATH, retro_path
from .text import format_percent, with_unit

ATTENTION_LIMIT = 50
COMPANY_TEXTS = (("Mission", "mission"), ("Vision", "vision"), ("Purpose", "purpose"), ("Strategy", "strategy"))


def _objective_row(pages: Pages, links: Links, node: ObjectiveNode) -> dict:
    facts = pages.site.scores.objectives[node.ref]
    return {"link": links.objective(node), "unit": links.unit(node.unit, node.period.id), "period": node.period.id,
            "owner": links.person(node.owner), "score": format_percent(facts.score),
            "bar": bar(facts.score, inline=True), "status": status_badge(facts.status)}


def _running(pages: Pages) -> list[Period]:
    site = pages.site
    return [p for p in site.periods_newest if p.state(site.today) == "running"]


def _glance(pages: Pages, links: Links) -> dict:
    site = pages.site
    quarter = site.running_quarter
    company = site.portal.company
    others = [p for p in _running(pages) if p is not quarter and site.objectives(p.id, company.id)]
    return {
        "quarter": links.period(quarter.id) if quarter else "",
        "elapsed": format_percent(site.scores.periods[quarter.id].elapsed) if quarter else "",
        "mean": format_percent(site.scores.periods[quarter.id].mean_score) if quarter else "",
        "rows": [_objective_row(pages, links, o) for o in site.objectives(quarter.id, company.id)] if quarter else [],
        "annual": [{"period": links.period(p.id),
                    "rows": [_objective_row(pages, links, o) for o in site.objectives(p.id, company.id)]} for p in others],
    }


def _attention(pages: Pages, links: Links) -> dict:
    site = pages.site
    troubled: list[ObjectiveNode] = []
    stale: dict[str, list[KeyResultNode]] = {}
    for period in _running(pages):
        for unit in site.units_in_order:
            for node in site.objectives(period.id, unit.id):
                if site.scores.objectives[node.ref].status in ("off-track", "at-risk"):
                    troubled.append(node)
                for kr in node.key_results:
                    if site.scores.key_results[kr.ref].stale:
                        stale.setdefault(kr.owner.id if kr.owner else "", []).append(kr)
    troubled.sort(key=lambda n: SEVERITY[site.scores.objectives[n.ref].status])  # stable: org order inside
    owners = sorted(stale, key=lambda pid: (site.portal.people[pid].name.casefold(), pid) if pid else ("", ""))
    stale_rows = [{"owner": links.person(site.portal.people.get(pid)),
                   "krs": [_stale_kr(pages, links, kr) for kr in stale[pid]]} for pid in owners]
    kpis = [site.portal.kpis[k] for k in site.scores.unhealthy_unmoved if site.visible_kpi(site.portal.kpis.get(k))]
    return {
        "troubled": [_objective_row(pages, links, n) for n in troubled[:ATTENTION_LIMIT]],
        "troubled_more": max(0, len(troubled) - ATTENTION_LIMIT),
        "stale": stale_rows[:ATTENTION_LIMIT],
        "stale_more": max(0, len(stale_rows) - ATTENTION_LIMIT),
        "kpis": [{"link": links.kpi(k), "health": health_badge(False),
                  "value": with_unit(site.scores.kpis[k.id].latest_value, k.kpi.metric.unit if k.kpi.metric else "")}
                 for k in kpis],
    }


def _stale_kr(pages: Pages, links: Links, kr: KeyResultNode) -> dict:
    facts = pages.site.scores.key_results[kr.ref]
    return {"link": links.key_result(kr), "unit": kr.objective.unit.name, "period": kr.objective.period.id,
            "since": facts.last_update.isoformat() if facts.last_update else "never", "stale": STALE}


def _moves(pages: Pages, links: Links) -> dict:
    """Links between periods: the running one, the one before it (of the same kind) and the archive."""
    site = pages.site
    now = site.running_quarter
    closed = [p for p in site.periods_newest if p.state(site.today) == "closed" and (now is None or p.kind == now.kind)]
    previous = closed[0] if closed else None
    return {
        "now": links.period(now.id) if now else "",
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
        texts=texts,
        glance=_glance(pages, links),
        moves=_moves(pages, links),
        attention=_attention(pages, links),
        periods=[{"link": links.period(p.id), "state": p.state(site.today),
                  "retro": links.to("retrospective", retro_path(p.id)) if p.state(site.today) == "closed" else ""}
                 for p in site.periods_newest],
        units=links.to("Units", "units/index.md"), people=links.to("People", "people/index.md"),
        kpis=links.to("KPIs", "kpis/index.md"), all_periods=links.to("All periods", "periods/index.md"),
    )

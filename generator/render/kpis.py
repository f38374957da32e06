"""KPI pages: the catalogue, and one page per published KPI.

A KPI page shows its definition, calculation, source, owner and
collaborators, unit and who is informed, leading/lagging links both ways
(only to published KPIs), the threshold and health now, the values (newest
first), its update cadence and staleness, and the published key results that
move it, running periods first.
"""

from __future__ import annotations

from markupsafe import Markup

from ..resolve import KpiNode, OrgUnit
from ..score import inside
from .departments import list_pages, pager
from .figures import kpi_chart
from .links import kpi_path
from .page import Pages
from .parts import STALE, Links, status_badge
from .text import format_number, with_unit

HEALTH_WORDS = {True: "healthy", False: "unhealthy", None: "no threshold"}
#: KPIs on one page of the catalogue; the next ones on kpis/_page/<n>.md (issue 28: no page grows with the company).
KPI_PAGE = 100
CATALOGUE = "kpis/index.md"


def health_badge(healthy: bool | None, has_values: bool = True) -> Markup:
    word = HEALTH_WORDS[healthy] if (healthy is not None or has_values) else "no data"
    css = {True: "on-track", False: "off-track", None: "no-data"}[healthy]
    return Markup(f'<span class="portal-status portal-status--{css} portal-health">{word}</span>')


def threshold_text(kpi: KpiNode) -> str:
    metric = kpi.kpi.metric
    if metric is None:
        return "none"
    unit = metric.unit or ""
    if metric.keep_between is not None:
        return f"between {format_number(metric.keep_between[0])} and {with_unit(metric.keep_between[1], unit)}"
    if metric.keep_above is not None:
        return f"at or above {with_unit(metric.keep_above, unit)}"
    if metric.keep_below is not None:
        return f"at or below {with_unit(metric.keep_below, unit)}"
    return "none"


def _unit_of(kpi: KpiNode) -> str:
    return kpi.kpi.metric.unit if kpi.kpi.metric is not None and kpi.kpi.metric.unit else ""


def render_kpi_pages(pages: Pages) -> None:
    site = pages.site
    listed = list_pages(CATALOGUE, "kpis", list(site.kpis), size=KPI_PAGE, name="_page")
    for here in listed:
        if pages.owns(here.path):  # before gathering anything for it
            _render_catalogue(pages, listed, here)
    for kpi in site.kpis:
        _render_kpi(pages, kpi)


def _render_catalogue(pages: Pages, listed: list, here) -> None:
    """kpis/index.md, then kpis/_page/<n>.md: KPI_PAGE KPIs a page, with a pager."""
    site = pages.site
    links = pages.links(here.path)
    rows = []
    for kpi in here.items:
        health = site.scores.kpis[kpi.id]
        rows.append({"link": links.kpi(kpi), "owner": links.person(kpi.owner), "unit": links.unit(kpi.unit),
                     "indicator": kpi.kpi.indicator or "", "value": _latest(kpi, health.latest_value),
                     "date": health.latest_date.isoformat() if health.latest_date else "",
                     "health": health_badge(health.healthy, health.latest_value is not None),
                     "stale": STALE if health.stale else ""})
    first = here.number == 1
    pages.add(here.path, "kpis.md.j2", "KPIs" if first else f"KPIs · page {here.number}", ["kpis"] if first else [],
              rows=rows, pager=pager(links, listed, here), count=len(site.kpis))


def _latest(kpi: KpiNode, value: float | None) -> str:
    return "–" if value is None else with_unit(value, _unit_of(kpi))


def _movers(pages: Pages, links: Links, kpi: KpiNode) -> list[dict]:
    site = pages.site
    rows = []
    for kr in site.movers(kpi):
        facts = site.scores.key_results[kr.ref]
        period = kr.objective.period
        rows.append({"link": links.key_result(kr), "unit": links.unit(kr.objective.unit, period.id),
                     "period": period.id, "state": period.state(site.today),
                     "status": status_badge(facts.status), "owner": links.person(kr.owner)})
    return rows


def _render_kpi(pages: Pages, kpi: KpiNode) -> None:
    site = pages.site
    path = kpi_path(kpi.id)
    if not pages.owns(path):
        return
    links = pages.links(path)
    health = site.scores.kpis[kpi.id]
    k = kpi.kpi
    metric = k.metric
    values = [{"date": v.date.isoformat(), "value": with_unit(v.value, _unit_of(kpi)),
               "inside": "–" if metric is None else ("inside" if inside(metric, v.value) else "outside")}
              for v in reversed(kpi.values) if v.date <= site.today]
    tags = ["kpi"] + (["unhealthy"] if health.healthy is False else [])
    pages.add(
        path, "kpi.md.j2", k.name, tags, boost=True,
        private=kpi.private,
        description=site.markdown.block(k.description),
        calculation=k.calculation or "", source=k.source or "",
        owner=links.person(kpi.owner), collaborators=links.people(kpi.collaborators),
        unit=links.unit(kpi.unit),
        informed=[links.unit(x) if isinstance(x, OrgUnit) else links.person(x) for x in kpi.informed],
        indicator=k.indicator or "",
        predicts=[links.kpi(x) for x in kpi.predicts if site.visible_kpi(x)],
        predicted_by=[links.kpi(x) for x in kpi.predicted_by if site.visible_kpi(x)],
        threshold=threshold_text(kpi),
        health=health_badge(health.healthy, health.latest_value is not None),
        latest=_latest(kpi, health.latest_value),
        latest_date=health.latest_date.isoformat() if health.latest_date else "",
        every=format_number(k.update_every_days) if k.update_every_days else "",
        stale=STALE if health.stale else "",
        values=values,
        movers=_movers(pages, links, kpi),
        chart=kpi_chart(site, path, kpi),
    )

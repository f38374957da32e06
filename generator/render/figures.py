"""Chart slots of the pages: a figure of charts.py with its text alternative, for one page.

Each function returns Markup, the raw HTML of `embed()` (a `.portal-chart` slot and a
visually hidden summary), or "" when there is nothing to draw; the template puts a blank line
before and after it. The figure's JSON is written by the render's encoder (`site.figure_json`,
figure_json.py). The summary says the chart's message in words and numbers; the numbers
in full are on the page already (check-in history, values, periods, score bands, departments,
the alignment list), except for the objectives' scorecard, which brings its own small table.

Only published content reaches a figure: pages pass the lists `Site` filtered, and key
results and targets are checked with `Site.visible()` here again. The plotly.js URL and the
links inside a figure are relative to the page's URL (`site_root()`, `url_link()`), because
MkDocs rewrites links in Markdown only, never inside chart data.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from .. import charts
from ..resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Period
from ..score import inside
from .figure_json import figure_json
from .links import site_root
from .parts import STATUS_WORDS, status_badge
from .site import Site
from .text import escape_text, format_number, format_percent, with_unit


def embed(figure: dict, summary: str, root: str, figure_text: str | None = None) -> str:
    """The chart slot: figure JSON in `data-figure`, plotly's URL, and a text alternative.

    `figure_text` is the figure's JSON when the caller has it already; else figure_json() writes it.

    `root` is the relative path from the page to the site root ("../../"). `summary`
    (plain text, e.g. "12 of 25 logos on 2026-11-16; target 25 by 2026-12-31") becomes the
    slot's `aria-label` and a visually hidden paragraph (indexed by search, except on key results, whose
    sections are out of the index: see _goal.md.j2). Two lines of
    raw HTML without indentation: the caller puts a blank line before and after.
    """
    text = escape_text(summary)
    height = figure.get("layout", {}).get("height")
    style = f' style="min-height:{int(height)}px"' if isinstance(height, (int, float)) else ""
    return (
        f'<div class="portal-chart" role="img" aria-label="{text}"{style} '
        f'data-plotly="{escape_text(root + charts.PLOTLY_PATH)}" '
        f'data-figure=\'{figure_json(figure) if figure_text is None else figure_text}\'></div>\n'
        f'<p class="portal-chart-alt">{text}</p>\n'
    )


def _slot(site: Site, figure: dict, summary: str, page: str, figure_text: str | None = None) -> Markup:
    text = site.figure_json(figure) if figure_text is None else figure_text
    return Markup(embed(figure, summary, site_root(page), text).rstrip("\n"))


# --- unit pages ------------------------------------------------------------------------------


def key_result_chart(site: Site, page: str, kr: KeyResultNode) -> Markup:
    """Values against the ideal line (or band), confidence underneath; "" before the first check-in."""
    checkins = [c for c in kr.checkins if c.date <= site.today]
    if not site.visible(kr) or not checkins:
        return Markup("")
    facts = site.scores.key_results[kr.ref]
    figure = charts.key_result_figure(kr, facts, site.today)
    return _slot(site, figure, key_result_summary(kr, checkins, facts.expected), page)


def key_result_summary(kr: KeyResultNode, checkins: list, expected: float | None = None) -> str:
    """"12 of 25 logos on 2026-11-16; target 25 logos by 2026-12-31; expected pace 40 % by today; confidence 6/10".

    `expected` is the share of the way the key result should have come by today (running periods).
    """
    last = checkins[-1]
    metric = kr.kr.metric
    end = (kr.kr.due or kr.objective.period.end).isoformat()
    if metric is None:
        text = f"{format_percent(last.value)} done on {last.date.isoformat()}; due {end}"
    elif metric.is_keep:
        hits = sum(inside(metric, c.value) for c in checkins)
        text = (f"{with_unit(last.value, metric.unit)} on {last.date.isoformat()}; {hits} of {len(checkins)} "
                f"check-ins {_band_text(metric)}")
    elif metric.form == "reduce":
        text = (f"{with_unit(last.value, metric.unit)} on {last.date.isoformat()}, from {format_number(metric.from_)}; "
                f"target {with_unit(metric.to, metric.unit)} by {end}")
    else:
        text = (f"{format_number(last.value)} of {with_unit(metric.to, metric.unit)} on {last.date.isoformat()}; "
                f"target {with_unit(metric.to, metric.unit)} by {end}")
    if expected is not None and not (metric is not None and metric.is_keep):
        text += f"; expected pace {format_percent(expected)} of the way by today"
    if last.confidence is not None:
        text += f"; confidence {last.confidence}/10"
    return text


def _band_text(metric) -> str:
    if metric.keep_between is not None:
        return f"inside {format_number(metric.keep_between[0])}–{with_unit(metric.keep_between[1], metric.unit)}"
    if metric.keep_above is not None:
        return f"at or above {with_unit(metric.keep_above, metric.unit)}"
    return f"at or below {with_unit(metric.keep_below, metric.unit)}"


def objectives_chart(site: Site, page: str, nodes: list[ObjectiveNode]) -> Markup:
    """The unit's scorecard for a period: one bar per objective, coloured by status, and its table."""
    nodes = [n for n in nodes if site.visible(n)]
    if not nodes:
        return Markup("")
    facts = [site.scores.objectives[n.ref] for n in nodes]
    counts: dict[str, int] = {}
    for f in facts:
        counts[f.status] = counts.get(f.status, 0) + 1
    summary = f"Scores of {len(nodes)} objective{'s' if len(nodes) != 1 else ''}: " + ", ".join(
        f"{n} {STATUS_WORDS.get(s, s)}" for s, n in sorted(counts.items()))
    rows = Markup("").join(
        # Titles as text: each objective's heading follows right below (and is in the table of contents).
        Markup(f"<tr><td>{escape_text(n.obj.title)}</td>"
               f"<td>{escape_text(format_percent(f.score))}</td><td>{status_badge(f.status)}</td></tr>")
        for n, f in zip(nodes, facts))
    table = Markup('<details class="portal-chart-data" data-search-exclude><summary>Scores as a table</summary>'
                   '<table class="portal-table"><thead><tr><th>Objective</th><th>Score</th><th>Status</th></tr>'
                   f"</thead><tbody>{rows}</tbody></table></details>")
    return _slot(site, charts.objectives_figure(nodes, site.scores), summary, page) + Markup("\n") + table


def unit_history_chart(site: Site, page: str, unit: OrgUnit) -> Markup:
    """The unit's score in each published period, oldest first; "" with fewer than two scores."""
    periods = sorted(site.unit_periods.get(unit.id, []), key=lambda p: (p.start, p.end, p.id))
    scored = [(p, s) for p in periods if (s := site.scores.periods[p.id].unit_scores.get(unit.id)) is not None]
    if len(scored) < 2:
        return Markup("")
    summary = f"{unit.name} score by period: " + ", ".join(f"{p.id} {format_percent(s)}" for p, s in scored)
    return _slot(site, charts.unit_history_figure(unit, [p for p, _ in scored], site.scores), summary, page)


# --- period pages ------------------------------------------------------------------------------


def period_objectives(site: Site, period: Period) -> list[ObjectiveNode]:
    """The period's published objectives, units in tree order."""
    return [o for unit in site.units_in_order for o in site.objectives(period.id, unit.id)]


def distribution_chart(site: Site, page: str, period: Period, nodes: list[ObjectiveNode]) -> Markup:
    """Objective scores, aspirational and committed apart, with the stretch line."""
    s = site.scores.periods[period.id]
    if not s.scored:
        return Markup("")
    stretch = site.portal.settings.stretch_success
    summary = (f"Scores of {len(s.scored)} objectives in {period.id}: {s.aspirational_total} aspirational, mean "
               f"{format_percent(s.aspirational_mean)}, {s.aspirational_successes} at or above the stretch line of "
               f"{format_percent(stretch)}; {s.committed_met} of {s.committed_total} committed met")
    return _slot(site, charts.distribution_figure(nodes, site.scores, stretch), summary, page)


def departments_chart(site: Site, page: str, period: Period) -> Markup:
    """Mean score of each department with a score."""
    scores = site.scores.periods[period.id].department_scores
    rows = [(d, scores[d.id]) for d in site.portal.company.children if scores.get(d.id) is not None]
    if not rows:
        return Markup("")
    summary = "Department scores: " + ", ".join(f"{d.name} {format_percent(s)}" for d, s in rows)
    return _slot(site, charts.departments_figure(site.portal, period, site.scores), summary, page)


# --- KPI pages ------------------------------------------------------------------------------------


def kpi_targets(site: Site, kpi: KpiNode) -> list[tuple[str, dt.date, dt.date, float]]:
    """(title, start, end, target) of the published key results that move the KPI on its own scale.

    A key result counts when it takes its values from the KPI or measures in the KPI's unit;
    a target in another unit would be a point on the wrong axis.
    """
    unit = kpi.kpi.metric.unit if kpi.kpi.metric is not None else None
    out = []
    for kr in site.movers(kpi):
        metric = kr.kr.metric
        if metric is None or metric.is_keep or metric.to is None or not site.visible(kr):
            continue
        if kr.from_kpi or (metric.unit or None) == (unit or None):
            period = kr.objective.period
            out.append((kr.kr.title, period.start, kr.kr.due or period.end, metric.to))
    return sorted(out, key=lambda t: (t[1], t[2], t[0]))


def kpi_chart(site: Site, page: str, kpi: KpiNode) -> Markup:
    """The KPI's series with its band, healthy and unhealthy points, and key-result targets."""
    values = [v for v in kpi.values if v.date <= site.today]
    if not values or not site.visible_kpi(kpi):
        return Markup("")
    metric = kpi.kpi.metric
    unit = metric.unit if metric is not None else None
    last = values[-1]
    summary = f"{kpi.kpi.name}: {with_unit(last.value, unit)} on {last.date.isoformat()}"
    if metric is not None:
        healthy = sum(inside(metric, v.value) for v in values)
        summary += f"; {healthy} of {len(values)} values healthy ({_band_text(metric)})"
    targets = kpi_targets(site, kpi)
    if targets:
        summary += "; key result targets: " + ", ".join(
            f"{with_unit(y, unit)} by {end.isoformat()}" for _, _, end, y in targets)
    return _slot(site, charts.kpi_figure(kpi, targets, site.today), summary, page)


__all__ = ["departments_chart", "distribution_chart", "embed", "key_result_chart", "kpi_chart",
           "objectives_chart", "period_objectives", "unit_history_chart"]

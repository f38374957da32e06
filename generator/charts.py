"""Plotly figures as plain, JSON-ready dicts: no HTML, no files, no plotly import.

Figures carry no template (plotly.js's own defaults apply; the page script sets
colours for the light or dark palette), so each stays a few kilobytes. Goal
text inside a figure is escaped for plotly's pseudo-HTML labels and is only
ever data (`text`, `customdata`), never part of a hover template.

`embed()` turns a figure into the `<div class="portal-chart" data-figure=…>`
slot that assets/portal.js draws, with a text alternative for screen readers.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Callable, Iterable

from .resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Period, Portal
from .score import KeyResultScore, ObjectiveScore, Scores, inside

STATUS_COLORS = {
    "on-track": "#2e7d32", "achieved": "#2e7d32",
    "at-risk": "#ef8f00",
    "off-track": "#c62828", "missed": "#c62828",
    "no-data": "#9e9e9e", "not-started": "#78909c",
}
ACCENT = "#3f51b5"
BAND = "rgba(46, 125, 50, 0.12)"
TARGET = "#6a1b9a"
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}
PLOTLY_PATH = "assets/plotly.min.js"
"""Where the site serves plotly.js, relative to the site root."""


def label(text: str) -> str:
    """Goal text made safe for plotly labels, which read a little HTML (<b>, <a href>, <br>)."""
    return html.escape(text, quote=False)


def _day(d: dt.date) -> str:
    return d.isoformat()


def _layout(**extra) -> dict:
    base = {
        "margin": {"l": 48, "r": 16, "t": 24, "b": 40},
        "height": 300,
        "showlegend": False,
        "hovermode": "closest",
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True, "zeroline": False},
    }
    base.update(extra)
    return base


# --- key results -----------------------------------------------------------------


def key_result_figure(node: KeyResultNode, fact: KeyResultScore) -> dict:
    """Check-in values against the ideal line (or band), with confidence underneath."""
    period, kr = node.objective.period, node.kr
    checkins = node.checkins
    xs = [_day(c.date) for c in checkins]
    ys = [c.value for c in checkins]
    end = kr.due or period.end
    data, shapes = [], []
    yaxis = {"domain": [0.34, 1], "automargin": True, "zeroline": False, "title": {"text": label(kr.metric.unit or "") if kr.metric else "done"}}
    if kr.metric is None:  # milestone: fraction done, 0..1, paced to the due date
        ys = [v * 100 for v in ys]
        yaxis.update(range=[0, 105], ticksuffix=" %", title={"text": "done"})
        data.append({"type": "scatter", "mode": "lines", "x": [_day(period.start), _day(end)], "y": [0, 100],
                     "line": {"dash": "dot", "color": ACCENT}, "name": "plan", "hoverinfo": "skip"})
        shapes.append(_vline(end, "due"))
        colors = [ACCENT] * len(ys)
    elif kr.metric.is_keep:
        lo, hi = _band(kr.metric)
        shapes.append({"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": lo, "y1": hi,
                       "fillcolor": BAND, "line": {"width": 0}, "layer": "below"})
        colors = [STATUS_COLORS["on-track"] if inside(kr.metric, c.value) else STATUS_COLORS["off-track"] for c in checkins]
    else:
        data.append({"type": "scatter", "mode": "lines", "x": [_day(period.start), _day(end)],
                     "y": [kr.metric.from_, kr.metric.to], "line": {"dash": "dot", "color": ACCENT},
                     "name": "ideal", "hoverinfo": "skip"})
        shapes.append(_hline(kr.metric.to, "y"))
        colors = [ACCENT] * len(ys)
    data.append({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "name": "value",
                 "marker": {"color": colors, "size": 8}, "line": {"color": ACCENT},
                 "hovertemplate": "%{x}: %{y}<extra></extra>"})
    conf = [(c.date, c.confidence) for c in checkins if c.confidence is not None]
    data.append({"type": "bar", "x": [_day(d) for d, _ in conf], "y": [v for _, v in conf], "yaxis": "y2",
                 "name": "confidence", "marker": {"color": [_confidence_color(v) for _, v in conf]},
                 "hovertemplate": "%{x}: confidence %{y}/10<extra></extra>"})
    layout = _layout(
        height=340, shapes=shapes, yaxis=yaxis,
        xaxis={"range": [_day(period.start), _day(period.end)], "type": "date", "automargin": True},
        yaxis2={"domain": [0, 0.24], "range": [0, 10], "title": {"text": "confidence"}, "dtick": 5},
    )
    return {"data": data, "layout": layout}


def _band(metric) -> tuple[float, float]:
    if metric.keep_between is not None:
        return metric.keep_between
    if metric.keep_above is not None:
        return metric.keep_above, None
    return None, metric.keep_below


def _hline(y: float, yref: str) -> dict:
    return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": yref, "y0": y, "y1": y,
            "line": {"dash": "dash", "color": TARGET, "width": 1.5}}


def _vline(day: dt.date, name: str) -> dict:
    return {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "xref": "x", "x0": _day(day), "x1": _day(day),
            "line": {"dash": "dash", "color": TARGET, "width": 1.5}, "name": name}


def _confidence_color(value: int) -> str:
    if value <= 3:
        return STATUS_COLORS["off-track"]
    return STATUS_COLORS["at-risk"] if value <= 6 else STATUS_COLORS["on-track"]


# --- objectives and units -------------------------------------------------------------


def objectives_figure(objectives: list[ObjectiveNode], scores: Scores) -> dict:
    """One horizontal bar per objective: its score, coloured by status."""
    facts = [scores.objectives[o.ref] for o in objectives]
    return {
        "data": [{
            "type": "bar", "orientation": "h",
            "y": [label(o.obj.title) for o in objectives],
            "x": [round((f.score or 0) * 100, 1) for f in facts],
            "text": [f.status for f in facts], "textposition": "auto",
            "marker": {"color": [STATUS_COLORS[f.status] for f in facts]},
            "hovertemplate": "%{y}: %{x} % (%{text})<extra></extra>",
        }],
        "layout": _layout(height=max(160, 60 + 44 * len(objectives)),
                          xaxis={"range": [0, 100], "ticksuffix": " %", "automargin": True},
                          yaxis={"automargin": True, "autorange": "reversed"}),
    }


def unit_history_figure(unit: OrgUnit, periods: list[Period], scores: Scores) -> dict:
    """The unit's score in each period it has goals in, oldest first."""
    points = [(p, scores.periods[p.id].unit_scores.get(unit.id)) for p in periods if unit.id in p.files]
    points = [(p, s) for p, s in points if s is not None]
    return {
        "data": [{"type": "scatter", "mode": "lines+markers", "x": [p.id for p, _ in points],
                  "y": [round(s * 100, 1) for _, s in points], "line": {"color": ACCENT},
                  "hovertemplate": "%{x}: %{y} %<extra></extra>"}],
        "layout": _layout(height=240, xaxis={"type": "category", "automargin": True},
                          yaxis={"range": [0, 105], "ticksuffix": " %", "automargin": True}),
    }


# --- periods ------------------------------------------------------------------------------


def distribution_figure(objectives: list[ObjectiveNode], scores: Scores, stretch: float) -> dict:
    """Histogram of objective scores, aspirational and committed apart, with the stretch line."""
    data = []
    for kind, color in (("aspirational", ACCENT), ("committed", "#00897b")):
        values = [round(scores.objectives[o.ref].score * 100, 1) for o in objectives
                  if o.obj.kind == kind and scores.objectives[o.ref].score is not None]
        data.append({"type": "histogram", "x": values, "name": kind, "marker": {"color": color},
                     "xbins": {"start": 0, "end": 100.01, "size": 10}, "opacity": 0.85})
    return {
        "data": data,
        "layout": _layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.25},
                          xaxis={"range": [0, 100], "ticksuffix": " %", "title": {"text": "score"}},
                          yaxis={"title": {"text": "objectives"}, "automargin": True},
                          shapes=[{"type": "line", "xref": "x", "x0": stretch * 100, "x1": stretch * 100,
                                   "yref": "paper", "y0": 0, "y1": 1, "line": {"dash": "dash", "color": TARGET}}],
                          annotations=[{"x": stretch * 100, "y": 1, "xref": "x", "yref": "paper", "showarrow": False,
                                        "text": "stretch", "yanchor": "bottom"}]),
    }


def departments_figure(portal: Portal, period: Period, scores: Scores) -> dict:
    """Mean objective score of each department (and the teams under it)."""
    summary = scores.periods[period.id]
    rows = [(portal.units[d], s) for d, s in sorted(summary.department_scores.items()) if s is not None]
    return {
        "data": [{"type": "bar", "x": [label(u.name) for u, _ in rows], "y": [round(s * 100, 1) for _, s in rows],
                  "marker": {"color": ACCENT}, "hovertemplate": "%{x}: %{y} %<extra></extra>"}],
        "layout": _layout(height=280, yaxis={"range": [0, 100], "ticksuffix": " %", "automargin": True}),
    }


# --- KPIs ---------------------------------------------------------------------------------


def kpi_figure(node: KpiNode, targets: Iterable[tuple[str, float]] = ()) -> dict:
    """A KPI's series with its threshold band, points coloured by health, and KR targets."""
    metric = node.kpi.metric
    values = node.values
    colors = [ACCENT if metric is None else STATUS_COLORS["on-track" if inside(metric, v.value) else "off-track"]
              for v in values]
    shapes, annotations = [], []
    if metric is not None:
        lo, hi = _band(metric)
        shapes.append({"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": lo, "y1": hi,
                       "fillcolor": BAND, "line": {"width": 0}, "layer": "below"})
    for text, y in targets:
        shapes.append(_hline(y, "y"))
        annotations.append({"xref": "paper", "x": 1, "y": y, "yref": "y", "text": label(text), "showarrow": False,
                            "xanchor": "right", "yanchor": "bottom", "font": {"color": TARGET, "size": 11}})
    return {
        "data": [{"type": "scatter", "mode": "lines+markers", "x": [_day(v.date) for v in values],
                  "y": [v.value for v in values], "marker": {"color": colors, "size": 8}, "line": {"color": ACCENT},
                  "hovertemplate": "%{x}: %{y}<extra></extra>"}],
        "layout": _layout(shapes=shapes, annotations=annotations,
                          yaxis={"automargin": True, "title": {"text": label((metric.unit if metric else None) or "")}},
                          xaxis={"type": "date", "automargin": True}),
    }


# --- alignment -------------------------------------------------------------------------------


def alignment_figure(objectives: list[ObjectiveNode], scores: Scores, url_for: Callable[[ObjectiveNode], str],
                     visible: Callable[[ObjectiveNode], bool]) -> dict:
    """A sunburst of a period's alignment: top goals in the middle, teams outwards, coloured by score.

    A child aligned to several parents is drawn under its first visible parent;
    an objective whose parents are all hidden (private, or in another period)
    is a root. Clicking a node opens its goal (`customdata` holds the URL).
    """
    shown = [o for o in objectives if visible(o)]
    ids = {o: o.ref for o in shown}
    rows = []
    for o in sorted(shown, key=lambda n: n.ref):
        parent = next((p.objective if isinstance(p, KeyResultNode) else p for p in o.parents
                       if (p.objective if isinstance(p, KeyResultNode) else p) in ids), None)
        score = scores.objectives[o.ref].score
        rows.append((o.ref, ids.get(parent, ""), f"{label(o.unit.name)}<br>{label(o.obj.title)}",
                     None if score is None else round(score * 100, 1), url_for(o)))
    return {
        "data": [{
            "type": "sunburst", "ids": [r[0] for r in rows], "parents": [r[1] for r in rows],
            "labels": [r[2] for r in rows], "customdata": [r[4] for r in rows],
            "marker": {"colors": [-1 if r[3] is None else r[3] for r in rows],
                       "colorscale": [[0, "#bdbdbd"], [0.0001, "#c62828"], [0.5, "#ef8f00"], [0.7, "#9ccc65"], [1, "#2e7d32"]],
                       "cmin": -1, "cmax": 100, "line": {"width": 1}},
            "hovertemplate": "%{label}<br>score %{color} %<extra></extra>",
            "insidetextorientation": "radial", "maxdepth": 4,
        }],
        "layout": _layout(height=560, margin={"l": 0, "r": 0, "t": 8, "b": 8}),
    }


# --- embedding ---------------------------------------------------------------------------------


def embed(figure: dict, summary: str, root: str) -> str:
    """The chart slot: figure JSON in `data-figure`, plotly's URL, and a text alternative.

    `root` is the relative path from the page to the site root ("../../").
    """
    payload = json.dumps(figure, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (
        f'<div class="portal-chart" role="img" aria-label="{html.escape(summary)}" '
        f'data-plotly="{html.escape(root + PLOTLY_PATH)}" data-figure="{html.escape(payload)}"></div>\n'
        f'<p class="portal-chart-alt">{html.escape(summary)}</p>\n'
    )

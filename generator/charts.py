"""Plotly figures as plain, JSON-ready dicts: no HTML, no files, no plotly import.

Figures carry no template (plotly.js's own defaults apply; the page script sets
colours for the light or dark palette), so each stays a few kilobytes. Goal
text inside a figure is escaped for plotly's pseudo-HTML labels and is only
ever data (`text`, `customdata`), never part of a hover template.

The pages put each figure in a chart slot (render/figures.py: the `<div
class="portal-chart" data-figure=…>` that assets/portal.js draws, with a text
alternative for screen readers), its JSON written by render/figure_json.py.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Iterable

from .resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Period, Portal
from .score import KeyResultScore, Scores, inside

STATUS_COLORS = {
    "on-track": "#2e7d32", "achieved": "#2e7d32",
    "at-risk": "#ef8f00",
    "off-track": "#c62828", "missed": "#c62828",
    "no-data": "#9e9e9e", "not-started": "#78909c",
}
ACCENT = "#3f51b5"
BAND = "rgba(46, 125, 50, 0.12)"
HEALTHY = "#2e7d32"
TARGET = "#6a1b9a"
PLOTLY_PATH = "assets/plotly.min.js"
"""Where the site serves plotly.js, relative to the site root."""


def label(text: str) -> str:
    """Goal text made safe for plotly labels, which read a little HTML (<b>, <a href>, <br>)."""
    return html.escape(text, quote=False)


def _day(d: dt.date) -> str:
    return d.isoformat()


LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}
"""A legend in one row above the plot (it wraps on a phone), clear of the x axis's dates."""


def _title(text: str) -> dict:
    return {"text": text, "x": 0, "xanchor": "left", "font": {"size": 14}}


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


def key_result_figure(node: KeyResultNode, fact: KeyResultScore, today: dt.date | None = None) -> dict:
    """Check-in values against the expected pace and the target (or the band), confidence underneath.

    A legend names each of them. Only check-ins up to `today` are drawn (the page's history shows
    the same ones).
    """
    period, kr = node.objective.period, node.kr
    checkins = [c for c in node.checkins if today is None or c.date <= today]
    xs = [_day(c.date) for c in checkins]
    ys = [c.value for c in checkins]
    end = kr.due or period.end
    data, shapes, notes = [], [], []
    marker: dict = {"color": ACCENT, "size": 8}
    yaxis = {"domain": [0.34, 1], "automargin": True, "zeroline": False,
             "title": {"text": label(kr.metric.unit or "") if kr.metric else "done"}}
    if kr.metric is None:  # milestone: fraction done, 0..1, paced to the due date
        ys = [round(v * 100, 1) for v in ys]
        yaxis.update(range=[0, 105], ticksuffix=" %", title={"text": "done"})
        data.append(_ideal(period.start, end, 0, 100, "expected pace"))
        shapes.append(_vline(end, "due"))
        notes.append({"x": _day(end), "y": 1, "xref": "x", "yref": "paper", "text": "due", "showarrow": False,
                      "xanchor": "right", "yanchor": "top"})
    elif kr.metric.is_keep:
        shapes += _band_shapes(kr.metric, ys)
        data.append(_band_legend(kr.metric))
        ok = [inside(kr.metric, v) for v in ys]
        # Outside the band: red and a cross, so the mark does not rest on colour alone.
        marker = {"color": [STATUS_COLORS["on-track" if i else "off-track"] for i in ok],
                  "symbol": ["circle" if i else "x" for i in ok], "size": 9}
    else:
        data.append(_ideal(period.start, end, kr.metric.from_, kr.metric.to, "expected pace"))
        data.append(_target_line(period.start, max(period.end, end), kr.metric.to))
    data.append({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "name": "value",
                 "marker": marker, "line": {"color": ACCENT}, "hovertemplate": "%{x}: %{y}<extra></extra>"})
    conf = [(c.date, c.confidence) for c in checkins if c.confidence is not None]
    data.append({"type": "bar", "x": [_day(d) for d, _ in conf], "y": [v for _, v in conf], "yaxis": "y2",
                 "name": "confidence (0–10)", "marker": {"color": [_confidence_color(v) for _, v in conf]},
                 "hovertemplate": "%{x}: confidence %{y}/10<extra></extra>"})
    layout = _layout(
        height=360, shapes=shapes, yaxis=yaxis, showlegend=True, legend=LEGEND, annotations=notes,
        margin={"l": 48, "r": 16, "t": 48, "b": 40},
        xaxis={"range": [_day(period.start), _day(max(period.end, end))], "type": "date", "automargin": True},
        yaxis2={"domain": [0, 0.24], "range": [0, 10], "title": {"text": "confidence"}, "dtick": 5, "automargin": True},
    )
    return {"data": data, "layout": layout}


def _ideal(start: dt.date, end: dt.date, y0: float, y1: float, name: str) -> dict:
    return {"type": "scatter", "mode": "lines", "x": [_day(start), _day(end)], "y": [y0, y1],
            "line": {"dash": "dot", "color": ACCENT}, "name": name, "hoverinfo": "skip"}


def _band(metric) -> tuple[float | None, float | None]:
    if metric.keep_between is not None:
        return metric.keep_between
    if metric.keep_above is not None:
        return metric.keep_above, None
    return None, metric.keep_below


def _band_shapes(metric, values: Iterable[float]) -> list[dict]:
    """The healthy band as a shaded rectangle, and a dashed line on each threshold it has.

    An open side ends a little beyond the data: Plotly counts shapes into the axis range, so it
    cannot be "infinite".
    """
    lo, hi = _band(metric)
    seen = [v for v in values if v is not None] + [b for b in (lo, hi) if b is not None]
    pad = (max(seen) - min(seen)) * 0.1 or abs(seen[0]) * 0.1 or 1
    rect = {"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
            "y0": min(seen) - pad if lo is None else lo, "y1": max(seen) + pad if hi is None else hi,
            "fillcolor": BAND, "line": {"width": 0}, "layer": "below"}
    lines = [_hline(b, "y", HEALTHY) | {"name": "threshold"} for b in (lo, hi) if b is not None]
    return [rect, *lines]


def band_text(metric) -> str:
    """The healthy range in a few characters: "≥ 85", "≤ 2.5", "99.9–100"."""
    lo, hi = _band(metric)
    if lo is not None and hi is not None:
        return f"{lo:g}–{hi:g}"
    return f"≥ {lo:g}" if lo is not None else f"≤ {hi:g}"


def _band_legend(metric) -> dict:
    """A legend entry for the band and its thresholds (shapes have none): a line with no points."""
    return {"type": "scatter", "mode": "lines", "x": [None], "y": [None], "hoverinfo": "skip",
            "name": f"healthy range {label(band_text(metric))}", "line": {"color": HEALTHY, "dash": "dash", "width": 2}}


def _target_line(start: dt.date, end: dt.date, y: float) -> dict:
    return {"type": "scatter", "mode": "lines", "x": [_day(start), _day(end)], "y": [y, y], "name": "target",
            "line": {"dash": "dash", "color": TARGET, "width": 1.5}, "hovertemplate": "target %{y}<extra></extra>"}


def _hline(y: float, yref: str, color: str = TARGET) -> dict:
    return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": yref, "y0": y, "y1": y,
            "line": {"dash": "dash", "color": color, "width": 1.5}}


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
            # Short tick labels leave a phone's width to the bars; the whole title is on hover.
            # Positions, not titles, on the axis: two objectives with the same (short) title stay two bars.
            "y": list(range(len(objectives))),
            "hovertext": [label(o.obj.title) for o in objectives],
            "x": [round((f.score or 0) * 100, 1) for f in facts],
            "text": [f.status.replace("-", " ") for f in facts], "textposition": "inside", "insidetextanchor": "start",
            "marker": {"color": [STATUS_COLORS[f.status] for f in facts]},
            "hovertemplate": "%{hovertext}: %{x} % (%{text})<extra></extra>",
        }],
        "layout": _layout(height=max(190, 90 + 44 * len(objectives)), title=_title("Objective scores"),
                          margin={"l": 48, "r": 16, "t": 40, "b": 40},
                          xaxis={"range": [0, 100], "ticksuffix": " %", "automargin": True},
                          yaxis={"automargin": True, "autorange": "reversed", "tickmode": "array",
                                 "tickvals": list(range(len(objectives))),
                                 "ticktext": [label(_shorten(o.obj.title, 28)) for o in objectives]}),
    }


def unit_history_figure(unit: OrgUnit, periods: list[Period], scores: Scores) -> dict:
    """The unit's score in each period it has goals in, oldest first; a line per kind of period.

    Years and quarters overlap in time, so each kind gets its own line (and the legend shows
    when there is more than one) instead of one line zig-zagging between them.
    """
    points = [(p, scores.periods[p.id].unit_scores.get(unit.id)) for p in periods if unit.id in p.files]
    points = sorted(((p, s) for p, s in points if s is not None), key=lambda ps: (ps[0].start, ps[0].end, ps[0].id))
    kinds = list(dict.fromkeys(p.kind for p, _ in points))
    data = [{"type": "scatter", "mode": "lines+markers", "name": kind,
             "x": [p.id for p, _ in points if p.kind == kind],
             "y": [round(s * 100, 1) for p, s in points if p.kind == kind],
             "line": {"color": color}, "hovertemplate": "%{x}: %{y} %<extra></extra>"}
            for kind, color in zip(kinds, (ACCENT, "#00897b", TARGET))]
    return {
        "data": data,
        "layout": _layout(height=260, showlegend=len(kinds) > 1, legend={"orientation": "h", "y": -0.3},
                          title=_title("Score by period"), margin={"l": 48, "r": 16, "t": 40, "b": 40},
                          xaxis={"type": "category", "automargin": True,
                                 "categoryorder": "array", "categoryarray": [p.id for p, _ in points]},
                          yaxis={"range": [0, 105], "ticksuffix": " %", "automargin": True}),
    }


# --- periods ------------------------------------------------------------------------------


def distribution_figure(objectives: list[ObjectiveNode], scores: Scores, stretch: float) -> dict:
    """Histogram of objective scores, aspirational and committed apart, with the stretch line."""
    data = []
    # Counted here in ten bands of 10 points, not drawn by plotly from every score: the figure stays the
    # same size however many objectives the company has (issue 28).
    by_kind: dict[str, list[int]] = {"aspirational": [0] * 10, "committed": [0] * 10}
    for o in objectives:  # one pass: a period page of a large company has thousands
        score = scores.objectives[o.ref].score
        if score is not None and o.obj.kind in by_kind:
            by_kind[o.obj.kind][min(9, int(round(score * 100, 1) // 10))] += 1
    for kind, color in (("aspirational", ACCENT), ("committed", "#00897b")):
        data.append({"type": "bar", "x": [b * 10 + 5 for b in range(10)], "y": by_kind[kind], "name": kind,
                     "marker": {"color": color}, "opacity": 0.85,
                     "hovertemplate": "%{x:.0f} ± 5 %: %{y}<extra>" + kind + "</extra>"})
    return {
        "data": data,
        "layout": _layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.25},
                          title=_title("Objectives by score"), height=320,
                          margin={"l": 48, "r": 16, "t": 40, "b": 40},
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
        "layout": _layout(height=300, title=_title("Mean objective score by department"),
                          margin={"l": 48, "r": 16, "t": 40, "b": 40},
                          yaxis={"range": [0, 100], "ticksuffix": " %", "automargin": True,
                                 "title": {"text": "mean score"}}),
    }


# --- KPIs ---------------------------------------------------------------------------------


def kpi_figure(node: KpiNode, targets: Iterable[tuple[str, dt.date, dt.date, float]] = (),
               today: dt.date | None = None) -> dict:
    """A KPI's series with its threshold band and lines, points coloured by health, and KR targets.

    `targets` are (label, start, end, value): a key result's target drawn as a dashed
    segment over its period (one trace, segments apart). Values after `today` are left out.
    A legend names the series, the healthy range (with its threshold) and the targets.
    """
    metric = node.kpi.metric
    values = [v for v in node.values if today is None or v.date <= today]
    targets = list(targets)
    shapes, data = [], []
    marker: dict = {"color": ACCENT, "size": 8}
    if metric is not None:
        shapes = _band_shapes(metric, [v.value for v in values] + [t[3] for t in targets])
        data.append(_band_legend(metric))
        ok = [inside(metric, v.value) for v in values]
        marker = {"color": [STATUS_COLORS["on-track" if i else "off-track"] for i in ok],
                  "symbol": ["circle" if i else "x" for i in ok], "size": 9}
    data.insert(0, {"type": "scatter", "mode": "lines+markers", "name": "value", "x": [_day(v.date) for v in values],
                    "y": [v.value for v in values], "marker": marker, "line": {"color": ACCENT},
                    "hovertemplate": "%{x}: %{y}<extra></extra>"})
    if targets:
        xs, ys, texts = [], [], []
        for text, start, end, y in targets:
            xs += [_day(start), _day(end), None]
            ys += [y, y, None]
            texts += [label(text)] * 2 + [None]
        data.append({"type": "scatter", "mode": "lines+markers", "name": "key result target", "x": xs, "y": ys,
                     "text": texts, "line": {"dash": "dash", "color": TARGET, "width": 1.5},
                     "marker": {"symbol": "diamond", "size": 7, "color": TARGET},
                     "hovertemplate": "%{text}: %{y}<extra></extra>"})
    return {
        "data": data,
        "layout": _layout(shapes=shapes, showlegend=True, legend=LEGEND, height=320,
                          margin={"l": 48, "r": 16, "t": 48, "b": 40},
                          yaxis={"automargin": True, "title": {"text": label((metric.unit if metric else None) or "")}},
                          xaxis={"type": "date", "automargin": True}),
    }


def _shorten(text: str, limit: int = 32) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:–-") + "…"

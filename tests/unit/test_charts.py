"""Figure data of the charts: points, ideal lines, bands, colours by status, safe labels."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator import build_portal
from generator import charts

FIXTURE = Path(__file__).parents[1] / "fixtures" / "portal_minimal" / "goals"
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def build():
    result = build_portal(FIXTURE, TODAY)
    assert result.ok, result.errors
    return result


def _kr(build, ref):
    return build.portal.key_results[ref], build.scores.key_results[ref]


def _trace(fig, name):
    return next(t for t in fig["data"] if t["name"] == name)


def test_increase_chart_has_values_and_ideal_line_from_baseline_to_target(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/new-logos")
    fig = charts.key_result_figure(node, fact)
    ideal, target, values, confidence = fig["data"]
    assert ideal["x"] == ["2026-10-01", "2026-12-31"] and ideal["y"] == [0, 25]
    assert values["x"] == ["2026-10-05", "2026-11-16"] and values["y"] == [4, 12]
    assert confidence["y"] == [7, 6] and confidence["yaxis"] == "y2"
    assert target["y"] == [25, 25] and target["x"] == ["2026-10-01", "2026-12-31"]


def test_key_result_chart_has_a_legend_naming_each_trace(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/new-logos")
    fig = charts.key_result_figure(node, fact)
    assert fig["layout"]["showlegend"] is True and fig["layout"]["legend"]["orientation"] == "h"
    assert [t["name"] for t in fig["data"]] == ["expected pace", "target", "value", "confidence (0–10)"]
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/uptime")
    names = [t["name"] for t in charts.key_result_figure(node, fact)["data"]]
    assert names == ["healthy range 99.9–100", "value", "confidence (0–10)"]
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/partner-portal")
    fig = charts.key_result_figure(node, fact)
    assert [t["name"] for t in fig["data"]] == ["expected pace", "value", "confidence (0–10)"]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["due"]


def test_keep_chart_shades_the_band_and_marks_points_outside(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/uptime")
    fig = charts.key_result_figure(node, fact)
    band = [s for s in fig["layout"]["shapes"] if s["type"] == "rect"][0]
    assert (band["y0"], band["y1"]) == (99.9, 100)
    values = _trace(fig, "value")
    assert values["marker"]["color"] == [charts.STATUS_COLORS["on-track"]]
    thresholds = [s["y0"] for s in fig["layout"]["shapes"] if s.get("name") == "threshold"]
    assert thresholds == [99.9, 100]


def test_kpi_chart_colours_unhealthy_points_and_draws_kr_targets(build):
    kpi = build.portal.kpis["customer-retention"]
    target = ("Improve retention", dt.date(2026, 10, 1), dt.date(2026, 12, 31), 92)
    fig = charts.kpi_figure(kpi, [target])
    series, band, targets = fig["data"]
    assert band["name"] == "healthy range ≥ 85" and fig["layout"]["showlegend"] is True
    assert series["y"] == [86.1, 84.2]
    assert series["marker"]["color"] == [charts.STATUS_COLORS["on-track"], charts.STATUS_COLORS["off-track"]]
    assert series["marker"]["symbol"] == ["circle", "x"]  # not colour alone
    assert targets["x"] == ["2026-10-01", "2026-12-31", None] and targets["y"] == [92, 92, None]
    assert targets["text"][:2] == ["Improve retention"] * 2


def test_an_open_band_ends_a_little_beyond_the_data(build):
    kpi = build.portal.kpis["customer-retention"]  # keep_above 85: no upper bound
    band, threshold = charts.kpi_figure(kpi)["layout"]["shapes"]
    assert band["type"] == "rect" and band["y0"] == 85
    assert 86.1 < band["y1"] < 87
    # The threshold itself is drawn, not only the shading above it.
    assert threshold["type"] == "line" and threshold["y0"] == threshold["y1"] == 85


def test_values_after_today_are_not_drawn(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/new-logos")
    fig = charts.key_result_figure(node, fact, dt.date(2026, 11, 1))
    assert _trace(fig, "value")["x"] == ["2026-10-05"] and _trace(fig, "confidence (0–10)")["y"] == [7]
    kpi = build.portal.kpis["customer-retention"]
    assert charts.kpi_figure(kpi, today=dt.date(2026, 10, 1))["data"][0]["y"] == [86.1]


def test_milestone_chart_is_percent_done_with_the_due_date(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/partner-portal")
    fig = charts.key_result_figure(node, fact)
    assert _trace(fig, "value")["y"] == [50.0]
    due = [s for s in fig["layout"]["shapes"] if s.get("name") == "due"][0]
    assert due["x0"] == "2026-11-30"


def test_objective_bars_are_coloured_by_status(build):
    objectives = [o for o in build.portal.objectives.values() if not o.private]
    fig = charts.objectives_figure(objectives, build.scores)
    statuses = [build.scores.objectives[o.ref].status for o in objectives]
    assert fig["data"][0]["marker"]["color"] == [charts.STATUS_COLORS[s] for s in statuses]
    assert fig["data"][0]["text"] == [s.replace("-", " ") for s in statuses]
    assert fig["data"][0]["y"] == list(range(len(objectives)))  # same titles stay apart
    assert len(fig["layout"]["yaxis"]["ticktext"]) == len(objectives)


def test_unit_history_draws_one_line_per_kind_of_period(build):
    portal = build.portal
    acme = portal.units["acme"]
    fig = charts.unit_history_figure(acme, list(portal.periods.values()), build.scores)
    assert [t["name"] for t in fig["data"]] == ["year", "quarter"]
    assert fig["data"][1]["x"] == ["2026-Q4"] and fig["layout"]["showlegend"] is True
    assert fig["layout"]["xaxis"]["categoryarray"] == ["2026", "2026-Q4"]


def test_distribution_splits_kinds_and_draws_the_stretch_line(build):
    objectives = list(build.portal.objectives.values())
    fig = charts.distribution_figure(objectives, build.scores, 0.7)
    assert [t["name"] for t in fig["data"]] == ["aspirational", "committed"]
    assert fig["layout"]["shapes"][0]["x0"] == 70
    counted = [o for o in objectives if build.scores.objectives[o.ref].score is not None
               and o.obj.kind in ("aspirational", "committed")]
    assert sum(sum(t["y"]) for t in fig["data"]) == len(counted), "every scored objective in one band"
    assert all(len(t["x"]) == len(t["y"]) == 10 for t in fig["data"]), "ten bands, whatever the company's size"


def test_bar_charts_have_titles(build):
    objectives = list(build.portal.objectives.values())
    period = build.portal.periods["2026-Q4"]
    assert charts.distribution_figure(objectives, build.scores, 0.7)["layout"]["title"]["text"] == "Objectives by score"
    departments = charts.departments_figure(build.portal, period, build.scores)["layout"]
    assert departments["title"]["text"] == "Mean objective score by department"
    visible = [o for o in objectives if not o.private]
    assert charts.objectives_figure(visible, build.scores)["layout"]["title"]["text"] == "Objective scores"



def test_labels_escape_plotly_html(build):
    assert charts.label("<a href='javascript:x'>y</a>") == "&lt;a href='javascript:x'&gt;y&lt;/a&gt;"


def test_figures_are_compact(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/new-logos")
    payload = json.dumps(charts.key_result_figure(node, fact), separators=(",", ":"))
    assert '"template"' not in payload and len(payload) < 3000

"""Figure data of the charts: points, ideal lines, bands, colours by status, safe labels."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import build_portal
from generator import charts
from generator.charts import figure_json

FIXTURE = Path(__file__).parents[1] / "fixtures" / "portal_minimal" / "goals"
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def build():
    result = build_portal(FIXTURE, TODAY)
    assert result.ok, result.errors
    return result


def _kr(build, ref):
    return build.portal.key_results[ref], build.scores.key_results[ref]


def test_increase_chart_has_values_and_ideal_line_from_baseline_to_target(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/new-logos")
    fig = charts.key_result_figure(node, fact)
    ideal, values, confidence = fig["data"]
    assert ideal["x"] == ["2026-10-01", "2026-12-31"] and ideal["y"] == [0, 25]
    assert values["x"] == ["2026-10-05", "2026-11-16"] and values["y"] == [4, 12]
    assert confidence["y"] == [7, 6] and confidence["yaxis"] == "y2"
    target = [s for s in fig["layout"]["shapes"] if s["type"] == "line"]
    assert target and target[0]["y0"] == 25


def test_keep_chart_shades_the_band_and_marks_points_outside(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/uptime")
    fig = charts.key_result_figure(node, fact)
    band = [s for s in fig["layout"]["shapes"] if s["type"] == "rect"][0]
    assert (band["y0"], band["y1"]) == (99.9, 100)
    values = fig["data"][0]
    assert values["marker"]["color"] == [charts.STATUS_COLORS["on-track"]]


def test_kpi_chart_colours_unhealthy_points_and_draws_kr_targets(build):
    kpi = build.portal.kpis["customer-retention"]
    target = ("Improve retention", dt.date(2026, 10, 1), dt.date(2026, 12, 31), 92)
    fig = charts.kpi_figure(kpi, [target])
    series, targets = fig["data"]
    assert series["y"] == [86.1, 84.2]
    assert series["marker"]["color"] == [charts.STATUS_COLORS["on-track"], charts.STATUS_COLORS["off-track"]]
    assert series["marker"]["symbol"] == ["circle", "x"]  # not colour alone
    assert targets["x"] == ["2026-10-01", "2026-12-31", None] and targets["y"] == [92, 92, None]
    assert targets["text"][:2] == ["Improve retention"] * 2


def test_an_open_band_ends_a_little_beyond_the_data(build):
    kpi = build.portal.kpis["customer-retention"]  # keep_above 85: no upper bound
    band = charts.kpi_figure(kpi)["layout"]["shapes"][0]
    assert band["type"] == "rect" and band["y0"] == 85
    assert 86.1 < band["y1"] < 87


def test_values_after_today_are_not_drawn(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/new-logos")
    fig = charts.key_result_figure(node, fact, dt.date(2026, 11, 1))
    assert fig["data"][1]["x"] == ["2026-10-05"] and fig["data"][2]["y"] == [7]
    kpi = build.portal.kpis["customer-retention"]
    assert charts.kpi_figure(kpi, today=dt.date(2026, 10, 1))["data"][0]["y"] == [86.1]


def test_milestone_chart_is_percent_done_with_the_due_date(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/partner-portal")
    fig = charts.key_result_figure(node, fact)
    assert fig["data"][1]["y"] == [50.0]
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


def test_alignment_sunburst_leaves_out_hidden_objectives(build):
    period = build.portal.periods["2026-Q4"]
    objectives = [o for up in period.files.values() for o in up.objectives]
    fig = charts.alignment_figure(objectives, build.scores, lambda o: f"/x/{o.id}", lambda o: not o.private)
    trace = fig["data"][0]
    assert "2026-Q4:sales-emea/nightjar" not in trace["ids"]
    assert "Nightjar" not in json.dumps(fig)
    child = trace["ids"].index("2026-Q4:sales-emea/win-dach")
    assert trace["parents"][child] == "2026-Q4:acme/customer-experience"
    assert trace["customdata"][child] == "/x/win-dach"
    score = build.scores.objectives["2026-Q4:sales-emea/win-dach"].score
    assert trace["marker"]["colors"][child] == round(score * 100, 1)
    assert trace["hovertext"][child].endswith(f"<br>score {round(score * 100, 1):g} %")
    assert trace["labels"][child] == "Become the first choice for…"  # whole title on hover
    assert "mid-market retailers in DACH<br>" in trace["hovertext"][child]


def test_labels_escape_plotly_html(build):
    assert charts.label("<a href='javascript:x'>y</a>") == "&lt;a href='javascript:x'&gt;y&lt;/a&gt;"


PAYLOAD = '</div><script>alert(1)</script> {{ 7*7 }} {% x %} [x](javascript:alert(1)) <img onerror=x> \'q\' "d" & *'


def _figure_of(out: str) -> dict:
    match = re.search(r"data-figure='([^']*)'", out)
    return json.loads(html.unescape(match.group(1)))


def test_embed_escapes_the_figure_into_an_attribute_and_gives_a_text_alternative():
    fig = {"data": [{"type": "bar", "x": [PAYLOAD], "y": [1]}], "layout": {"height": 280}}
    out = charts.embed(fig, "Scores of 1 objective", "../../")
    assert _figure_of(out) == fig  # the same strings come back out of the attribute
    assert 'data-plotly="../../assets/plotly.min.js"' in out
    assert 'style="min-height:280px"' in out
    assert '<p class="portal-chart-alt">Scores of 1 objective</p>' in out
    assert out.count("\n") == 2 and not out.startswith((" ", "\t"))


def test_embed_leaves_no_markup_template_or_script_syntax_from_goal_text():
    fig = {"data": [{"type": "bar", "x": [PAYLOAD], "text": [charts.label(PAYLOAD)], "y": [1]}], "layout": {}}
    out = charts.embed(fig, "Summary " + PAYLOAD, "")
    for raw in ("<script", "<img", "</div><", "{{", "{%", "javascript:", "onerror=", "*", "[x]"):
        assert raw not in out.replace('<div class="portal-chart"', "").replace("></div>\n<p", ""), raw
    assert out.count("'") == 2  # only the attribute's own quotes
    assert _figure_of(out)["data"][0]["text"] == [charts.label(PAYLOAD)]
    alt = re.search(r'<p class="portal-chart-alt">(.*)</p>', out).group(1)
    assert html.unescape(alt) == "Summary " + PAYLOAD


def test_figures_are_compact(build):
    node, fact = _kr(build, "2026-Q4:sales-emea/win-dach/new-logos")
    payload = json.dumps(charts.key_result_figure(node, fact), separators=(",", ":"))
    assert '"template"' not in payload and len(payload) < 3000


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@given(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=5))
@example({"unsafe": charts._JSON_UNSAFE_CHARS, "each": list(charts._JSON_UNSAFE_CHARS), "none": "2026-09-25"})
def test_the_fast_figure_encoder_writes_the_same_text_as_the_plain_one(figure):
    from generator.charts import _figure_json_slow

    assert figure_json(figure) == _figure_json_slow(figure)
    assert json.loads(figure_json(figure)) == json.loads(json.dumps(figure))


def test_the_memo_of_encoded_strings_gives_the_same_text_again_stays_bounded_and_lives_one_render(
        build, monkeypatch):
    from generator.charts import _figure_json_slow
    from generator.render import render_pages

    figure = {"unsafe": charts._JSON_UNSAFE_CHARS, "dates": ["2026-09-25"] * 3, "<b>": "<b>"}
    first = figure_json(figure)
    assert "2026-09-25" in charts._ENCODED  # the second time, from the memo
    assert figure_json(figure) == first == _figure_json_slow(figure)
    monkeypatch.setattr(charts, "_ENCODED_MAX", len(charts._ENCODED))
    assert figure_json({"new": "not seen before"}) == '{"new":"not seen before"}'
    assert len(charts._ENCODED) <= charts._ENCODED_MAX  # full: it starts again from what it sees now
    assert figure_json({"new": "not seen before"}) == '{"new":"not seen before"}'
    assert {"new", "not seen before"} <= charts._ENCODED.keys()
    render_pages(build)
    assert not charts._ENCODED


@pytest.mark.parametrize("period_id", ["2026-Q4", "2026"])
def test_alignment_json_from_kept_rows_is_the_figure_json(build, period_id):
    """render/figures.py joins the period's sunburst from each objective's encoded cells, kept from one
    render to the next: the very text figure_json() writes of the whole figure."""
    period = build.portal.periods[period_id]
    objectives = [o for up in period.files.values() for o in up.objectives]
    url_for, visible = (lambda o: f"/x/{o.id}?a=<b>&c='d'"), (lambda o: not o.private)
    figure = charts.alignment_figure(objectives, build.scores, url_for, visible)
    shown = {o for o in objectives if visible(o)}
    rows = [charts.encoded_row(charts.alignment_row(o, shown, build.scores, url_for(o)))
            for o in sorted(shown, key=lambda n: n.ref)]
    shell, text = charts.alignment_json(rows)
    assert text == charts.figure_json(figure)
    assert json.loads(text) == json.loads(json.dumps(figure))
    assert shell["layout"] == figure["layout"]


@given(st.lists(st.text(max_size=40), min_size=0, max_size=4))
def test_alignment_json_holds_any_title(titles):
    """Goal text in a cell (quotes, brackets, the shell's own placeholder names) never moves a column."""
    rows = [(f"2026-Q4:u/o{i}", "" if i == 0 else "2026-Q4:u/o0", t, f"{t}<br>{t}", f"/u/#o{i}", -1 if i % 2 else 12.5)
            for i, t in enumerate([*titles, '["goalsitecolumn1x"]', "goalsitecolumn2x"])]
    _, text = charts.alignment_json([charts.encoded_row(r) for r in rows])
    assert text == charts.figure_json(charts._sunburst(rows))

"""render/figures.py: the chart slot of a page, its figure in an attribute and a text alternative."""

from __future__ import annotations

import html
import json
import re

from generator import charts
from generator.render.figures import embed

PAYLOAD = '</div><script>alert(1)</script> {{ 7*7 }} {% x %} [x](javascript:alert(1)) <img onerror=x> \'q\' "d" & *'


def _figure_of(out: str) -> dict:
    match = re.search(r"data-figure='([^']*)'", out)
    return json.loads(html.unescape(match.group(1)))


def test_embed_escapes_the_figure_into_an_attribute_and_gives_a_text_alternative():
    fig = {"data": [{"type": "bar", "x": [PAYLOAD], "y": [1]}], "layout": {"height": 280}}
    out = embed(fig, "Scores of 1 objective", "../../")
    assert _figure_of(out) == fig  # the same strings come back out of the attribute
    assert 'data-plotly="../../assets/plotly.min.js"' in out
    assert 'style="min-height:280px"' in out
    assert '<p class="portal-chart-alt">Scores of 1 objective</p>' in out
    assert out.count("\n") == 2 and not out.startswith((" ", "\t"))


def test_embed_leaves_no_markup_template_or_script_syntax_from_goal_text():
    fig = {"data": [{"type": "bar", "x": [PAYLOAD], "text": [charts.label(PAYLOAD)], "y": [1]}], "layout": {}}
    out = embed(fig, "Summary " + PAYLOAD, "")
    for raw in ("<script", "<img", "</div><", "{{", "{%", "javascript:", "onerror=", "*", "[x]"):
        assert raw not in out.replace('<div class="portal-chart"', "").replace("></div>\n<p", ""), raw
    assert out.count("'") == 2  # only the attribute's own quotes
    assert _figure_of(out)["data"][0]["text"] == [charts.label(PAYLOAD)]
    alt = re.search(r'<p class="portal-chart-alt">(.*)</p>', out).group(1)
    assert html.unescape(alt) == "Summary " + PAYLOAD

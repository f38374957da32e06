"""render/figure_json.py: a figure's JSON in its chart slot, the same text however it is written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import build_portal, charts
from generator.render.figure_json import (JSON_UNSAFE_CHARS, FigureJson, alignment_json, encoded_row, figure_json,
                                          figure_json_slow)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "portal_minimal" / "goals"
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def build():
    result = build_portal(FIXTURE, TODAY)
    assert result.ok, result.errors
    return result


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@given(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=5))
@example({"unsafe": JSON_UNSAFE_CHARS, "each": list(JSON_UNSAFE_CHARS), "none": "2026-09-25"})
def test_the_fast_figure_encoder_writes_the_same_text_as_the_plain_one(figure):
    assert figure_json(figure) == figure_json_slow(figure)
    assert json.loads(figure_json(figure)) == json.loads(json.dumps(figure))


def test_the_memo_of_encoded_strings_gives_the_same_text_again_stays_bounded_and_lives_one_render(build):
    from generator.render import render_pages
    from generator.render.site import Site

    encode = FigureJson()
    figure = {"unsafe": JSON_UNSAFE_CHARS, "dates": ["2026-09-25"] * 3, "<b>": "<b>"}
    first = encode(figure)
    assert "2026-09-25" in encode.strings  # the second time, from the memo
    assert encode(figure) == first == figure_json_slow(figure)
    full = FigureJson(limit=len(encode.strings))
    full.strings.update(encode.strings)
    assert full({"new": "not seen before"}) == '{"new":"not seen before"}'
    assert len(full.strings) <= full.strings.limit  # full: it starts again from what it sees now
    assert full({"new": "not seen before"}) == '{"new":"not seen before"}'
    assert {"new", "not seen before"} <= full.strings.keys()
    site = Site(build)
    render_pages(build, site=site, jobs=1)
    used = site.figure_json
    assert used.strings, "the render encoded its figures with it"
    render_pages(build, site=site, jobs=1)
    assert site.figure_json is not used, "each render encodes with a memo of its own"


@pytest.mark.parametrize("period_id", ["2026-Q4", "2026"])
def test_alignment_json_from_kept_rows_is_the_figure_json(build, period_id):
    """render/figures.py joins the period's sunburst from each objective's encoded cells, kept from one
    render to the next: the very text figure_json() writes of the whole figure."""
    period = build.portal.periods[period_id]
    objectives = [o for up in period.files.values() for o in up.objectives]
    url_for, visible = (lambda o: f"/x/{o.id}?a=<b>&c='d'"), (lambda o: not o.private)
    figure = charts.alignment_figure(objectives, build.scores, url_for, visible)
    shown = {o for o in objectives if visible(o)}
    encode = FigureJson()
    rows = [encoded_row(charts.alignment_row(o, shown, build.scores, url_for(o)), encode)
            for o in sorted(shown, key=lambda n: n.ref)]
    shell, text = alignment_json(rows, encode)
    assert text == figure_json(figure)
    assert json.loads(text) == json.loads(json.dumps(figure))
    assert shell["layout"] == figure["layout"]


@given(st.lists(st.text(max_size=40), min_size=0, max_size=4))
def test_alignment_json_holds_any_title(titles):
    """Goal text in a cell (quotes, brackets, the shell's own placeholder names) never moves a column."""
    rows = [(f"2026-Q4:u/o{i}", "" if i == 0 else "2026-Q4:u/o0", t, f"{t}<br>{t}", f"/u/#o{i}", -1 if i % 2 else 12.5)
            for i, t in enumerate([*titles, '["goalsitecolumn1x"]', "goalsitecolumn2x"])]
    encode = FigureJson()
    _, text = alignment_json([encoded_row(r, encode) for r in rows], encode)
    assert text == figure_json(charts.sunburst_figure(rows))

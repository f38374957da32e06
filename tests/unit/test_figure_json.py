"""render/figure_json.py: a figure's JSON in its chart slot, the same text however it is written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import build_portal
from generator.render.figure_json import (JSON_UNSAFE_CHARS, FigureJson, figure_json,
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
    render_pages(build, site=site)
    used = site.figure_json
    assert used.strings, "the render encoded its figures with it"
    render_pages(build, site=site)
    assert site.figure_json is not used, "each render encodes with a memo of its own"

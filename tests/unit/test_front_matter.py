"""Front matter (render.page.front_matter) reads back, through MkDocs' own parser, as the dict it was made from."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from generator.render.page import front_matter
from generator.render.text import escape_meta

texts = st.text(st.characters(codec="utf-8"), max_size=40)  # any text a goal file may hold, and more


def read_back(meta: dict) -> dict:
    page = f"---\n{front_matter(meta)}---\n\n# Body\n"
    body, data = get_data(page)
    assert body.strip() == "# Body"
    return data


@settings(max_examples=400, deadline=None)
@given(title=texts, tags=st.lists(texts, max_size=4), boost=st.none() | st.integers(1, 5))
def test_any_text_reads_back_as_it_was(title, tags, boost):
    meta = {"title": title, "tags": tags}
    if boost is not None:
        meta["search"] = {"boost": boost}
    assert read_back(meta) == meta


@settings(max_examples=200, deadline=None)
@given(title=texts)
def test_escaped_titles_read_back_as_yaml_safe_dump_wrote_them(title):
    meta = {"title": escape_meta(title), "tags": [escape_meta(title)], "search": {"boost": 2}}
    old = yaml.safe_load(yaml.safe_dump(meta, sort_keys=True, allow_unicode=True, width=1000))
    assert read_back(meta) == old == meta


def test_the_shape_of_a_page_head():
    head = front_matter({"title": 'Win "DACH": 2026', "tags": ["Sales", "2026-Q4"], "search": {"boost": 2}})
    assert head == 'search:\n  boost: 2\ntags:\n- "Sales"\n- "2026-Q4"\ntitle: "Win \\"DACH\\": 2026"\n'
    assert front_matter({"title": "x", "tags": []}) == 'tags: []\ntitle: "x"\n'
    assert front_matter({"title": "a\u2028b\x85c\ufeff"}) == 'title: "a\\u2028b\\u0085c\\ufeff"\n'

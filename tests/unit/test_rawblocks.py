"""rawblocks.py: stash + Python-Markdown + unstash gives exactly what Python-Markdown gives alone."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.rawblocks import RawBlocks

WORDS = st.sampled_from(["alpha", "beta", "**bold**", "`code`", "[link](page.md)", "&amp;", "&#60;div&#62;", "é"])
TEXT = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
#: Blocks as the templates write them: a block tag at the margin, no blank line inside, the closing tag last.
BLOCKS = st.one_of(
    TEXT.map(lambda t: f'<div class="portal-chart" data-figure=\'{{"a":1}}\'></div>\n<p class="portal-chart-alt">{t}</p>'),
    TEXT.map(lambda t: f'<details class="portal-history" data-search-exclude><summary>{t}</summary>\n'
                       f'<table class="portal-table"><tbody>\n<tr><td>{t}</td></tr>\n</tbody></table></details>'),
    TEXT.map(lambda t: f'<div class="portal-md"><p>{t}</p>\n<ul>\n<li>{t}</li>\n</ul></div>'),
    TEXT.map(lambda t: f"<p data-search-exclude><small>{t}</small></p>"),
    TEXT.map(lambda t: f'<ul class="portal-retro"><li>{t}</li></ul>'),
)
MARKDOWN = st.one_of(
    TEXT,
    TEXT.map(lambda t: f"## {t}"),
    TEXT.map(lambda t: f"- {t}\n- {t}\n    - {t}"),
    TEXT.map(lambda t: f"| a | b |\n|---|---|\n| {t} | {t} |"),
    TEXT.map(lambda t: f'<span class="portal-status">on track</span> {t}'),  # inline HTML: Markdown's
    TEXT.map(lambda t: f"!!! note\n    {t}"),
)
PAGES = st.lists(st.one_of(BLOCKS, MARKDOWN), min_size=1, max_size=8).map("\n\n".join)


def _md() -> markdown.Markdown:
    return markdown.Markdown(extensions=["admonition", "tables", "toc", "attr_list"])


@settings(max_examples=300, deadline=None)
@given(PAGES)
def test_the_html_is_the_same_as_without_the_stash(page):
    raw = RawBlocks()
    fast = raw.unstash("p.md", _md().convert(raw.stash("p.md", page)))
    assert fast == _md().convert(page)
    assert raw.pages == {}, "a page's blocks are forgotten once put back"


def test_only_blocks_at_the_margin_after_a_blank_line_are_taken():
    raw = RawBlocks()
    page = "text\n<div>not a block of its own</div>\n\n    <div>indented</div>\n\n<div>taken</div>\n\n<span>inline</span>"
    stashed = raw.stash("p.md", page)
    assert raw.pages["p.md"] == ["<div>taken</div>"]
    assert "<div>not a block of its own</div>" in stashed and "    <div>indented</div>" in stashed


def test_a_forged_placeholder_stays_text():
    raw = RawBlocks()
    forged = f"{raw.token}0"  # goal text cannot know the token; even if it did, nothing is stashed then
    page = f"{forged}\n\n<div>block</div>"
    assert raw.stash("p.md", page) == page
    assert raw.pages == {}
    other = RawBlocks()
    assert other.token != raw.token

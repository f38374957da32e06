"""rawblocks.py: stash + Python-Markdown + unstash gives exactly what Python-Markdown gives alone."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.plugin.rawblocks import RawBlocks

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


# --- Unsearched: what Material's search plugin reads, when a user adds it back ------------------------

from material.plugins.search.plugin import Parser  # noqa: E402

from generator.plugin.rawblocks import Unsearched  # noqa: E402

LINE_TEXT = st.lists(st.sampled_from(["Grow", "revenue", "&amp;", "&lt;b&gt;", "é", "·", "42%", " ", "\n"]),
                     min_size=1, max_size=6).map("".join)
OTHER = st.one_of(
    LINE_TEXT.map(lambda t: f"<p>{t}</p>"),
    st.just('<h2 id="alignment">Alignment<a class="headerlink" href="#alignment" title="Permanent link">&para;</a></h2>'),
    st.just('<h3 id="team" data-search-exclude><a href="x">Team</a> · 50%</h3>'),
    st.just('<div class="portal-chart" role="img" data-figure=\'{"a":1}\'></div>'),
    LINE_TEXT.map(lambda t: f"<table data-search-exclude><tr><td>{t}</td></tr></table>"),
    LINE_TEXT.map(lambda t: f'<details class="portal-history" data-search-exclude><summary>{t}</summary>'
                            f"<table><tr><td>{t}</td></tr></table></details>"),
    LINE_TEXT.map(lambda t: f"<ul>\n<li>{t}</li>\n</ul>"),
)
#: A page's content as search reads it: the page's title first, as every generated page has.
CONTENT = st.lists(OTHER, min_size=1, max_size=6).map(
    lambda parts: "\n".join(['<h1 id="goals">Goals</h1>', *parts]))


def _sections(html: str) -> list[tuple]:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.el.tag, s.id, "".join(s.title), "".join(s.text).strip(), s.is_excluded()) for s in parser.data]


@settings(max_examples=300, deadline=None)
@given(CONTENT)
def test_search_reads_the_same_sections_and_the_page_comes_back_whole(html):
    unsearched = Unsearched()
    hidden = unsearched.hide("p.md", html)
    assert _sections(hidden) == _sections(html)
    assert unsearched.show("p.md", f"<main>{hidden}</main>") == f"<main>{html}</main>"
    assert unsearched.pages == {}


def test_the_parts_search_skips_are_out_of_its_sight_until_the_page_is_written():
    page = ('<h1 id="goals">Goals</h1>\n<div class="portal-chart" role="img" data-figure=\'{"a":1}\'></div>\n'
            '<p>kept</p>\n<table data-search-exclude><tr><td>cell</td></tr></table>')
    unsearched = Unsearched()
    hidden = unsearched.hide("p.md", page)
    assert "data-figure" not in hidden and "cell" not in hidden and "<p>kept</p>" in hidden
    assert unsearched.show("p.md", hidden) == page

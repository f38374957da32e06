"""Escaping, sanitizing and number formatting of generator/render/text.py, table-driven."""

from __future__ import annotations

import html

import markdown
import markdown.extensions
import pytest
from hypothesis import example, given, settings, strategies as st

from tests.conftest import least_cpu_seconds

from generator.render import linear, text as text_module
from generator.render.text import (escape_meta, escape_text, format_number, format_percent, render_markdown,
                                   safe_href, sanitize_html, with_unit)

# Extensions a Material site typically enables: escaped text must survive all of them.
PAGE_EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "md_in_html", "admonition", "def_list",
                   "pymdownx.superfences", "pymdownx.mark", "pymdownx.tilde", "pymdownx.caret",
                   "pymdownx.magiclink", "pymdownx.details"]


def page_html(text: str) -> str:
    return markdown.Markdown(extensions=PAGE_EXTENSIONS).convert(text)


def visible_text(fragment: str) -> str:
    """What a reader sees: tags removed, references decoded."""
    import re
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("text", [
    "*x* and _y_",
    "[a](b) ![i](http://e/x.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }} {% raw %}",
    '{: onclick="x"} { onclick=x }',
    "`code` and ``more``",
    "a | b | c",
    "# not a heading",
    "==mark== ~~del~~ ^^ins^^ $x$ :smile: @someone",
    "https://example.com mailto:x@example.com",  # (a bare www.x.org may be auto-linked by magiclink: http only)
    "R&D &amp; &lt;tag&gt; \\*",
])
def test_escape_text_renders_literally_in_a_paragraph_a_heading_and_a_table(text):
    escaped = str(escape_text(text))
    assert "<" not in escaped and ">" not in escaped and "{" not in escaped
    for page in (f"Label: {escaped}\n", f"## {escaped}\n", f"| a | b |\n|---|---|\n| {escaped} | x |\n"):
        out = page_html(page)
        assert "<script" not in out and "onerror=" not in out and "onclick=" not in out
        assert visible_text(out).count(text) >= 1, (page, out)
        assert "<a " not in out and "<img" not in out and "<em>" not in out and "<code>" not in out


@pytest.mark.parametrize("text,expected", [
    ("a\nb\t c", "a b c"),
    ("  padded  ", "padded"),
])
def test_escape_text_keeps_plain_text_on_one_line(text, expected):
    assert str(escape_text(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("<script>", "&lt;script&gt;"),
    ('a "q" & b', "a &quot;q&quot; &amp; b"),
    ("two\nlines", "two lines"),
])
def test_escape_meta_escapes_html_for_front_matter(text, expected):
    assert escape_meta(text) == expected


@pytest.mark.parametrize("href,kept", [
    ("https://tracker.example.com/SAL-12", True),
    ("http://x.org", True),
    ("mailto:dana@example.com", True),
    ("#obj-win-dach", True),
    ("../sales/2026-Q4.md", True),
    ("docs/page?x=1#a", True),
    ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False),
    ("java\tscript:alert(1)", False),
    (" javascript:alert(1)", False),
    ("data:text/html;base64,xx", False),
    ("vbscript:x", False),
    ("//evil.example.com/x", False),
    ("", False),
    (None, False),
])
def test_safe_href_allows_only_web_mail_anchor_and_relative_links(href, kept):
    assert (safe_href(href) is not None) is kept


@pytest.mark.parametrize("source,must,must_not", [
    ("*em* **strong** `code`", ["<em>em</em>", "<strong>strong</strong>", "<code>code</code>"], []),
    ("<script>alert(1)</script>after", ["after"], ["<script", "alert(1)"]),
    ("<img src=x onerror=alert(1)>", [], ["<img", "onerror"]),
    ("![alt text](http://evil.example.com/x.png)", ["alt text"], ["<img", "evil.example.com"]),
    ("[x](javascript:alert(1))", ["x"], ["href", "javascript"]),
    ("[ok](https://example.com \"t\")", ['<a href="https://example.com" title="t">ok</a>'], []),
    ("[rel](../other.md#a)", ['<a href="../other.md#a">rel</a>'], []),
    ("{{ 7*7 }} {% raw %}", ["&#123;&#123; 7*7 &#125;&#125;", "&#123;% raw %&#125;"], ["49"]),
    ('para {: onclick="x"}', ["&#123;: onclick"], ["<p onclick"]),
    ("<div onclick=x>text</div>", ["text"], ["<div", "onclick"]),
    ("<a href=\"https://x.org\" onclick=\"y\">l</a>", ['<a href="https://x.org">l</a>'], ["onclick"]),
    ("<style>p{}</style><iframe src=x></iframe>kept", ["kept"], ["<style", "<iframe", "p{}"]),
    ("# Big heading", ["<h4>Big heading</h4>"], ["<h1"]),
    ("- one\n- two", ["<ul>", "<li>one</li>"], []),
    ("A & B < C", ["A &amp; B &lt; C"], []),
    ("<em>unclosed", [], []),
])
def test_render_markdown_keeps_the_allow_list_only(source, must, must_not):
    out = str(render_markdown(source))
    for piece in must:
        assert piece in out, out
    for piece in must_not:
        assert piece not in out, out


@pytest.mark.parametrize("fragment,expected", [
    ("<p>a<em>b</p>", "<p>a<em>b</em></p>"),
    ("</div></p>text", "text"),
    ("<ul><li>x", "<ul><li>x</li></ul>"),
    ("<a href='javascript:x'><em>y</em></a>z", "<em>y</em>z"),
    ("<p title='x' class='y'>t</p>", "<p>t</p>"),
    ("<br/><hr>", "<br><hr>"),
])
def test_sanitize_html_always_balances_tags(fragment, expected):
    assert str(sanitize_html(fragment)) == expected


def test_render_markdown_of_nothing_is_empty():
    assert str(render_markdown(None)) == "" and str(render_markdown("  \n")) == ""


@pytest.mark.parametrize("value,expected", [
    (12.0, "12"), (12, "12"), (1234567.0, "1,234,567"), (2.25, "2.25"), (99.95, "99.95"),
    (1 / 3, "0.333"), (-0.0001, "0"), (-2.5, "-2.5"), (None, "–"), (float("nan"), "–"),
])
def test_format_number(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize("value,expected", [
    (0.72, "72 %"), (0.5586, "56 %"), (1.0, "100 %"), (0.0, "0 %"), (-0.114, "-11 %"), (12.5, "1,250 %"), (None, "–"),
])
def test_format_percent(value, expected):
    assert format_percent(value) == expected


@pytest.mark.parametrize("value,unit,expected", [
    (2.2, "%", "2.2 %"), (12, "logos", "12 logos"), (12, "", "12"), (12, None, "12"),
])
def test_with_unit(value, unit, expected):
    assert with_unit(value, unit) == expected


# --- the plain-text fast path gives exactly what the full conversion gives ------------------------

_PLAINISH = st.text(alphabet=st.sampled_from(list("abcXYZ éß019 ,;:?!'\"%/@=€£$.()-_*#>`[]&<\n")), min_size=1, max_size=40)


def _slow(source: str) -> str:
    """The full conversion, as MarkdownRenderer does it: Markdown, sanitizing, no blank line left."""
    renderer = text_module.MarkdownRenderer()
    renderer._md.reset()
    return text_module._no_blank_lines(str(text_module.sanitize_html(renderer._md.convert(source))))


@settings(max_examples=600, deadline=None)
@given(_PLAINISH)
@example("0\n<a>\n0")  # a dropped tag leaves a blank line, which the renderer writes as &#10;
def test_plain_fast_path_equals_the_full_conversion(source):
    fast = str(text_module.MarkdownRenderer()(source))
    if source.strip():
        assert fast == _slow(source)


@pytest.mark.parametrize("source", ["Two pilots converted", "It's 50% \"done\" (nearly) - ok; x/y @ 3.5 = €4",
                                    "Wait...", "Ärger mit dem Lieferanten",
                                    "€40.8M after Q3", "1,720 repairs; 38% bought more", "2026 was good"])
def test_plain_notes_take_the_fast_path(source, monkeypatch):
    monkeypatch.setattr(text_module, "sanitize_html", lambda html: pytest.fail("took the slow path"))
    assert str(text_module.MarkdownRenderer()(source)) == f"<p>{source}</p>"


def test_the_memo_of_escaped_texts_gives_the_same_markup_and_starts_again_when_full():
    with text_module.escaping(text_module.EscapedTexts(limit=2)) as memo:
        first = escape_text("Ana <Ops>")
        assert escape_text("Ana <Ops>") is first, "the second time, from the memo"
        escape_text("one")
        assert set(memo) == {"Ana <Ops>", "one"}
        later = escape_text("a text first seen once the memo is full")
        # Full, it starts again from what it sees now: the pages rendered last are memoised too.
        assert set(memo) == {"a text first seen once the memo is full"}
        assert escape_text("a text first seen once the memo is full") is later
        assert escape_text("Ana <Ops>") == first
        kept = dict(memo)
    outside = escape_text("Ana <Ops> outside")
    assert outside == "Ana &#60;Ops&#62; outside" and memo == kept, "outside a render nothing is kept"
    assert escape_text("Ana <Ops> outside") is not outside


# --- time linear in the length of a field (render/linear.py) ---------------------------------------

class _NoBacktrackToMinusOne(markdown.extensions.Extension):
    """Python-Markdown's own link processors, except where their getLink() ends a link at index -1
    (`[a](x"((`: the rest of the paragraph becomes its destination and its last character is written
    twice). The bounded processors leave such text as text."""

    def extendMarkdown(self, md):
        class Fixed:
            def getLink(self, data, index):
                href, title, end, handled = super().getLink(data, index)
                return (href, title, end, handled) if end >= 0 else ("", None, index, False)

        for name, stock, pattern, priority in linear._LINK_PROCESSORS:
            md.inlinePatterns.register(type("Fixed", (Fixed, stock), {})(pattern, md), name, priority)


def _stock_and_ours(source: str, sanitized: bool) -> tuple[str, str]:
    """The HTML of `source` by Python-Markdown's own processors and by MarkdownRenderer's."""
    stock = markdown.Markdown(extensions=["fenced_code", "sane_lists", _NoBacktrackToMinusOne()], output_format="html")
    ours = text_module._markdown()
    out = [md.convert(source) for md in (stock, ours)]
    return tuple(str(text_module.sanitize_html(html)) if sanitized else html for html in out)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]()'\" ab!\\*\n")), max_size=40))
@example('[a](b "t") [c](d(e)f) ![i](j \'k\') [l]( <m n> "o")')
@example("[a](it's) more")
@example("[a](x'y) and 'z') end")
@example("[a [b] c](d) [[e]](f)")
def test_bounded_links_read_what_python_markdown_reads(source):
    stock, ours = _stock_and_ours(source, sanitized=False)
    assert ours == stock


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=ab \"'!-&\n")), max_size=40))
@example('<a href="https://x.org" title="a<b>c">l</a> <em>e</em> <!-- c --> <br/> x < y > z')
@example("<a <a b <div>\n\n<p>para</p>")
def test_a_lt_that_starts_no_tag_shows_as_before(source):
    # Without backticks: Python-Markdown read `<a `x<` y>` as one tag and hid the code span in it;
    # `<a ` shows as text now (see test_a_lt_that_starts_no_tag_is_text).
    stock, ours = _stock_and_ours(source, sanitized=True)
    assert ours == stock


@pytest.mark.parametrize("source,expected", [
    ("<a <a b", "<p>&lt;a &lt;a b</p>"),
    ("x <ab<ab<ab> y", "<p>x &lt;ab&lt;ab y</p>"),  # the last is a tag, dropped; the others text
    ("`<a <b`", "<p><code>&lt;a &lt;b</code></p>"),
    ("```\n<a <b\n```", "<pre><code>&lt;a &lt;b\n</code></pre>"),
    ("[a](x<y)", '<p><a href="x&lt;y">a</a></p>'),
    ("a <b c <em>d</em>", "<p>a &lt;b c <em>d</em></p>"),  # Python-Markdown alone hid "<b c <em>" as a tag
    ("<a `x<` y> z", "<p>&lt;a <code>x&lt;</code> y&gt; z</p>"),  # and "<a `x<` y>"
])
def test_a_lt_that_starts_no_tag_is_text(source, expected):
    assert str(render_markdown(source)) == expected


def test_links_past_the_bounds_are_text():
    def nested(depth: int) -> str:
        return "[" * depth + "a" + "]" * depth + "(x)"

    assert "<a " in str(render_markdown(nested(linear.MAX_NESTING)))
    assert "<a " not in str(render_markdown(nested(linear.MAX_NESTING + 1)))
    long_url = "https://x.org/" + "p" * (linear.MAX_LINK - 20)
    assert "<a " in str(render_markdown(f"[a]({long_url})"))
    assert "<a " not in str(render_markdown(f"[a]({long_url}{'p' * 20})"))
    for depth, linked in ((linear.MAX_NESTING - 1, True), (linear.MAX_NESTING, False)):
        assert ("<a " in str(render_markdown(f"[a](b{'(' * depth}c{')' * depth})"))) is linked


def test_the_sanitizer_closes_what_is_open_whatever_its_depth():
    source = "<em>" * 3000 + "</a>" * 2000 + "<a href='https://x.org'>" * 2000 + "x</em>"
    out = str(render_markdown(source))
    assert out == "<p>" + "<em>" * 3000 + '<a href="https://x.org">' * 2000 + "x" + "</a>" * 2000 + "</em>" * 3000 + "</p>"


#: Each took time in the square of its length before render/linear.py (10,000 characters: 0.2 to 1 s),
#: the last in its cube (3 s).
QUADRATIC = {"link-open": "[a](", "image-open": "![a](", "links": "[a](b) ", "empty-links": "[a]() ",
             "link-quote": "[a]('x) ", "tags-open": "<a ", "tags-slash": "<a/", "tags-attribute": "<a b=",
             "autolinks": "<http://", "open-then-close": ("<em>", "</a>"), "open-then-comments": ("<em>", "<!---->")}


def _repeat(pattern, length: int) -> str:
    if isinstance(pattern, tuple):
        return "".join((p * (length // 2 // len(p) + 1))[:length // 2] for p in pattern)
    return (pattern * (length // len(pattern) + 1))[:length]


@pytest.mark.skipif(markdown.__version_info__ < (3, 11), reason="Python-Markdown before 3.11 reads a paragraph "
                    "again from its start after each inline element it finds: repeated links stay quadratic")
@pytest.mark.parametrize("pattern", QUADRATIC.values(), ids=QUADRATIC.keys())
def test_rendering_time_grows_linearly_with_the_length(pattern):
    # Four times the text: four times the time when linear, sixteen when quadratic (as it was).
    small = least_cpu_seconds(text_module.MarkdownRenderer(), _repeat(pattern, 10_000), 5)
    large = least_cpu_seconds(text_module.MarkdownRenderer(), _repeat(pattern, 40_000), 5)
    assert large / small < 8, f"4 times the text took {large / small:.1f} times as long ({small:.3f} s, {large:.3f} s)"

"""Goal text made safe to show, and numbers made readable.

Goal files are untrusted input. Two kinds of text come out of them:

* **Plain text** (titles, names, ids, tags, units, sources, link text):
  `escape_text()` turns every character that means something to HTML or to
  Markdown (and to the Markdown extensions Material users enable: attribute
  lists, emoji, mark, math, snippets) into a numeric character reference.
  Python-Markdown keeps character references as they are, so the text renders
  literally: `*x*` stays `*x*`, `{: onclick=x}` stays text, `|` does not split
  a table cell, `{{ 7*7 }}` is never a template. Newlines become spaces, so
  plain text never starts a line (no headings, lists or snippets).
* **Markdown fields** (descriptions, mission and friends, check-in notes,
  blockers, next steps, retrospective items): `render_markdown()` converts them
  with a private Python-Markdown instance (only `fenced_code` and `sane_lists`,
  and render/linear.py's bounds, which keep its time linear in the field's
  length) and passes the HTML through `sanitize_html()`, a small allow-list
  sanitizer on `html.parser`. Allowed: p, br, em, strong, code, pre, ul, ol, li,
  blockquote, h4-h6, hr and a with an href that is http(s), mailto, an anchor
  or relative. Every other tag is dropped (its text kept; the content of
  script and style dropped too); an image becomes its alt text; attributes
  other than a's href and title are dropped. Output tags are always balanced,
  and `{`/`}` are written as references, so no later Markdown or template pass
  can read anything into it. The result is inserted into the page as a raw
  HTML block (`<div class="portal-md">`), which MkDocs leaves alone. Raw HTML
  links are not rewritten by MkDocs, so a relative link in goal text is kept
  as written.

Anything that lands in an HTML attribute or in front matter goes through
`escape_meta()`: MkDocs' theme environment does not autoescape, and Material
prints `page.meta.title` raw into `<title>` and the header.

Numbers: `format_number()` (thousands separators, at most three decimals, no
trailing zeros), `format_percent()` (0.72 -> "72 %"), `with_unit()`.
"""

from __future__ import annotations

import contextlib
import html
import math
import re
from contextvars import ContextVar
from html.parser import HTMLParser
from typing import Iterator

import markdown
from markupsafe import Markup

from .linear import LinearExtension

_TEXT_ESCAPES = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+!|<>~^=:$\"'@"}
_TEXT_ESCAPES["&"] = "&amp;"
_TEXT_TABLE = str.maketrans(_TEXT_ESCAPES)
_SPACE_RE = re.compile(r"\s+")


def escape_text(value: object) -> Markup:
    """Plain goal text -> Markup that renders literally in Markdown and in HTML.

    Inside `escaping()` (a render) each text is escaped once, and the same Markup given again after.
    """
    memo = _escaped.get()
    return _escape(str(value)) if memo is None else memo[str(value)]


def _escape(text: str) -> Markup:
    # str.split() splits on exactly the characters `\s` matches (str.isspace()), and is faster.
    return Markup(" ".join(text.split()).translate(_TEXT_TABLE))


class EscapedTexts(dict):
    """escape_text()'s memo for one render: text -> its Markup.

    Names, ids and labels recur on many pages; a large portal escapes the same strings thousands of
    times. Kept for one render only (render_pages() makes one for each): Markup is a str subclass that
    the cycle collector tracks, and tens of thousands of them kept between rebuilds were walked by every
    collection of `goalsite serve`. Emptied whenever it holds `limit` strings, so that it learns those of
    the pages it is rendering now: kept full, it held the strings of the first pages, and the people,
    KPI and retrospective pages, rendered last, missed nearly every string.
    """

    def __init__(self, limit: int = 200_000) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, text: str) -> Markup:
        escaped = _escape(text)
        if len(self) >= self.limit:
            self.clear()
        self[text] = escaped
        return escaped


#: The memo of the render running in this thread (and in the processes it forks), set by escaping().
#: A context variable, not an argument: the templates, compiled once a process (page.py), print every
#: value through `finalize(value)`, which has nothing but the value to pass on to escape_text().
_escaped: ContextVar[EscapedTexts | None] = ContextVar("goalsite_escaped_texts", default=None)


@contextlib.contextmanager
def escaping(memo: EscapedTexts) -> Iterator[EscapedTexts]:
    """While inside, escape_text() keeps what it escapes in `memo`; outside it keeps nothing."""
    token = _escaped.set(memo)
    try:
        yield memo
    finally:
        _escaped.reset(token)


def escape_meta(value: object) -> str:
    """Plain text for front matter and attributes: one line, HTML-escaped."""
    return html.escape(_SPACE_RE.sub(" ", str(value)).strip(), quote=True)


# --- links -----------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")
SAFE_SCHEMES = ("http", "https", "mailto")


def safe_href(href: str | None) -> str | None:
    """`href` when it is http(s), mailto, an anchor or a relative link; else None."""
    if href is None:
        return None
    cleaned = _CONTROL_RE.sub("", href)
    if not cleaned:
        return None
    scheme = _SCHEME_RE.match(cleaned)
    if scheme:
        return href.strip() if scheme.group(1).lower() in SAFE_SCHEMES else None
    if cleaned.startswith("//") or cleaned.startswith("\\") or ":" in cleaned.split("/")[0].split("?")[0].split("#")[0]:
        return None
    return href.strip()


# --- Markdown fields ----------------------------------------------------------------------

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote",
                          "h4", "h5", "h6", "hr", "a"})
VOID_TAGS = frozenset({"br", "hr"})
DROP_CONTENT_TAGS = frozenset({"script", "style", "template", "iframe", "object", "textarea", "title", "noscript"})
_HEADING_SHIFT = {"h1": "h4", "h2": "h4", "h3": "h5"}


def _text_out(data: str) -> str:
    return html.escape(data, quote=False).replace("{", "&#123;").replace("}", "&#125;")


class _Sanitizer(HTMLParser):
    """Rebuild HTML from the allow-list; everything else becomes text or nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.open: dict[str, int] = {}  # how many of each tag the stack holds
        self.links: list[int] = []  # where the stack holds a link, kept ("a") or not ("")
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT_TAGS:
            self.dropping += 1
            return
        if self.dropping:
            return
        tag = _HEADING_SHIFT.get(tag, tag)
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.out.append(_text_out(alt))
            return
        if tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            self._open_link(dict(attrs))
            return
        self.out.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self._push(tag)

    def _open_link(self, attrs: dict[str, str | None]) -> None:
        href = safe_href(attrs.get("href"))
        if href is None:
            self._push("")  # a link we do not keep: its text stays
            return
        title = attrs.get("title")
        extra = f' title="{html.escape(title, quote=True)}"' if title else ""
        self.out.append(f'<a href="{html.escape(href, quote=True)}"{extra}>')
        self._push("a")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and tag != "img":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT_TAGS:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        tag = _HEADING_SHIFT.get(tag, tag)
        if tag not in ALLOWED_TAGS or tag in VOID_TAGS:
            return
        wanted = tag
        if tag == "a":  # the innermost link, kept ("a") or not ("")
            wanted = self.stack[self.links[-1]] if self.links else "a"
        if not self.open.get(wanted):
            return  # a stray end tag
        while self.stack:
            open_tag = self._pop()
            if open_tag:
                self.out.append(f"</{open_tag}>")
            if open_tag == wanted:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(_text_out(data))

    def result(self) -> str:
        self.close()
        while self.stack:
            open_tag = self._pop()
            if open_tag:
                self.out.append(f"</{open_tag}>")
        return "".join(self.out)

    # The stack is as deep as the text has open tags: every step on it takes constant time, or
    # 20,000 characters of `<em>` and `</a>` would take seconds.

    def _push(self, tag: str) -> None:
        if tag in ("a", ""):
            self.links.append(len(self.stack))
        self.stack.append(tag)
        self.open[tag] = self.open.get(tag, 0) + 1

    def _pop(self) -> str:
        tag = self.stack.pop()
        self.open[tag] -= 1
        if self.links and self.links[-1] == len(self.stack):
            self.links.pop()
        return tag


def sanitize_html(fragment: str) -> Markup:
    """Keep only allow-listed tags and safe links of an HTML fragment; always balanced."""
    parser = _Sanitizer()
    parser.feed(fragment)
    return Markup(parser.result())


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=["fenced_code", "sane_lists", LinearExtension()], output_format="html")


# Text with no character Markdown or HTML gives a meaning to, starting with a letter, digit or
# currency sign but not as `12. ` (so it cannot open a list, heading, quote or code block),
# on one line. tests/unit/test_text.py checks that the fast path gives exactly what the
# full conversion gives.
_PLAIN_RE = re.compile(r"(?!\d+\.(?:\s|$))(?:[^\W_]|[€£$])(?:[^\W_]|[ ,;:?!'\"%/@=€£$.()-])*")


class MarkdownRenderer:
    """Goal Markdown -> sanitized HTML. One Python-Markdown instance, reset per field."""

    def __init__(self) -> None:
        self._md = _markdown()

    def __call__(self, source: str | None) -> Markup:
        """Sanitized HTML of a Markdown field ('' for None or blank)."""
        return Markup(self.html(source))

    def html(self, source: str | None) -> str:
        """The same HTML as a plain str, for code that joins many fields into one Markup (check-in tables)."""
        if not source or not source.strip():
            return ""
        if _PLAIN_RE.fullmatch(source) and "  " not in source and not source.endswith(" "):
            # Most check-in notes are one plain sentence: Python-Markdown would only wrap it in <p>.
            # A full conversion and sanitizing pass per note was most of the render time.
            return f"<p>{source}</p>"
        self._md.reset()
        return _no_blank_lines(str(sanitize_html(self._md.convert(source))))

    def block(self, source: str | None, css: str = "portal-md") -> Markup:
        """The field as a raw HTML block for a Markdown page (blank lines around it are the caller's)."""
        body = self(source)
        if not body:
            return Markup("")
        return Markup(f'<div class="{css}">{body}</div>')


def _no_blank_lines(body: str) -> str:
    # The HTML of a field goes into raw HTML blocks of the page (a field's own block, a check-in, the
    # search summary). Python-Markdown 3 keeps a raw HTML block whole across blank lines, but other
    # Markdown engines (Zensical) end it early, and so does rawblocks.py. A blank line (inside <pre>,
    # or text left between dropped tags) becomes &#10;.
    while True:
        compact = _BLANK_LINE_RE.sub(r"\n\1&#10;", body)
        if compact == body:
            return body
        body = compact


_BLANK_LINE_RE = re.compile(r"\n([ \t]*)\n")


def render_markdown(source: str | None) -> Markup:
    """Sanitized HTML of one Markdown field (a fresh renderer; use MarkdownRenderer in loops)."""
    return MarkdownRenderer()(source)


# --- numbers --------------------------------------------------------------------------------


def format_number(value: float | int | None) -> str:
    """12.0 -> "12", 1234567 -> "1,234,567", 2.25 -> "2.25", 0.33333 -> "0.333"; None -> "–"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(fraction: float | None) -> str:
    """0.72 -> "72 %"; None -> "–"."""
    if fraction is None:
        return "–"
    return f"{format_number(round(fraction * 100))} %"


def with_unit(value: float | None, unit: str | None) -> str:
    """A value with its display unit: "2.2 %", "12 logos", "12" (plain text, not escaped)."""
    number = format_number(value)
    return f"{number} {unit}" if unit else number

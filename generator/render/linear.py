"""Python-Markdown, linear in the length of a goal's Markdown field.

Goal text is untrusted, and a few of Python-Markdown's parsers cost time in the
square of the text's length on inputs nobody would write by hand: 20,000
characters of `[a](` took 4 s and of `[a](b) ` 14 s; 100 KB took minutes.
`LinearExtension` bounds each of them, without changing what ordinary Markdown
renders to:

* **Raw HTML.** Python-Markdown finds raw HTML with `html.parser`, and so does
  our sanitizer after it. From each `<` followed by a letter that never ends in
  `>` (`<a <a <a ...`), `html.parser` reads on to the end of the text, gives
  up, and starts again one character later. A preprocessor writes such a `<`,
  one that cannot start a tag, as a marker that the HTML comes out with as
  `&lt;`, exactly what Python-Markdown writes for a `<` it reads as text, in
  code and in attributes too. A `<` is kept when the next `>` comes before the
  next `<`, or when a well-formed tag of at most `MAX_TAG` characters starts
  there (quoted attribute values may hold `<`). Such a tag is read the same way
  by every parser after it and each reads it once. Python-Markdown's extractor
  of raw HTML blocks also searched its lists of open tags for each end tag, and
  the rest of the paragraph once per open tag for each comment (`<em>` then
  `<!---->`: cubic); `_Extractor` gives its answers from counted stacks and one
  scan for end tags.
* **Links and images.** From each `[`, Python-Markdown 3.11 works out the
  closing bracket of every position of the paragraph again after each link it
  finds, and from each `](` it reads on for the closing parenthesis to the end
  of the paragraph. Here the link text is matched by one regular expression
  that allows brackets nested `MAX_NESTING` deep, and the destination and title
  are read as Python-Markdown reads them but within `MAX_LINK` characters and
  with parentheses nested at most `MAX_NESTING` deep. A link past those bounds
  stays text.

Each `[`, `](` and `<` then costs time bounded by a constant, and the whole
conversion time grows with the text (tests/hardening/test_quadratic_text.py,
tests/unit/test_text.py). That takes Python-Markdown 3.11: older ones read a
paragraph again from its start after each inline element they find, and take
minutes over 10,000 backticks. The extension works with them all the same.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter

from markdown import htmlparser, inlinepatterns, util
from markdown.extensions import Extension
from markdown.htmlparser import HTMLExtractor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor

MAX_NESTING = 8
"""Brackets nested in a link's text, and parentheses nested in its destination, at most."""
MAX_LINK = 2000
"""Characters of a link's destination and title together, at most (a long signed URL fits)."""
MAX_TAG = 2000
"""Characters of a raw HTML tag whose quoted attribute values hold a `<`, at most."""

#: What a `<` that starts no tag becomes until the HTML is written. STX and ETX never reach the
#: preprocessors (Python-Markdown's whitespace normalizer removes them), and "lt" is no inline placeholder.
LT_MARKER = f"{util.STX}lt{util.ETX}"

# --- raw HTML ---------------------------------------------------------------------------------

#: A `<` that html.parser takes for the start of a start or end tag.
_TAG_OPEN_RE = re.compile(r"<(?=[A-Za-z/])")
#: The rest of a well-formed tag: name, attributes (quoted values may hold `<` and `>`), end.
_WELL_FORMED_TAG_RE = re.compile(r"""
    /?[A-Za-z][^\s"'<>/=]*
    (?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?)*
    \s*/?>""", re.VERBOSE)


def neutralise_lt(text: str) -> str:
    """`text` with each `<` that starts no tag replaced by LT_MARKER; linear in len(text)."""
    if "<" not in text:
        return text
    pieces: list[str] = []
    copied = kept_to = 0
    next_gt = -1  # the first `>` at or after the `<` at hand; len(text) when there is none
    for match in _TAG_OPEN_RE.finditer(text):
        at = match.start()
        if at < kept_to:
            continue  # inside a tag kept whole
        if next_gt < at:
            found = text.find(">", at)
            next_gt = found if found >= 0 else len(text)
        if next_gt < len(text):
            if text.find("<", at + 1, next_gt) < 0:
                continue  # `<...>` with no `<` inside: every parser reads it as one tag or as text
            tag = _WELL_FORMED_TAG_RE.match(text, at + 1, min(len(text), at + MAX_TAG))
            if tag:
                kept_to = tag.end()
                continue
        pieces += (text[copied:at], LT_MARKER)
        copied = at + 1
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


class _NeutraliseLt(Preprocessor):
    """Runs after fenced code is stashed and before Python-Markdown looks for raw HTML blocks."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        out = neutralise_lt(text)
        return lines if out is text else out.split("\n")


class _RestoreLt(Postprocessor):
    """The marker as the reference Python-Markdown writes for a `<` of text, once raw HTML is back."""

    def run(self, text: str) -> str:
        return text.replace(LT_MARKER, "&lt;")


# Python-Markdown's own raw-HTML extractor keeps the open tags in lists that it searches for each end
# tag, and for each comment inside an open inline tag it searches the rest of the paragraph once per
# open tag: 20,000 characters of `<em>` then `<!---->` took 16 s, and grew with the cube of the length.


class _Stack(list):
    """A list of tag names that answers `name in stack` in constant time; `on_open(name)` is called
    when a name that was not in it is appended."""

    def __init__(self, items=(), on_open=None) -> None:
        super().__init__(items)
        self.counts = Counter(self)
        self.on_open = on_open

    def append(self, item: str) -> None:
        super().append(item)
        self.counts[item] += 1
        if self.counts[item] == 1 and self.on_open is not None:
            self.on_open(item)

    def pop(self, index: int = -1) -> str:
        item = super().pop(index)
        self.counts[item] -= 1
        return item

    def __contains__(self, item: object) -> bool:
        return self.counts[item] > 0


_END_TAG_RE = re.compile(r"</\s*([^\s<>]+)\s*>")
#: Where a paragraph ends for HTMLExtractor (Python-Markdown 3.11; older ones ask no such question).
_BLANK_LINE_RE = getattr(htmlparser, "inner_blank_line_re", re.compile(r"\n[ \t]*\n"))


class _Extractor(HTMLExtractor):
    """Python-Markdown's HTMLExtractor, giving the same answers, each in time logarithmic in the text."""

    def reset(self) -> None:
        self._closes: dict[str, list[tuple[int, int]]] = {}  # name: (start, end) of each `</name>`
        self._closes_of = None  # the rawdata they were found in
        self._queue: list[tuple[int, str, int]] = []  # (start, name, index) of the next close of an open name
        self._queued: set[str] = set()
        self._blank = (None, -1, -1)  # rawdata, position, where the first blank line at or after it starts
        super().reset()

    # Python-Markdown's stacks of open tags (raw blocks, inline tags), assigned anew as it goes.
    @property
    def stack(self) -> _Stack:
        return self._stack

    @stack.setter
    def stack(self, items: list[str]) -> None:
        self._stack = _Stack(items)

    @property
    def inline_stack(self) -> _Stack:
        return self._inline

    @inline_stack.setter
    def inline_stack(self, items: list[str]) -> None:
        self._inline = _Stack(items, self._queue_closes)

    def _queue_closes(self, name: str) -> None:
        if self._closes_of is self.rawdata and name in self._closes and name not in self._queued:
            heapq.heappush(self._queue, (self._closes[name][0][0], name, 0))
            self._queued.add(name)

    def inline_close_follows(self, text: str) -> bool:
        """Whether an open inline tag is closed after the comment `text`, before the next blank line."""
        if not self.inline_stack:
            return False
        rawdata, start = self.rawdata, self.line_offset + self.offset + len(text)
        if self._closes_of is not rawdata:
            self._closes, self._closes_of, self._queue, self._queued = {}, rawdata, [], set()
            for match in _END_TAG_RE.finditer(rawdata):  # `</em>` is `em` and `EM` alike (re.I)
                self._closes.setdefault(match.group(1).lower(), []).append(match.span())
            for name in self.inline_stack.counts:
                self._queue_closes(name)
        close = self._next_close(start)
        return close is not None and close[1] <= self._blank_line(start)

    def _next_close(self, start: int) -> tuple[int, int] | None:
        """The first `</name>` at or after `start` of a name now open (closes cannot overlap)."""
        while self._queue:
            at, name, index = self._queue[0]
            closes = self._closes[name]
            if not self.inline_stack.counts[name] or at < start:
                heapq.heappop(self._queue)
                index = bisect.bisect_left(closes, (start, 0), index) if self.inline_stack.counts[name] else len(closes)
                if index < len(closes):
                    heapq.heappush(self._queue, (closes[index][0], name, index))
                else:
                    self._queued.discard(name)
                continue
            return closes[index]
        return None

    def _blank_line(self, start: int) -> int:
        rawdata, at, found = self._blank
        if rawdata is not self.rawdata or not at <= start <= found:
            match = _BLANK_LINE_RE.search(self.rawdata, start)
            found = match.start() if match else len(self.rawdata)
            self._blank = (self.rawdata, start, found)
        return found


class _HtmlBlocks(HtmlBlockPreprocessor):
    """Python-Markdown's raw HTML blocks, found by _Extractor."""

    def run(self, lines: list[str]) -> list[str]:
        parser = _Extractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


# --- links and images -------------------------------------------------------------------------


def _nested(open_: str, close: str, depth: int) -> str:
    """A regex for text with `open_`/`close` pairs nested at most `depth` deep, unrolled so that it
    backtracks in time linear in what it read ("normal* (special normal*)*")."""
    normal = f"[^{open_}{close}]*"
    body = normal
    for _ in range(depth):
        body = f"{normal}(?:{open_}{body}{close}{normal})*"
    return body


#: A link's text up to and with its closing bracket (escapes and code spans are placeholders by now).
_LINK_TEXT_RE = re.compile(_nested(r"\[", r"\]", MAX_NESTING - 1) + r"\]")
#: The next parenthesis or quote of a destination.
_DEST_SPECIAL_RE = re.compile(r"""[()'"]""")
#: A quote, spaces and `)`: where a title may end.
_TITLE_END_RE = re.compile(r"""(['"]) *\)""")
_PAREN_RE = re.compile(r"[()]")


class _Bounded:
    """getText() and getLink() of Python-Markdown's link processors, bounded (see the module)."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        """The link text from just past `[`: (text, index past `]`, True), or ("", len(data), False)."""
        match = _LINK_TEXT_RE.match(data, index)
        if match is None:
            return "", len(data), False
        return data[index:match.end() - 1], match.end(), True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """Destination and title from `(`: (href, title, index past `)`, handled), as Python-Markdown
        reads them within MAX_LINK characters and MAX_NESTING parentheses."""
        end = min(len(data), index + MAX_LINK)
        match = self.RE_LINK.match(data, index, end)
        if match is None:
            return "", None, index, False
        if match.group(1):  # [text](<destination> "title")
            title = match.group(2)[1:-1] if match.group(2) else None
            return self._finish(match.group(1)[1:-1], title, match.end())
        return self._scan(data, match.end(), end)

    def _finish(self, href: str, title: str | None, index: int) -> tuple[str, str | None, int, bool]:
        if title is not None:
            title = self.RE_TITLE_CLEAN.sub(" ", inlinepatterns.dequote(self.unescape(title.strip())))
        return self.unescape(href).strip(), title, index, True

    def _scan(self, data: str, start: int, end: int) -> tuple[str, str | None, int, bool]:
        """Python-Markdown's loop over the destination, visiting only parentheses and quotes.

        Until the first quote, parentheses are counted: the link ends where they balance. From the
        first quote on, the text is taken for a title: the link ends at the first `)` right after
        (but for spaces) a quote that closes a title, else where Python-Markdown backtracks to.
        """
        depth = 1
        for special in _DEST_SPECIAL_RE.finditer(data, start, end):
            at, char = special.start(), special.group()
            if char == "(":
                depth += 1
                if depth > MAX_NESTING:
                    return "", None, start, False
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return self._finish(data[start:at], None, at + 1)
            else:
                return self._titled(data, start, at, end, depth)
        return "", None, start, False

    def _titled(self, data: str, start: int, quote_at: int, end: int,
                depth: int) -> tuple[str, str | None, int, bool]:
        quote = data[quote_at]
        other = "'" if quote == '"' else '"'
        first_other = data.find(other, quote_at + 1, end)
        for close in _TITLE_END_RE.finditer(data, quote_at + 1, end):
            at, char = close.start(), close.group(1)
            if char == quote:
                return self._finish(data[start:quote_at], data[quote_at + 1:at], close.end())
            if char == other and 0 <= first_other < at:
                return self._finish(data[start:first_other], data[first_other + 1:at], close.end())
        # No title closes: the link ends at the parenthesis that balances those before the quote,
        # counting every parenthesis after it (Python-Markdown's "backtrack").
        for count, paren in enumerate(_PAREN_RE.finditer(data, quote_at + 1, end), 1):
            if count == depth:
                if paren.group() == "(":
                    break  # Python-Markdown then ends the link at index -1: none here
                return self._finish(data[start:paren.start()], None, paren.end())
        return "", None, start, False


#: Python-Markdown's link processors (inlinepatterns.build_inlinepatterns()): name, class, pattern, priority.
_LINK_PROCESSORS = (
    ("reference", inlinepatterns.ReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 170),
    ("link", inlinepatterns.LinkInlineProcessor, inlinepatterns.LINK_RE, 160),
    ("image_link", inlinepatterns.ImageInlineProcessor, inlinepatterns.IMAGE_LINK_RE, 150),
    ("image_reference", inlinepatterns.ImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 140),
    ("short_reference", inlinepatterns.ShortReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 130),
    ("short_image_ref", inlinepatterns.ShortImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 125),
)
#: Each of them with getText() and getLink() bounded.
_BOUNDED = {stock: type(f"Bounded{stock.__name__}", (_Bounded, stock), {}) for _, stock, _, _ in _LINK_PROCESSORS}


class LinearLinksExtension(Extension):
    """Python-Markdown's link processors, bounded. For pages too: a paragraph of a generated page
    with a thousand links (an objective's collaborators) took 8 s with Python-Markdown's own."""

    def extendMarkdown(self, md) -> None:
        for name, stock, pattern, priority in _LINK_PROCESSORS:
            # Only Python-Markdown's own: another extension's processor of that name stays.
            if name in md.inlinePatterns and type(md.inlinePatterns[name]) is stock:
                md.inlinePatterns.register(_BOUNDED[stock](pattern, md), name, priority)


class LinearExtension(LinearLinksExtension):
    """Bounded link processors, and a `<` that starts no tag kept away from html.parser: for goal text."""

    def extendMarkdown(self, md) -> None:
        super().extendMarkdown(md)
        if type(md.preprocessors["html_block"]) is HtmlBlockPreprocessor:
            md.preprocessors.register(_HtmlBlocks(md), "html_block", 20)
        # After fenced code is stashed (25), before raw HTML blocks are (20).
        md.preprocessors.register(_NeutraliseLt(md), "goalsite_neutralise_lt", 21)
        # After raw HTML is put back (30) and `&` restored (20).
        md.postprocessors.register(_RestoreLt(md), "goalsite_restore_lt", 5)

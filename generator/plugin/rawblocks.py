"""The raw HTML blocks of a generated page go through MkDocs without Python-Markdown reading them.

A generated page is Markdown around many blocks of HTML that the render stage
already wrote in full: charts with their JSON, check-in histories, sanitized
Markdown fields, the large tables and lists of the period pages. Any Markdown
engine passes such a block through unchanged (`goalsite generate` writes them
as they are, for engines other than MkDocs), but Python-Markdown first parses
each one with `html.parser` to find where it ends: most of the conversion
time of a unit's page or a period page.

`stash()` takes those blocks out of a generated page's Markdown before
MkDocs converts it, leaving a placeholder paragraph (as Python-Markdown's own
raw-HTML stash does), and `unstash()` puts them back into the page's HTML,
before any other plugin (search) reads it. The page comes out the same, byte
for byte: tests/e2e/test_html_fast_path.py builds sites both ways and compares them.

Which blocks: a paragraph (text between blank lines, or the page's ends) whose
first line starts with one of our block-level tags at the margin. Only our own
code can write such a line: goal text never starts a line (newlines become
spaces) and its `<` is always escaped (render/text.py). The placeholder holds a
random token of the build, so no text can forge one.
"""

from __future__ import annotations

import re
import secrets

#: A paragraph that opens with one of the block-level tags the templates write at the margin.
_BLOCK_RE = re.compile(r"(?:\A|(?<=\n\n))<(?:div|details|p|table|ul)[\s>][^\n]*(?:\n[^\n]+)*(?=\n\n|\n?\Z)")


def _set_aside(pattern: re.Pattern, text: str, token: str, placeholder) -> tuple[str, list[str]]:
    """`text` with each match of `pattern` replaced by `placeholder(f"{token}{i}")`, and the matches.

    Nothing is set aside when `text` holds the token already (it cannot: the token is random), rather than
    guess which placeholder is whose.
    """
    parts: list[str] = []
    if token in text:
        return text, parts

    def keep(match: re.Match) -> str:
        parts.append(match.group(0))
        return placeholder(f"{token}{len(parts) - 1}")

    return pattern.sub(keep, text), parts


class RawBlocks:
    """Blocks taken out of pages, by page, until their HTML comes back from Python-Markdown."""

    def __init__(self) -> None:
        self.token = f"goalsiteraw{secrets.token_hex(8)}x"
        self._paragraph_re = re.compile(rf"<p>{self.token}(\d+)</p>")
        self._bare_re = re.compile(rf"{self.token}(\d+)")
        self.pages: dict[str, list[str]] = {}

    def stash(self, page: str, markdown: str) -> str:
        """`markdown` with each raw HTML block replaced by a placeholder paragraph."""
        out, blocks = _set_aside(_BLOCK_RE, markdown, self.token, lambda name: name)
        if blocks:
            self.pages[page] = blocks
        return out

    def unstash(self, page: str, html: str) -> str:
        """The page's HTML with its blocks back where their placeholders are."""
        blocks = self.pages.pop(page, None)
        if not blocks:
            return html
        # Python-Markdown's own stash keeps a block with the newline that ends its last line.
        html = self._paragraph_re.sub(lambda m: blocks[int(m.group(1))] + "\n", html)
        put = lambda m: blocks[int(m.group(1))]  # noqa: E731
        # A placeholder Python-Markdown did not keep as a paragraph of its own (none is known): the
        # block goes where it is, rather than be lost.
        html = self._bare_re.sub(put, html) if self.token in html else html
        return html.strip()  # as Python-Markdown's output is: the last block ends the page without a newline


#: Parts of a page that Material's search never indexes: the empty chart slots (a figure's JSON in an
#: attribute; the text alternative is the paragraph after it), and the <details> and <table> the
#: templates mark data-search-exclude (check-in and target histories, chart tables, the unit tables
#: of the period and department pages). None holds an element of its own kind, and goal text cannot close one: its `<` is escaped.
_UNSEARCHED_RE = re.compile(r'<div class="portal-chart" [^>]*></div>|<details [^>]*data-search-exclude>.*?</details>'
                            r"|<table data-search-exclude>.*?</table>", re.S)


class Unsearched:
    """The parts of a page's HTML that search skips, set aside while Material's search plugin reads the page.

    The portal's own search is Pagefind (generator/search/), which reads the written site; this is for
    Material's search plugin when a user adds it back to mkdocs.yml (the guide's configuration page).
    That plugin parses the whole HTML of every page, and skips these parts only once it has parsed them:
    much of a unit page's HTML. `hide()` replaces them with comments in the page's content, which search
    reads; `show()` puts them back into the finished page, before it is written. The search index and the
    page come out the same (tests/e2e/test_html_fast_path.py, tests/unit/test_rawblocks.py).
    """

    def __init__(self) -> None:
        self.token = f"goalsitehidden{secrets.token_hex(8)}x"
        self._comment_re = re.compile(rf"<!--{self.token}(\d+)-->")
        self.pages: dict[str, list[str]] = {}

    def hide(self, page: str, html: str) -> str:
        """`html` with each unsearched part replaced by a comment."""
        out, parts = _set_aside(_UNSEARCHED_RE, html, self.token, lambda name: f"<!--{name}-->")
        if parts:
            self.pages[page] = parts
        return out

    def show(self, page: str, output: str) -> str:
        """The finished page with the parts hide() set aside back where their comments are."""
        parts = self.pages.pop(page, None)
        if not parts:
            return output
        return self._comment_re.sub(lambda m: parts[int(m.group(1))], output)

"""The Jinja environment of the page templates, and the frame of every page.

Templates (templates/pages/*.md.j2) are fixed files of the package; goal text
only ever reaches them as data. The environment cannot forget to escape:
its `finalize` hook runs on every `{{ ... }}` and passes plain values through
`escape_text()` (HTML and Markdown escaping); only Markup, which our own
helpers build from escaped parts (and macro output), is printed as is. `join` is replaced by a
version with the same rule, and undefined names raise (StrictUndefined).

Every page is: YAML front matter (`front_matter()`: every string a double-quoted
scalar, so goal text cannot end it; `title` and `tags` HTML-escaped because the
theme prints them raw), the
restricted-build banner when private goals are included, the `# title`,
then the template's body.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..upstream.jinja import FinalizeCodeGenerator
from .parts import Links
from .site import Site
from .text import escape_meta, escape_text

# Written "\n\n\n+", not "\n{3,}": re finds a literal prefix fast, and a period page is megabytes long.
_BLANK_LINES_RE = re.compile(r"\n\n\n+")  # safe: our HTML blocks hold no blank lines
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pages"

#: Put first in a heading, paragraph or list item to keep that block (a heading: its whole section) out
#: of the search index: the plugin's `unindex()` turns it into Material's `data-search-exclude`. Goal
#: text can never produce it (its `<` is escaped), and without the plugin it is an empty span.
NOINDEX = Markup('<span class="portal-noindex"></span>')
_NOINDEX_RE = re.compile(r'<(h[1-6]|p|li)((?: [^<>]*)?)><span class="portal-noindex"></span>')


def unindex(html: str) -> str:
    """Rendered page HTML -> the same with each NOINDEX-marked block carrying `data-search-exclude`."""
    if NOINDEX not in html:
        return html
    return _NOINDEX_RE.sub(r"<\1\2 data-search-exclude>", html)


RESTRICTED_BANNER = Markup(
    '<div class="admonition warning portal-restricted">'
    '<p class="admonition-title">Restricted build: includes private goals</p>'
    "<p>This site shows private objectives and KPIs. Do not share it beyond the people allowed to see them.</p>"
    "</div>"
)


_EMPTY = Markup("")


def finalize(value: object) -> Markup:
    """How a template prints a value: None as nothing, Markup as is, anything else through escape_text().

    Always Markup, so that the compiled templates print what it gives without escaping it again
    (upstream/jinja.py).
    """
    if type(value) is Markup:
        return value
    if value is None:
        return _EMPTY
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return escape_text(value)


class _Environment(jinja2.Environment):
    code_generator_class = FinalizeCodeGenerator

    def getattr(self, obj, attribute: str):
        """`kr.title` of a view (a dict) is its key, looked up first.

        Jinja tries the attribute first, and a dict has none: an AttributeError raised and caught for
        each of millions of lookups. Templates call no method of a dict.
        """
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _join(items, separator: str = ", ") -> Markup:
    # The separator is a literal of a fixed template, hence trusted.
    return Markup(separator).join(
        item if hasattr(item, "__html__") else escape_text(item) for item in items)


@functools.lru_cache(maxsize=1)
def make_env() -> jinja2.Environment:
    """The page environment: fixed templates, every printed value escaped unless Markup.

    One per process, so that each template is compiled once, not on every render.
    """
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # macro output is Markup; plain values still go through finalize
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["join"] = _join
    env.globals["noindex"] = NOINDEX
    return env


class Claims:
    """Pages handed out first come, first served to the processes of one render.

    Every process of a render walks the same pages in the same order (they are forked from one
    process and run the same code on the same portal), so a page is known by its place in that walk.
    `next` is the place of the first page nobody has taken yet, in memory the processes share
    (`Tasks.counter()`).
    A process that is busy with a large page lets the others take the pages after it, so no process
    waits for another at the end. Hashing paths to processes left one of two busy for seconds
    after the other was done.
    """

    def __init__(self, next_free) -> None:
        self.next = next_free

    def claim(self, place: int) -> bool:
        """Take the page at `place` unless another process took it; asked once for each place, in order."""
        with self.next.get_lock():
            if self.next.value > place:
                return False
            self.next.value = place + 1
            return True


class Pages:
    """Renders pages into a dict of docs-relative path -> Markdown.

    With `claims` it renders only the pages it claims (see `owns`), so that several processes can
    share the work; each page-rendering function returns early for pages it does not own, before
    building anything for them.
    """

    def __init__(self, site: Site, claims: "Claims | None" = None):
        self.site = site
        self.env = make_env()
        self.out: dict[str, str] = {}
        self.claims = claims
        self._owned: dict[str, bool] = {}

    def owns(self, path: str) -> bool:
        """Whether this process renders `path`: not when the page is reused from the last render
        (`site.reused`) or deferred (`site.deferred`), else when it claims the page, the first time it
        is asked about it."""
        if path in self.site.reused or path in self.site.deferred:
            return False
        if self.claims is None:
            return True
        owned = self._owned.get(path)
        if owned is None:
            owned = self._owned[path] = self.claims.claim(len(self._owned))
        return owned

    def links(self, path: str) -> Links:
        return Links(self.site, path)

    def add(self, path: str, template: str, title: str, tags: list[str] | tuple = (), *, boost: bool = False,
            **context: object) -> None:
        """Render one page with its front matter, banner and title."""
        if not self.owns(path):
            return
        body = self.env.get_template(template).render(**context)
        meta: dict[str, object] = {"title": escape_meta(title)}
        if tags:
            meta["tags"] = [escape_meta(t) for t in dict.fromkeys(tags)]
        if boost:
            meta["search"] = {"boost": 2}
        head = front_matter(meta)
        banner = f"{RESTRICTED_BANNER}\n\n" if self.site.include_private else ""
        body = _BLANK_LINES_RE.sub("\n\n", body.strip())
        self.out[path] = f"---\n{head}---\n\n{banner}# {escape_text(title)}\n\n{body}\n"


def front_matter(meta: dict) -> str:
    """YAML of a page's front matter: {name: text, list of texts, or {name: number}}, keys sorted.

    Written here rather than by yaml.safe_dump, which was a large part of the time of a small page.
    Every string is a double-quoted scalar, in JSON's syntax (which is YAML's) with what YAML may not
    hold unescaped (controls, U+FFFE, ...) escaped as well: any text comes back as it was.
    """
    lines = []
    for name in sorted(meta):
        value = meta[name]
        if isinstance(value, str):
            lines.append(f"{name}: {_yaml_string(value)}")
        elif isinstance(value, (list, tuple)):
            lines.append(f"{name}:" + "".join(f"\n- {_yaml_string(item)}" for item in value) if value else f"{name}: []")
        elif isinstance(value, dict):
            lines.append(f"{name}:" + "".join(f"\n  {k}: {_yaml_number(value[k])}" for k in sorted(value)))
        else:
            lines.append(f"{name}: {_yaml_number(value)}")
    return "\n".join(lines) + "\n"


# Beyond what JSON escapes: what a YAML stream may not hold (PyYAML's reader refuses it), and the
# line breaks that a double-quoted YAML scalar folds.
_YAML_UNPRINTABLE_RE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _yaml_string(text: str) -> str:
    return _YAML_UNPRINTABLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _yaml_number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"front matter holds text, lists of text and numbers, not {value!r}")
    return repr(value)

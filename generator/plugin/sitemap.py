"""sitemap-full.xml (theme/sitemap-full.xml): every page, for crawlers, valid at any size.

The sitemaps protocol allows at most 50,000 URLs and 50 MB (uncompressed) per sitemap file. MkDocs
renders the theme's template sitemap-full.xml; when the site has more pages than one file may list,
`plan()` (on_template_context) hands that template the names of numbered parts instead, and it writes
a sitemap index (`<sitemapindex>`) of them. `write()` (on_post_build) renders each part with the same
template, its share of the pages given as `pages`, into the build's site_dir (each file atomically,
before `goalsite build` swaps the site in), and removes the parts an earlier build of the same
site_dir left (`goalsite serve` rebuilds into one folder).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.structure.files import File

from ..publish import write_atomic

TEMPLATE = "sitemap-full.xml"
"""The theme's static template (mkdocs.yml: theme.static_templates)."""

MAX_URLS = 50_000
"""The most URLs one sitemap file may list (sitemaps.org). `extra.sitemap_full_max_urls` lowers it."""

MAX_BYTES = 50 * 1024 * 1024
"""The most bytes one sitemap file may have, uncompressed (sitemaps.org)."""

ENTRY_BYTES = 100
"""More than the bytes of one `<url>` entry of the template, its `<loc>` and `<lastmod>` aside."""

PART = re.compile(r"sitemap-full-[0-9]+\.xml")
"""The names of the numbered parts: sitemap-full-1.xml, sitemap-full-2.xml, ..."""


def max_urls(extra) -> int | None:
    """The most URLs per file: `extra.sitemap_full_max_urls` when a positive whole number, at most MAX_URLS.

    None when it is set to anything else (the plugin refuses the config)."""
    value = extra.get("sitemap_full_max_urls")
    if value is None:
        return MAX_URLS
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return min(value, MAX_URLS)


def listed(pages: list[File]) -> list[File]:
    """The pages the template lists: those with a URL (the same test as theme/sitemap-full.xml)."""
    return [f for f in pages
            if f.page is not None and not f.page.is_link and (f.page.abs_url or f.page.canonical_url)]


def entry_bytes(file: File) -> int:
    """An upper bound of the bytes of `file`'s `<url>` entry in a sitemap."""
    loc = html.escape(file.page.canonical_url or file.page.abs_url)
    return len(loc.encode("utf-8")) + len(str(file.page.update_date or "")) + ENTRY_BYTES


def split(sizes: list[int], limit: int, max_bytes: int = MAX_BYTES) -> list[range]:
    """The entries (by their sizes in bytes) cut into consecutive parts of at most `limit` entries and
    `max_bytes` bytes each (one part if they fit; an entry larger than `max_bytes` alone in its part)."""
    parts, start, used = [], 0, ENTRY_BYTES  # the XML declaration and <urlset> around the entries
    for i, size in enumerate(sizes):
        if i > start and (i - start >= limit or used + size > max_bytes):
            parts.append(range(start, i))
            start, used = i, ENTRY_BYTES
        used += size
    return parts + [range(start, len(sizes))]


@dataclass
class FullSitemap:
    """One build's sitemap-full.xml: the parts planned while MkDocs renders the template, written after."""

    limit: int = MAX_URLS
    """The most URLs per file (on_config: max_urls())."""
    env: object | None = None
    """The theme's Jinja environment of this build (on_env)."""
    context: dict | None = None
    """The template's context as MkDocs gave it, when the pages are split."""
    parts: list[list[File]] = field(default_factory=list)

    def start(self, env) -> None:
        """A new build (on_env): nothing planned yet."""
        self.env, self.context, self.parts = env, None, []

    def plan(self, context: dict) -> dict:
        """The context of theme/sitemap-full.xml: when its pages do not fit one file, the names of the
        parts (`sitemaps`), which makes the template a sitemap index."""
        pages = listed(list(context.get("pages") or []))
        ranges = split([entry_bytes(f) for f in pages], self.limit)
        if len(ranges) <= 1:
            return context
        self.context, self.parts = context, [pages[r.start:r.stop] for r in ranges]
        return {**context, "sitemaps": self.names()}

    def names(self) -> list[str]:
        return [f"sitemap-full-{n}.xml" for n in range(1, len(self.parts) + 1)]

    def write(self, site_dir: str) -> None:
        """Write the planned parts into `site_dir` and remove any other part an earlier build left."""
        names = self.names()
        for name, pages in zip(names, self.parts):
            text = self.env.get_template(TEMPLATE).render({**self.context, "pages": pages, "sitemaps": None})
            write_atomic(Path(site_dir, name), text)
        for old in Path(site_dir).glob("sitemap-full-*.xml"):
            if PART.fullmatch(old.name) and old.name not in names:
                old.unlink()
        self.env, self.context, self.parts = None, None, []

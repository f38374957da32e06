"""Incremental rebuilds for `goalsite serve`: after a goal edit, MkDocs rebuilds only the pages that changed.

A large company's portal has thousands of pages and one goal edit changes a
handful of them. `goalsite serve` (server.py) runs MkDocs' "dirty" builds,
which skip every page whose file says it is not modified; this module decides
that for the generated pages and keeps what a dirty build would get wrong:

* **Which pages changed**: a generated page is modified when its Markdown
  differs from what the last successful build of this process published
  (the text itself, never a time), or when the site's name changed
  (it is in every page's header: then the hand-written pages are rebuilt
  too). Whether a hand-written page is rebuilt is decided once per build,
  so that an edit made while a build runs cannot slip between MkDocs
  reading the page and writing it.
* **Pages that disappeared** (a unit removed): their HTML is deleted.
* **Material's search index**, when a user adds that plugin back to
  mkdocs.yml (the portal's own search is Pagefind, generator/search/, which
  the plugin indexes itself): Material's search plugin indexes only the
  pages a build renders. The entries of every page are kept here, by page,
  and `search/search_index.json` is rewritten whole after each build, with
  the rebuilt pages' entries replaced. Without that plugin there is no
  such file and nothing to merge.
* **Fast rebuilds** (a large company): nearly every goal edit changes the
  company-wide pages (the indexes, each period's page, its departments' pages
  and its retrospective: render/cache.py's `company_wide`) and the JSON
  export. A fast rebuild leaves them as the site has them, and the lint
  advice unsaid (the plugin), so that the pages of the edited teams show the
  edit sooner, and sets `behind`: the serve loop then
  asks for a complete rebuild at once, which brings them up to date. A page a
  fast rebuild leaves alone keeps its old text as what was published, so the
  complete rebuild sees it changed.

Hand-written pages, the theme and mkdocs.yml are server.py's business: a
change to any of them makes the next build a full one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from ..plugin.files import GeneratedPage, hand_written_pages
from ..publish import write_atomic
from ..render.cache import company_wide

#: The index Material's search plugin writes, when a user adds it back (finish() merges it).
SEARCH_INDEX = "search/search_index.json"
#: Fast rebuilds defer the company-wide pages when they hold at least this much Markdown (a few hundred
#: teams of benchmarks/synth.py; the guide's configuration page says how many). Below it one rebuild is
#: soon enough: it shows an edit everywhere about as soon as a fast one shows the team page
#: (benchmarks/README.md has the measurements).
FAST_MIN_CHARS = 4_000_000
log = get_plugin_logger("goalsite")


class Incremental:
    """What the previous successful build of this process published."""

    def __init__(self) -> None:
        self.dirty = False
        """Set by the serve loop before each build: True when MkDocs skips unmodified pages."""
        self.fast_min_chars: int | None = FAST_MIN_CHARS
        """How much Markdown the company-wide pages hold before they are deferred; None: never."""
        self.behind = False
        """The last successful build deferred the company-wide pages: the next one must render them."""
        self._deferred: dict[str, str] | None = None
        self.published: dict[str, str] = {}  # generated page src_uri -> the Markdown it was built from
        self._site: tuple[str, bool] | None = None  # (site_dir, use_directory_urls) of the last build
        self.files: dict[str, str] = {}  # every other generated file (api/...) -> where it was written
        self.site_name: str | None = None
        self.search: dict[str, list[str]] = {}  # page URL -> its entries in Material's search index, as JSON
        self.rebuilt: set[str] = set()  # page URLs rendered by the running build
        self._pending: dict[str, str] = {}
        self._others: set[str] = set()
        self._files: Files | None = None

    def start(self) -> bool:
        """At the start of a build: whether it is a fast rebuild (see deferred()).

        Only a dirty build of a large company is, and never two builds in a row.
        """
        self._deferred = None
        if self.dirty and not self.behind and self.fast_min_chars is not None:
            held = {uri: text for uri, text in self.published.items() if company_wide(uri)}
            if sum(map(len, held.values())) >= self.fast_min_chars:
                self._deferred = held
        return self._deferred is not None

    def deferred(self) -> dict[str, str] | None:
        """What this build leaves as it is: {page: the Markdown the site shows}; None for a complete build."""
        return self._deferred

    def prepare(self, files: Files, config, outputs: dict[str, str | Path]) -> None:
        """Before MkDocs reads the pages: mark which generated pages changed, drop what disappeared.

        `outputs` are the generated files by path (pipeline.render_site()); only pages (GeneratedPage)
        are compared.
        """
        self.rebuilt = set()
        self._files = files
        by_uri = files.src_uris  # the URIs are posix already: no get_file_from_path() for thousands of pages
        pages = {uri: file for uri in outputs if isinstance(file := by_uri.get(uri), GeneratedPage)}
        self._pending = {uri: outputs[uri] for uri in pages}
        self._others = {uri for uri in outputs if uri not in pages}
        renamed = self.site_name is not None and self.site_name != config.site_name
        for uri, file in pages.items():
            # A page the render took from its cache is the very string published last time: `==` sees
            # that at once, and compares only the pages rendered again (no hash of every page's text).
            file.changed = not self.dirty or renamed or self.published.get(uri) != self._pending[uri]
        if not self.dirty:
            return
        for uri in self.published.keys() - self._pending.keys():
            _remove(self.dest(uri))
        if self._deferred is None:  # a fast rebuild makes no export: what it leaves out has not disappeared
            for uri in self.files.keys() - self._others:
                _remove(self.files.get(uri))
        for file in hand_written_pages(files):
            # Decided once: MkDocs asks again before writing the page, and a page edited in between
            # would be written without having been read. A renamed site rebuilds them all (the
            # name is in every header). The next build sees the edit.
            _decide(file, renamed or file.is_modified())

    def dest(self, uri: str) -> str | None:
        """The HTML file the last successful build wrote for the generated page `uri`; None if it made none.

        Worked out when a page disappears, as MkDocs does for a generated file, rather than kept for
        every page after every build.
        """
        if self._site is None or uri not in self.published:
            return None
        site_dir, use_directory_urls = self._site
        return File(uri, None, site_dir, use_directory_urls).abs_dest_path

    def page_built(self, url: str) -> None:
        self.rebuilt.add(url)

    def finish(self, config) -> None:
        """After a successful build: rewrite Material's search index whole (when there is one), and remember
        what was published."""
        files = self._files
        if files is None:
            return
        index = Path(config.site_dir, SEARCH_INDEX)
        if index.is_file():
            data = json.loads(index.read_text(encoding="utf-8"))
            fresh: dict[str, list[dict]] = {}
            for doc in data.get("docs", []):
                fresh.setdefault(doc["location"].split("#")[0], []).append(doc)
            if not self.dirty:
                self.search = {}
            for url in self.rebuilt | fresh.keys():
                self.search[url] = [_json(doc) for doc in fresh.get(url, [])]
            order = [f.page.url for f in files.documentation_pages() if f.page is not None]
            self.search = {url: self.search[url] for url in order if url in self.search}
            # The same text as json.dumps(data) with every page's entries in it, but only the entries
            # of the pages this build rendered are encoded: a large company's index is large.
            docs = "[" + ",".join(doc for docs in self.search.values() for doc in docs) + "]"
            data.setdefault("docs", [])
            write_atomic(index, "{" + ",".join(f"{_json(key)}:{docs if key == 'docs' else _json(value)}"
                                               for key, value in data.items()) + "}")
        if self.dirty:
            follow = "; the company-wide pages follow" if self._deferred is not None else ""
            log.info(f"Rebuilt {len(self.rebuilt)} of {len(files.documentation_pages())} pages{follow}")
        self.behind, self._deferred = self._deferred is not None, None
        self.published, self._pending = self._pending, {}
        self._site = (config.site_dir, config.use_directory_urls)
        by_uri = files.src_uris
        others = {uri: file.abs_dest_path for uri in self._others if (file := by_uri.get(uri)) is not None}
        self.files = others if not self.behind else {**self.files, **others}
        self.site_name = config.site_name
        self._files = None


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _decide(file: File, modified: bool) -> None:
    file.is_modified = lambda: modified  # type: ignore[method-assign]


def _remove(path: str | None) -> None:
    if path:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass

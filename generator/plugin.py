"""The MkDocs shell: `plugins: [goalsite]` runs the goal pipeline inside `mkdocs build` and `mkdocs serve`.

Every page, the assets and `api/goals.json` enter the build as in-memory files
(`File.generated`) in `on_files`; nothing is ever written into `docs_dir`, so
`mkdocs serve` rebuilds once per goal edit and never loops.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
from pathlib import Path
from typing import Iterator

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from .config import PortalConfig
from .incremental import GeneratedPage, Incremental
from .pipeline import Build, build_portal, day_of_epoch
from .problems import format_problem, summarize
from .progress import Progress
from .publish import MANIFEST
from .rawblocks import RawBlocks, Unsearched
from .render.page import unindex
from .search import SearchBundleError, SearchStage

log = get_plugin_logger(__name__)

#: Where the portal's own CSS/JS and plotly.min.js live in the site (charts.PLOTLY_PATH agrees).
ASSETS_URI = "assets"
#: More lint warnings than this are logged as one count (`goalsite serve` of a large company would
#: otherwise repeat thousands of lines on every rebuild); errors are always logged one by one.
MAX_LOGGED_WARNINGS = 50
#: The JSON export, relative to the site root (DESIGN.md).
EXPORT_URI = "api/goals.json"


class GoalsitePlugin(BasePlugin[PortalConfig]):
    """Adds the goal portal's generated pages, assets and JSON export to an MkDocs build."""

    def __init__(self) -> None:
        self.overrides: dict = {}
        self.prebuilt: Build | None = None
        self.build: Build | None = None
        self.goals_dir: Path | None = None
        self.today: dt.date | None = None
        self.progress = Progress(enabled=False)
        """Set by `goalsite build`: counts the pages MkDocs reads and writes (a terminal only)."""
        self.incremental: Incremental | None = None
        """Set by `goalsite serve`: lets a rebuild skip the pages a goal edit did not change."""
        self.bytecode_cache = None
        """Set by `goalsite serve`: the theme's compiled templates, kept from one rebuild to the next."""
        self.freeze_sources = False
        """Set by `goalsite serve` for its first build: see pipeline.build_portal()."""
        self.raw_blocks = RawBlocks()
        self.unsearched = Unsearched()
        self.search = SearchStage()
        """The Pagefind index of the site (search/): the hand-written pages it keeps, its indexer when serving."""
        self.serving = False

    @contextlib.contextmanager
    def preset(self, build: Build | None = None, **options) -> Iterator[None]:
        """While inside, `options` win over mkdocs.yml on every (re)build; `build` is used by the next build.

        This is how `goalsite build` and `goalsite serve` pass their flags: MkDocs keeps one plugin
        instance per process (see on_startup), so the presets are cleared on the way out.
        """
        self.overrides, self.prebuilt = dict(options), build
        try:
            yield
        finally:
            self.overrides, self.prebuilt = {}, None

    def on_startup(self, *, command, dirty) -> None:
        """Defined so MkDocs keeps this instance across `mkdocs serve` rebuilds, and with it the presets."""
        self.serving = command == "serve"  # search indexes in the background while serving

    def on_shutdown(self) -> None:
        self.search.close()

    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.config.update(self.overrides)
        self.goals_dir = Path(config.config_file_path or ".").parent.joinpath(self.config.goals_dir).resolve()
        self.today = _parse_today(self.config.today)
        config.extra["goalsite_restricted"] = self.config.include_private
        if not self.config.search:  # no index: no search box either
            config.extra_javascript = [js for js in config.extra_javascript if not _is_search_asset(js)]
            config.extra_css = [css for css in config.extra_css if not _is_search_asset(css)]
        # Gather before anything is rendered; the site's name comes from the goals. A fast rebuild of
        # `goalsite serve` leaves the advice (lint) to the complete rebuild that follows it.
        fast = self.incremental is not None and self.incremental.start()
        self.build = self._run_pipeline(lint=not fast)
        if self.config.site_name_from_company:
            # Material prints site_name into the page unescaped, and the name is goal text.
            config.site_name = html.escape(f"{self.build.portal.org.company.name} goals")
        return config

    def on_files(self, files: Files, *, config) -> Files:
        if not self.config.enabled:
            return files
        _drop_generated_copies(files, config.docs_dir)
        self.raw_blocks.pages.clear()  # what a failed build left
        self.unsearched.pages.clear()
        self.progress.phase("Rendering pages")
        deferred = self.incremental.deferred() if self.incremental is not None else None
        outputs = portal_outputs(self.build, deferred=deferred)
        for uri, content in sorted(outputs.items()):
            file_class = GeneratedPage if uri.endswith(".md") else File
            _put(files, file_class.generated(config, uri, content=content))
        for uri, path in portal_assets().items():
            _put(files, File.generated(config, uri, abs_src_path=str(path)))
        if self.incremental is not None:
            self.incremental.prepare(files, config, outputs)
        self.search.keep_only({f.url for f in files.documentation_pages() if not isinstance(f, GeneratedPage)})
        return files

    def on_nav(self, nav, *, config, files):
        self.progress.phase("Reading pages", len(files.documentation_pages()))
        return nav

    @event_priority(-100)  # last, so that Python-Markdown is all that runs between stash and unstash
    def on_page_markdown(self, markdown, *, page, config, files):
        """Take the raw HTML blocks out of a generated page, for on_page_content to put back (rawblocks.py)."""
        if not self.config.enabled or not self.config.html_fast_path or not isinstance(page.file, GeneratedPage):
            return markdown
        return self.raw_blocks.stash(page.file.src_uri, markdown)

    @event_priority(100)  # first, so that every other plugin reads the page whole
    def on_page_content(self, html, *, page, config, files):
        """Put the raw HTML blocks back, mark the blocks the templates keep out of search
        (render.page.NOINDEX), and set aside what search would skip, before search reads the page."""
        self.progress.step()
        if not self.config.enabled:
            return html
        if self.config.search and not isinstance(page.file, GeneratedPage):
            self.search.keep_page(page.url, page.title or "", html)
        html = unindex(self.raw_blocks.unstash(page.file.src_uri, html))
        if self.config.html_fast_path and isinstance(page.file, GeneratedPage):
            html = self.unsearched.hide(page.file.src_uri, html)
        return html

    def on_env(self, env, *, config, files):
        self.progress.phase("Writing pages", len(files.documentation_pages()))
        if self.bytecode_cache is not None:
            env.bytecode_cache = self.bytecode_cache
        return env

    @event_priority(100)  # first: the page whole again before any other plugin reads it
    def on_post_page(self, output, *, page, config):
        self.progress.step()
        output = self.unsearched.show(page.file.src_uri, output)
        if self.incremental is not None:
            self.incremental.page_built(page.url)
        return output

    @event_priority(-100)  # after the search plugin has written its index, whatever the order in mkdocs.yml
    def on_post_build(self, *, config):
        self.progress.phase("Indexing search")
        self._index_search(config)
        self.progress.close()
        if self.incremental is not None:
            self.incremental.finish(config)

    def on_build_error(self, *, error):
        self.progress.close()

    def on_serve(self, server, *, config, builder):
        """Watch the goals folder even when `--goals` points outside the `watch:` list of mkdocs.yml."""
        if self.config.enabled and self.goals_dir is not None:
            server.watch(str(self.goals_dir))
        return server

    def _index_search(self, config) -> None:
        """The Pagefind index of the site (generator/search/): now, or in the background while serving."""
        if not self.config.enabled or not self.config.search or self.build is None:
            return
        if self.incremental is not None and self.incremental.deferred() is not None:
            return  # a fast rebuild of `goalsite serve`: the complete rebuild that follows indexes
        try:
            self.search.publish(self.build, config.site_dir, language=config.theme.get("language") or "en",
                                background=self.serving)
        except SearchBundleError as e:
            raise PluginError(f"goalsite: could not build the search index: {e}") from None

    def _run_pipeline(self, *, lint: bool = True) -> Build:
        build, self.prebuilt = self.prebuilt, None
        if build is None or build.include_private != self.config.include_private or build.today != self.today:
            build = build_portal(self.goals_dir, self.today, include_private=self.config.include_private,
                                 lint=lint, history=True, freeze_sources=self.freeze_sources)
            self.freeze_sources = False  # once: what a later build freezes could never be collected
        warnings = [p for p in build.problems if not p.is_error]
        for problem in build.errors + (warnings if len(warnings) <= MAX_LOGGED_WARNINGS else []):
            (log.error if problem.is_error else log.info)(format_problem(problem))
        if len(warnings) > MAX_LOGGED_WARNINGS:
            log.info(f"goals: {summarize(warnings)}; run goalsite check to list them")
        if not build.ok:
            files = len({p.location.path for p in build.errors})
            raise PluginError(f"{files} goal file{'s have' if files != 1 else ' has'} errors (see above)")
        return build


def portal_outputs(build: Build, *, deferred: dict[str, str] | None = None) -> dict[str, str]:
    """Every generated text file of the site: the rendered pages and the JSON export.

    `deferred` is for the fast rebuilds of `goalsite serve` (incremental.py): those pages come back
    with the text given, unless unchanged, and the export is left out (the site keeps the one it has).
    """
    from .export import export_json, export_text
    from .render import render_pages
    from .render.site import Site

    site = Site(build)  # one index of the portal for the pages and the export
    outputs = dict(render_pages(build, site=site, deferred=deferred))
    if deferred is not None:
        return outputs
    # The export enters the build as a generated file (not written in on_post_build), so that it
    # replaces a stale copy left by `goalsite generate` exactly like the pages do.
    # Compact: with `indent` the json module falls back to its pure-Python encoder, seconds at 1,000 teams.
    outputs[EXPORT_URI] = export_text(export_json(build, site)) + "\n"
    return outputs


def portal_assets() -> dict[str, Path]:
    """The portal's static files by site path: generator/assets/* and plotly.min.js from the plotly wheel."""
    folder = Path(__file__).with_name("assets")
    found = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.startswith("."))
    try:
        import plotly

        plotly_js = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"
        found += [plotly_js] if plotly_js.is_file() else []
    except ImportError:  # pragma: no cover - plotly is a dependency
        pass
    return {f"{ASSETS_URI}/{p.name}": p for p in found}


def _parse_today(value: str | None) -> dt.date:
    """The `today` option, else the day of SOURCE_DATE_EPOCH, else the clock's today."""
    try:
        if value:
            return dt.date.fromisoformat(str(value))
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return day_of_epoch(epoch)
    except ValueError as e:
        raise PluginError(f"goalsite: expected 'today' as YYYY-MM-DD and SOURCE_DATE_EPOCH as seconds: {e}")
    return dt.date.today()


def _is_search_asset(entry) -> bool:
    """An extra_javascript / extra_css entry of mkdocs.yml that is the search box (assets/search.js, .css)."""
    return str(getattr(entry, "path", entry)) in (f"{ASSETS_URI}/search.js", f"{ASSETS_URI}/search.css")


def _drop_generated_copies(files: Files, docs_dir: str) -> None:
    """Forget the files an earlier `goalsite generate` left in docs_dir: this build generates fresh ones.

    This matters for privacy: pages of an `--include-private` generate run must not leak into a public build.
    """
    manifest = Path(docs_dir, MANIFEST)
    if not manifest.is_file():
        return
    for uri in json.loads(manifest.read_text(encoding="utf-8")).get("files", []):
        if (old := files.get_file_from_path(uri)) is not None:
            files.remove(old)


def _put(files: Files, file: File) -> None:
    """Add `file`, replacing a hand-written or stale file at the same path."""
    if (old := files.src_uris.get(file.src_uri)) is not None:
        files.remove(old)
    files.append(file)

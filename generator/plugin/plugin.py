"""The MkDocs shell: `plugins: [goalsite]` runs the goal pipeline inside `mkdocs build` and `mkdocs serve`.

Every page, the assets and `api/goals.json` enter the build as in-memory files
(`File.generated`, files.py) in `on_files`; nothing is ever written into `docs_dir`, so
`mkdocs serve` rebuilds once per goal edit and never loops. The handlers check `enabled`,
call the pipeline (pipeline.py) and hand its results to MkDocs; the CLI's commands pass
their flags through `preset()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files

from ..pipeline import ASSETS_URI, Build, build_portal, render_site, today_from_environment
from ..problems import format_problem, summarize
from ..render.page import unindex
from ..speed.memo import Memo
from ..speed.tasks import SerialTasks, Tasks, parse_jobs, when_idle
from ..search import SearchBundleError, SearchStage
from .config import PortalConfig
from .files import GeneratedPage, drop_generated_copies, generated, hand_written_pages, put_file
from .progress import Progress
from .rawblocks import RawBlocks, Unsearched
from .sitemap import TEMPLATE as FULL_SITEMAP, FullSitemap, max_urls

if TYPE_CHECKING:
    from jinja2 import BytecodeCache

    from ..serve.incremental import Incremental

#: Python-Markdown's link processors, bounded (render/linear.py), for every page of the site.
LINKS_EXTENSION = "generator.render.linear:LinearLinksExtension"

log = get_plugin_logger(__name__)

#: More lint warnings than this are logged as one count (`goalsite serve` of a large company would
#: otherwise repeat thousands of lines on every rebuild); errors are always logged one by one.
MAX_LOGGED_WARNINGS = 50


@dataclass(frozen=True)
class Rebuilding:
    """What a shell that rebuilds the site in one process (`goalsite serve`) lends the plugin for one build."""

    incremental: "Incremental"
    """Lets a rebuild skip the pages a goal edit did not change (serve/incremental.py)."""
    templates: "BytecodeCache | None" = None
    """The theme's compiled templates, kept from one rebuild to the next."""
    freeze_sources: bool = False
    """The server's first build: see pipeline.build_portal()."""
    memo: Memo | None = None
    """What the build may reuse of the last one (speed/memo.py): the shell owns it across its rebuilds."""


class GoalsitePlugin(BasePlugin[PortalConfig]):
    """Adds the goal portal's generated pages, assets and JSON export to an MkDocs build."""

    def __init__(self) -> None:
        self.overrides: dict = {}
        self.prebuilt: Build | None = None
        self.progress = Progress(enabled=False)
        self.rebuilding: Rebuilding | None = None
        self.build: Build | None = None
        self.goals_dir: Path | None = None
        self.today: dt.date | None = None
        self.memo: Memo | None = None
        """What a rebuild may reuse of the last build (speed/memo.py): made by on_startup for plain
        `mkdocs serve`; `goalsite serve` lends its own through `Rebuilding`; None for a one-shot build."""
        self.tasks: Tasks = SerialTasks()
        """The task runner of the build (speed/tasks.py), made by on_config from GOALSITE_JOBS."""
        self.raw_blocks = RawBlocks()
        self.unsearched = Unsearched()
        self.hiding = False
        """Set aside what Material's search skips (rawblocks.Unsearched): only when a user added that plugin back."""
        self.search = SearchStage()
        """The Pagefind index of the site (search/): the hand-written pages it keeps, its indexer when serving."""
        self.serving = False
        self.full_sitemap = FullSitemap()
        """sitemap-full.xml, split into parts when the site has more pages than a sitemap may list (sitemap.py)."""

    @contextlib.contextmanager
    def preset(self, build: Build | None = None, *, progress: Progress | None = None,
               rebuilding: Rebuilding | None = None, **options) -> Iterator[None]:
        """While inside, `options` win over mkdocs.yml on every (re)build; `build` is used by the next build.

        `progress` draws the build's progress line (`goalsite build`, on a terminal); `rebuilding` is
        what `goalsite serve` keeps from one build to the next. This is how the CLI's commands pass
        their flags: MkDocs keeps one plugin instance per process (see on_startup), so the presets are
        cleared on the way out.
        """
        self.overrides, self.prebuilt = dict(options), build
        self.progress, self.rebuilding = progress or Progress(enabled=False), rebuilding
        try:
            yield
        finally:
            self.overrides, self.prebuilt = {}, None
            self.progress, self.rebuilding = Progress(enabled=False), None

    def on_startup(self, *, command, dirty) -> None:
        """Defined so MkDocs keeps this instance across `mkdocs serve` rebuilds, and with it the presets
        and the memo of a command that rebuilds."""
        self.memo = (self.memo or Memo()) if command == "serve" else None
        self.serving = command == "serve"  # search indexes in the background while serving

    def on_shutdown(self) -> None:
        """The server stops: what its rebuilds kept is let go, and search stops indexing."""
        self.memo = None
        self.search.close()

    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.config.update(self.overrides)
        self.goals_dir = Path(config.config_file_path or ".").parent.joinpath(self.config.goals_dir).resolve()
        self.today = _parse_today(self.config.today)
        self.tasks = Tasks(parse_jobs(os.environ.get("GOALSITE_JOBS")), warn=_warn)
        self.hiding = self.config.html_fast_path and any(map(_is_materials_search, config.plugins))
        config.extra["goalsite_restricted"] = self.config.include_private
        if (limit := max_urls(config.extra)) is None:
            raise PluginError("goalsite: expected extra.sitemap_full_max_urls as a whole number of at least 1, "
                              f"got {config.extra['sitemap_full_max_urls']!r}")
        self.full_sitemap.limit = limit
        if LINKS_EXTENSION not in config.markdown_extensions:  # links in time linear in a paragraph's length
            config.markdown_extensions.append(LINKS_EXTENSION)
        if not self.config.search:  # no index: no search box either
            config.extra_javascript = [js for js in config.extra_javascript if not _is_search_asset(js)]
            config.extra_css = [css for css in config.extra_css if not _is_search_asset(css)]
        # Gather before anything is rendered; the site's name comes from the goals. A fast rebuild of
        # `goalsite serve` leaves the advice (lint) to the complete rebuild that follows it.
        fast = self.rebuilding is not None and self.rebuilding.incremental.start()
        self.build = self._run_pipeline(lint=not fast)
        if self.config.site_name_from_company:
            # Material prints site_name into the page unescaped, and the name is goal text.
            config.site_name = html.escape(f"{self.build.portal.org.company.name} goals")
        return config

    def on_files(self, files: Files, *, config) -> Files:
        if not self.config.enabled:
            return files
        drop_generated_copies(files, config.docs_dir)
        self.raw_blocks.pages.clear()  # what a failed build left
        self.unsearched.pages.clear()
        self.progress.phase("Rendering pages")
        incremental = self.rebuilding.incremental if self.rebuilding is not None else None
        outputs = render_site(self.build, deferred=incremental.deferred() if incremental is not None else None,
                              memo=self._memo(), tasks=self.tasks)
        for uri, content in outputs.items():
            put_file(files, generated(config, uri, content))
        if incremental is not None:
            incremental.prepare(files, config, outputs)
        self.search.keep_only({f.url for f in hand_written_pages(files)})
        return files

    def on_nav(self, nav, *, config, files):
        self.progress.phase("Reading pages", self._page_count(files))
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
        (render.page.NOINDEX), and set aside what Material's search plugin would skip, when a user
        added it back, before it reads the page."""
        self.progress.step()
        if not self.config.enabled:
            return html
        if self.config.search and not isinstance(page.file, GeneratedPage):
            self.search.keep_page(page.url, page.title or "", html)
        html = unindex(self.raw_blocks.unstash(page.file.src_uri, html))
        if self.hiding and isinstance(page.file, GeneratedPage):
            html = self.unsearched.hide(page.file.src_uri, html)
        return html

    def on_env(self, env, *, config, files):
        self.progress.phase("Writing pages", self._page_count(files))
        if self.rebuilding is not None and self.rebuilding.templates is not None:
            env.bytecode_cache = self.rebuilding.templates
        if self.config.enabled:
            self.full_sitemap.start(env)
        return env

    def on_template_context(self, context, *, template_name, config):
        """sitemap-full.xml becomes a sitemap index when the pages do not fit one sitemap (sitemap.py)."""
        if not self.config.enabled or template_name != FULL_SITEMAP:
            return context
        return self.full_sitemap.plan(context)

    @event_priority(100)  # first: the page whole again before any other plugin reads it
    def on_post_page(self, output, *, page, config):
        self.progress.step()
        output = self.unsearched.show(page.file.src_uri, output)
        if self.rebuilding is not None:
            self.rebuilding.incremental.page_built(page.url)
        return output

    # Last, whatever the order in mkdocs.yml: Pagefind reads the written site, and `goalsite serve` merges
    # the index of Material's search plugin (when a user added it back) once that plugin has written it.
    @event_priority(-100)
    def on_post_build(self, *, config):
        if self.config.enabled:
            self.full_sitemap.write(config.site_dir)
        self.progress.phase("Indexing search")
        self._index_search(config)
        self.progress.close()
        if self.rebuilding is not None:
            self.rebuilding.incremental.finish(config)

    def on_build_error(self, *, error):
        self.progress.close()

    def on_serve(self, server, *, config, builder):
        """Watch the goals folder even when `--goals` points outside the `watch:` list of mkdocs.yml."""
        if self.config.enabled and self.goals_dir is not None:
            server.watch(str(self.goals_dir))
        return server

    def _page_count(self, files: Files) -> int | None:
        """The pages of the build, for the progress bar: counted only when it is drawn (a fast rebuild of
        a large company would otherwise go through every page for nothing)."""
        return len(files.documentation_pages()) if self.progress.enabled else None

    def _memo(self) -> Memo | None:
        """The memo of the shell that rebuilds: `goalsite serve`'s, plain `mkdocs serve`'s, or none."""
        lent = self.rebuilding.memo if self.rebuilding is not None else None
        return lent or self.memo

    def _index_search(self, config) -> None:
        """The Pagefind index of the site (generator/search/): now, or in the background while serving."""
        if not self.config.enabled or not self.config.search or self.build is None:
            return
        incremental = self.rebuilding.incremental if self.rebuilding is not None else None
        if incremental is not None and incremental.deferred() is not None:
            return  # a fast rebuild of `goalsite serve`: the complete rebuild that follows indexes
        try:
            self.search.publish(self.build, config.site_dir, language=config.theme.get("language") or "en",
                                background=self.serving)
        except SearchBundleError as e:
            raise PluginError(f"goalsite: could not build the search index: {e}") from None

    def _run_pipeline(self, *, lint: bool = True) -> Build:
        build, self.prebuilt = self.prebuilt, None
        if build is None or build.include_private != self.config.include_private or build.today != self.today:
            freeze = self.rebuilding is not None and self.rebuilding.freeze_sources
            build = build_portal(self.goals_dir, self.today, include_private=self.config.include_private,
                                 lint=lint, history=True, freeze_sources=freeze, memo=self._memo(),
                                 tasks=when_idle(self.tasks))
        warnings = [p for p in build.problems if not p.is_error]
        for problem in build.errors + (warnings if len(warnings) <= MAX_LOGGED_WARNINGS else []):
            (log.error if problem.is_error else log.info)(format_problem(problem))
        if len(warnings) > MAX_LOGGED_WARNINGS:
            log.info(f"goals: {summarize(warnings)}; run goalsite check to list them")
        if not build.ok:
            files = len({p.location.path for p in build.errors})
            raise PluginError(f"{files} goal file{'s have' if files != 1 else ' has'} errors (see above)")
        return build


def _warn(message: str) -> None:
    """How a failed forked task is told (speed/tasks.py), as MkDocs logs the plugin's warnings."""
    logging.getLogger("mkdocs.plugins.goalsite").warning(message)


def _parse_today(value: str | None) -> dt.date:
    """The `today` option, else the day of SOURCE_DATE_EPOCH, else the clock's today."""
    try:
        return dt.date.fromisoformat(str(value)) if value else today_from_environment(os.environ)
    except ValueError as e:
        raise PluginError(f"goalsite: expected 'today' as YYYY-MM-DD and SOURCE_DATE_EPOCH as seconds: {e}")


def _is_materials_search(name: str) -> bool:
    """A plugin of mkdocs.yml that is Material's search (`search`, which MkDocs names `material/search`)."""
    return name == "search" or name.endswith("/search")


def _is_search_asset(entry) -> bool:
    """An extra_javascript / extra_css entry of mkdocs.yml that is the search box (assets/search.js, .css)."""
    return str(getattr(entry, "path", entry)) in (f"{ASSETS_URI}/search.js", f"{ASSETS_URI}/search.css")

"""`goalsite serve`: MkDocs' live-reloading server, with rebuilds that redo only what a goal edit changed.

This is MkDocs' own `serve` (mkdocs.commands.serve) with one difference: after
the first build, a build triggered by a goal file is a "dirty" MkDocs build in
which the goalsite plugin marks only the generated pages whose Markdown
changed as modified (incremental.py removes pages that disappeared, and keeps
Material's search index whole when a user adds that plugin back). A change to mkdocs.yml, the docs folder or the
theme's custom_dir makes the next build a full one, exactly as in MkDocs.

For a large company a goal edit is first a fast rebuild (incremental.py): the
pages of the edited teams, without the company-wide pages and the export;
the browsers reload, and a complete rebuild follows at once.

Material's search plugin, when a user adds it back (the portal's own search is
Pagefind, which the goalsite plugin indexes), is told the builds are not dirty
(`on_startup(dirty=False)`), so that it indexes what each build renders and
leaves the merging to incremental.py, which knows which pages were rebuilt.

This shell owns what is kept from one build to the next (the Incremental, the
compiled templates) and lends it to the plugin for each build through
`GoalsitePlugin.preset(rebuilding=...)`.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from jinja2 import BytecodeCache
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from ..plugin import Rebuilding
from .incremental import FAST_MIN_CHARS, Incremental
from ..speed.gc import Collector
from ..speed.memo import Memo
from ..upstream.mkdocs import rebuild_soon, serve_url as _serve_url

log = logging.getLogger("mkdocs.commands.serve")


class _QuietDirty(logging.Filter):
    """Drops MkDocs' warning that a dirty build may leave navigation inaccurate: ours rebuild what changed."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build is being performed" not in record.getMessage()


#: `fast_rebuilds` of serve(): when a goal edit is first a fast rebuild (see incremental.py).
FAST_REBUILDS = {"auto": FAST_MIN_CHARS, "on": 0, "off": None}


def serve(config_file: str, *, dev_addr: str | None = None, prepare: Callable | None = None,
          open_in_browser: bool = False, fast_rebuilds: str = "auto", options: dict | None = None) -> None:
    """Build into a temporary folder, serve it and rebuild on every change until interrupted.

    `prepare(config)` is called with each freshly loaded config (the CLI uses it to check the plugin).
    `fast_rebuilds`: "auto" (a large company only), "on" or "off" (FAST_REBUILDS).
    `options` are goalsite plugin options that win over mkdocs.yml in every build (`goals_dir`).
    """
    site_dir = tempfile.mkdtemp(prefix="goalsite_")
    mkdocs_options = {"dev_addr": dev_addr} if dev_addr else {}
    incremental = Incremental()
    incremental.fast_min_chars = FAST_REBUILDS[fast_rebuilds]
    sources = _Sources()
    quiet = _QuietDirty()
    collector = Collector()
    bytecode = TemplateCode()
    memo = Memo()  # what each rebuild may reuse of the last one
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addFilter(quiet)

    def get_config():
        config = load_config(config_file=config_file, site_dir=site_dir, **mkdocs_options)
        if prepare is not None:
            prepare(config)
        return config

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = _serve_url(host, port, mount_path)

    builder = _Builder(get_config, serve_url, incremental, collector, sources, templates=bytecode, memo=memo,
                       options=options)
    builder.freeze_sources = True
    server = builder.server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir,
                                               mount_path=mount_path)

    def error_handler(code) -> bytes | None:
        if code in (404, 500):
            page = Path(site_dir, f"{code}.html")
            if page.is_file():
                return page.read_bytes()
        return None

    server.error_handler = error_handler
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve(open_in_browser=open_in_browser)
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        build_log.removeFilter(quiet)
        shutil.rmtree(site_dir, ignore_errors=True)


class _Builder:
    """serve()'s builder: a full or dirty build, and the complete rebuild a fast one asks for.

    Only the build asked for right after a fast rebuild is the collector's follow-up (see
    speed.gc.Collector), whether it succeeds or not: after a failed one `incremental.behind` still says the
    company-wide pages are behind, and the next build renders them, but someone saved the edit that
    started it and waits for it.
    """

    def __init__(self, get_config: Callable, serve_url: str, incremental: Incremental, collector: Collector,
                 sources: "_Sources", *, templates: "TemplateCode | None" = None, memo: Memo | None = None,
                 options: dict | None = None) -> None:
        self.get_config, self.serve_url = get_config, serve_url
        self.incremental, self.collector, self.sources = incremental, collector, sources
        self.templates, self.memo, self.options = templates, memo, dict(options or {})
        self.server: LiveReloadServer | None = None
        self.follow_up_asked = False
        self.freeze_sources = False
        """The next build freezes the goal files it reads: the server's first (see pipeline.build_portal())."""

    def __call__(self, config=None) -> None:
        log.info("Building documentation...")
        if config is None:
            config = self.get_config()
            config.site_url = self.serve_url
        fingerprint = self.sources.fingerprint(config)
        self.incremental.dirty = fingerprint == self.sources.built
        follow_up, self.follow_up_asked = self.follow_up_asked, False
        # Once: what a later build froze could never be collected.
        rebuilding = Rebuilding(self.incremental, self.templates, freeze_sources=self.freeze_sources, memo=self.memo)
        self.freeze_sources = False
        plugin = config.plugins["goalsite"]
        with self.collector.paused(follow_up=follow_up), plugin.preset(rebuilding=rebuilding, **self.options):
            build(config, serve_url=self.serve_url, dirty=self.incremental.dirty)
        self.sources.built = fingerprint
        if self.incremental.behind and self.server is not None:
            self.follow_up_asked = True
            rebuild_soon(self.server)  # MkDocs has no public call for it: see upstream/mkdocs.py


class TemplateCode(BytecodeCache):
    """The theme's compiled templates, kept in memory from one rebuild to the next.

    MkDocs makes a new Jinja environment for every build, and compiling Material's templates
    again was a good part of each rebuild. Jinja checks every kept template against the checksum of
    its source before using it, so a template edited under `custom_dir` is compiled afresh.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class _Sources:
    """The files whose change means a full build: mkdocs.yml, the docs folder and the theme's custom_dir."""

    def __init__(self) -> None:
        self.built: tuple | None = None

    @staticmethod
    def fingerprint(config) -> tuple:
        roots = [config.config_file_path, config.docs_dir, config.theme.custom_dir]
        seen = []
        for root in filter(None, roots):
            paths = [root] if os.path.isfile(root) else sorted(
                os.path.join(d, f) for d, _, names in os.walk(root) for f in names)
            for path in paths:
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                seen.append((path, st.st_mtime_ns, st.st_size))
        return tuple(seen)

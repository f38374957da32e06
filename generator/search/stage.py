"""The search stage of a build: the records of the built portal, indexed into the site's `pagefind/` folder.

`SearchStage` belongs to the goalsite plugin. It keeps the hand-written pages
as MkDocs renders them (`keep_page`), and after the build (`publish`) makes the
records of the portal and of those pages and has Pagefind index them:

* `goalsite build` and `mkdocs build`: at once, into the folder being built, so
  that the site and its search are published together (or not at all).
* `goalsite serve` and `mkdocs serve`: in a background thread, and only when
  the records changed. A goal edit changes a handful of records, but Pagefind
  has no incremental mode and indexes them all again (a few seconds at 1,000
  teams): the server does not wait for it. Until it is done, search answers
  from the bundle before the edit; then the new bundle's files are linked into
  the site, and the next search reads them. A rebuild that cleans the site
  (mkdocs.yml or the theme changed) gets the last bundle back at once.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
import time
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from .bundle import BUNDLE_DIR, ENTRY_FILE, SearchBundleError, build_bundle, link_bundle
from .records import Record, page_record, portal_records

log = get_plugin_logger("goalsite")


class SearchStage:
    """What search needs across the builds of one process: the hand-written pages, and in serve the indexer."""

    def __init__(self) -> None:
        self.pages: dict[str, Record] = {}
        """Hand-written pages by URL, as last rendered (a dirty build of serve renders only the changed ones)."""
        self._indexer: BackgroundIndexer | None = None

    def keep_page(self, url: str, title: str, content_html: str) -> None:
        self.pages[url] = page_record(url, title, content_html)

    def keep_only(self, urls: set[str]) -> None:
        """Forget the hand-written pages that are no longer part of the site."""
        self.pages = {url: record for url, record in self.pages.items() if url in urls}

    def records(self, build) -> list[Record]:
        """The records of `build`'s published portal and of the hand-written pages."""
        from ..render.site import Site

        records = portal_records(Site(build)) if build is not None and build.ok else []
        return records + [self.pages[url] for url in sorted(self.pages)]

    def publish(self, build, site_dir: str, *, language: str, background: bool) -> None:
        """Index the records into `site_dir/pagefind`: now, or (`background`) when the server is free."""
        records = self.records(build)
        restricted = bool(build is not None and build.include_private)
        if not background:
            seconds = build_bundle(records, Path(site_dir) / BUNDLE_DIR, language=language, restricted=restricted)
            log.info(f"Search: indexed {len(records)} records in {seconds:.1f} s")
            return
        if self._indexer is None:
            self._indexer = BackgroundIndexer()
        self._indexer.submit(records, Path(site_dir), language=language, restricted=restricted)

    def close(self) -> None:
        if self._indexer is not None:
            self._indexer.close()
            self._indexer = None


def fingerprint(records: list[Record], language: str, restricted: bool) -> str:
    digest = hashlib.sha256(f"{language}\0{restricted}".encode())
    for record in records:
        digest.update(record.html(language).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


class BackgroundIndexer:
    """Runs Pagefind in a thread of its own for a serving process, one run at a time, the latest records last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._root = Path(tempfile.mkdtemp(prefix="goalsite-search-bundles-"))
        self._runs = 0
        self._wanted: tuple | None = None  # (key, records, site_dir, language, restricted) still to index
        self._running = False
        self._done: tuple[str, Path] | None = None  # the key and folder of the last bundle made
        self._closed = False

    def submit(self, records: list[Record], site_dir: Path, *, language: str, restricted: bool) -> None:
        key = fingerprint(records, language, restricted)
        with self._lock:
            if self._done is not None and not (site_dir / BUNDLE_DIR / ENTRY_FILE).is_file():
                _link(self._done[1], site_dir)  # a clean rebuild: the last bundle until the new one is ready
            if self._done is not None and self._done[0] == key:
                self._wanted = None
                return
            self._wanted = (key, records, site_dir, language, restricted)
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._run, name="goalsite search index", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._lock:
                job, self._wanted = self._wanted, None
                if job is None or self._closed:
                    self._running = False
                    return
                self._runs += 1
                out = self._root / str(self._runs)
            key, records, site_dir, language, restricted = job
            try:
                seconds = build_bundle(records, out, language=language, restricted=restricted)
            except (SearchBundleError, OSError) as e:  # OSError: the server stopped and took the folder
                if not self._closed:
                    log.error(f"Search: {e}; search answers from the previous index")
                shutil.rmtree(out, ignore_errors=True)
                continue
            with self._lock:
                old, self._done = self._done, (key, out)
                _link(out, site_dir)
            if old is not None:
                shutil.rmtree(old[1], ignore_errors=True)
            log.info(f"Search: indexed {len(records)} records in {seconds:.1f} s")

    def wait(self, timeout: float = 600.0) -> bool:
        """Until no run is pending (for tests); False when `timeout` seconds passed first."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if not self._running:
                    return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._wanted = None
        shutil.rmtree(self._root, ignore_errors=True)


def _link(bundle: Path, site_dir: Path) -> None:
    try:
        link_bundle(bundle, site_dir)
    except OSError as e:  # the site folder being cleaned by a rebuild: that rebuild links it again
        log.debug(f"Search: could not link the index into {site_dir}: {e}")

"""MkDocs' live-reload server beyond its public API: its URL, and asking it to build again.

`goalsite serve` runs MkDocs' own server (mkdocs.livereload). MkDocs offers no call to make it build
again without a file change, and computes the served URL in a private function; both are used here
and nowhere else.
"""

from __future__ import annotations

from mkdocs.livereload import LiveReloadServer, _serve_url

FITS = "MkDocs 1.6 (mkdocs.livereload._serve_url, LiveReloadServer._rebuild_cond and _want_rebuild)"
"""The MkDocs versions this module fits, and what of MkDocs it relies on."""


def serve_url(host: str, port: int, mount_path: str) -> str:
    """The URL the server serves the site at, as MkDocs' own `serve` sets `site_url`."""
    return _serve_url(host, port, mount_path)


def rebuild_soon(server: LiveReloadServer) -> None:
    """Have the server build again once it has reloaded the browsers, as if a file had changed.

    This is what its file watcher does.
    """
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()

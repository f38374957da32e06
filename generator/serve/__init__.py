"""The rebuilding shell behind `goalsite serve`: MkDocs' live server, rebuilding only what a goal edit changed.

    server.py       serve(): the server loop, its builder, when the cycle collector runs, the compiled templates
    incremental.py  which pages a rebuild redoes, fast rebuilds, Material's search index (if added) kept whole

It drives the MkDocs shell (generator/plugin/) and lends it, for each build, what it keeps from one
build to the next (`GoalsitePlugin.preset(rebuilding=...)`).
"""

from .server import serve

__all__ = ["serve"]

"""What goalsite takes from other projects beyond their public APIs, one module per upstream.

Each module is the only place that touches that upstream's private names or layout, says which
versions it fits (`FITS`), and why it is worth it. tests/unit/test_upstream.py checks each against the
installed version and fails with that range in its message when the upstream changed:

- jinja.py: Jinja's code generator hooks, so that a printed value is escaped once;
- cpython.py: CPython's C JSON encoder with a string encoder of ours, for the charts' JSON;
- mkdocs.py: the live-reload server's URL and its rebuild flag, for `goalsite serve`;
- plotly.py: where the plotly wheel keeps plotly.min.js.
"""

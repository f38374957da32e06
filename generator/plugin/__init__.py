"""The MkDocs shell: the `goalsite` plugin (`generator.plugin:GoalsitePlugin`, pyproject.toml's entry point).

    config.py     the plugin's options (`plugins: [goalsite: {...}]` in mkdocs.yml)
    plugin.py     GoalsitePlugin: short `on_*` handlers that call the pipeline and hand its files to MkDocs
    files.py      the pipeline's outputs as MkDocs files
    rawblocks.py  the raw HTML of generated pages taken around Python-Markdown (and Material's search, if added)
    sitemap.py    sitemap-full.xml as a sitemap index of numbered parts when the site has more pages than one may list
    progress.py   the progress line `goalsite build` draws on a terminal
"""

from .plugin import GoalsitePlugin, Rebuilding

__all__ = ["GoalsitePlugin", "Rebuilding"]

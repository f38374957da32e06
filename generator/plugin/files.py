"""The site's generated files as MkDocs `File`s: what `on_files` hands to MkDocs.

Every page, the export and the assets enter the build in memory (`File.generated`); nothing is
ever written into `docs_dir`, so `mkdocs serve` rebuilds once per goal edit and never loops.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from mkdocs.structure.files import File, Files

from ..publish import MANIFEST


class GeneratedPage(File):
    """A generated page that knows whether it changed since the last build (always, outside serve)."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


def generated(config, uri: str, content: str | Path) -> File:
    """The MkDocs file of one output of pipeline.render_site(): a page, another text, or a file to copy."""
    if isinstance(content, Path):
        return File.generated(config, uri, abs_src_path=str(content))
    file_class = GeneratedPage if uri.endswith(".md") else File
    return file_class.generated(config, uri, content=content)


def hand_written_pages(files: Files) -> Iterator[File]:
    """`files.documentation_pages()` less the generated pages, without the per-page checks that
    documentation_pages() makes of the thousands of those (a fast rebuild of `goalsite serve` needs the
    hand-written ones only)."""
    return (f for f in files if not isinstance(f, GeneratedPage) and f.is_documentation_page()
            and f.inclusion.is_included())


def drop_generated_copies(files: Files, docs_dir: str) -> None:
    """Forget the files an earlier `goalsite generate` left in docs_dir: this build generates fresh ones.

    This matters for privacy: pages of an `--include-private` generate run must not leak into a public build.
    """
    manifest = Path(docs_dir, MANIFEST)
    if not manifest.is_file():
        return
    for uri in json.loads(manifest.read_text(encoding="utf-8")).get("files", []):
        if (old := files.get_file_from_path(uri)) is not None:
            files.remove(old)


def put_file(files: Files, file: File) -> None:
    """Add `file`, replacing a hand-written or stale file at the same path."""
    if (old := files.src_uris.get(file.src_uri)) is not None:
        files.remove(old)
    files.append(file)

"""Validation on a copy: the goals with the edits applied go through the real pipeline in a temp folder."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from ..load import display_path
from ..problems import Location, Problem
from .edits import Edit


def validate_edits(goals_dir: Path, edits: list[Edit], today: dt.date) -> list[Problem]:
    """Errors of the goals with `edits` applied, located in the real files. Writes only to a temp folder."""
    from ..pipeline import build_portal

    goals_dir = Path(goals_dir)
    with tempfile.TemporaryDirectory(prefix="goalsite-check-") as tmp:
        copy = Path(tmp) / "goals"
        shutil.copytree(goals_dir, copy, symlinks=True)
        for edit in edits:
            target = copy / edit.path.resolve().relative_to(goals_dir.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(edit.text.encode("utf-8"))  # as written: no newline translation
        build = build_portal(copy, today, lint=False)
        prefix, real = display_path(copy), display_path(goals_dir)
        return [Problem(Location(_swap(p.location.path, prefix, real), p.location.line, p.location.column),
                        p.severity, p.code, p.message, p.hint) for p in build.errors]


def _swap(path: str, prefix: str, real: str) -> str:
    return real + path[len(prefix):] if path.startswith(prefix) else path

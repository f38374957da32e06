"""The minimal fixture's goals, copied into a test's folder and edited there (shared by the render tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "portal_minimal" / "goals"


def copy_goals(tmp_path: Path) -> Path:
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    return goals


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def align_to_private(goals: Path) -> None:
    """A public objective of sales-emea aligned to its private objective nightjar and to a key result of it."""
    def change(data):
        data["objectives"].append({
            "id": "follow-up", "title": "Support the hidden effort", "owner": "eli",
            "aligns_to": ["sales-emea/nightjar", "sales-emea/nightjar/sites"],
            "key_results": [{"id": "k", "title": "Do it", "metric": {"unit": "x", "from": 0, "to": 1}}],
        })
    edit(goals / "2026-Q4" / "sales-emea.yaml", change)

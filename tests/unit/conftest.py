"""Helpers of the core's unit tests: write a goals tree into tmp_path, build it, get its problems as data.

Problems are compared as `(path relative to the goals folder, line, column, code)` tuples,
next to the inline YAML that causes them (see yamllint: tests/common.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from generator.pipeline import Build, build_portal

TODAY = dt.date(2026, 11, 22)
"""The fixed build date of every unit test: a Sunday late in 2026-Q4."""

EXAMPLE = Path(__file__).resolve().parents[2] / "goals"
"""The example company's goals folder."""

MINIMAL_GOALS = Path(__file__).resolve().parents[1] / "fixtures" / "portal_minimal" / "goals"
"""The goals of tests/fixtures/portal_minimal: a small company with one private objective."""

ORG = """\
company: {id: acme, name: Acme Corp}
units:
  - {id: sales, name: Sales, kind: department, lead: dana}
  - {id: sales-emea, name: Sales EMEA, parent: sales, lead: eli}
  - {id: cs, name: Customer Success, kind: department, lead: carol}
people:
  - {id: dana, name: Dana Fox, unit: sales}
  - {id: eli, name: Eli Stone, unit: sales-emea}
  - {id: carol, name: Carol Reyes, unit: cs}
"""
"""The default org.yaml: the company acme, units sales > sales-emea and cs, people dana, eli and carol."""

HEAD = """\
objectives:
  - id: grow
    title: Grow into Europe
    owner: dana
    key_results:
      - id: logos
        title: Sign 25 logos
"""
"""An objective whose one key result is complete but for its metric (line 8 onwards)."""

METRIC = "        metric: {unit: logos, from: 0, to: 25}\n"
"""The metric that completes HEAD: HEAD + METRIC is a valid period file."""


def yaml_text(text: str) -> str:
    """Inline YAML as written in a test: dedented, without the newline after the opening quotes."""
    text = textwrap.dedent(text)
    return text[1:] if text.startswith("\n") else text


def relative(path: str, goals: Path) -> str:
    """A Location.path (relative to the working directory when inside it, else absolute), relative to `goals`."""
    p = Path(path)
    if not p.is_absolute():
        p = Path.cwd() / p
    try:
        return p.relative_to(goals).as_posix()
    except ValueError:
        return p.resolve().relative_to(goals.resolve()).as_posix()


def as_data(build: Build, goals: Path, *, warnings: bool = False) -> list[tuple[str, int, int, str]]:
    """The build's errors (and warnings with `warnings=True`) as (path, line, column, code), in report order."""
    return [(relative(p.location.path, goals), p.location.line, p.location.column, p.code)
            for p in build.problems if warnings or p.is_error]


class GoalsTree:
    """Writes goals trees under tmp_path, one folder per call, and builds them."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.count = 0
        self.goals = tmp_path / "goals"
        self.org = ORG

    def write(self, files: dict[str, str | bytes | None]) -> Path:
        """Write {relative path: YAML} into a fresh goals folder; org.yaml defaults to ORG (None: no org.yaml)."""
        self.count += 1
        goals = self.tmp_path / (f"tree{self.count}" if self.count > 1 else "") / "goals"
        goals.mkdir(parents=True)
        for rel, text in {"org.yaml": ORG, **files}.items():
            if text is None:
                continue
            path = goals / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(yaml_text(text), encoding="utf-8")
        self.goals = goals
        return goals

    def build(self, files: dict[str, str | bytes | None], today: dt.date = TODAY, **kwargs) -> Build:
        """Write the tree and run the whole pipeline on it."""
        return build_portal(self.write(files), today, **kwargs)

    def problems(self, files: dict[str, str | bytes | None], *, warnings: bool = False,
                 today: dt.date = TODAY) -> list[tuple[str, int, int, str]]:
        """Write the tree, build it and return its errors (all problems with `warnings=True`) as data."""
        build = self.build(files, today)
        return as_data(build, self.goals, warnings=warnings)


@pytest.fixture
def tree(tmp_path: Path) -> GoalsTree:
    """Write goals trees into tmp_path and build them as of TODAY."""
    return GoalsTree(tmp_path)


@pytest.fixture
def example_goals(tmp_path: Path) -> Path:
    """A copy of the example company's goals folder, for a test to edit."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "goals"))


@pytest.fixture
def broken_goals(tmp_path: Path, monkeypatch) -> Path:
    """A copy of portal_minimal's goals whose 2026-Q4/sales-emea.yaml names an unknown owner at 8:12
    (resolve.unknown-person), in tmp_path, the working directory: problems name `goals/...`."""
    monkeypatch.chdir(tmp_path)
    goals = Path(shutil.copytree(MINIMAL_GOALS, tmp_path / "goals"))
    path = goals / "2026-Q4" / "sales-emea.yaml"
    path.write_text(path.read_text().replace("    owner: dana\n", "    owner: nobody\n", 1))
    return goals

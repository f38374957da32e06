"""Fixtures of the hardening tests; the helpers live in hardening_support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardening_support import MINIMAL_GOALS, TODAY, run_bounded


@pytest.fixture(scope="session")
def good_site(tmp_path_factory) -> Path:
    """A site built from the minimal fixture, to copy where a test needs a previous good site."""
    site = tmp_path_factory.mktemp("good") / "site"
    run = run_bounded("build", "--goals", MINIMAL_GOALS, "--today", TODAY, "--site-dir", site, timeout=120)
    assert run.returncode == 0 and (site / "index.html").is_file(), run.output
    return site

"""The search stage while serving (generator/search/stage.py): Pagefind runs in the background, only when the
records changed, and a site folder that a rebuild cleaned gets the last bundle back at once.

Real records of the example company and the real Pagefind binary (a small index takes about a second).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from generator.pipeline import build_portal
from generator.search.bundle import BUNDLE_DIR, ENTRY_FILE, MENUS_FILE, SearchBundleError, build_bundle
from generator.search.stage import SearchStage
from tests.conftest import MINIMAL, ROOT

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def build():
    return build_portal(ROOT / "goals", TODAY)


def _entry(site) -> dict:
    return json.loads((site / BUNDLE_DIR / ENTRY_FILE).read_text(encoding="utf-8"))


def test_serving_indexes_in_the_background_and_only_what_changed(build, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    stage = SearchStage()
    try:
        stage.keep_page("guide/", "Guide", "<h1>Guide</h1><p>Read me first.</p>")
        stage.publish(build, str(site), language="en", background=True)
        assert stage._indexer.wait(120)
        first = _entry(site)
        count = first["languages"]["en"]["page_count"]
        assert count == len(stage.records(build))

        runs = stage._indexer._runs
        stage.publish(build, str(site), language="en", background=True)  # the same records: nothing to do
        assert stage._indexer.wait(120) and stage._indexer._runs == runs

        stage.keep_page("guide/lint/", "Lint", "<h1>Lint</h1><p>Rules.</p>")  # a page more: indexed again
        stage.publish(build, str(site), language="en", background=True)
        assert stage._indexer.wait(120) and stage._indexer._runs == runs + 1
        assert _entry(site)["languages"]["en"]["page_count"] == count + 1
        # The earlier bundle's meta file is still there for a browser that loaded its entry.
        assert (site / BUNDLE_DIR / f"pagefind.{first['languages']['en']['hash']}.pf_meta").is_file()

        shutil.rmtree(site)  # a full rebuild cleans the site folder...
        site.mkdir()
        stage.publish(build, str(site), language="en", background=True)
        assert (site / BUNDLE_DIR / ENTRY_FILE).is_file(), "...and gets the last bundle back at once"
        assert (site / BUNDLE_DIR / MENUS_FILE).is_file()
        assert stage._indexer.wait(120) and stage._indexer._runs == runs + 1
    finally:
        stage.close()


def test_building_indexes_at_once_into_the_site(build, tmp_path):
    stage = SearchStage()
    stage.publish(build, str(tmp_path), language="en", background=False)
    assert _entry(tmp_path)["languages"]["en"]["page_count"] == len(stage.records(build))


def test_a_missing_pagefind_binary_is_an_error_that_says_what_to_do(build, tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchBundleError, match=r"pagefind\[bin\]"):
        build_bundle([], tmp_path / "bundle")


def test_the_plugin_indexes_the_site_it_builds_or_leaves_search_out(tmp_path):
    """Real MkDocs builds with the repo's mkdocs.yml: the index and the search box, or (search: false) neither."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    for search in (True, False):
        site = tmp_path / f"site-{search}"
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site))
        with config.plugins["goalsite"].preset(goals_dir=str(MINIMAL / "goals"), today="2026-11-22", search=search):
            mkdocs_build(config)
        page = (site / "index.html").read_text(encoding="utf-8")
        assert (site / BUNDLE_DIR / ENTRY_FILE).is_file() == search
        assert ("assets/search.js" in page) == search and ("assets/search.css" in page) == search
        if search:
            assert _entry(site)["languages"]["en"]["page_count"] > len(list((ROOT / "site_src").rglob("*.md")))

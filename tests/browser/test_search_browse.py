"""Browsing by a filter with no words typed downloads a few chunks of the index (issues 28 and 29).

Pagefind 1.5 downloads every chunk of its word index for a search with filters and no words. So each
record holds a filter word for each of its filter values (records.py, filter_word) and the search box,
with no words typed, searches the word of the value chosen (search.js, filterWord).

The index is that of a synthetic company of 60 teams (benchmarks/synth.py), many chunks, in the
example company's portal (its pages around the search box, hard links), as benchmarks/browser.py
--search-only does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest

from generator.pipeline import build_portal
from generator.render.site import Site
from generator.search.bundle import BUNDLE_DIR, MENUS_FILE, index_folder, menus, write_records
from generator.search.records import portal_records
from tests.browser.conftest import ROOT, TODAY, PageLog
from tests.unit.test_search_records import FILTER_WORDS

try:
    from playwright.sync_api import expect
except ImportError:  # conftest's gate fails every test with what to install
    expect = None

pytestmark = pytest.mark.browser

TEAMS = 60
#: The most index chunks a search by one filter with no words may download.
MOST_CHUNKS = 3
SETTLED = "() => document.querySelector('.goalsite-search').getAttribute('data-settled') === ''"


@pytest.fixture(scope="module")
def company(site, servers, tmp_path_factory):
    """(served URL, records) of the synthetic company's search bundle in the example portal's pages."""
    folder = tmp_path_factory.mktemp("browse")
    goals = folder / "goals"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--teams", str(TEAMS),
                    "--out", str(goals)], check=True, capture_output=True)
    build = build_portal(goals, dt.date.fromisoformat(TODAY))
    records = [r for r in portal_records(Site(build)) if not r.meta.get("private")]
    shell = folder / "site"
    shutil.copytree(site.root, shell, copy_function=os.link, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    write_records(records, folder / "records", "en")
    index_folder(folder / "records", shell / BUNDLE_DIR)
    (shell / BUNDLE_DIR / MENUS_FILE).write_text(json.dumps(menus(records, restricted=False)), encoding="utf-8")
    return servers(shell), records


def _browse(page, page_log, url: str, name: str, value: str) -> list[str]:
    """Open the box on the home page, choose `value` of filter `name` with no words typed; returns the index
    chunks downloaded for that search."""
    page.goto(url, wait_until="load")
    page.locator(".goalsite-search-button").click()
    if name in ("kind", "period", "status"):
        menu = page.locator(f'select[data-filter="{name}"]')
        expect(menu.locator(f'option[value="{value}"]')).to_have_count(1)
        before = len(page_log.requests)
        menu.select_option(value)
    else:  # unit, owner and tag are chosen from a result's chip: type the value, click its chip, clear the words
        page.locator(".goalsite-search__input").fill(value)
        page.wait_for_function(f"() => document.querySelector('.goalsite-search').getAttribute('data-settled') "
                               f"=== {json.dumps(value)}")
        label = {"unit": "Only unit ", "owner": "Only owner ", "tag": "Only tag "}[name] + value
        chip = page.locator(f'.goalsite-search__chip[aria-label={json.dumps(label)}]')
        while not chip.count() and page.locator(".goalsite-search__more").is_visible():
            page.locator(".goalsite-search__more").click()
            page.wait_for_timeout(200)
        chip.first.click()
        page.wait_for_function(f"() => document.querySelector('.goalsite-search').getAttribute('data-settled') "
                               f"=== {json.dumps(value)}")
        before = len(page_log.requests)
        page.locator(".goalsite-search__input").fill("")
    page.wait_for_function(SETTLED)
    return [u for u in page_log.requests[before:] if "/pagefind/index/" in u]


def _shown(page) -> list[str]:
    more = page.locator(".goalsite-search__more")
    while more.is_visible():
        shown = page.locator(".goalsite-search__result").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.goalsite-search__result').length > n", arg=shown)
    return page.eval_on_selector_all("a.goalsite-search__link", "links => links.map(a => a.getAttribute('href'))")


def _expected(records, name: str, value: str) -> set[str]:
    return {r.url for r in records if value in ({"kind": [r.kind]} | r.filters).get(name, ())}


def test_the_box_computes_the_filter_words_records_hold(site, page):
    page.goto(site.href(), wait_until="load")
    page.locator(".goalsite-search-button").click()
    for name, value, word in FILTER_WORDS:
        assert page.evaluate("([n, v]) => window.goalsiteFilterWord(n, v)", [name, value]) == word, (name, value)


@pytest.mark.parametrize("name", ["unit", "tag", "owner", "status", "period", "kind"])
def test_a_filter_with_no_words_lists_its_records_from_a_few_chunks(company, page, page_log, name, screenshot):
    url, records = company
    value = _value(records, name)
    chunks = _browse(page, page_log, url, name, value)
    assert 0 < len(chunks) <= MOST_CHUNKS, f"{name}={value}: {len(chunks)} chunks downloaded"
    expected = _expected(records, name, value)
    status = page.locator(".goalsite-search__status").inner_text()
    assert status == f"{len(expected)} result" + ("s" if len(expected) > 1 else ""), (name, value, status)
    if len(expected) <= 60:
        assert {href.lstrip("/") for href in _shown(page)} == expected
    text = page.locator(".goalsite-search").inner_text()
    assert "zqx" not in text, "a filter word is shown"
    screenshot(page, f"browse-{name}")


def test_the_results_of_a_unit_show_no_filter_word_on_a_phone_in_dark_mode(company, browser, screenshot):
    url, records = company
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    try:
        log = PageLog()
        log.attach(page)
        _browse(page, log, url, "unit", _value(records, "unit"))
        assert "zqx" not in page.locator(".goalsite-search").inner_text()
        screenshot(page, "browse-unit-phone-dark")
    finally:
        context.close()


def _value(records, name: str) -> str:
    """A value of filter `name` that a few records have (a unit, an owner, a tag), or the kind "kpi"."""
    if name == "kind":
        return "kpi"
    if name == "status":
        return "at risk"
    if name == "period":
        return "2026-Q3"
    counts: dict[str, int] = {}
    for record in records:
        for value in record.filters.get(name, ()):
            counts[value] = counts.get(value, 0) + 1
    return max((c, v) for v, c in counts.items() if c <= 40)[1]


def test_typing_a_letter_or_two_does_not_list_every_record(company, page):
    """A filter word of letters and digits would be indexed in parts too: "gs" would find every record."""
    url, records = company
    page.goto(url, wait_until="load")
    page.locator(".goalsite-search-button").click()
    for typed in ("gs", "gsf1"):  # Pagefind finds the words these begin
        page.locator(".goalsite-search__input").fill(typed)
        page.wait_for_function(f"() => document.querySelector('.goalsite-search').getAttribute('data-settled') "
                               f"=== {json.dumps(typed)}")
        status = page.locator(".goalsite-search__status").inner_text()
        assert status.startswith("No results") or int(status.split()[0]) < len(records) / 10, (typed, status)

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
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import build_portal
from generator.render.site import Site
from generator.search.bundle import BUNDLE_DIR, MENUS_FILE, index_folder, write_input
from generator.search.records import filter_word, portal_records, shard_suffix
from generator.search.stable import _read
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
#: Records per shard of a filter value's word in the `split` bundle (SHARD_RECORDS in a build).
SPLIT = 8
SETTLED = "() => document.querySelector('.goalsite-search').getAttribute('data-settled') === ''"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The records of the synthetic company's published portal."""
    goals = tmp_path_factory.mktemp("browse") / "goals"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--teams", str(TEAMS),
                    "--out", str(goals)], check=True, capture_output=True)
    build = build_portal(goals, dt.date.fromisoformat(TODAY))
    return [r for r in portal_records(Site(build)) if not r.meta.get("private")]


def _served(site, servers, folder, records, **split) -> tuple[str, list, Path]:
    """(served URL, records, bundle folder): the records' search bundle in the example portal's pages."""
    shell = folder / "site"
    shutil.copytree(site.root, shell, copy_function=os.link, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    menus = write_input(records, folder / "records", "en", restricted=False, **split)
    index_folder(folder / "records", shell / BUNDLE_DIR)
    shutil.move(menus, shell / BUNDLE_DIR / MENUS_FILE)
    return servers(shell), records, shell / BUNDLE_DIR


@pytest.fixture(scope="module")
def company(site, servers, tmp_path_factory, synthetic):
    """The synthetic company's bundle as a build makes it: no value has its word split at this size."""
    return _served(site, servers, tmp_path_factory.mktemp("whole"), synthetic)[:2]


@pytest.fixture(scope="module")
def split(site, servers, tmp_path_factory, synthetic):
    """The same bundle with the words of values of more than SPLIT records split into shards, as a large
    company's are (records.py, SHARD_RECORDS)."""
    return _served(site, servers, tmp_path_factory.mktemp("split"), synthetic, shard_records=SPLIT)


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


def _matching(records, chosen: dict[str, str]) -> set[str]:
    return {r.url for r in records
            if all(value in ({"kind": [r.kind]} | r.filters).get(name, ()) for name, value in chosen.items())}


def _listed(page, expected: set[str]) -> None:
    status = page.locator(".goalsite-search__status").inner_text()
    shown = {href.lstrip("/") for href in _shown(page)}
    assert status == f"{len(expected)} result" + ("s" if len(expected) > 1 else ""), status
    assert shown == expected
    assert "zqx" not in page.locator(".goalsite-search").inner_text(), "a filter word is shown"


@pytest.mark.parametrize("chosen", [{"status": "at risk"}, {"kind": "objective", "period": "2026-Q3"},
                                    {"kind": "person"}], ids=["status", "kind-period", "kind"])
def test_split_words_list_every_record_of_the_chosen_filters_once(split, page, page_log, chosen):
    url, records, _ = split
    shards = json.loads(page.request.get(url + f"{BUNDLE_DIR}/{MENUS_FILE}").text())["shards"]
    assert all(shards.get(name, {}).get(value, 1) > 1 for name, value in chosen.items()), shards
    page.goto(url, wait_until="load")
    page.locator(".goalsite-search-button").click()
    before = len(page_log.requests)
    for name, value in chosen.items():
        menu = page.locator(f'select[data-filter="{name}"]')
        expect(menu.locator(f'option[value="{value}"]')).to_have_count(1)
        menu.select_option(value)
    page.wait_for_function(SETTLED)
    _listed(page, _matching(records, chosen))
    chunks = {u for u in page_log.requests[before:] if "/pagefind/index/" in u}
    assert 0 < len(chunks) <= MOST_CHUNKS * len(chosen), f"{len(chunks)} chunks downloaded"


def test_find_goals_at_risk_on_the_period_page_lists_them_with_their_key_results_at_risk(split, page, screenshot):
    """The period page's "Find goals… At risk" (period and status, both split): the goals at risk and those with
    a key result at risk, each such key result a sub-result."""
    url, records, _ = split
    page.goto(url + "periods/2026-Q4/", wait_until="load")
    page.locator(".goalsite-find__item", has_text="At risk").click()
    page.wait_for_function(SETTLED)
    _listed(page, _matching(records, {"period": "2026-Q4", "status": "at risk"}))
    hrefs = page.eval_on_selector_all("a.goalsite-search__sub", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    sections = {}  # "units/x/2026-Q4/#kr-y__z" -> the HTML of the key result's section in its record
    for record in records:
        page_part = record.url.partition("#")[0]
        for section in record.html("en").split("<h2")[1:]:
            sections[page_part + "#" + section.split('"')[1]] = section
    for href in hrefs:
        assert re.search(rf"\b{filter_word('status', 'at risk')}\b", sections[href.lstrip("/")]), href
    screenshot(page, "browse-split-period-at-risk")


def test_a_small_value_with_a_split_one_lists_the_records_of_both(split, page, page_log):
    """A unit (its word whole, or in fewer shards) and a status (split): each shard of the status searched with
    the unit's word."""
    url, records, _ = split
    unit = _value(records, "unit")
    _browse(page, page_log, url, "unit", unit)
    page.locator('select[data-filter="status"]').select_option("at risk")
    page.wait_for_function(SETTLED)
    expected = _matching(records, {"unit": unit, "status": "at risk"})
    assert expected
    _listed(page, expected)


def _chunk_of(bundle: Path):
    """word -> the hash of the index chunk that holds it. Pagefind's meta file has each chunk's bounds, cut to
    the letters that tell it from its neighbour ("wai" for a chunk whose last word is "wait")."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = _read(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    return lambda word: next(chunk for first, last, chunk in meta[2]
                             if word[:len(first)] >= first and word[:len(last)] <= last)


def _straddling(records, bundle: Path) -> tuple[str, str, str]:
    """(filter, value, unit): a split value and a unit of fewer shards, some of whose records the chunks that
    a search at the unit's shards loads would miss (the unit's words', and the first chunk of the value's
    coarser words, which all begin with its whole word)."""
    shards = json.loads((bundle / MENUS_FILE).read_text(encoding="utf-8"))["shards"]
    chunk_of = _chunk_of(bundle)
    for name in ("department", "tag", "owner", "status"):
        for value, count in shards.get(name, {}).items():
            holding = [r for r in records if value in r.filters.get(name, ())]
            for unit in sorted({u for r in holding for u in r.filters.get("unit", ())}):
                fewer = shards.get("unit", {}).get(unit, 1)
                if fewer >= count:
                    continue
                loaded = {chunk_of(filter_word(name, value))}
                loaded |= {chunk_of(filter_word("unit", unit, shard_suffix(b, fewer))) for b in range(fewer)}
                both = [r for r in holding if unit in r.filters["unit"]]
                if {chunk_of(filter_word(name, value, shard_suffix(r.bucket, count))) for r in both} - loaded:
                    return name, value, unit
    raise AssertionError("no split value's records of a less split unit lie in another chunk: make SPLIT smaller")


def _find(page, url: str, preset: dict[str, str]) -> None:
    """Open the box with these filters chosen, as a "Find goals" button of a department's page does."""
    page.goto(url, wait_until="load")
    page.evaluate("""preset => { const b = document.createElement('button');
        b.setAttribute('data-goalsite-search', JSON.stringify(preset)); document.body.append(b); b.click(); }""",
                  preset)
    page.wait_for_function(SETTLED)


def test_a_split_value_with_a_small_one_lists_them_all_when_its_words_lie_in_several_index_chunks(split, page):
    """Pagefind loads one index chunk for each word searched: a word that begins the shard words of a value
    (its whole word, or the word of a coarser shard, to search at the unit's fewer shards) would find only
    those of that chunk. So every shard of the most split value is searched with whole shard words."""
    url, records, bundle = split
    name, value, unit = _straddling(records, bundle)
    _find(page, url, {name: value, "unit": unit})
    _listed(page, _matching(records, {name: value, "unit": unit}))


def test_without_goalsite_json_the_filters_still_list_all_their_records(split, page, page_log):
    """The shards are unknown without goalsite.json: the box passes Pagefind the filters, with no words."""
    url, records, bundle = split
    name, value, unit = _straddling(records, bundle)
    page.route("**/goalsite.json", lambda route: route.abort())
    _find(page, url, {name: value, "unit": unit})
    _listed(page, _matching(records, {name: value, "unit": unit}))
    failed = [e for e in page_log.console_errors if "/pagefind/goalsite.json" in e]
    assert failed, "goalsite.json was not asked for"
    page_log.console_errors[:] = [e for e in page_log.console_errors if e not in failed]  # the one failure meant

"""The search bundle a real build publishes (pagefind/): there, small per query, stable, and without private goals.

Pagefind compresses its files with gzip whatever their name (.pf_meta, .pf_index, .pf_fragment,
.pf_filter, .pagefind): every file is searched decompressed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
from pathlib import Path

import pytest

from generator.pipeline import build_portal
from generator.render.site import Site
from generator.search.bundle import MENUS_FILE, UNUSED, build_bundle
from generator.search.records import portal_records
from tests.conftest import ROOT

TODAY = dt.date(2026, 11, 22)
#: Words only the example company's private objective and private KPI hold.
PRIVATE_WORDS = ("nightjar", "osprey board", "burn multiple", "rental depots")


def bundle_text(site: Path) -> str:
    """Every file of the site's bundle, decompressed when it is gzip, as one lower-case text."""
    parts = []
    for path in sorted((site / "pagefind").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts).lower()


def test_the_site_has_a_pagefind_bundle_and_no_material_index(built_site):
    bundle = built_site / "pagefind"
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind", MENUS_FILE):
        assert (bundle / name).is_file(), name
    assert list(bundle.glob("*.pf_meta")) and list((bundle / "index").iterdir())
    assert list((bundle / "fragment").iterdir()) and list((bundle / "filter").iterdir())
    assert not any((bundle / name).exists() for name in UNUSED), "Pagefind's own UIs are left out"
    assert not (built_site / "search" / "search_index.json").exists(), "Material's whole-site index is gone"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    records = portal_records(Site(build_portal(ROOT / "goals", TODAY)))
    guide = len(list((ROOT / "site_src").rglob("*.md")))
    assert entry["languages"]["en"]["page_count"] == len(records) + guide
    menus = json.loads((bundle / MENUS_FILE).read_text(encoding="utf-8"))
    assert menus["periods"] == ["2026-Q4", "2026-Q3", "2026"] and not menus["restricted"]
    assert [k[0] for k in menus["kinds"]][:4] == ["person", "unit", "objective", "kpi"]
    assert "on track" in menus["statuses"]
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert "assets/search.js" in page and "assets/search.css" in page
    assert 'data-md-component="search"' not in page, "Material's search box is not in the page"


def test_the_bundle_holds_goals_people_and_kpis_and_no_private_goal(built_site):
    text = bundle_text(built_site)
    for found in ("audit the remaining 16 tier-1 suppliers", "hannah lindqvist", "customer retention",
                  "where to go next", "people/olivia/"):  # the person's own page
        assert found in text, found
    for word in PRIVATE_WORDS:
        assert word not in text, f"{word!r} of a private goal is in the search bundle"


def test_a_restricted_build_indexes_its_private_goal(minimal_site, minimal_private_site):
    """The control for the test above: the fixture's private objective ("Nightjar") is found where it may be."""
    assert "nightjar" not in bundle_text(minimal_site)
    assert "nightjar" in bundle_text(minimal_private_site)
    menus = json.loads((minimal_private_site / "pagefind" / MENUS_FILE).read_text(encoding="utf-8"))
    assert menus["restricted"] is True


@pytest.fixture(scope="module")
def large_bundle(tmp_path_factory) -> tuple[Path, int]:
    """The bundle of a synthetic company of 150 teams (benchmarks/synth.py): 2,400 records."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("large")
    synth.generate(150, folder / "goals")
    build = build_portal(folder / "goals", TODAY)
    assert build.ok
    records = portal_records(Site(build))
    build_bundle(records, folder / "pagefind")
    return folder / "pagefind", len(records)


def test_a_query_downloads_a_small_part_of_a_large_index(large_bundle):
    """At most: the meta file, three word-index chunks (three words) and the ten results shown."""
    bundle, count = large_bundle
    sizes = {kind: sorted((p.stat().st_size for p in (bundle / kind).iterdir()), reverse=True)
             for kind in ("index", "fragment", "filter")}
    meta = sum(p.stat().st_size for p in bundle.glob("*.pf_meta"))
    index = meta + sum(sum(v) for v in sizes.values())
    query = meta + sum(sizes["index"][:3]) + sum(sizes["fragment"][:10])
    assert query <= index * 0.1, f"a query may download {query} of the index's {index} bytes"
    assert meta <= 8 * count, f"the meta file takes {meta / count:.1f} bytes a record"
    assert sizes["index"][0] <= 64 * 1024, "a word-index chunk stays small whatever the company"
    assert sizes["fragment"][0] <= 4 * 1024, "a result is a small record, not a page"


def test_the_same_records_give_the_same_bundle(tmp_path):
    records = portal_records(Site(build_portal(ROOT / "goals", TODAY)))
    first, second = tmp_path / "a", tmp_path / "b"
    build_bundle(records, first)
    build_bundle(records, second)
    files = {p.relative_to(first).as_posix(): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    again = {p.relative_to(second).as_posix(): p.read_bytes() for p in second.rglob("*") if p.is_file()}
    assert files.keys() == again.keys()
    assert [name for name in files if files[name] != again[name]] == []

"""sitemap.xml (theme/sitemap.xml): what Material's instant navigation downloads on a visit's first page.

Material fetches sitemap.xml on the first page load and takes over only the links listed in it. MkDocs
lists every page (3 MB at 5,000 teams); above `extra.sitemap_max_urls` pages goalsite's template lists
only the pages whose number does not grow with the company, and sitemap-full.xml every page, for crawlers.

sitemap-full.xml (theme/sitemap-full.xml, generator/plugin/sitemap.py): a sitemap file may list 50,000 URLs;
above, it is a sitemap index of numbered parts, each within the limit (`extra.sitemap_full_max_urls` lowers it
so that the small company is split here).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.commands.mkdocs_run import load_config
from generator.plugin.sitemap import MAX_URLS, max_urls, split

ROOT = Path(__file__).resolve().parents[2]
MINIMAL_GOALS = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"
URL = "https://goals.example.com/portal/"


def write_config(tmp_path: Path, **extra) -> Path:
    """A mkdocs.yml in tmp_path that inherits the repo's, `extra` added."""
    base = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    config = {"INHERIT": str(ROOT / "mkdocs.yml"), "docs_dir": str(ROOT / base["docs_dir"]),
              "theme": {"custom_dir": str(ROOT / base["theme"]["custom_dir"])}, "extra": extra,
              "watch": [str(ROOT / path) for path in base["watch"]]}
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    return tmp_path / "mkdocs.yml"


def build(tmp_path: Path, **extra) -> Path:
    """`goalsite build` of the minimal company with the repo's mkdocs.yml, served at URL, `extra` added."""
    config = write_config(tmp_path, **extra)
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--goals", str(MINIMAL_GOALS), "--today", "2026-11-22",
                                      "--site-dir", str(site), "--config-file", str(config),
                                      "--site-url", URL])
    assert result.exit_code == 0, result.output
    return site


def urls(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset'), text[:80]
    return [u.removeprefix(URL) for u in re.findall(r"<loc>([^<]*)</loc>", text)]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("small"))


def test_a_small_sitemap_lists_every_page(small):
    pages = sorted(p.parent.relative_to(small).as_posix() + "/" for p in small.rglob("index.html")
                   if not p.parent.relative_to(small).as_posix().startswith(("assets", "search", "api")))
    listed = urls(small / "sitemap.xml")
    assert sorted(u or "./" for u in listed) == pages
    assert "units/sales-emea/2026-Q4/" in listed and "people/sales-emea/" in listed
    assert urls(small / "sitemap-full.xml") == listed


def test_above_the_limit_it_lists_only_pages_that_do_not_grow_with_the_company(small, tmp_path):
    site = build(tmp_path, sitemap_max_urls=5)
    listed = urls(site / "sitemap.xml")
    assert "" in listed and "periods/" in listed and "units/" in listed and "guide/" in listed
    assert "periods/2026-Q4/" in listed and "guide/cli/" in listed
    grows = [u for u in listed if u.startswith(("units/", "people/", "kpis/")) and u.count("/") > 1]
    assert grows == [], "unit, people and KPI pages grow with the company"
    assert urls(site / "sitemap-full.xml") == urls(small / "sitemap-full.xml")


# --- sitemap-full.xml at any size --------------------------------------------------------------------------

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(path: Path, root: str) -> list[str]:
    """The `<loc>`s of a sitemap file, parsed as XML, whose root element is `root` (urlset or sitemapindex)."""
    tree = ET.parse(path).getroot()
    assert tree.tag == NS + root, f"{path.name}: {tree.tag}"
    return [loc.text for loc in tree.iter(NS + "loc")]


def full_sitemap(site: Path, limit: int) -> list[str]:
    """Every URL sitemap-full.xml lists, through its index and parts when it has them, each part checked."""
    if ET.parse(site / "sitemap-full.xml").getroot().tag == NS + "urlset":
        assert not list(site.glob("sitemap-full-*.xml"))
        return parse(site / "sitemap-full.xml", "urlset")
    parts = parse(site / "sitemap-full.xml", "sitemapindex")
    names = [f"sitemap-full-{n}.xml" for n in range(1, len(parts) + 1)]
    assert parts == [URL + name for name in names]
    assert sorted(p.name for p in site.glob("sitemap-full-*.xml")) == sorted(names), "no other part on disk"
    listed = []
    for name in names:
        urls_of_part = parse(site / name, "urlset")
        assert 1 <= len(urls_of_part) <= limit, name
        listed += urls_of_part
    return listed


def test_above_50000_pages_or_the_set_limit_sitemap_full_is_an_index_of_parts(small, tmp_path):
    every = parse(small / "sitemap-full.xml", "urlset")
    assert not list(small.glob("sitemap-full-*.xml")), "a small site keeps one plain sitemap"
    assert len(every) == len(set(every)) > 14
    site = build(tmp_path, sitemap_full_max_urls=7)
    listed = full_sitemap(site, 7)
    assert listed == every, "every page listed exactly once, in the same order"
    assert len(list(site.glob("sitemap-full-*.xml"))) == -(-len(every) // 7)
    assert urls(site / "sitemap.xml") == urls(small / "sitemap.xml"), "sitemap.xml is not split"
    text = "".join(p.read_text(encoding="utf-8") for p in site.glob("sitemap*.xml"))
    assert "nightjar" not in text.lower(), "a private objective has no page, so no URL"


def test_a_rebuild_in_the_same_folder_leaves_no_stale_part(tmp_path):
    """`goalsite serve` rebuilds into one folder (MkDocs' dirty builds): fewer pages, fewer parts."""
    from mkdocs.commands.build import build as mkdocs_build

    goals, site = tmp_path / "goals", tmp_path / "site"
    shutil.copytree(MINIMAL_GOALS, goals)
    config = load_config(str(write_config(tmp_path, sitemap_full_max_urls=3)), site_dir=str(site), site_url=URL)
    plugin = config.plugins["goalsite"]

    def rebuild(dirty: bool = True) -> list[str]:
        with plugin.preset(goals_dir=str(goals), today="2026-11-22", search=False):
            mkdocs_build(config, dirty=dirty)
        return full_sitemap(site, config.extra["sitemap_full_max_urls"])

    before = rebuild(dirty=False)
    shutil.rmtree(goals / "2026-Q4")  # a period's goals go: the site shrinks
    after = rebuild()
    assert len(after) < len(before) and set(after) < set(before)
    assert len(list(site.glob("sitemap-full-*.xml"))) == -(-len(after) // 3) < -(-len(before) // 3)
    config.extra["sitemap_full_max_urls"] = 1000
    assert rebuild() == after and not list(site.glob("sitemap-full-*.xml")), "one plain sitemap again"


def test_the_split_keeps_each_part_within_the_urls_and_the_bytes():
    assert split([], 3) == [range(0, 0)]
    assert split([10] * 7, 3) == [range(0, 3), range(3, 6), range(6, 7)]
    assert split([10] * 7, 50) == [range(0, 7)]
    # 100 bytes for <urlset> and the XML declaration, then the entries
    assert split([300, 300, 300, 900, 10], 50, max_bytes=1000) == [range(0, 3), range(3, 4), range(4, 5)]
    assert split([2000, 10], 50, max_bytes=1000) == [range(0, 1), range(1, 2)], "too large: alone"


def test_a_limit_that_is_not_a_whole_number_stops_the_build(tmp_path):
    config = write_config(tmp_path, sitemap_full_max_urls="many")
    result = CliRunner().invoke(cli, ["build", "--goals", str(MINIMAL_GOALS), "--today", "2026-11-22",
                                      "--site-dir", str(tmp_path / "site"), "--config-file", str(config)])
    assert result.exit_code == 1
    assert "expected extra.sitemap_full_max_urls as a whole number of at least 1, got 'many'" in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(("extra", "expected"), [
    ({}, MAX_URLS), ({"sitemap_full_max_urls": 7}, 7), ({"sitemap_full_max_urls": 10 ** 6}, MAX_URLS),
    ({"sitemap_full_max_urls": 0}, None), ({"sitemap_full_max_urls": "7"}, None), ({"sitemap_full_max_urls": True}, None),
])
def test_the_limit_is_at_most_the_protocols(extra, expected):
    assert max_urls(extra) == expected

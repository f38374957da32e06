"""sitemap.xml (theme/sitemap.xml): what Material's instant navigation downloads on a visit's first page.

Material fetches sitemap.xml on the first page load and takes over only the links listed in it. MkDocs
lists every page (3 MB at 5,000 teams); above `extra.sitemap_max_urls` pages goalsite's template lists
only the pages whose number does not grow with the company, and sitemap-full.xml every page, for crawlers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli

ROOT = Path(__file__).resolve().parents[2]
MINIMAL_GOALS = ROOT / "tests" / "fixtures" / "portal_minimal" / "goals"
URL = "https://goals.example.com/portal/"


def build(tmp_path: Path, **extra) -> Path:
    """`goalsite build` of the minimal company with the repo's mkdocs.yml, served at URL, `extra` added."""
    base = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    config = {"INHERIT": str(ROOT / "mkdocs.yml"), "docs_dir": str(ROOT / base["docs_dir"]),
              "theme": {"custom_dir": str(ROOT / base["theme"]["custom_dir"])}, "extra": extra,
              "watch": [str(ROOT / path) for path in base["watch"]]}
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--goals", str(MINIMAL_GOALS), "--today", "2026-11-22",
                                      "--site-dir", str(site), "--config-file", str(tmp_path / "mkdocs.yml"),
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

"""The raw-HTML fast path (generator/plugin/rawblocks.py) changes no byte of any site.

Each site is built twice with the real CLI: as always, and with the plugin's `html_fast_path: false`,
where Python-Markdown reads every block itself. Every file of the two must be the same: pages,
search index (Pagefind's, and Material's where a site adds that plugin back), sitemap, JSON export. The sites cover the example company, the restricted build of
portal_minimal, and a copy of the example company whose goal text is hostile: HTML, Markdown,
lines that start with a block tag, and the fast path's own placeholder word.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin

from tests.conftest import MINIMAL, ROOT, build_site, rewrite_yaml

HOSTILE = [
    "<div class=\"portal-chart\">x</div>",
    "\n\n<details><summary>open</summary>\n\n<table><tr><td>cell</td></tr></table>\n\n",
    "goalsiteraw0123456789abcdefx0 and <p>goalsiteraw0123456789abcdefx1</p>",
    "<ul><li>item</li></ul> *emphasis* | pipe | [link](../x.md)",
    "```\n<div>code</div>\n```",
]


def _slow_config(folder: Path, *, parent: Path = ROOT / "mkdocs.yml", plugins=({"tags": {"export": False}},)) -> Path:
    """`parent` with the fast path off (paths made absolute, as MkDocs resolves them here), and the other
    `plugins` of its list (tests/fixtures/portal_minimal/mkdocs.yml adds Material's search back)."""
    child = {
        "INHERIT": str(parent),
        "docs_dir": str(ROOT / "site_src"),
        "theme": {"custom_dir": str(ROOT / "theme")},
        "watch": [str(ROOT / "goals"), str(ROOT / "theme")],
        "plugins": [*plugins, {"goalsite": {"goals_dir": "goals", "html_fast_path": False}}],
    }
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "mkdocs.yml"
    config.write_text(json.dumps(child, indent=1), encoding="utf-8")  # JSON is YAML
    return config


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _assert_same(fast: Path, slow: Path) -> None:
    a, b = _files(fast), _files(slow)
    assert a.keys() == b.keys(), a.keys() ^ b.keys()
    differ = [path for path in a if a[path] != b[path]]
    assert differ == [], differ[:10]


def test_the_example_company_is_the_same_without_the_fast_path(built_site, tmp_path):
    slow = build_site(ROOT / "goals", tmp_path / "slow", "--config-file", _slow_config(tmp_path / "config"))
    _assert_same(built_site, slow)


def test_a_restricted_build_is_the_same_without_the_fast_path(minimal_private_site, tmp_path):
    slow = build_site(MINIMAL / "goals", tmp_path / "slow", "--include-private",
                      "--config-file", _slow_config(tmp_path / "config"))
    _assert_same(minimal_private_site, slow)


def test_a_site_with_materials_search_added_back_is_the_same_without_the_fast_path(tmp_path):
    """Material's search plugin reads every page with the parts it skips set aside (rawblocks.Unsearched)."""
    fast = build_site(MINIMAL / "goals", tmp_path / "fast", "--config-file", MINIMAL / "mkdocs.yml")
    config = _slow_config(tmp_path / "config", parent=MINIMAL / "mkdocs.yml", plugins=["search", "tags"])
    slow = build_site(MINIMAL / "goals", tmp_path / "slow", "--config-file", config)
    index = json.loads((fast / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(doc["location"].startswith("units/") for doc in index["docs"]), "the generated pages are in its index"
    _assert_same(fast, slow)


class _Probe(BasePlugin):
    """A plugin after goalsite's on_page_content: what another plugin sees of a generated page."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, str] = {}

    def on_page_content(self, html, *, page, config, files):
        self.seen[page.file.src_uri] = html
        return html


def _seen_by_another_plugin(config_file: Path, site_dir: Path) -> str:
    config = load_config(str(config_file), site_dir=str(site_dir))
    probe = config.plugins["probe"] = _Probe()
    with config.plugins["goalsite"].preset(goals_dir=str(MINIMAL / "goals"), today="2026-11-22"):
        mkdocs_build(config)
    return probe.seen["units/sales-emea/2026-Q4.md"]


def test_only_materials_search_has_the_parts_it_skips_set_aside(tmp_path):
    """Without Material's search nothing reads the page in between: other plugins see it whole."""
    alone = _seen_by_another_plugin(ROOT / "mkdocs.yml", tmp_path / "alone")
    assert "data-search-exclude>" in alone and "goalsitehidden" not in alone
    searched = _seen_by_another_plugin(MINIMAL / "mkdocs.yml", tmp_path / "searched")
    assert "<!--goalsitehidden" in searched and "<details class=\"portal-history\" data-search-exclude>" not in searched
    page = (tmp_path / "searched" / "units" / "sales-emea" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    assert "goalsitehidden" not in page and "<details class=\"portal-history\" data-search-exclude>" in page


def _hostile_team(data) -> None:
    for i, objective in enumerate(data["objectives"]):
        text = HOSTILE[i % len(HOSTILE)]
        objective["title"] = f"Objective {i} {text}"
        objective["description"] = f"About {i}\n\n{text}\n\nMore."
        for j, kr in enumerate(objective.get("key_results", [])):
            kr["title"] = f"KR {HOSTILE[(i + j) % len(HOSTILE)]}"
            for k, checkin in enumerate(kr.get("checkins", [])):
                checkin["note"] = f"{HOSTILE[(i + j + k) % len(HOSTILE)]}\n\nafter"


def test_hostile_goal_text_is_the_same_without_the_fast_path(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(ROOT / "goals", goals)
    rewrite_yaml(goals / "2026-Q4" / "storefront.yaml", _hostile_team)
    rewrite_yaml(goals / "org.yaml", lambda org: org["company"].update(mission="\n\n".join(HOSTILE)))
    fast = build_site(goals, tmp_path / "fast")
    slow = build_site(goals, tmp_path / "slow", "--config-file", _slow_config(tmp_path / "config"))
    _assert_same(fast, slow)
    page = (fast / "units" / "storefront" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    assert "goalsiteraw0123456789abcdefx0" in page, "the forged placeholder stays text"

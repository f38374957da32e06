"""End-to-end: real `goalsite build` / `mkdocs build` runs of the example company and of portal_minimal."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "portal_minimal"
TODAY = "2026-11-22"

EXTERNAL = re.compile(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)=[\"']?((?:https?:)?//[^\"'\s>]+)", re.I)


def site_digest(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under `root`."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def site_texts(root: Path) -> dict[str, str]:
    """The text of every file of a site, .gz files decompressed (binary files decoded leniently)."""
    texts = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            texts[path.relative_to(root).as_posix()] = (gzip.decompress(data) if path.suffix == ".gz" else data
                                                        ).decode("utf-8", errors="replace")
    return texts


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


# --- the example company ----------------------------------------------------------------------------


def test_pages_exist(built_site):
    for page in ["index.html", "periods/index.html", "periods/2026-Q4/index.html", "units/index.html",
                 "units/sourcing/2026-Q4/index.html", "people/index.html", "kpis/index.html",
                 "kpis/customer-retention/index.html", "guide/index.html", "404.html", "sitemap.xml"]:
        assert (built_site / page).is_file(), page
    people = [p for p in (built_site / "people").glob("*/index.html")]
    assert people, "a page per unit's people"
    assert any('id="person-' in p.read_text(encoding="utf-8") for p in people)


def test_the_site_is_named_after_the_company(built_site):
    html = (built_site / "units/sourcing/2026-Q4/index.html").read_text(encoding="utf-8")
    assert "<title>Sourcing &amp; Sustainability · 2026-Q4 - Larchwood Outfitters goals</title>" in html


def test_goals_have_anchors(built_site):
    html = (built_site / "units/sourcing/2026-Q4/index.html").read_text(encoding="utf-8")
    assert 'id="obj-responsible-suppliers"' in html, "every goal has a stable URL with an anchor"
    assert re.search(r'id="kr-responsible-suppliers__[a-z0-9-]+"', html)


def test_json_export_shape(built_site):
    export = json.loads((built_site / "api/goals.json").read_text(encoding="utf-8"))
    objectives, kpis = export["objectives"], export["kpis"]
    assert objectives and kpis
    for item in objectives:
        assert {"ref", "title", "score"} <= set(item), item
        assert re.fullmatch(r"[\w-]+:[\w-]+/[\w-]+(/[\w-]+)?", item["ref"]), item["ref"]
        assert item["score"] is None or 0 <= item["score"] <= 1
    for item in kpis:
        assert {"id", "healthy", "value"} <= set(item), item
        assert item["healthy"] in (True, False, None)


def test_no_external_resources(built_site):
    found = {}
    for page in html_pages(built_site):
        urls = EXTERNAL.findall(page.read_text(encoding="utf-8"))
        if urls:
            found[page.relative_to(built_site).as_posix()] = urls
    assert not found, f"pages load resources from outside the site: {found}"


def test_nav_stays_small(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    # Links to pages, not the home page's own table of contents (anchors), which Material puts in the nav too.
    pages = [href for href in re.findall(r'<a href="([^"]*)" class="md-nav__link', html) if not href.startswith("#")]
    assert len(pages) < 20, f"the nav must list sections and the guide, not every unit, person or KPI: {pages}"


def test_same_goals_same_today_is_byte_identical(built_site, site_builder, tmp_path):
    again = site_builder(ROOT / "goals", tmp_path / "site")
    assert site_digest(again) == site_digest(built_site)


# --- a failed build publishes nothing ------------------------------------------------------------------


def test_broken_goals_leave_the_previous_site_alone(built_site, goalsite, tmp_path):
    goals, site = tmp_path / "goals", tmp_path / "site"
    shutil.copytree(ROOT / "goals", goals)
    shutil.copytree(built_site, site)
    before = site_digest(site)
    broken = goals / "2026-Q4" / "sourcing.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(re.sub(r"owner: \w+", "owner: nobody-knows", text, count=1), encoding="utf-8")

    proc = goalsite("build", "--goals", goals, "--today", TODAY, "--site-dir", site)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"sourcing\.yaml:\d+:\d+: error: .*nobody-knows", proc.stdout), proc.stdout
    assert site_digest(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["goals", "site"], "no temporary folder left behind"


# --- privacy -----------------------------------------------------------------------------------------------


def test_private_goals_appear_nowhere(minimal_site):
    leaks = [path for path, text in site_texts(minimal_site).items() if "Nightjar" in text]
    assert not leaks, f"a private objective leaked into {leaks}"
    assert "Restricted build" not in (minimal_site / "index.html").read_text(encoding="utf-8")


def test_restricted_build_shows_private_goals_under_a_banner(minimal_private_site):
    texts = site_texts(minimal_private_site)
    assert any("Nightjar" in text for text in texts.values())
    unbannered = [path for path, text in texts.items() if path.endswith(".html") and "Restricted build" not in text]
    assert not unbannered, f"pages of a restricted build without the banner: {unbannered}"


# --- plain MkDocs ------------------------------------------------------------------------------------------


def test_mkdocs_build_strict_of_minimal(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600", "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    proc = subprocess.run([str(mkdocs), "build", "--strict", "-f", str(MINIMAL / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    assert (tmp_path / "site/periods/2026-Q4/index.html").is_file()


# --- goalsite generate ---------------------------------------------------------------------------------------


def test_generate_writes_only_changes_and_removes_stale_pages(goalsite, tmp_path):
    goals, out = tmp_path / "goals", tmp_path / "out"
    shutil.copytree(MINIMAL / "goals", goals)
    first = goalsite("generate", "--goals", goals, "--today", TODAY, "--out", out)
    assert first.returncode == 0, first.stdout + first.stderr
    unit_page = out / "units/sales-emea/2026-Q4.md"
    assert unit_page.is_file() and (out / "index.md").is_file() and (out / "api/goals.json").is_file()
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    second = goalsite("generate", "--goals", goals, "--today", TODAY, "--out", out)
    assert second.returncode == 0 and " 0 written, 0 removed" in second.stdout, second.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes

    (goals / "2026-Q4" / "sales-emea.yaml").unlink()
    third = goalsite("generate", "--goals", goals, "--today", TODAY, "--out", out)
    assert third.returncode == 0, third.stdout + third.stderr
    assert not unit_page.exists()
    assert (out / "index.md").is_file()

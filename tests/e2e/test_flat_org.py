"""Issue 28: a flat org (hundreds of units directly under the company, no departments) builds pages that do not
grow with it. Every list of the company's departments (the period page's table, the retrospective's, the units
index, the company's overview) shows 100 of them and pages the rest; the company's page of a period stays under
the 150 KB of unit pages however many goals support its objectives.

The company is benchmarks/synth.py's with --flat (its org, people and the company's own files, 4 objectives of
4 key results with weekly check-ins), its teams' files cut down to one objective each so that the build is
quick: each aligned to the company's objectives as synth aligns them (four to an objective, one to its first
key result). Built with the real `goalsite build` at LARGE and SMALL teams; nothing is patched, so the page
size is the one users get. And the KPI catalogue of a company of many KPIs is paged the same way.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.pipeline import build_portal
from generator.render import render_pages
from generator.render.departments import DEPARTMENTS_PAGE
from generator.render.kpis import KPI_PAGE

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "portal_minimal"
TODAY = "2026-11-22"
_SYNTH = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
synth = importlib.util.module_from_spec(_SYNTH)  # benchmarks/ is not a package
_SYNTH.loader.exec_module(synth)

LARGE, SMALL = 400, 60
KB = 1024
#: Every HTML page of the flat company but the company's own pages of a period: the old period page was
#: 150 KB, the retrospective and the units index over 110 KB, at 400 teams.
PAGE_BOUND = 100 * KB
#: A unit's page of a period (issue 28).
UNIT_PAGE_BOUND = 150 * KB
HREF = re.compile(r'href="([^"#]+)')


def flat_company(teams: int, out: Path) -> Path:
    """synth.py --flat's company of `teams` teams, each team's files one objective aligned to the company."""
    synth.generate(teams, out, flat=True)
    leads = {u["id"]: u["lead"] for u in yaml.safe_load((out / "org.yaml").read_text(encoding="utf-8"))["units"]}
    for period in ("2026-Q3", "2026-Q4"):
        company = yaml.safe_load((out / period / f"{synth.COMPANY}.yaml").read_text(encoding="utf-8"))
        targets = []
        for o in company["objectives"]:
            targets += [f"{synth.COMPANY}/{o['id']}"] * 4 + [f"{synth.COMPANY}/{o['id']}/{o['key_results'][0]['id']}"]
        for n, (team, lead) in enumerate(leads.items()):
            (out / period / f"{team}.yaml").write_text(
                f'unit: {team}\nperiod: "{period}"\nobjectives:\n  - id: ship-{n + 1}\n'
                f"    title: Ship what team {n + 1} promised\n    owner: {lead}\n"
                f"    aligns_to: {targets[n % len(targets)]}\n    key_results:\n      - id: shipped\n"
                f"        title: Shipped\n        owner: {lead}\n        milestone: true\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory, site_builder) -> dict[int, Path]:
    out = {}
    for teams in (LARGE, SMALL):
        work = tmp_path_factory.mktemp(f"flat-{teams}")
        out[teams] = site_builder(flat_company(teams, work / "goals"), work / "site")
    return out


def company_page(site: Path, period: str) -> Path:
    return site / "units" / synth.COMPANY / period / "index.html"


def test_every_page_of_a_flat_org_is_bounded(sites):
    site = sites[LARGE]
    own = {company_page(site, p) for p in ("2026", "2026-Q3", "2026-Q4")}
    sizes = {page: page.stat().st_size for page in site.rglob("*.html")}
    over = {page.relative_to(site).as_posix(): size // KB for page, size in sizes.items()
            if size > (UNIT_PAGE_BOUND if page in own else PAGE_BOUND)}
    assert not over, over
    assert len(sizes) > 4 * LARGE


def walk(site: Path, first: str) -> list[Path]:
    """The pages of a paged list: `first` (a folder of the site), then every page its pager links to."""
    pages = [site / first / "index.html"]
    html = pages[0].read_text(encoding="utf-8")
    for href in dict.fromkeys(HREF.findall(html)):
        target = (pages[0].parent / href).resolve()
        if "/_departments/" in target.as_posix():
            pages.append(target / "index.html")
    return pages


def linked_units(page: Path, site: Path, folder: str) -> set[str]:
    """The units a page links to in `folder` of the site (units/<id>/, periods/<p>/<id>/, ...)."""
    out = set()
    for href in HREF.findall(page.read_text(encoding="utf-8")):
        rel = (page.parent / href).resolve().relative_to(site.resolve()).as_posix().rstrip("/")
        head, _, name = rel.rpartition("/")
        if head == folder and name.startswith("team-"):
            out.add(name)
    return out


@pytest.mark.parametrize("first,folder", [("periods/2026-Q4", "periods/2026-Q4"),
                                          ("retrospectives/2026-Q3", "retrospectives/2026-Q3"),
                                          ("units", "units")])
def test_the_pages_of_a_list_of_departments_together_list_every_one(sites, first, folder):
    site = sites[LARGE]
    pages = walk(site, first)
    assert len(pages) == -(-LARGE // DEPARTMENTS_PAGE), [p.parent.relative_to(site).as_posix() for p in pages]
    listed = [linked_units(page, site, folder) for page in pages]
    assert all(len(units) <= DEPARTMENTS_PAGE for units in listed), [len(u) for u in listed]
    assert set().union(*listed) == {f"team-{n:05d}" for n in range(1, LARGE + 1)}
    for page in pages[1:]:  # each further page links back to the first, where the company's summary stays
        hrefs = {(page.parent / h).resolve() for h in HREF.findall(page.read_text(encoding="utf-8"))}
        assert (site / first).resolve() in hrefs


def test_the_company_overview_lists_a_page_of_departments(sites):
    html = (sites[LARGE] / "units" / synth.COMPANY / "index.html").read_text(encoding="utf-8")
    assert len(set(re.findall(r'href="\.\./(team-\d+)/"', html))) == DEPARTMENTS_PAGE
    assert f"And {LARGE - DEPARTMENTS_PAGE} more: see" in html


@pytest.mark.parametrize("teams", [SMALL, LARGE])
def test_the_company_page_of_a_period_stays_under_the_unit_bound(sites, teams):
    for period in ("2026-Q3", "2026-Q4"):
        page = company_page(sites[teams], period)
        size = page.stat().st_size
        assert size < UNIT_PAGE_BOUND, (period, size // KB)
        html = page.read_text(encoding="utf-8")
        lists = re.findall(r"Supported by: (.*?)</(?:li|p)>", html)
        assert lists and all(item.count("<a ") <= 7 for item in lists), [item.count("<a ") for item in lists]


def test_the_kpi_catalogue_pages_its_kpis(tmp_path):
    """A company of many KPIs (about one in twenty teams owns one in synth.py): KPI_PAGE a catalogue page."""
    goals = tmp_path / "goals"
    shutil.copytree(MINIMAL / "goals", goals)
    extra = "".join(f"  - id: extra-{n}\n    name: Extra measure {n}\n    unit: cs\n    owner: carol\n"
                    f"    values:\n      - {{date: 2026-10-31, value: {n}}}\n" for n in range(KPI_PAGE + 20))
    with (goals / "kpis.yaml").open("a", encoding="utf-8") as kpis:
        kpis.write(extra)
    build = build_portal(goals, dt.date.fromisoformat(TODAY))
    assert build.ok, build.errors[:3]
    pages = render_pages(build)
    first, second = pages["kpis/index.md"], pages["kpis/_page/2.md"]
    assert first.count("](extra-") + first.count("](customer-retention") + first.count("](monthly-churn") == KPI_PAGE
    listed = re.findall(r"\]\((?:\.\./)?(extra-\d+)\.md\)", first + second)
    assert sorted(listed) == sorted(f"extra-{n}" for n in range(KPI_PAGE + 20)), "each KPI once, on one page"
    assert "[2](_page/2.md)" in first and "[1](../index.md)" in second
    assert "kpis/_page/3.md" not in pages

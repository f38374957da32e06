"""Issue 28: the company-wide pages summarise the company and its departments and link down, so they do not
grow with the number of teams; every objective stays within three links of its period's page.

Synthetic companies of benchmarks/synth.py (departments of about ten teams), rendered to Markdown (the HTML of
these pages is their Markdown's size plus the theme's frame; benchmarks/pages.py measures the built HTML).
The alignment section of the period page is left out of the sizes and of the walk: it is being replaced by a
lazily loaded map (another part of issue 28), and today it links every objective by itself.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import posixpath
import re
import shutil
from pathlib import Path

import pytest

from generator.pipeline import build_portal
from generator.render import render_pages
from generator.render.departments import PAGE_OBJECTIVES, department_groups, department_pages
from generator.render.links import objective_anchor, site_url, unit_period_path
from generator.render.site import Site

TODAY = dt.date(2026, 11, 22)
_SYNTH = importlib.util.spec_from_file_location("synth", Path(__file__).resolve().parents[2] / "benchmarks" / "synth.py")
synth = importlib.util.module_from_spec(_SYNTH)  # benchmarks/ is not a package
_SYNTH.loader.exec_module(synth)

SMALL, LARGE = 30, 90
KB = 1024


@pytest.fixture(scope="module")
def companies(tmp_path_factory) -> dict[int, tuple]:
    """{teams: (build, pages)} for the synthetic companies of SMALL and LARGE teams."""
    out = {}
    for teams in (SMALL, LARGE):
        goals = tmp_path_factory.mktemp(f"synth-{teams}")
        synth.generate(teams, goals)
        build = build_portal(goals, TODAY)
        assert build.ok, build.errors[:3]
        out[teams] = (build, render_pages(build))
    return out


def without_alignment(page: str) -> str:
    """A period page without its "Alignment" section (the heading up to the next one)."""
    start = page.index("\n## Alignment")
    end = page.index("\n## ", start + 1)
    return page[:start] + page[end:]


def test_the_period_page_lists_departments_not_units(companies):
    sizes = {}
    for teams, (_, pages) in companies.items():
        page = without_alignment(pages["periods/2026-Q4.md"])
        sizes[teams] = len(page.encode("utf-8"))
        teams_linked = page.count("units/team-")  # (a count: pytest would print the whole page)
        assert teams_linked == 0, "no team's objective (nor team) on the period page"
        assert "| [Commerce 1](2026-Q4/dept-001.md) |" in page, "each department links its page of the period"
    # The old page listed every unit's objectives: about 7 KB more a team. Now a department's row (~10 teams).
    assert sizes[LARGE] < 24 * KB, sizes
    assert (sizes[LARGE] - sizes[SMALL]) / (LARGE - SMALL) < 100, sizes


def test_the_retrospective_lists_departments_not_units(companies):
    sizes = {}
    for teams, (_, pages) in companies.items():
        page = pages["retrospectives/2026-Q3.md"]
        sizes[teams] = len(page.encode("utf-8"))
        assert "## Score distribution" in page and "## Scores by department" in page, "the aggregates stay"
        assert "[Commerce 1](2026-Q3/dept-001.md)" in page
    assert sizes[LARGE] < 24 * KB, sizes
    assert (sizes[LARGE] - sizes[SMALL]) / (LARGE - SMALL) < 100, sizes


def test_department_pages_do_not_grow_with_the_company(companies):
    largest = {teams: max(len(text.encode("utf-8")) for path, text in pages.items()
                          if re.fullmatch(r"(periods|retrospectives)/[^/]+/.+\.md", path))
               for teams, (_, pages) in companies.items()}
    assert largest[LARGE] < 60 * KB, largest
    assert largest[LARGE] < 1.25 * largest[SMALL], largest


def test_a_large_department_is_split_into_pages_of_whole_units(companies):
    build, _ = companies[SMALL]
    site = Site(build)
    period = build.portal.periods["2026-Q4"]
    dept, units = department_groups(site)[0]
    shown = [u for u in units if ("2026-Q4", u.id) in site.files]
    chunks = department_pages(site, "periods", period, units, limit=10)
    assert [u for c in chunks for u in c.units] == shown, "every unit once, in tree order"
    assert len(chunks) > 1 and all(sum(len(site.objectives("2026-Q4", u.id)) for u in c.units) <= 10 for c in chunks)
    assert chunks[0].path == f"periods/2026-Q4/{dept.id}.md" and chunks[1].path == f"periods/2026-Q4/{dept.id}/2.md"
    assert len(department_pages(site, "periods", period, units)) == 1, f"~44 objectives < {PAGE_OBJECTIVES}"


def _links(page: str, text: str):
    """(page, anchor) of every link of a Markdown page: Markdown links to .md files, raw HTML hrefs to URLs."""
    for href in re.findall(r"\]\(([^)\s]+)\)", text):
        path, _, anchor = href.partition("#")
        yield (posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page), anchor
    for href in re.findall(r'href="([^"]+)"', text):
        path, _, anchor = href.partition("#")
        url = posixpath.normpath(posixpath.join(site_url(page), path)) if path else site_url(page).rstrip("/")
        for candidate in (f"{url}.md", f"{url}/index.md", "index.md" if url == "." else ""):
            yield candidate, anchor


def test_every_objective_is_within_three_links_of_its_period_page(companies):
    build, pages = companies[LARGE]
    site = Site(build)
    for period in build.portal.periods.values():
        start = f"periods/{period.id}.md"
        reached, frontier = {(start, "")}, [start]
        for _ in range(3):
            nxt = []
            for page in frontier:
                text = without_alignment(pages[page]) if page == start else pages[page]
                for target in _links(page, text):
                    if target[0] in pages and target not in reached:
                        reached.add(target)
                        nxt.append(target[0])
            frontier = list(dict.fromkeys(nxt))
        wanted = [(unit_period_path(uid, pid), objective_anchor(n.id))
                  for (pid, uid), nodes in site.files.items() if pid == period.id for n in nodes]
        assert wanted and not [w for w in wanted if w not in reached], period.id
        assert all(a in pages[p] for p, a in wanted), "each objective has its anchor on its unit's page"


def test_the_teams_page_shows_the_top_levels_of_a_large_org(tmp_path):
    sizes = {}
    for teams in (300, 900):  # the org alone: more units than the page shows in full (units.TREE_LIMIT)
        goals = tmp_path / str(teams)
        synth.generate(teams, goals)
        for folder in goals.iterdir():
            if folder.is_dir() and folder.name[:4].isdigit():
                shutil.rmtree(folder)
        build = build_portal(goals, TODAY)
        assert build.ok, build.errors[:3]
        page = render_pages(build)["units/index.md"]
        sizes[teams] = len(page.encode("utf-8"))
        assert "[Commerce 1](dept-001/index.md)" in page and "team-" not in page
        assert f"{len(build.portal.units)} units: the company and its departments" in page
    # The whole tree was ~150 bytes a team (839 KB at 5,000 teams); a department's line is ~15 a team.
    assert sizes[900] < 20 * KB, sizes
    assert (sizes[900] - sizes[300]) / 600 < 25, sizes

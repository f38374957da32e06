"""A person's page, tag pages and the paged people index, rendered from real goal files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from generator import build_portal
from generator.render import render_pages
from generator.render.links import tag_path, tag_slug
from generator.render.people import PEOPLE_PAGE
from generator.render.tags import TAG_PAGE

from fixture_goals import FIXTURE, copy_goals, edit

TODAY = dt.date(2026, 11, 22)


def render(goals: Path = FIXTURE, include_private: bool = False) -> dict[str, str]:
    build = build_portal(goals, TODAY, include_private=include_private)
    assert build.ok, build.errors
    return render_pages(build)


def body(page: str) -> str:
    return page.split("---\n", 2)[2].lstrip()


def add_closed_quarter(goals: Path) -> None:
    """A closed 2026-Q3 in which Dana owns an objective and Eli collaborates on it."""
    (goals / "2026-Q3").mkdir()
    (goals / "2026-Q3" / "sales-emea.yaml").write_text(yaml.safe_dump({
        "period": "2026-Q3",
        "objectives": [{"id": "open-dach", "title": "Open the DACH office", "owner": "dana", "collaborators": ["eli"],
                        "tags": ["growth"],
                        "key_results": [{"id": "hires", "title": "Hire five people", "owner": "eli",
                                         "metric": {"unit": "people", "from": 0, "to": 5},
                                         "checkins": [{"date": dt.date(2026, 9, 25), "value": 5, "confidence": 9}]}]}],
    }))


def test_a_person_page_lists_what_they_own_and_work_on_current_period_first(tmp_path):
    goals = copy_goals(tmp_path)
    add_closed_quarter(goals)
    pages = render(goals)
    dana = body(pages["people/dana.md"])
    assert dana.startswith("# Dana Fox\n")
    owns = dana.split("Owns\n")[1].split("Collaborates on\n")[0]
    for link in ("(../units/sales-emea/2026-Q4.md#obj-win-dach)", "(../units/acme/2026.md#kr-grow-revenue__arr)",
                 "(../units/sales-emea/2026-Q3.md#obj-open-dach)"):
        assert link in owns, link
    # running quarter, then the running year, then the closed quarter
    assert owns.index("[2026-Q4]") < owns.index("[2026]") < owns.index("[2026-Q3]")
    assert "portal-status--" in owns and "portal-bar" in owns and "%" in owns  # status, progress and score
    assert "[Customer retention](../kpis/customer-retention.md)" in dana  # a KPI Dana collaborates on
    eli = body(pages["people/eli.md"])
    collaborates = eli.split("Collaborates on\n")[1]
    assert collaborates.index("#obj-win-dach") < collaborates.index("#obj-open-dach")
    assert "(key result of [Open the DACH office]" in eli.split("Owns\n")[1]
    carol = body(pages["people/carol.md"])
    assert "KPIs owned\n" in carol and "[Customer retention](../kpis/customer-retention.md)" in carol


def test_the_old_address_of_a_person_leads_to_their_page(tmp_path):
    pages = render()
    unit = pages["people/sales-emea.md"]
    assert '<span id="person-eli"></span>[Eli Stone](eli.md)' in unit
    assert "[Eli Stone](../../people/eli.md)" in pages["units/sales-emea/2026-Q4.md"]  # goal owners link there too


def _privatise(goals: Path) -> None:
    def change(data):
        secret = data["objectives"][1]
        secret.update(tags=["hushhush", "growth"], collaborators=["dana"])
        secret["key_results"][0]["owner"] = "eli"
    edit(goals / "2026-Q4" / "sales-emea.yaml", change)


def test_private_goals_are_on_no_person_or_tag_page(tmp_path):
    goals = copy_goals(tmp_path)
    _privatise(goals)
    pages = render(goals)
    mine = {p: t for p, t in pages.items() if p.startswith(("people/", "tags/"))}
    assert "people/no.md" in mine and "tags/growth/index.md" in mine
    for path, page in mine.items():
        assert "nightjar" not in page.lower() and "secret" not in page.lower() and "hushhush" not in page, path
    assert "hushhush" not in pages["tags/index.md"]
    restricted = render(goals, include_private=True)
    assert "Project Nightjar secret expansion" in restricted["people/no.md"]
    assert "Open 3 secret sites" in restricted["people/eli.md"]
    assert "Project Nightjar secret expansion" in restricted["people/dana.md"]
    assert "Project Nightjar" in restricted[tag_path("hushhush")]


def test_tag_chips_lead_to_the_tag_page(tmp_path):
    pages = render()
    unit = pages["units/sales-emea/2026-Q4.md"]
    assert '<a class="portal-badge portal-badge--tag" href="../../../tags/growth/">growth</a>' in unit
    growth = body(pages["tags/growth/index.md"])
    assert "(../../units/sales-emea/2026-Q4.md#obj-win-dach)" in growth
    assert "[growth](growth/index.md) (1)" in pages["tags/index.md"]


def test_tag_slugs_are_paths_and_never_shared():
    assert tag_slug("growth") == "growth"
    odd = ["Q&A", "q-a", "Q A", "../etc", "Ünïcode ✓", "日本"]
    slugs = [tag_slug(t) for t in odd]
    assert len(set(slugs)) == len(odd)
    for slug in slugs:
        assert slug and "/" not in slug and "." not in slug and slug == slug.lower()


def test_a_long_tag_is_paged(tmp_path):
    goals = copy_goals(tmp_path)
    count = TAG_PAGE + 5

    def change(data):
        data["objectives"] += [{"id": f"extra-{i}", "title": f"Extra {i}", "owner": "eli", "tags": ["busy"],
                                "key_results": [{"id": "k", "title": "Do it", "metric": {"unit": "x", "from": 0, "to": 1}}]}
                               for i in range(count)]
    edit(goals / "2026-Q4" / "sales-emea.yaml", change)
    pages = render(goals)
    first, second = pages[tag_path("busy")], pages[tag_path("busy", 2)]
    assert body(first).count("#obj-extra-") == TAG_PAGE and body(second).count("#obj-extra-") == 5
    assert "[Next](2.md)" in first and "[Previous](index.md)" in second


def test_goal_anchors_carry_filter_data(tmp_path):
    unit = render()["units/sales-emea/2026-Q4.md"]
    assert ('<span id="obj-win-dach" data-status="on-track" data-owner="dana" data-unit="sales-emea" '
            'data-tags="growth dach"></span>') in unit
    assert '<span id="kr-win-dach__new-logos" data-status="at-risk" data-owner="eli" data-unit="sales-emea"' in unit


def _with_people(tmp_path: Path, count: int) -> dict[str, str]:
    goals = tmp_path / f"goals-{count}"
    shutil.copytree(FIXTURE, goals)
    edit(goals / "org.yaml", lambda d: d["people"].extend(
        {"id": f"p{i:05d}", "name": f"Person {i:05d} Longname-Example", "unit": "sales-emea",
         "title": "Senior Account Executive"} for i in range(count)))
    pages = render(goals)
    return {path: page for path, page in pages.items() if path == "people/index.md" or path.startswith("people/list/")}


def test_the_people_index_stays_bounded_as_the_company_grows(tmp_path):
    small = _with_people(tmp_path, 200)
    assert list(small) == ["people/index.md"], "everyone fits on one page"
    assert "[Person 00000 Longname-Example](p00000.md)" in small["people/index.md"]
    sizes = {}
    for count in (3 * PEOPLE_PAGE, 7 * PEOPLE_PAGE):
        pages = _with_people(tmp_path, count)
        assert len(pages) == 1 + -(-(count + 4) // PEOPLE_PAGE)
        sizes[count] = {path: len(page.encode()) for path, page in pages.items()}
        reached = "".join(pages.values())
        assert all(f"(../p{i:05d}.md)" in reached for i in range(0, count, 97)), "everyone is one page away"
        assert max(sizes[count].values()) < 80_000
    # the index lists pages of names, not people: seven times the people, not seven times the bytes
    assert sizes[7 * PEOPLE_PAGE]["people/index.md"] < 3 * sizes[3 * PEOPLE_PAGE]["people/index.md"] < 6_000

"""Issue 28 in the browser: a flat org's period page pages its departments, and a reader gets from the period
page to any department's goals by the pager, on a desktop and on a phone, in light and dark.

The company is tests/e2e/test_flat_org.py's (synth.py --flat, one objective a team) at TEAMS teams: the period
page shows DEPARTMENTS_PAGE of them, the next page the rest.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from generator.render.departments import DEPARTMENTS_PAGE

try:
    from playwright.sync_api import expect
except ImportError:  # conftest's gate fails every test with what to install
    expect = None

ROOT = Path(__file__).resolve().parents[2]
_FLAT = importlib.util.spec_from_file_location("test_flat_org", ROOT / "tests" / "e2e" / "test_flat_org.py")
flat = importlib.util.module_from_spec(_FLAT)  # the one copy of the flat company's generator
_FLAT.loader.exec_module(flat)

TEAMS = DEPARTMENTS_PAGE + 30
PERIOD = "periods/2026-Q4/"
ROWS = "article table tbody tr"
#: Whether the page is wider than the window (a table too wide must scroll in its own box, not the page).
OVERFLOWS = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


@pytest.fixture(scope="module")
def company(build_and_serve, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bounded-lists")
    return build_and_serve(flat.flat_company(TEAMS, folder / "goals"), folder)


def _department_rows(page) -> int:
    return page.locator(ROWS).filter(has=page.locator("a[href*='team-']")).count()


def test_the_period_page_pages_its_departments_down_to_a_goal(company, page, screenshot):
    page.goto(company.href(PERIOD))
    assert _department_rows(page) == DEPARTMENTS_PAGE
    pager = page.get_by_text("Page 1 of 2").first
    pager.scroll_into_view_if_needed()
    screenshot(page, "period-page-1")
    pager.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**/periods/2026-Q4/_departments/2/")
    # Material's instant navigation sets the URL before it puts the new page in: wait for the page.
    expect(page.get_by_role("heading", name="Departments · 2026-Q4 · page 2")).to_be_visible()
    assert _department_rows(page) == TEAMS - DEPARTMENTS_PAGE
    screenshot(page, "period-page-2")
    last = f"team-{TEAMS:05d}"
    page.locator(f"article a[href*='{last}/']").first.click()
    page.wait_for_url(f"**/periods/2026-Q4/{last}/")
    page.get_by_role("link", name=f"Ship what team {TEAMS} promised").first.click()
    page.wait_for_url(f"**/units/{last}/2026-Q4/**")  # the goal itself: three clicks from the period page
    expect(page.get_by_role("heading", name=f"Ship what team {TEAMS} promised")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_page_of_departments_fits_a_phone(company, browser, scheme, screenshot):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, service_workers="block")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path in (PERIOD, PERIOD + "_departments/2/", "retrospectives/2026-Q4/_departments/2/"):
            page.goto(company.href(path))
            assert not page.evaluate(OVERFLOWS), f"{path} is wider than a phone"
            pager = page.get_by_text("Page 2 of 2").first if "_departments" in path else page.get_by_text(
                "Page 1 of 2").first
            assert pager.is_visible()
            screenshot(page, f"{scheme}-{path}")
        assert not errors, errors
    finally:
        context.close()

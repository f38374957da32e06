"""A period's page offers its goals by status: "Find goals of 2026-Q4: At risk · ... · All…" (issue 29).

The example company as of 2026-11-22 (conftest.py): the objective "why-customers-leave" of Analytics is
on track and its key result "churn-score" is at risk (see test_search_filters.py). The row's "At risk"
button opens the search box with the period and the status chosen, which lists that objective with its
key result. The row is hidden without JavaScript (the department pages are the way there), and axe finds
nothing serious on the page that shows it.
"""

from __future__ import annotations

import json

import pytest
from test_accessibility import describe, run_axe
from test_search_filters import result_opening

try:
    from playwright.sync_api import expect
except ImportError:  # conftest's gate fails every test with what to install
    expect = None

pytestmark = pytest.mark.browser

PERIOD = "periods/2026-Q4/"
OBJECTIVE = "units/analytics/2026-Q4/#obj-why-customers-leave"
AT_RISK = "kr-why-customers-leave__churn-score"
SETTLED = "() => document.querySelector('.goalsite-search').getAttribute('data-settled') === ''"


def _row(page):
    return page.locator(".goalsite-find")


def test_at_risk_opens_the_search_with_the_period_and_status_chosen(site, page, screenshot):
    page.goto(site.href(PERIOD), wait_until="load")
    row = _row(page)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Find goals of 2026-Q4, key results included:")
    at_risk = row.get_by_role("button", name="At risk")
    assert json.loads(at_risk.get_attribute("data-goalsite-search")) == {"period": "2026-Q4", "status": "at risk"}
    at_risk.click()
    expect(page.locator(".goalsite-search")).to_be_visible()
    page.wait_for_function(SETTLED)
    expect(page.locator('select[data-filter="status"]')).to_have_value("at risk")
    expect(page.locator('select[data-filter="period"]')).to_have_value("2026-Q4")
    result = result_opening(page, "/" + OBJECTIVE)
    expect(result.locator(f'.goalsite-search__sub[href$="#{AT_RISK}"]')).to_have_count(1)
    screenshot(page, "period-find-at-risk")
    page.keyboard.press("Escape")
    expect(page.locator(".goalsite-search")).not_to_be_visible()
    expect(at_risk).to_be_focused()  # the reader is back where they were


def test_all_then_a_status_replaces_the_earlier_choice(site, page):
    page.goto(site.href(PERIOD), wait_until="load")
    _row(page).get_by_role("button", name="At risk").click()
    page.wait_for_function(SETTLED)
    page.keyboard.press("Escape")
    _row(page).get_by_role("button", name="All").click()
    page.wait_for_function(SETTLED)
    expect(page.locator('select[data-filter="status"]')).to_have_value("")
    expect(page.locator('select[data-filter="period"]')).to_have_value("2026-Q4")


def test_a_department_page_of_the_period_finds_the_departments_goals(site, page, screenshot):
    department = next(p for p in site.pages if p.startswith(PERIOD) and p.count("/") == 3 and "_" not in p)
    page.goto(site.href(department), wait_until="load")
    name = page.locator("h1").inner_text().split(" · ")[0]
    expect(_row(page)).to_contain_text(f"Find goals of {name} in 2026-Q4, key results included:")
    units = set(page.eval_on_selector_all("h3 a[href*='/2026-Q4/']", "links => links.map(a => a.pathname)"))
    assert units
    button = _row(page).locator("button").first
    preset = json.loads(button.get_attribute("data-goalsite-search"))
    assert preset == {"period": "2026-Q4", "department": name, "status": preset["status"]}
    count = int(button.inner_text().rsplit("(", 1)[1].rstrip(")"))
    button.click()
    page.wait_for_function(SETTLED)
    expect(page.locator('select[data-filter="status"]')).to_have_value(preset["status"])
    expect(page.locator(".goalsite-search__chip--on")).to_have_text(f"Department{name} \u00d7")
    expect(page.locator(".goalsite-search__status")).to_have_text(f"{count} result" + ("s" if count > 1 else ""))
    hrefs = page.eval_on_selector_all("a.goalsite-search__link", "links => links.map(a => a.pathname)")
    assert len(hrefs) == min(count, 10) and set(hrefs) <= units, (hrefs, units)  # the department's units only
    screenshot(page, "department-find")


def test_without_javascript_the_row_is_not_shown(site, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.href(PERIOD))
        assert page.locator(".goalsite-find").count() == 1
        assert not page.locator(".goalsite-find").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_page_with_the_row(site, browser, charts, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844},
                                  service_workers="block")
    try:
        page = context.new_page()
        page.goto(site.href(PERIOD))
        expect(_row(page)).to_be_visible()
        charts(page)
        violations = run_axe(page)
        assert not violations, f"axe on {PERIOD} ({scheme}):\n{describe(violations)}"
    finally:
        context.close()

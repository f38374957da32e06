"""The details a reader needs, on a phone: status columns on screen, a badge's reason, charts with legends."""

from __future__ import annotations

import pytest

PHONE = {"width": 390, "height": 844}

#: The header cells of the page's first table that starts with column `first`, with where they end on the screen.
HEADERS = """(first) => {
  const table = [...document.querySelectorAll('.md-content table')].find(
    (t) => t.querySelector('thead th') && t.querySelector('thead th').textContent.trim() === first);
  return table ? [...table.querySelectorAll('thead th')].map(th => [th.textContent.trim(), th.getBoundingClientRect().right]) : [];
}"""


@pytest.mark.parametrize("path, columns", [
    ("", ["Status", "Score", "Objective"]),
    ("kpis/", ["Health", "KPI", "Latest value"]),
    ("periods/", ["Period", "Kind", "Dates", "State", "Mean score"]),
    ("periods/2026-Q4/", ["Status", "Score", "Objective"]),
    ("retrospectives/2026-Q3/", ["Result", "Score", "Objective"]),
])
def test_the_columns_that_matter_fit_a_phone_without_scrolling_sideways(site, page, path, columns, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(site.href(path))
    headers = page.evaluate(HEADERS, columns[0])
    screenshot(page, path or "home")
    assert [name for name, _ in headers[: len(columns)]] == columns
    for name, right in headers[: len(columns)]:
        assert right <= PHONE["width"], f"{name} ends at x = {right:.0f} on a {PHONE['width']} px screen"


def test_the_periods_table_fits_the_content_column_on_a_desktop(site, page):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(site.href("periods/"))
    wrap = page.evaluate("""() => { const w = document.querySelector('.md-typeset__scrollwrap');
                                     return [w.scrollWidth, w.clientWidth]; }""")
    assert wrap[0] <= wrap[1], f"the Periods table is {wrap[0]} px wide in a {wrap[1]} px column"


def test_a_badge_shows_its_reason_on_a_phone(site, page):
    page.set_viewport_size(PHONE)
    page.goto(site.href("units/storefront/2026-Q4/"))
    reason = page.locator(".portal-status + .portal-reason").first
    assert reason.is_visible()
    text = reason.inner_text()
    assert text.startswith("(expected ") and " by today, at " in text and "confidence " in text


def test_key_result_and_kpi_charts_draw_their_legends(site, page, charts):
    for path, names in (("units/storefront/2026-Q4/", {"expected pace", "target", "value"}),
                        ("kpis/conversion-rate/", {"value"})):
        page.goto(site.href(path))
        charts(page)
        legend = set(page.eval_on_selector_all(".portal-chart .legend .legendtext",
                                               "els => els.map(e => e.textContent)"))
        assert names <= legend, (path, legend)
        if path.startswith("kpis/"):
            assert any(name.startswith("healthy range") for name in legend), legend

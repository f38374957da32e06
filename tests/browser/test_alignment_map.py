"""The period page's alignment map in a real browser (assets/alignment.js over render/tree.py's list).

The example company's 2026-Q4: "Win back our customers' trust" (Customer Experience) is aligned to the
company's "Create an unforgettable customer experience"; its own four aligned goals are not on the
period page but in api/alignment/2026-Q4/cx/regain-trust.json. One of them, "Explain why customers
leave", is aligned to both: under "Win back ..." it is a secondary placement.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

TIMEOUT_MS = 10_000

PERIOD = "periods/2026-Q4/"
BRANCH = "api/alignment/2026-Q4/cx/regain-trust.json"
NODE = 'li.portal-map__node[data-ref="2026-Q4:cx/regain-trust"]'
ROOT_NODE = 'li.portal-map__node[data-ref="2026-Q4:larchwood/unforgettable-cx"]'
SECONDARY = f'{NODE} > ul > li[data-ref="2026-Q4:analytics/why-customers-leave"]'


def _open_period(page, site):
    page.goto(site.href(PERIOD), wait_until="load")
    expect(page.locator(".portal-map[data-map-ready]")).to_have_count(1)


def _toggle(page, node: str):
    return page.locator(f"{node} > .portal-card > button.portal-map__toggle")


def _expand_branch(page):
    toggle = _toggle(page, NODE)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    with page.expect_response(lambda r: r.url.endswith(BRANCH)) as response:
        toggle.click()
    assert response.value.ok
    expect(toggle).to_have_attribute("aria-expanded", "true")
    return toggle


def test_the_map_expands_a_branch_from_its_json_and_collapses_it(site, page, screenshot):
    _open_period(page, site)
    assert page.locator(f"{NODE} > ul").count() == 0, "the third level is not on the page"
    toggle = _expand_branch(page)
    children = page.locator(f"{NODE} > ul > li.portal-map__node")
    expect(children).to_have_count(4)
    expect(children.first.locator(".portal-card__title")).to_be_visible()
    expect(page.locator(f"{NODE} > ul")).to_contain_text("Make returns and exchanges effortless")
    expect(toggle).to_have_accessible_name("Hide 4 aligned goals of Win back our customers' trust after a rough summer")
    screenshot(page, "expanded")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(children.first).to_be_hidden()
    toggle.click()  # open again: drawn from what was loaded, not fetched twice
    expect(children.first).to_be_visible()
    expect(children).to_have_count(4)


def test_the_keyboard_opens_and_closes_a_card(site, page):
    _open_period(page, site)
    toggle = _toggle(page, NODE)
    toggle.focus()
    with page.expect_response(lambda r: r.url.endswith(BRANCH)):
        page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_the_path_up_to_the_company_objective_is_highlighted(site, page, screenshot):
    _open_period(page, site)
    _expand_branch(page)
    page.locator(f"{SECONDARY} > .portal-card > .portal-card__meta").click()
    expect(page.locator(SECONDARY)).to_have_class(re.compile(r"\bportal-map__node--current\b"))
    for on_path in (SECONDARY, NODE, ROOT_NODE):
        expect(page.locator(on_path)).to_have_class(re.compile(r"\bportal-map__node--path\b"))
    path = page.locator(".portal-map__node--path")
    expect(path).to_have_count(3)
    other_root = page.locator(".portal-map__tree > li.portal-map__node").nth(1)
    assert "portal-map__node--path" not in (other_root.get_attribute("class") or "")
    color = page.locator(f"{ROOT_NODE} > .portal-card").evaluate("e => getComputedStyle(e).borderTopColor")
    plain = other_root.locator(":scope > .portal-card").evaluate("e => getComputedStyle(e).borderTopColor")
    assert color != plain, "the path's cards are drawn apart from the others"
    screenshot(page, "path")


def test_a_secondary_parent_is_drawn_dashed_and_named(site, page):
    _open_period(page, site)
    _expand_branch(page)
    secondary = page.locator(SECONDARY)
    expect(secondary).to_have_attribute("data-secondary", "true")
    style = secondary.locator(":scope > .portal-card").evaluate("e => getComputedStyle(e).borderTopStyle")
    assert style == "dashed"
    link = secondary.evaluate("e => getComputedStyle(e, '::before').borderTopStyle")
    assert link == "dashed", "the link to its secondary parent is dashed"
    expect(secondary.locator(".portal-card__also")).to_contain_text("also supports")
    # Under its primary parent, on the page itself, it is drawn plain and names the other.
    primary = page.locator(f'{ROOT_NODE} > ul > li[data-ref="2026-Q4:analytics/why-customers-leave"]')
    assert primary.get_attribute("data-secondary") is None
    expect(primary.locator(".portal-card__also")).to_contain_text("also supports Win back our customers")


def test_without_javascript_the_map_is_a_list_of_links_to_where_branches_continue(site, browser, page_log):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page_log.attach(page)
    try:
        page.goto(site.href(PERIOD), wait_until="load")
        expect(page.locator(".portal-map button")).to_have_count(0)
        expect(page.locator(f"{ROOT_NODE} > .portal-card > a.portal-card__title")).to_have_text(
            "Create an unforgettable customer experience")
        more = page.locator(f"{NODE} > .portal-card > a.portal-card__more")
        expect(more).to_have_text("4 aligned goals")
        more.click()
        page.wait_for_url("**/units/cx/2026-Q4/#obj-regain-trust")
        expect(page.locator("article")).to_contain_text("Make returns and exchanges effortless")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_map_fits_a_phone_without_sideways_scroll(site, browser, page_log, screenshot, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme,
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page_log.attach(page)
    try:
        _open_period(page, site)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate" if scheme == "dark" else "default")
        _expand_branch(page)
        page.locator(SECONDARY).scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        right = page.locator(f"{SECONDARY} > .portal-card").evaluate("e => e.getBoundingClientRect().right")
        assert right <= 390, "the deepest card stays on screen"
        screenshot(page, f"phone-{scheme}")
    finally:
        context.close()


EXTRA = """
  - id: extra-{i}
    title: Extra goal number {i} for the company's experience
    owner: pavel
    aligns_to: larchwood/unforgettable-cx
    key_results:
      - id: k
        title: Do extra thing {i}
        metric: {{unit: things, from: 0, to: 10}}
"""


@pytest.fixture(scope="module")
def long_site(build_and_serve, tmp_path_factory):
    """The example company with 11 goals under "Create an unforgettable customer experience": three more
    than the period page shows."""
    folder = tmp_path_factory.mktemp("long-branch")
    goals = folder / "goals"
    shutil.copytree(Path(__file__).resolve().parents[2] / "goals", goals)
    unit = goals / "2026-Q4" / "fulfillment.yaml"
    unit.write_text(unit.read_text(encoding="utf-8") + "".join(EXTRA.format(i=i) for i in range(3)), encoding="utf-8")
    return build_and_serve(goals, folder)


def test_the_more_item_loads_the_rest_of_a_long_branch(long_site, page):
    page.goto(long_site.href(PERIOD), wait_until="load")
    children = page.locator(f"{ROOT_NODE} > ul > li.portal-map__node")
    expect(children).to_have_count(8)
    more = page.locator(f"{ROOT_NODE} > ul > li.portal-map__more > button")
    expect(more).to_have_text("Show 3 more aligned goals")
    with page.expect_response(lambda r: r.url.endswith("api/alignment/2026-Q4/larchwood/unforgettable-cx.json")):
        more.click()
    expect(children).to_have_count(11)
    expect(page.locator(f"{ROOT_NODE} > ul > li.portal-map__more")).to_have_count(0)
    expect(page.locator(f"{ROOT_NODE} > ul")).to_contain_text("Extra goal number 2 for the company's experience")
    refs = children.evaluate_all("els => els.map(e => e.getAttribute('data-ref'))")
    assert len(set(refs)) == 11, "the cards on the page are not added twice"

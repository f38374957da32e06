"""The reader's answers in a real browser: the home page opens on what is at risk (desktop and phone),
a person's page lists what they own, a tag chip leads to the tag's goals.

The site is the example company of goals/ built as of 2026-11-22 (see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1400, 900), "phone": (390, 844)}


def _at(path: str) -> re.Pattern:
    """A URL of `path` whatever section anchor Material's navigation.tracking adds as the page scrolls."""
    return re.compile(rf"^https?://[^/]+/{re.escape(path)}(#.*)?$")


def _title(page, expected: str) -> str:
    """The page's heading, once instant navigation has put the new page in (the URL changes first)."""
    expect(page.locator("h1")).to_contain_text(expected)
    return page.locator("h1").inner_text().rstrip("¶").strip()


@pytest.mark.parametrize("size", SIZES)
def test_home_page_shows_the_key_results_at_risk_above_the_fold(site, page, screenshot, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site.href())
    heading = page.get_by_role("heading", name="Key results at risk")
    box = heading.bounding_box()
    assert box is not None and box["y"] + box["height"] < height, f"the heading is at {box} on a {width}x{height} screen"
    first = page.locator("h3:has-text('Key results at risk') + ul > li").first
    item = first.bounding_box()
    assert item is not None and item["y"] + item["height"] <= height, f"the first key result at risk is at {item}"
    assert first.locator(".portal-status").inner_text() in ("off track", "at risk")
    assert first.locator("a").first.get_attribute("href"), "it links to the key result"
    # the mission is still on the page, below the answers
    mission = page.get_by_role("heading", name="Mission")
    assert mission.bounding_box()["y"] > item["y"]
    screenshot(page, f"home-{size}")


def test_a_person_page_lists_what_they_own(site, page, screenshot):
    page.goto(site.href("people/"))
    page.locator(".md-content a", has_text="Aisha Bello").first.click()
    page.wait_for_url(_at("people/aisha/"))
    assert _title(page, "Aisha Bello") == "Aisha Bello"
    content = page.locator(".md-content").inner_text()
    assert content.index("Owns") < content.index("Reactivate 8,000 lapsed customers")
    row = page.locator(".md-content table tbody tr", has_text="Reactivate 8,000 lapsed customers").first
    assert row.locator(".portal-status").inner_text() in ("off track", "at risk", "on track")
    assert "%" in row.inner_text(), "with its score"
    link = page.locator(".md-content a", has_text="Reactivate 8,000 lapsed customers").first
    link.click()
    page.wait_for_url("**/units/growth-marketing/2026-Q4/#kr-win-back__reactivated")
    screenshot(page, "person-goal")


def test_the_old_address_of_a_person_still_leads_to_them(site, page):
    page.goto(site.href("people/growth-marketing/#person-aisha"))
    section = page.locator("#person-aisha")
    assert section.count() == 1
    page.locator("h2:has(#person-aisha) a", has_text="Aisha Bello").click()
    page.wait_for_url(_at("people/aisha/"))


def test_a_tag_chip_leads_to_the_tag_page(site, page, screenshot):
    page.goto(site.href("units/customer-care/2026-Q4/"))
    chip = page.locator("a.portal-badge--tag", has_text="returns").first
    chip.click()
    page.wait_for_url(_at("tags/returns/"))
    assert _title(page, "Tag: returns") == "Tag: returns"
    content = page.locator(".md-content").inner_text()
    assert "Make returns and exchanges effortless" in content and "Get customers their money back faster" in content
    assert content.index("2026-Q4") < content.index("2026-Q3"), "the current period first"
    screenshot(page, "tag")

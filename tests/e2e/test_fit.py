"""'Which role fits me?' in Chromium: the form works with and without JavaScript, the result
swaps in as answers change, the shared link opens the same result, and axe finds nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def answer(page) -> None:
    """Enjoys making services fast and designing data flows; rates statistics 3 of 4."""
    page.locator("input[name=slow-service-fast][value='4']").check()
    page.locator("input[name=how-data-flows][value='3']").check()
    page.locator("input[name=rate-statistics][value='3']").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_answers_give_a_result_that_can_be_shared(open_tab, javascript):
    tab = open_tab(javascript=javascript)
    page = tab.page
    tab.go("/fit/")
    if javascript:
        page.evaluate("window.__marker = 'still here'")
    answer(page)
    if javascript:  # each change swaps the result in, without a reload
        expect(page.locator("#fit-result")).to_contain_text("Pulled toward it")
        assert page.evaluate("window.__marker") == "still here"
        expect(page).to_have_url(re.compile(r"/fit/\?.*slow-service-fast=4"))
    else:
        page.get_by_role("button", name="See my result").click()
    result = page.locator("#fit-result")
    expect(result).to_contain_text("lean most toward the machine learning engineer role")
    expect(result.locator("svg.chart[role=img]")).to_have_count(1)
    expect(result.locator("table.gap-table tbody tr")).to_have_count(10)
    expect(result.locator(".fit-plan > li")).to_have_count(3)
    expect(result.locator(".weekend-test")).to_have_count(3)
    fits = result.locator(".fit-list").inner_text()

    page.select_option("#fit-role", "data-engineer")
    if not javascript:
        page.get_by_role("button", name="See my result").click()
    expect(result.locator("#gap-title")).to_have_text("Skill gap for a data engineer")

    share = result.locator(".permalink a")
    href = share.get_attribute("href")
    tab.go(href)
    expect(page.locator("h1")).to_contain_text("A shared result")
    assert page.locator(".fit-list").inner_text() == fits
    expect(page.locator("#gap-title")).to_have_text("Skill gap for a data engineer")
    tab.expect_error_status(400)
    tab.go(href[:-6] + "tamper/", status=400)
    expect(page.locator("[role=alert]")).to_contain_text("changed or cut short")
    tab.check()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_assessment(open_tab, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    tab = open_tab(color_scheme=scheme)
    page = tab.page
    reports = []
    tab.go("/fit/")
    for name in ("form", "result"):
        if name == "result":
            answer(page)
            expect(page.locator("#fit-result .fit-list")).to_be_visible()
        results = axe.run(page)
        if results.violations_count:
            reports.append(f"--- {name}:\n{results.generate_report()}")
    href = page.locator(".permalink a").get_attribute("href")
    tab.go(href)
    results = axe.run(page)
    if results.violations_count:
        reports.append(f"--- shared result:\n{results.generate_report()}")
    tab.go("/")
    results = axe.run(page)
    if results.violations_count:
        reports.append(f"--- home:\n{results.generate_report()}")
    assert reports == [], "\n".join(reports)


def test_assessment_and_home_fit_a_phone(open_tab):
    tab = open_tab(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = tab.page
    too_wide = []
    for path in ("/", "/fit/", "/fit/?slow-service-fast=4&rate-statistics=3&rate-sql=1"):
        tab.go(path)
        width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > viewport:
            too_wide.append(f"{path}: {width}px wide in a {viewport}px window")
    assert too_wide == []
    tab.go("/")
    # the first screen on a phone starts with the roles
    expect(page.locator(".role-card").first).to_be_in_viewport()

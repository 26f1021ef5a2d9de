"""Every page type in Chromium: accessible by axe-core in both colour schemes, no horizontal
scrolling on a phone, no console error and no CSP violation anywhere, and keyboard use."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt

from .support import (
    CONTENT_KINDS,
    content_pages,
    fill_answer,
    mark_rubric,
    one_of_each_kind,
    submit_answer,
)

pytestmark = pytest.mark.browser

PAGES = [
    ("home", "/"),
    ("roles", "/roles/"),
    ("role", "/roles/machine-learning-engineer/"),
    ("compare index", "/compare/"),
    ("comparison", "/compare/data-scientist-vs-machine-learning-engineer/"),
    ("skills", "/skills/"),
    ("skill", "/skills/statistics-probability/"),
    ("education", "/education/"),
    ("education path", "/education/masters/"),
    ("pay", "/pay/"),
    ("about", "/about/"),
    ("search", "/search/?q=cross-validation"),
    ("quiz index", "/quiz/"),
    ("history, empty", "/quiz/history/"),
]


def assert_error_tied(page, field_selector: str, message: str) -> None:
    """A form error is announced, and tied to its field by aria-describedby and aria-invalid."""
    field = page.locator(field_selector)
    expect(field).to_have_attribute("aria-invalid", "true")
    ids = (field.get_attribute("aria-describedby") or "").split()
    assert ids, f"{field_selector} has no aria-describedby"
    described = " ".join(page.locator(f"#{i}").inner_text() for i in ids)
    assert message in described, (described, message)
    expect(page.locator(f"#{ids[-1]}")).to_have_attribute("role", "alert")


def tour(tab, client, staff, visit: Callable[[str], None]) -> list[str]:
    """Open every page type, including each step of a quiz with one question of each kind and
    a form error, and the editors' preview as staff; call ``visit(name)`` on each."""
    page, seen = tab.page, []

    def at(name: str) -> None:
        tab.check()
        visit(name)
        seen.append(name)

    for name, path in PAGES:
        tab.go(path)
        at(name)
    tab.expect_error_status(404)
    tab.go("/no-such-page/", status=404)
    at("404")

    tab.go("/quiz/")
    page.get_by_role("button", name="Start the five").click()
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    attempt = one_of_each_kind(Attempt.objects.get().owner)
    tab.expect_error_status(400)  # the form errors below answer 400
    for item in attempt.items.order_by("position"):
        tab.go(f"/quiz/a/{attempt.pk}/q/{item.position}/")
        at(f"question: {item.kind}")
        if item.kind == "numeric":
            page.fill("input[name=value]", "lots")
            page.get_by_role("button", name="Check answer").click()
            expect(page.locator(".answer-form .form-error")).to_be_visible()
            assert_error_tied(page, "input[name=value]", "Enter a number, such as 0.75.")
            at("form error: not a number")
        fill_answer(page)
        submit_answer(page)
        if item.kind == "open":
            at("rubric step")
            mark_rubric(page, [0])
        at(f"feedback: {item.kind}")
    tab.go(f"/quiz/a/{attempt.pk}/results/")
    at("results")
    tab.go("/quiz/history/")
    at("history")

    tab.login(client, staff)
    tab.go("/editors/preview/?path=roles/data-scientist.md")
    expect(page.locator("#result")).to_contain_text("No problems found.")
    at("editors' preview")
    return seen


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", password="pw", is_staff=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page(open_tab, client, staff, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    tab = open_tab(color_scheme=scheme)
    reports: list[str] = []

    def visit(name: str) -> None:
        results = axe.run(tab.page)
        if results.violations_count:
            reports.append(f"--- {name} ({tab.page.url}):\n{results.generate_report()}")

    seen = tour(tab, client, staff, visit)
    assert len(seen) >= 25, seen
    assert reports == [], "\n".join(reports)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_content_page(open_tab, scheme):
    """Every page the content makes, not one of each kind: a code block or table that only one
    file has (and that scrolls) is checked too."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    tab = open_tab(color_scheme=scheme)
    pages = content_pages()
    assert {label.split()[0] for label, _ in pages} == set(CONTENT_KINDS)
    reports: list[str] = []
    for label, path in pages:
        tab.go(path)
        results = axe.run(tab.page)
        if results.violations_count:
            reports.append(f"--- {label} ({path}):\n{results.generate_report()}")
    assert reports == [], "\n".join(reports)


def test_no_horizontal_scrolling_on_a_phone(open_tab, client, staff):
    tab = open_tab(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    too_wide: list[str] = []

    def visit(name: str) -> None:
        width, viewport = tab.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if width > viewport:
            too_wide.append(f"{name}: {width}px wide in a {viewport}px window")

    tour(tab, client, staff, visit)
    assert too_wide == []


def test_focus_is_visible(open_tab):
    tab = open_tab()
    page = tab.page
    tab.go("/roles/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    for _ in range(3):  # the brand, then links in the main navigation
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; })()"
        )
        assert outline[0] == "A" and outline[1] == "solid", outline
        assert float(outline[2].removesuffix("px")) >= 2, outline
    tab.go("/quiz/")
    button = page.get_by_role("button", name="Start the five")
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus that came from the keyboard
    style = button.evaluate(
        "b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth"
    )
    assert style.startswith("solid") and not style.endswith(" 0px"), style


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_form_errors_are_tied_to_their_fields(open_tab, javascript):
    tab = open_tab(javascript=javascript)
    page = tab.page
    tab.go("/quiz/")
    page.get_by_role("button", name="Start the five").click()
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    attempt = one_of_each_kind(Attempt.objects.get().owner, kinds=("numeric", "open"))
    tab.go(f"/quiz/a/{attempt.pk}/q/1/")
    tab.expect_error_status(400)
    page.fill("input[name=value]", "0.5.5")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".answer-form .form-error")).to_have_text("Enter a number, such as 0.75.")
    assert_error_tied(page, "input[name=value]", "Enter a number, such as 0.75.")
    tab.check()


KEYS = {"Tab", "Shift+Tab", "Space", "Enter"}


def test_quiz_with_the_keyboard_alone(open_tab):
    """Start a quiz and answer a question of each kind with Tab, Space and Enter (and typing
    answers): no clicks."""
    tab = open_tab()
    page = tab.page

    def press(key: str) -> None:
        assert key in KEYS
        page.keyboard.press(key)

    def pause() -> None:
        """Let the swapped-in content render before the next key, as a person would."""
        page.evaluate(
            "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        page.wait_for_timeout(100)

    def focused(js: str) -> bool:
        return page.evaluate(f"(el => !!el && ({js}))(document.activeElement)")

    def tab_to(js: str, limit: int = 80) -> None:
        """Press Tab until the focused element matches ``js`` (an expression of ``el``);
        every stop on the way must show where focus is."""
        for _ in range(limit):
            press("Tab")
            shown = page.evaluate(
                "(() => { const el = document.activeElement;"
                " const box = el.closest('.choice') || el;"
                " const s = getComputedStyle(box);"
                " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()"
            )
            assert shown, page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            if focused(js):
                return
        raise AssertionError(f"Tab never reached {js}")

    tab.go("/quiz/")
    tab_to("el.textContent.trim() === 'Start the five'")
    press("Enter")
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    attempt = one_of_each_kind(Attempt.objects.get().owner)
    tab.go(f"/quiz/a/{attempt.pk}/q/1/")  # an address, as if followed from a link

    for item in attempt.items.order_by("position"):
        expect(page.locator("#progress-label")).to_have_text(f"Question {item.position} of 5")
        if item.kind == "single":
            tab_to("el.type === 'radio'")
            press("Space")
        elif item.kind == "multiple":
            tab_to("el.type === 'checkbox'")
            press("Space")
            press("Tab")
            press("Space")
        else:
            tab_to("el.name === 'value' || el.name === 'text'")
            page.keyboard.type(
                {"numeric": "0.5", "example": "linear regression"}.get(
                    item.kind, "It learns the noise and does worse on new data."
                )
            )
        tab_to("el.textContent.trim() === 'Check answer'")
        press("Enter")
        if item.kind == "open":
            expect(page.locator("#rubric-title")).to_be_focused()
            pause()
            tab_to("el.type === 'checkbox'")
            press("Space")
            tab_to("el.textContent.trim() === 'Score my answer'")
            press("Enter")
        # the result swaps in and takes focus, so it is read out next
        expect(page.locator("#feedback-title")).to_be_focused()
        pause()
        assert Attempt.objects.get(pk=attempt.pk).items.get(position=item.position).response
        last = item.position == 5
        tab_to(f"el.textContent.trim() === '{'See your results' if last else 'Next question'}'")
        press("Enter")
    expect(page).to_have_url(re.compile(rf"/quiz/a/{attempt.pk}/results/$"))
    expect(page.locator(".result-list .unanswered")).to_have_count(0)
    tab.check()

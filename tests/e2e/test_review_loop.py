"""Spaced review in a real browser, with JavaScript on and off: answer, come back when the
cards are due (a moved clock), review them, and see progress move."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from playwright.sync_api import expect

from careerguide.content import get_library
from quiz import review, steps
from quiz.models import Attempt, LearnerPlan, ReviewCard

from .support import fill_answer, mark_rubric, next_screen, one_of_each_kind, submit_answer

pytestmark = pytest.mark.browser


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def tab(request, open_tab):
    return open_tab(javascript=request.param)


def answer_the_five(page, *, right: bool) -> None:
    for position in range(1, 6):
        expect(page).to_have_url(re.compile(rf"/q/{position}/$"))
        kind = fill_answer(page)
        if kind == "example" and not right:
            page.fill("input[name=text]", "k-nearest neighbours")
        submit_answer(page)
        if kind == "open":
            mark_rubric(page, None if right else [])
        next_screen(page)


def known_now(page, skill_title: str):
    """The "known now" cell of a skill's row in the progress table."""
    row = page.locator("table.progress-table tbody tr").filter(has_text=skill_title)
    return row.locator("td").nth(2)


def test_answer_then_review_when_due_and_progress_moves(tab, monkeypatch):
    clock = {"now": review.clock()}
    monkeypatch.setattr(review, "clock", lambda: clock["now"])
    skill = get_library().get("skill", "software-engineering-for-ml").title
    page = tab.page

    tab.go("/quiz/")
    page.get_by_role("button", name="Start the five").click()
    answer_the_five(page, right=False)
    expect(page).to_have_url(re.compile(r"/results/$"))
    owner = Attempt.objects.get().owner
    assert ReviewCard.objects.filter(learner=owner).count() == 5

    tab.go("/quiz/progress/")
    expect(known_now(page, skill)).to_have_text("0%")
    tab.go("/quiz/review/")
    expect(page.locator(".review-count")).to_contain_text("0 questions due")

    clock["now"] += dt.timedelta(days=1)  # missed questions come back the next day
    tab.go("/quiz/")
    expect(page.locator("#mode-review + .review-count")).to_contain_text("5 questions due")
    tab.go("/quiz/review/")
    expect(page.locator(".due-list li")).to_have_count(5)
    page.get_by_role("button", name="Start the review").click()
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    header_link = page.locator(".site-header .review-link")
    if tab.javascript:  # htmx swaps in this browser's own count
        expect(header_link).to_have_text("Review: 5 due")
    else:  # the plain link the cached header carries
        expect(header_link).to_have_text("Review")
    answer_the_five(page, right=True)
    expect(page).to_have_url(re.compile(r"/results/$"))
    expect(page.locator(".big-score strong")).to_have_text("100%")
    assert Attempt.objects.latest("created_at").mode == "review"

    tab.go("/quiz/progress/")
    expect(known_now(page, skill)).to_have_text("100%")
    expect(page.locator("#history-chart-title")).to_have_count(1)
    tab.go("/quiz/review/")
    expect(page.locator(".review-count")).to_contain_text("0 questions due")
    tab.check()


def test_the_plan_form_without_javascript(open_tab, monkeypatch):
    tab = open_tab(javascript=False)
    page = tab.page
    today = review.clock().date()
    tab.go("/quiz/plan/")
    page.get_by_label("Interview date").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_label("Role you are interviewing for").select_option("machine-learning-engineer")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".plan-today")).to_contain_text(
        re.compile(r"Today: \d+ new, 0 due; at this pace you will have seen every question by")
    )
    tab.check()


@pytest.fixture
def learner_tab(open_tab):
    """A tab whose browser has answered one question of each kind (all wrong, so due tomorrow)
    and set a plan: every one of the learner's pages has something to show."""

    def open_(**options):
        owner = secrets.token_urlsafe(24)
        attempt = one_of_each_kind(owner)
        for item in attempt.items.order_by("position"):
            steps.record_answer(steps.load_item(attempt.pk, item.position), {}, 0.0, {})
        LearnerPlan.objects.create(
            learner=owner,
            interview_date=review.clock().date() + dt.timedelta(days=3),
            role="machine-learning-engineer",
        )
        tab = open_tab(**options)
        tab.context.add_cookies([{"name": "quiz_owner", "value": owner, "url": tab.base_url}])
        return tab

    return open_


LEARNER_PAGES = ["/quiz/review/", "/quiz/plan/", "/quiz/progress/", "/quiz/progress/clear/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_learners_pages(learner_tab, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    tab = learner_tab(color_scheme=scheme)
    reports = []
    for path in LEARNER_PAGES:
        tab.go(path)
        results = axe.run(tab.page)
        if results.violations_count:
            reports.append(f"--- {path}:\n{results.generate_report()}")
    assert reports == [], "\n".join(reports)


def test_the_learners_pages_fit_a_phone(learner_tab):
    tab = learner_tab(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    for path in LEARNER_PAGES:
        tab.go(path)
        width, viewport = tab.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width <= viewport, f"{path}: {width}px wide in a {viewport}px window"

"""What people do on the site, in a real browser, with JavaScript on and off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt

from .support import fill_answer, mark_rubric, next_screen, submit_answer

pytestmark = pytest.mark.browser


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def tab(request, open_tab):
    return open_tab(javascript=request.param)


def test_home_to_role_to_skill_to_education(tab):
    page = tab.page
    tab.go("/")
    page.get_by_role("link", name="Read the ML engineer profile").click()
    expect(page).to_have_url(re.compile(r"/roles/machine-learning-engineer/$"))
    expect(page.locator("h1")).to_have_text("Machine learning engineer")
    expect(page.get_by_role("heading", name="Quick facts")).to_be_visible()
    expect(page.locator("svg.chart[role=img]")).to_have_count(1)  # the pay figures

    skill = page.locator(".skill-list a").first
    name = skill.inner_text()
    skill.click()
    expect(page).to_have_url(re.compile(r"/skills/[a-z-]+/$"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.get_by_role("heading", name="Why it matters for each role")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/roles/machine-learning-engineer/$"))
    path = page.locator("section[aria-labelledby=paths] .card a").first
    name = path.inner_text()
    path.click()
    expect(page).to_have_url(re.compile(r"/education/[a-z-]+/$"))
    expect(page.locator("h1")).to_have_text(name)
    suits = page.locator("dl.facts a")
    expect(suits.first).to_be_visible()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Education").click()
    expect(page).to_have_url(re.compile(r"/education/$"))
    tab.check()


def test_comparison_picker_swaps_in_place(open_tab):
    tab = open_tab()
    page = tab.page
    tab.go("/compare/data-scientist-vs-machine-learning-engineer/")
    page.evaluate("window.__marker = 'still here'")
    page.select_option("#pick-a", "data-engineer")
    page.select_option("#pick-b", "machine-learning-engineer")
    with page.expect_response(re.compile(r"/compare/\?a=data-engineer&b=")) as answer:
        page.get_by_role("button", name="Compare").click()
    response = answer.value
    assert response.request.headers.get("hx-request") == "true"
    assert response.headers["hx-push-url"] == "/compare/data-engineer-vs-machine-learning-engineer/"
    expect(page).to_have_url(re.compile(r"/compare/data-engineer-vs-machine-learning-engineer/$"))
    comparison = page.locator("#comparison")
    expect(comparison.locator("h2.swapped-title")).to_have_text(
        re.compile("Data engineer vs machine learning engineer", re.I)
    )
    expect(comparison.locator("svg.chart[role=img]")).to_have_count(1)
    assert page.evaluate("window.__marker") == "still here"  # no reload

    # a pair that cannot be compared: the message swaps in, the page stays
    tab.expect_error_status(400)
    page.select_option("#pick-b", "data-engineer")
    page.get_by_role("button", name="Compare").click()
    expect(comparison.get_by_role("alert")).to_have_text("Choose two different roles to compare.")
    assert page.evaluate("window.__marker") == "still here"
    tab.check()


def test_comparison_picker_without_javascript(open_tab):
    tab = open_tab(javascript=False)
    page = tab.page
    tab.go("/compare/")
    page.select_option("#pick-a", "machine-learning-engineer")
    page.select_option("#pick-b", "data-engineer")
    page.get_by_role("button", name="Compare").click()
    # the plain form redirects to the pair's one canonical address
    expect(page).to_have_url(re.compile(r"/compare/data-engineer-vs-machine-learning-engineer/$"))
    expect(page.locator("h1")).to_have_text(
        re.compile("Data engineer vs machine learning engineer", re.I)
    )
    tab.check()


def test_article_questions_then_retake_the_missed(tab):
    page = tab.page
    tab.go("/quiz/")
    page.get_by_role("button", name="Start the five").click()
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    attempt = Attempt.objects.get()
    # Each kind of outcome: right, wrong, partly right (rubric) and a known-wrong example.
    plan = {
        1: ("open", None),  # precision and recall: every rubric point
        2: ("open", []),  # favourite algorithm: none
        3: ("open", [0, 1]),  # overfitting: two of five
        4: ("example", "k-nearest neighbours"),  # parametric model: a known wrong answer
        5: ("open", None),  # officially verified: every point
    }
    for position, (kind, how) in plan.items():
        expect(page).to_have_url(re.compile(rf"/q/{position}/$"))
        expect(page.locator("#progress-label")).to_have_text(f"Question {position} of 5")
        assert fill_answer(page) == kind
        if kind == "example":
            page.fill("input[name=text]", how)
        submit_answer(page)
        if kind == "open":
            if tab.javascript:
                expect(page.locator("#announce")).to_contain_text("tick the points you covered")
            mark_rubric(page, how)
        feedback = page.locator(".feedback")
        expect(feedback.locator(".score")).to_be_visible()
        if tab.javascript:  # the swapped-in result is announced
            expect(page.locator("#announce")).to_have_attribute("aria-live", "polite")
            expect(page.locator("#announce")).to_have_text(
                re.compile(r"Answer checked\. You scored \d+%\.")
            )
        if kind == "example":
            expect(feedback).to_contain_text("k-nearest neighbours is not.")
        next_screen(page)

    expect(page).to_have_url(re.compile(rf"/quiz/a/{attempt.pk}/results/$"))
    expect(page.locator(".big-score strong")).to_have_text("48%")  # (1 + 0 + .4 + 0 + 1) / 5
    expect(page.locator(".result-list > li")).to_have_count(5)
    expect(page.locator("svg.chart[role=img]")).to_have_count(1)
    page.get_by_role("button", name="Retake the 3 I missed").click()

    expect(page).to_have_url(re.compile(r"/q/1/$"))
    retake = Attempt.objects.exclude(pk=attempt.pk).get()
    assert retake.retake_of_id == attempt.pk
    assert list(retake.items.values_list("question_id", flat=True)) == [
        "favourite-algorithm",
        "overfitting",
        "parametric-model-example",
    ]
    for position in (1, 2, 3):
        expect(page.locator("#progress-label")).to_have_text(f"Question {position} of 3")
        if fill_answer(page) == "open":
            submit_answer(page)
            mark_rubric(page, None)
        else:
            submit_answer(page)
        expect(page.locator(".feedback .score")).to_have_text(re.compile(r"Right: 100%"))
        next_screen(page)
    expect(page).to_have_url(re.compile(rf"/quiz/a/{retake.pk}/results/$"))
    expect(page.locator(".big-score strong")).to_have_text("100%")
    expect(page.get_by_role("button", name=re.compile("Retake"))).to_have_count(0)
    tab.check()


def test_mock_interview(tab):
    page = tab.page
    tab.go("/quiz/")
    page.get_by_role("button", name="Start a mock interview").click()
    expect(page).to_have_url(re.compile(r"/q/1/$"))
    attempt = Attempt.objects.get()
    total = attempt.items.count()
    assert 10 <= total <= 15
    kinds = set()
    for position in range(1, total + 1):
        expect(page.locator("#progress-label")).to_have_text(f"Question {position} of {total}")
        expect(page.locator("progress")).to_have_attribute("value", str(position))
        kind = fill_answer(page)
        kinds.add(kind)
        submit_answer(page)
        # an open answer, or an example the key does not know, is marked by the taker
        if kind == "open" or page.locator(".rubric-form").count():
            mark_rubric(page, [0])
        expect(page.locator(".feedback .score")).to_be_visible()
        next_screen(page)
    expect(page).to_have_url(re.compile(rf"/quiz/a/{attempt.pk}/results/$"))
    expect(page.locator(".result-list > li")).to_have_count(total)
    expect(page.locator(".result-list .unanswered")).to_have_count(0)
    # each question was answered through the form of its own kind (the draw decides the mix)
    assert kinds == set(attempt.items.values_list("version__kind", flat=True))
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    tab.check()


def test_search_as_you_type(open_tab):
    tab = open_tab()
    page = tab.page
    tab.go("/search/")
    page.evaluate("window.__marker = 'still here'")
    field = page.get_by_label("Search roles, skills, education paths and interview questions")
    field.press_sequentially("cross-valid", delay=30)
    results = page.locator("#results")
    expect(results.locator(".meta").first).to_have_text(
        re.compile(r"\d+ results? for “cross-valid”")
    )
    expect(results.locator(".search-results li").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=cross-valid$"))  # pushed, not reloaded
    assert page.evaluate("window.__marker") == "still here"
    field.fill("zzzqqq")
    expect(results).to_contain_text("No results for “zzzqqq”")
    tab.check()


def test_search_without_javascript(open_tab):
    tab = open_tab(javascript=False)
    page = tab.page
    tab.go("/")
    page.locator("#site-search-q").fill("overfitting")
    page.locator("#site-search-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=overfitting$"))
    expect(page.locator(".search-results li").first).to_be_visible()
    page.get_by_label("Search roles, skills").fill("precision")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=precision$"))
    expect(page.locator(".search-results li").first).to_be_visible()
    tab.check()

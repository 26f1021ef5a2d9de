"""Accounts in a real browser, with JavaScript on and off: sign up, sign out, sign in on a
second browser and find the first one's progress there; axe on every account and data page in
light and dark."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from quiz.models import Attempt

from .support import fill_answer, mark_rubric, next_screen, submit_answer

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def tab(request, open_tab):
    return open_tab(javascript=request.param)


def answer_one(page) -> None:
    page.goto("/quiz/")
    page.get_by_role("button", name="Start the five").click()
    kind = fill_answer(page)
    submit_answer(page)
    if kind == "open":
        mark_rubric(page, None)
    next_screen(page)


def test_sign_up_then_sign_in_on_a_second_browser(tab, open_tab):
    page = tab.page
    answer_one(page)  # as an anonymous browser
    attempt = Attempt.objects.get()

    tab.go("/account/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    expect(page.locator("main")).to_contain_text("signed in as ada")
    user = get_user_model().objects.get(username="ada")
    attempt.refresh_from_db()
    assert attempt.owner == f"user:{user.pk}"  # the browser's attempt moved into the account

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")

    other = open_tab(javascript=tab.javascript)
    other.go("/account/signin/")
    other.page.get_by_label("Username").fill("ada")
    other.page.get_by_label("Password").fill("not the password")
    other.expect_error_status(400)
    other.page.get_by_role("button", name="Sign in").click()
    expect(other.page.get_by_role("alert")).to_contain_text("correct username and password")
    other.page.get_by_label("Password").fill(PASSWORD)
    other.page.get_by_role("button", name="Sign in").click()
    expect(other.page).to_have_url(re.compile(r"/account/$"))
    other.go("/quiz/history/")
    expect(other.page.locator("main")).to_contain_text(attempt.label)


ACCOUNT_PAGES = ["/account/", "/account/signup/", "/account/signin/", "/account/reset/"]
SIGNED_IN_PAGES = ["/account/", "/account/password/", "/quiz/data/", "/quiz/data/delete/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_account_pages(open_tab, client, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    reports = []
    anonymous = open_tab(color_scheme=scheme)
    for path in [*ACCOUNT_PAGES, "/quiz/data/", "/quiz/data/delete/", "/privacy/"]:
        anonymous.go(path)
        results = axe.run(anonymous.page)
        if results.violations_count:
            reports.append(f"--- {path}:\n{results.generate_report()}")
    # a form sent back with errors
    anonymous.go("/account/signup/")
    anonymous.page.get_by_label("Username").fill("ada")
    anonymous.page.get_by_label("Password", exact=True).fill("123")
    anonymous.expect_error_status(400)
    anonymous.page.get_by_role("button", name="Create the account").click()
    expect(anonymous.page.get_by_role("alert").first).to_be_visible()
    results = axe.run(anonymous.page)
    if results.violations_count:
        reports.append(f"--- sign-up errors:\n{results.generate_report()}")

    signed_in = open_tab(color_scheme=scheme)
    signed_in.login(client, get_user_model().objects.create_user("ada", password=PASSWORD))
    for path in SIGNED_IN_PAGES:
        signed_in.go(path)
        results = axe.run(signed_in.page)
        if results.violations_count:
            reports.append(f"--- {path} (signed in):\n{results.generate_report()}")
    assert reports == [], "\n".join(reports)


@pytest.mark.django_db
def test_the_account_and_data_pages_are_valid_html(client, tmp_path):
    """The Nu HTML Checker over every account and data page, their error states included."""
    import json
    import subprocess
    from pathlib import Path

    from .support import VNU_JAR, require_vnu

    java = require_vnu()
    pages: list[Path] = []

    def get(name, url, data=None, *, status=200):
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == status, (name, url, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        pages.append(path)

    for path in [*ACCOUNT_PAGES, "/account/reset/sent/", "/quiz/data/", "/quiz/data/delete/"]:
        get(path.strip("/").replace("/", "-"), path)
    get("privacy", "/privacy/")
    get("signup-errors", "/account/signup/", {"username": "ada", "password1": "1"}, status=400)
    get("signin-errors", "/account/signin/", {"username": "x", "password": "y"}, status=400)
    get("import-error", "/quiz/data/import/", {}, status=400)
    get("reset-bad-link", "/account/reset/MQ/bad-token/")
    client.post(
        "/account/signup/", {"username": "ada", "password1": PASSWORD, "password2": PASSWORD}
    )
    get("account-signed-in", "/account/?welcome=1")
    get("password-change", "/account/password/")
    get("data-signed-in", "/quiz/data/")
    get("delete-signed-in", "/quiz/data/delete/")

    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in json.loads(run.stdout)["messages"]
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)

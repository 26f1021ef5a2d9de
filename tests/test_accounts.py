"""Optional accounts: sign up with a username and a password, sign in and out, change and reset
the password; failed sign-ins slowed without telling which usernames exist; the quiz follows
the account from browser to browser and still works without one."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from careerguide.email_url import mailer
from careerguide.limits import SIGNIN_LOCKED
from quiz.models import Attempt
from tests.helpers import answer_all_right, right_answer, start, url

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"
ACCOUNT_PAGES = [
    "/account/",
    "/account/signup/",
    "/account/signin/",
    "/account/reset/",
    "/account/reset/sent/",
    "/account/reset/done/",
]


def sign_up(client, username="ada", password=PASSWORD, email=""):
    return client.post(
        "/account/signup/",
        {"username": username, "email": email, "password1": password, "password2": password},
    )


def sign_in(client, username="ada", password=PASSWORD):
    return client.post("/account/signin/", {"username": username, "password": password})


def signed_in_as(client) -> str | None:
    html = client.get("/account/").content.decode()
    found = re.search(r"signed in as <strong>([^<]+)</strong>", html)
    return found.group(1) if found else None


def test_sign_up_needs_only_a_username_and_a_password_and_signs_in(client):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == "/account/?welcome=1"
    user = User.objects.get(username="ada")
    assert user.email == "" and user.check_password(PASSWORD)
    assert signed_in_as(client) == "ada"


def test_sign_up_applies_the_password_validators(client):
    response = sign_up(client, password="12345678")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This password is too common." in html and "entirely numeric" in html
    # the errors are tied to the field they are about
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password2_helptext id_password2_error"' in html
    assert not User.objects.exists()


def test_sign_in_and_out(client):
    User.objects.create_user("ada", password=PASSWORD)
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert signed_in_as(client) == "ada"
    assert client.get("/account/signout/").status_code == 405  # signing out is a POST
    response = client.post("/account/signout/")
    assert response.status_code == 302 and response["Location"] == "/account/?signed-out=1"
    assert signed_in_as(client) is None


def test_a_wrong_username_reads_exactly_as_a_wrong_password(client):
    User.objects.create_user("ada", password=PASSWORD)
    wrong_password = sign_in(client, "ada", "not it at all")
    no_such_user = sign_in(client, "nobody", "not it at all")
    assert wrong_password.status_code == no_such_user.status_code == 400
    message = "Please enter a correct username and password."
    assert message in wrong_password.content.decode() and message in no_such_user.content.decode()

    def page(response):  # the same page, but for the username typed back into the form
        return re.sub(r'value="(ada|nobody)"', "", response.content.decode())

    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", page(wrong_password)) == token.sub("", page(no_such_user))


@pytest.mark.parametrize("username", ["ada", "nobody"])
def test_failed_sign_ins_lock_the_username_out_with_a_clear_message(client, settings, username):
    User.objects.create_user("ada", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, username, "wrong").status_code == 400
    response = sign_in(client, username, "wrong")
    assert response.status_code == 429
    assert SIGNIN_LOCKED in response.content.decode() and int(response["Retry-After"]) > 0
    # locked out even with the right password: the lockout says nothing about the password
    response = sign_in(client, username, PASSWORD)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    # another username from the same address is not locked
    User.objects.create_user("grace", password=PASSWORD)
    assert sign_in(client, "grace").status_code == 302


def test_sign_in_attempts_are_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signin": "3/h"}
    for i in range(3):
        assert sign_in(client, f"user{i}", "wrong").status_code == 400
    response = sign_in(client, "user9", "wrong")
    assert response.status_code == 429 and "Retry-After" in response


def test_changing_the_password_needs_the_old_one(client):
    User.objects.create_user("ada", password=PASSWORD)
    assert client.get("/account/password/")["Location"].startswith("/account/signin/?next=")
    sign_in(client)
    new = "a new pass phrase"
    form = {"old_password": "wrong", "new_password1": new, "new_password2": new}
    assert client.post("/account/password/", form).status_code == 400
    response = client.post("/account/password/", {**form, "old_password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/password/done/"
    assert User.objects.get(username="ada").check_password(new)
    assert signed_in_as(client) == "ada"  # this browser stays signed in


def test_reset_says_the_same_whether_or_not_the_email_has_an_account(client):
    User.objects.create_user("ada", email="ada@example.org", password=PASSWORD)
    known = client.post("/account/reset/", {"email": "ada@example.org"})
    unknown = client.post("/account/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]
    link = re.search(r"http://testserver(/account/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200 and "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "another pass phrase", "new_password2": "another pass phrase"}
    )
    assert response["Location"] == "/account/reset/done/"
    assert User.objects.get(username="ada").check_password("another pass phrase")
    # the link works once
    assert "does not work any more" in client.get(link.group(1), follow=True).content.decode()


def test_reset_links_use_the_public_address(client, settings):
    settings.SITE_URL = "https://careers.example.org"
    User.objects.create_user("ada", email="ada@example.org", password=PASSWORD)
    client.post("/account/reset/", {"email": "ada@example.org"})
    assert "https://careers.example.org/account/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("path", ["/account/signup/", "/account/signin/", "/account/reset/"])
def test_every_account_form_needs_its_csrf_token(path):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(path, {"username": "ada", "email": "a@example.org"}).status_code == 403
    html = strict.get(path).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_are_private_plain_html(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html
    assert " style=" not in html and "<style" not in html  # strict CSP: no inline style
    assert re.search(r"<script(?![^>]*\ssrc=)", html) is None  # nor inline script
    assert html.count("<h1") == 1


def test_the_account_pages_are_linked_from_every_page(client, content_dir):
    html = client.get("/").content.decode()
    assert 'href="/account/"' in html and 'href="/quiz/data/"' in html


# --- the quiz follows the account --------------------------------------------------------------


def test_the_quiz_works_without_an_account(client, content_dir):
    attempt = start(client)
    assert not attempt.owner.startswith("user:")
    answer_all_right(client, attempt)
    assert client.get(f"/quiz/a/{attempt.pk}/results/").status_code == 200


def test_a_signed_in_learner_sees_their_progress_from_any_browser(content_dir):
    user = User.objects.create_user("ada", password=PASSWORD)
    laptop, phone = Client(), Client()
    sign_in(laptop)
    attempt = start(laptop)
    assert attempt.owner == f"user:{user.pk}"
    assert "quiz_owner" not in laptop.cookies or laptop.cookies["quiz_owner"].value != attempt.owner
    item = attempt.items.get(position=1)
    assert laptop.post(url(attempt, 1, "answer"), right_answer(item)).status_code == 302
    sign_in(phone)
    assert str(attempt.pk) in phone.get("/quiz/history/").content.decode()
    assert "1 question" in phone.get("/quiz/review/").content.decode()
    # the phone may go on with the attempt: it is the same learner
    item = attempt.items.get(position=2)
    assert phone.post(url(attempt, 2, "answer"), right_answer(item)).status_code == 302
    # signed out, the phone is just a browser again
    phone.post("/account/signout/")
    assert phone.get(url(attempt, 3)).status_code == 403


def test_anyone_with_the_link_reads_a_result_only_the_owner_acts_on_it(client, content_dir):
    User.objects.create_user("ada", password=PASSWORD)
    sign_in(client)
    attempt = start(client)
    answer_all_right(client, attempt)
    stranger = Client()
    assert stranger.get(f"/quiz/a/{attempt.pk}/results/").status_code == 200
    assert stranger.post(f"/quiz/a/{attempt.pk}/retake/").status_code == 403
    assert stranger.post(url(attempt, 1, "answer"), {"choice": "x"}).status_code == 403
    assert client.post(f"/quiz/a/{attempt.pk}/retake/").status_code in (302, 400)
    assert Attempt.objects.filter(owner=attempt.owner).exists()


# --- EMAIL_URL ---------------------------------------------------------------------------------


def test_email_url_console_by_default_and_smtp_with_credentials():
    assert mailer("console:")["BACKEND"].endswith("console.EmailBackend")
    smtp = mailer("smtp+tls://mail%40example.org:p%40ss@smtp.example.org?timeout=10")
    assert smtp["BACKEND"].endswith("smtp.EmailBackend")
    assert smtp["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "mail@example.org",
        "password": "p@ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 10,
    }
    assert mailer("smtps://relay")["OPTIONS"]["port"] == 465
    assert mailer("smtp://localhost:2525")["OPTIONS"]["use_tls"] is False
    assert mailer("file:///tmp/mail")["OPTIONS"] == {"file_path": "/tmp/mail"}


@pytest.mark.parametrize(
    "value",
    ["smtp//host", "ftp://host", "smtp://", "smtp://host:port", "smtp://h?tls=1", "file://"],
)
def test_a_mistyped_email_url_stops_the_site_at_start_up(value):
    with pytest.raises(ImproperlyConfigured):
        mailer(value)

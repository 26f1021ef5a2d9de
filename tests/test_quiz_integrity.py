"""Each integrity rule of the quiz: one answer per question, ownership, order, bad input."""

import html
import threading
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import IntegrityError
from django.test import Client

from quiz.models import Attempt, Response
from tests.helpers import HX, answer_all_right, answer_wrong_up_to, start, url

pytestmark = pytest.mark.django_db


def test_double_submit_records_one_answer(client, content_dir):
    attempt = start(client)
    first = client.post(url(attempt, 1, "answer"), {"value": "0.1"})
    assert first.status_code == 302
    for headers in ({}, HX):
        again = client.post(url(attempt, 1, "answer"), {"value": "0.8"}, headers=headers)
        assert again.status_code == 409 if headers else again.status_code == 302
    response = Response.objects.get(item__attempt=attempt)
    assert response.score == 0.0 and response.answer["text"] == "0.1"
    assert Response.objects.count() == 1


def test_database_enforces_one_response_per_item(client, content_dir):
    attempt = start(client)
    item = attempt.items.get(position=1)
    Response.objects.create(item=item, question_id=item.question_id, answer={}, score=1)
    with pytest.raises(IntegrityError):
        Response.objects.create(item=item, question_id=item.question_id, answer={}, score=0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_record_one_answer(content_dir):
    """Two requests racing past the 'already answered?' check: the database lets one in."""
    client = Client()
    attempt = start(client)
    barrier = threading.Barrier(2)
    statuses = []

    def submit(value):
        barrier.wait()
        statuses.append(client.post(url(attempt, 1, "answer"), {"value": value}).status_code)

    threads = [threading.Thread(target=submit, args=(v,)) for v in ("0.8", "0.1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Response.objects.filter(item__attempt=attempt).count() == 1
    assert sorted(statuses) in ([302, 302], [302, 409])


def test_open_rubric_is_marked_once(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    response = client.post(url(attempt, 3, "assess"), {"points": []}, headers=HX)
    assert response.status_code == 409
    assert "your first marking stands" in response.content.decode()
    assert Response.objects.get(item__attempt=attempt, item__position=3).score == 1.0


def test_someone_elses_attempt_is_forbidden(client, content_dir):
    attempt = start(client)
    stranger = Client()
    for method, path in (
        ("get", url(attempt, 1)),
        ("post", url(attempt, 1, "answer")),
        ("post", url(attempt, 1, "assess")),
        ("post", f"/quiz/a/{attempt.pk}/retake/"),
        ("get", f"/quiz/a/{attempt.pk}/"),
    ):
        response = getattr(stranger, method)(path, {"value": "0.8"} if method == "post" else None)
        assert response.status_code == 403, path
        assert "belongs to another browser" in response.content.decode()
    assert not Response.objects.exists()


def test_the_quiz_token_is_its_own_cookie_and_no_session(client, content_dir, settings):
    response = client.post("/quiz/start/", {"mode": "article"})
    cookie = response.cookies["quiz_owner"]
    attempt = Attempt.objects.get()
    assert cookie.value == attempt.owner and len(cookie.value) == 32
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert not cookie["secure"]  # tests run over plain HTTP (HTTPS=0); production sets it
    assert "sessionid" not in response.cookies and not Session.objects.exists()
    # a second attempt keeps the same token (so both are in this browser's history) for a year
    again = client.post("/quiz/start/", {"mode": "mock"})
    assert again.cookies["quiz_owner"].value == attempt.owner
    assert set(Attempt.objects.values_list("owner", flat=True)) == {attempt.owner}
    assert client.get(url(attempt, 1)).status_code == 200
    assert "Cookie" in client.get("/quiz/")["Vary"]


@pytest.mark.parametrize("forged", ["", "short", "x" * 32 + "!", "a b" * 11, "<script>" * 4])
def test_a_malformed_quiz_cookie_is_not_an_owner(client, content_dir, forged):
    attempt = start(client)
    stranger = Client()
    stranger.cookies["quiz_owner"] = forged
    assert stranger.get(url(attempt, 1)).status_code == 403
    response = stranger.post("/quiz/start/", {"mode": "article"})  # a fresh token instead
    assert response.status_code == 302
    assert response.cookies["quiz_owner"].value not in (forged, attempt.owner)


def test_finished_attempt_takes_no_more_answers(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    response = client.post(url(attempt, 1, "answer"), {"value": "0.1"})
    assert response.status_code == 400
    assert "This attempt is finished" in response.content.decode()


def test_out_of_order_answer_is_rejected(client, content_dir):
    attempt = start(client)
    response = client.post(url(attempt, 3, "answer"), {"text": "noise"})
    assert response.status_code == 400
    assert "Answer question 1 first." in response.content.decode()
    assert client.get(url(attempt, 3))["Location"] == url(attempt, 1)
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("position", "data", "message"),
    [
        (4, {"choices": ["linreg", "hacked"]}, "That is not one of this question's choices."),
        (4, {}, "Tick at least one answer."),
        (1, {"value": ""}, "Enter a number."),
        (1, {"value": "1" * 41}, "That is too long to be a number."),
        (1, {"value": "NaN"}, "Enter a number, such as 0.75."),
        (2, {"text": "x" * 301}, "Keep your answer under 300 characters."),
        (3, {"text": "x" * 5001}, "Keep your answer under 5,000 characters."),
        (3, {"text": "   "}, "Write your answer first."),
    ],
)
def test_malformed_answers_get_400_with_a_message(client, content_dir, position, data, message):
    attempt = start(client)
    answer_wrong_up_to(attempt, position)
    for headers in ({}, HX):
        response = client.post(url(attempt, position, "answer"), data, headers=headers)
        assert response.status_code == 400
        assert message in html.unescape(response.content.decode())
    assert Response.objects.filter(item__position=position).count() == 0


def test_assess_before_answer_and_on_other_kinds(client, content_dir):
    attempt = start(client)
    response = client.post(url(attempt, 1, "assess"), {"points": ["0"]})
    assert response.status_code == 400
    assert "Write your answer before marking it" in response.content.decode()


def test_forged_rubric_point_is_rejected(client, content_dir):
    attempt = start(client)
    answer_wrong_up_to(attempt, 3)
    client.post(url(attempt, 3, "answer"), {"text": "noise"})
    response = client.post(url(attempt, 3, "assess"), {"points": ["0", "99"]})
    assert response.status_code == 400
    assert Response.objects.get(item__position=3).score is None


@pytest.mark.parametrize(
    "path",
    [
        "/quiz/a/{uuid}/q/1/",
        "/quiz/a/{uuid}/results/",
        "/quiz/a/not-a-uuid/q/1/",
        "/quiz/a/{attempt}/q/99/",
        "/quiz/a/{attempt}/q/0/",
    ],
)
def test_unknown_attempts_and_positions_are_404(client, content_dir, path):
    attempt = start(client)
    response = client.get(path.format(uuid=uuid.uuid4(), attempt=attempt.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "skill", "value": "juggling"},
        {"mode": "difficulty", "value": "impossible"},
        {"mode": "role", "value": ""},
        {"mode": "everything"},
        {},
        {"mode": "x" * 5000},
    ],
)
def test_bad_start_requests_get_400(client, content_dir, data):
    response = client.post("/quiz/start/", data)
    assert response.status_code == 400
    assert 'class="form-error"' in response.content.decode()
    assert not Attempt.objects.exists()


def test_every_post_needs_a_csrf_token(content_dir):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/quiz/start/", {"mode": "mock"}).status_code == 403
    assert not Attempt.objects.exists()
    page = client.get("/quiz/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_get_on_post_endpoints_is_405(client, content_dir):
    attempt = start(client)
    assert client.get("/quiz/start/").status_code == 405
    assert client.get(url(attempt, 1, "answer")).status_code == 405


def test_replaying_the_last_answer_keeps_the_feedback_on_screen(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    last = attempt.items.order_by("position").last()
    response = client.post(url(attempt, last.position, "answer"), {"choices": ["knn"]}, headers=HX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This attempt is finished, so that answer was not recorded." in html
    assert "Right: 100%" in html  # the recorded feedback stays
    assert Response.objects.get(item=last).score == 1.0

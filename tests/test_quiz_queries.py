"""Each quiz step runs a small, fixed number of SQL queries, whatever the attempt's size."""

import time

import pytest

from quiz import steps
from quiz.models import Item, Response
from tests.test_quiz_flow import HX, right_answer, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm(client, content_dir):
    """The article attempt of the test content (numeric, example, open, multiple) under way;
    the session row exists and is cached."""
    client.get("/quiz/")
    return client, start(client, "article")


def answer_up_to(attempt, position):
    for item in attempt.items.filter(position__lt=position):
        Response.objects.create(item=item, question_id=item.question_id, answer={}, score=0)
    return attempt.items.get(position=position)


def test_question_screen_queries(warm, django_assert_num_queries):
    client, attempt = warm
    with django_assert_num_queries(1):  # items with their attempt and responses
        assert client.get(url(attempt, 1)).status_code == 200


def test_answer_post_queries(warm, django_assert_num_queries):
    client, attempt = warm
    item = attempt.items.get(position=1)
    # load; savepoint, insert, release; the takers' share
    with django_assert_num_queries(5):
        response = client.post(url(attempt, 1, "answer"), right_answer(item), headers=HX)
    assert response.status_code == 200


def test_open_answer_and_rubric_queries(warm, django_assert_num_queries):
    client, attempt = warm
    item = answer_up_to(attempt, 3)
    with django_assert_num_queries(4):  # load; savepoint, insert, release (no score yet)
        client.post(url(attempt, 3, "answer"), right_answer(item), headers=HX)
    with django_assert_num_queries(3):  # load; conditional update; the takers' share
        response = client.post(url(attempt, 3, "assess"), {"points": ["0"]}, headers=HX)
    assert response.status_code == 200


def test_last_answer_finishes_with_one_more_query(warm, django_assert_num_queries):
    client, attempt = warm
    item = answer_up_to(attempt, 4)
    # load; savepoint, insert, release; finish the attempt; the takers' share
    with django_assert_num_queries(6):
        client.post(url(attempt, 4, "answer"), right_answer(item), headers=HX)


def test_feedback_screen_queries(warm, django_assert_num_queries):
    client, attempt = warm
    client.post(url(attempt, 1, "answer"), right_answer(attempt.items.get(position=1)))
    with django_assert_num_queries(2):  # items; the takers' share
        assert client.get(url(attempt, 1)).status_code == 200


def test_results_queries_do_not_grow_with_questions(warm, django_assert_num_queries):
    client, attempt = warm
    with django_assert_num_queries(1):
        assert client.get(f"/quiz/a/{attempt.pk}/results/").status_code == 200


def test_start_queries(warm, django_assert_num_queries):
    client, _ = warm
    # savepoint, attempt insert, bulk insert of items, release
    with django_assert_num_queries(4):
        assert client.post("/quiz/start/", {"mode": "mock"}).status_code == 302


def test_queries_do_not_grow_with_the_takers_answers(warm, django_assert_num_queries):
    client, attempt = warm
    for _ in range(3):  # other takers answer the same questions
        other = start(client, "skill", "stats")
        client.post(url(other, 1, "answer"), {"choice": "knn", "value": "0", "text": "x"})
    with django_assert_num_queries(1):
        assert client.get(url(attempt, 1)).status_code == 200


def test_a_much_answered_questions_share_is_counted_once_a_minute(
    warm, django_assert_num_queries, monkeypatch
):
    client, attempt = warm
    item = attempt.items.get(position=1)
    client.post(url(attempt, 1, "answer"), right_answer(item))
    other = start(client, "article")  # many earlier answers, a quarter of them right
    copies = Item.objects.bulk_create(
        Item(
            attempt=other,
            position=100 + i,
            question_id=item.question_id,
            kind=item.kind,
            difficulty=item.difficulty,
            asked=item.asked,
            key=item.key,
        )
        for i in range(steps.SHARE_KEPT_FROM + 99)
    )
    Response.objects.bulk_create(
        Response(item=copy, question_id=item.question_id, answer={}, score=float(i % 4 == 0))
        for i, copy in enumerate(copies)
    )
    with django_assert_num_queries(2):  # items; the takers' share, counted and kept
        html = client.get(url(attempt, 1)).content.decode()
    assert "25% of takers got this right (300 answers)." in html
    with django_assert_num_queries(1):  # items only: the share is kept
        assert (
            "25% of takers got this right (300 answers)."
            in client.get(url(attempt, 1)).content.decode()
        )
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + steps.SHARE_KEPT_SECONDS + 1)
    with django_assert_num_queries(2):  # a minute on, counted again
        assert client.get(url(attempt, 1)).status_code == 200


def test_a_little_answered_questions_share_is_counted_every_time(warm, django_assert_num_queries):
    client, attempt = warm
    client.post(url(attempt, 1, "answer"), right_answer(attempt.items.get(position=1)))
    for _ in range(2):
        with django_assert_num_queries(2):  # items; the takers' share
            assert client.get(url(attempt, 1)).status_code == 200

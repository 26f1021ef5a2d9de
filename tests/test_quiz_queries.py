"""Each quiz step runs a small, fixed number of SQL queries, whatever the attempt's size."""

import pytest
from django.db.models import F

from quiz import steps
from quiz.models import QuestionStats
from tests.helpers import HX, right_answer, start, url

pytestmark = pytest.mark.django_db(transaction=True)  # real transactions, no test savepoints


@pytest.fixture
def warm(client, content_dir):
    """The article attempt of the test content (numeric, example, open, multiple) under way;
    the session row exists and is cached."""
    client.get("/quiz/")
    return client, start(client, "article")


def answer_up_to(attempt, position):
    """Record wrong answers to the questions before ``position``, as the steps would."""
    for item in attempt.items.filter(position__lt=position):
        steps.record_answer(steps.load_item(attempt.pk, item.position), {}, 0.0, {})
    return attempt.items.get(position=position)


def test_question_screen_queries(warm, django_assert_num_queries):
    client, attempt = warm
    with django_assert_num_queries(1):  # the item with its attempt, version and response
        assert client.get(url(attempt, 1)).status_code == 200


def test_answer_post_queries(warm, django_assert_num_queries):
    client, attempt = warm
    given = right_answer(attempt.items.get(position=1))
    # the item; begin, insert the answer, move the attempt on, count it, the review card (the
    # plan's date, the card, savepoint, insert it, release, log the review), commit; the share
    with django_assert_num_queries(13):
        response = client.post(url(attempt, 1, "answer"), given, headers=HX)
    assert response.status_code == 200


def test_open_answer_and_rubric_queries(warm, django_assert_num_queries):
    client, attempt = warm
    given = right_answer(answer_up_to(attempt, 3))
    with django_assert_num_queries(4):  # the item; begin, insert (no score yet), commit
        client.post(url(attempt, 3, "answer"), given, headers=HX)
    # the item; begin, conditional update, move the attempt on, count it, the review card (6,
    # as above), commit; the share
    with django_assert_num_queries(13):
        response = client.post(url(attempt, 3, "assess"), {"points": ["0"]}, headers=HX)
    assert response.status_code == 200


def test_the_last_answer_finishes_in_the_same_update(warm, django_assert_num_queries):
    client, attempt = warm
    given = right_answer(answer_up_to(attempt, 4))
    with django_assert_num_queries(12):  # as any answer, without htmx's share
        client.post(url(attempt, 4, "answer"), given)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.position == 5


def test_feedback_screen_queries(warm, django_assert_num_queries):
    client, attempt = warm
    client.post(url(attempt, 1, "answer"), right_answer(attempt.items.get(position=1)))
    with django_assert_num_queries(2):  # the item; the takers' share
        assert client.get(url(attempt, 1)).status_code == 200


def test_results_queries_do_not_grow_with_questions(warm, django_assert_num_queries):
    client, attempt = warm
    with django_assert_num_queries(2):  # the attempt; its items with versions and responses
        assert client.get(f"/quiz/a/{attempt.pk}/results/").status_code == 200


def test_start_queries(warm, django_assert_num_queries):
    client, _ = warm
    client.post("/quiz/start/", {"mode": "article"})
    # this browser's attempts of the day (the daily cap), begin, the versions asked (stored
    # already), the attempt, its items, the counters' rows, commit
    with django_assert_num_queries(7):
        assert client.post("/quiz/start/", {"mode": "article"}).status_code == 302


def test_queries_do_not_grow_with_the_takers_answers(warm, django_assert_num_queries):
    client, attempt = warm
    for _ in range(3):  # other takers answer the same questions
        other = start(client, "skill", "stats")
        client.post(url(other, 1, "answer"), {"choice": "knn", "value": "0", "text": "x"})
    with django_assert_num_queries(1):
        assert client.get(url(attempt, 1)).status_code == 200


def test_the_takers_share_costs_one_row_however_many_answers(warm, django_assert_num_queries):
    client, attempt = warm
    client.post(url(attempt, 1, "answer"), right_answer(attempt.items.get(position=1)))
    QuestionStats.objects.filter(question_id="q-num").update(
        answered=F("answered") + 299_999, right=F("right") + 74_999
    )
    with django_assert_num_queries(2):  # the item; the question's counters
        html = client.get(url(attempt, 1)).content.decode()
    assert "25% of takers got this right (300000 answers)." in html

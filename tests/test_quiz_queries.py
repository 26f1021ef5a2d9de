"""Each quiz step runs a small, fixed number of SQL queries, whatever the attempt's size."""

import pytest

from tests.test_quiz_flow import HX, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm(client, content_dir):
    """An attempt under way; the session row exists and is cached."""
    client.get("/quiz/")
    attempt = start(client, "skill", "stats")
    return client, attempt


def test_question_screen_queries(warm, django_assert_num_queries):
    client, attempt = warm
    with django_assert_num_queries(1):  # items with their attempt and responses
        assert client.get(url(attempt, 1)).status_code == 200


def test_answer_post_queries(warm, django_assert_num_queries):
    client, attempt = warm
    item = attempt.items.get(position=1)
    data = {
        "single": {"choice": "knn"},
        "multiple": {"choices": ["knn"]},
        "numeric": {"value": "0"},
        "example": {"text": "knn"},
        "open": {"text": "x"},
    }
    # load; savepoint, insert, release; the takers' share
    expected = 5 if item.kind != "open" else 4
    with django_assert_num_queries(expected):
        response = client.post(url(attempt, 1, "answer"), data[item.kind], headers=HX)
    assert response.status_code == 200


def test_feedback_screen_queries(warm, django_assert_num_queries):
    client, attempt = warm
    item = attempt.items.get(position=1)
    data = {
        "single": {"choice": "knn"},
        "multiple": {"choices": ["knn"]},
        "numeric": {"value": "0"},
        "example": {"text": "knn"},
        "open": {"text": "x"},
    }
    client.post(url(attempt, 1, "answer"), data[item.kind])
    with django_assert_num_queries(1 if item.kind == "open" else 2):  # items; takers' share
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

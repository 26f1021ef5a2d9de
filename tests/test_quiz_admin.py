"""Editors' view of the quiz in the Django admin."""

import pytest
from django.core.management import call_command

from quiz import steps
from quiz.models import Attempt, QuestionStats, Response, UnrecognisedAnswer
from tests.helpers import answer_all_right, answer_wrong_up_to, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(user)
    return client


def test_attempts_and_responses_are_read_only(admin_client, content_dir):
    attempt = start(admin_client)
    answer_all_right(admin_client, attempt)
    response = Response.objects.first()
    page = admin_client.get(f"/admin/quiz/attempt/{attempt.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.get("/admin/quiz/attempt/add/").status_code == 403
    assert admin_client.get("/admin/quiz/response/add/").status_code == 403
    admin_client.post(f"/admin/quiz/response/{response.pk}/change/", {"score": "0"})
    response.refresh_from_db()
    assert response.score == 1.0


def test_question_statistics_show_the_hardest_first(admin_client, content_dir):
    for value in ("0.8", "0.1", "0.2"):
        attempt = start(admin_client)
        item = attempt.items.get(position=1)
        given = str(item.key["answer"]) if value == "0.8" else value
        admin_client.post(url(attempt, 1, "answer"), {"value": given})
        admin_client.post(url(attempt, 2, "answer"), {"text": "OLS"})
    html = admin_client.get("/admin/quiz/questionstats/").content.decode()
    assert "Compute precision" in html and "Name a parametric model" in html
    assert html.index("Compute precision") < html.index("Name a parametric model")
    row = html[html.index("Compute precision") :]
    assert '<td class="field-answered">3</td>' in row
    assert '<td class="field-facility">33%</td>' in row
    assert Attempt.objects.count() == 3


def test_a_questions_page_shows_its_item_analysis(admin_client, content_dir):
    for i in range(12):  # strong takers get every question right, weak ones none
        attempt = start(admin_client)
        strong = i % 2 == 0
        for item in attempt.items.order_by("position"):
            item = steps.load_item(attempt.pk, item.position)
            picked = item.key.get("correct", []) if strong else ["linreg"]
            steps.record_answer(item, {"choices": picked}, 1.0 if strong else 0.0, {})
    stats = QuestionStats.objects.get(question_id="q-multi")
    html = admin_client.get(f"/admin/quiz/questionstats/{stats.pk}/change/").content.decode()
    assert "+1.00 (good)" in html  # the strongest 27% all right, the weakest all wrong
    assert "50%" in html  # facility: half the takers fully right
    assert "picked more than a right option" not in html  # linreg: 6 picks, each right: 6


def test_unrecognised_examples_are_listed_most_frequent_first(admin_client, content_dir):
    for text in ("poisson regresion", "a GLM", "a GLM", "a glm"):
        attempt = start(admin_client)
        answer_wrong_up_to(attempt, 2)
        admin_client.post(url(attempt, 2, "answer"), {"text": text})
    assert list(UnrecognisedAnswer.objects.values_list("text", "count")) == [
        ("glm", 3),
        ("poisson regresion", 1),
    ]
    html = admin_client.get("/admin/quiz/unrecognisedanswer/").content.decode()
    assert html.index("glm") < html.index("poisson regresion")
    assert "- answer: &quot;glm&quot;" in html


def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)

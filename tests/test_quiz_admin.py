"""Editors' view of the quiz in the Django admin."""

import pytest
from django.core.management import call_command

from quiz.models import Attempt, Response
from tests.test_quiz_flow import answer_all_right, start, url

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
    html = admin_client.get("/admin/quiz/questionstatistic/").content.decode()
    assert "Compute precision" in html and "Name a parametric model" in html
    assert html.index("Compute precision") < html.index("Name a parametric model")
    assert "<td>3</td><td>33%</td><td>33%</td>" in html
    assert Attempt.objects.count() == 3


def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)

"""CSRF: Django's own middleware guards every form the quiz posts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quiz.models import Attempt, Response
from tests.helpers import right_answer, url

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def _start(client) -> tuple[Attempt, str]:
    """Start an attempt as a browser does; returns it and the token its first question shows."""
    found = TOKEN.search(client.get("/quiz/").content.decode())
    assert found is not None
    token = found.group(1)
    response = client.post("/quiz/start/", {"mode": "article", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    attempt = Attempt.objects.latest("created_at")
    found = TOKEN.search(client.get(url(attempt, 1)).content.decode())
    assert found is not None
    shown = found.group(1)
    assert shown != token  # masked afresh for each page (against BREACH)
    return attempt, shown


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["missing", "altered"])
def test_an_answer_needs_the_token_the_page_showed(content_dir, tamper):
    client = Client(enforce_csrf_checks=True)
    attempt, token = _start(client)
    answer = right_answer(attempt.items.get(position=1))
    refused = dict(answer)
    if tamper == "altered":
        refused["csrfmiddlewaretoken"] = token[:-1] + ("b" if token[-1] == "a" else "a")
    assert client.post(url(attempt, 1, "answer"), refused).status_code == 403
    assert not Response.objects.exists()
    answered = client.post(url(attempt, 1, "answer"), {**answer, "csrfmiddlewaretoken": token})
    assert answered.status_code in (200, 302)
    assert Response.objects.count() == 1

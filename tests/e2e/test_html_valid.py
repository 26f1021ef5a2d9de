"""Every page type is valid HTML by the Nu HTML Checker (vnu.jar, from npm; needs Java).

The pages come from the Django test client over the shipped content and are checked in one run
of the checker. Marked ``browser`` with the other end-to-end checks: ``make browser-test``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from quiz.models import Attempt

from .support import CONTENT, one_of_each_kind, require_vnu

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def real_content(settings):
    settings.CONTENT_DIR = CONTENT


def answer_for(item) -> dict:
    """Form data of an answer to an item: partly right or wrong, so feedback shows it all."""
    key = item.key
    if item.kind == "single":
        return {"choice": next(c for c in key["why"] if c not in key["correct"])}
    if item.kind == "multiple":
        return {"choices": [key["correct"][0]]}
    if item.kind == "numeric":
        return {"value": "12345"}
    if item.kind == "example":
        return {"text": key["accepted"][0]["answer"]}
    return {"text": "It depends on the data; I would start simple and measure."}


def quiz_pages(client: Client, get) -> None:
    assert client.post("/quiz/start/", {"mode": "article"}).status_code == 302
    get("quiz-index-with-history", "/quiz/")
    attempt = one_of_each_kind(client.cookies["quiz_owner"].value)
    base = f"/quiz/a/{attempt.pk}"
    get("results-unfinished", f"{base}/results/")
    for item in attempt.items.order_by("position"):
        url = f"{base}/q/{item.position}/"
        get(f"question-{item.kind}", url)
        if item.kind == "numeric":  # a form error: the field is marked invalid
            get(f"question-{item.kind}-error", url + "answer/", {"value": "lots"}, status=400)
        response = client.post(url + "answer/", answer_for(item))
        assert response.status_code == 302, response.content.decode()
        if item.kind == "open":
            get("rubric-step", url)
            get("rubric-step-error", url + "assess/", {"points": ["99"]}, status=400)
            assert client.post(url + "assess/", {"points": ["0"]}).status_code == 302
        get(f"feedback-{item.kind}", url)
    get("attempt-finished", f"{base}/q/1/answer/", {"choice": "x"}, status=400)
    get("results", f"{base}/results/")
    get("history", "/quiz/history/")
    get("forbidden", f"{base}/q/1/", client=Client(), status=403)
    get("quiz-error", "/quiz/start/", {"mode": "nonsense"}, status=400)
    assert Attempt.objects.count() == 2


def test_every_page_type_is_valid_html(client, django_user_model, tmp_path: Path):
    java = require_vnu()
    from .support import VNU_JAR

    pages: dict[str, Path] = {}

    def get(name, url, data=None, *, status=200, client=client):
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == status, (name, url, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        pages[name] = path

    for name, url in [
        ("home", "/"),
        ("roles", "/roles/"),
        ("role", "/roles/machine-learning-engineer/"),
        ("compare-index", "/compare/"),
        ("compare-error", "/compare/?a=data-scientist&b=data-scientist"),
        ("comparison", "/compare/data-scientist-vs-machine-learning-engineer/"),
        ("skills", "/skills/"),
        ("skill", "/skills/statistics-probability/"),
        ("education", "/education/"),
        ("education-path", "/education/masters/"),
        ("pay", "/pay/"),
        ("about", "/about/"),
        ("search-empty", "/search/"),
        ("search", "/search/?q=cross-validation"),
        ("search-none", "/search/?q=zzzqqq"),
        ("quiz-index", "/quiz/"),
        ("history-empty", "/quiz/history/"),
        ("not-found", "/no-such-page/"),
    ]:
        get(
            name,
            url,
            status=400 if name == "compare-error" else 404 if name == "not-found" else 200,
        )
    quiz_pages(client, get)

    staff = Client()
    staff.force_login(django_user_model.objects.create_user("ed", password="pw", is_staff=True))
    get("preview", "/editors/preview/?path=roles/data-scientist.md", client=staff)
    get(
        "preview-problems",
        "/editors/preview/",
        {"path": "skills/x.md", "text": "---\n"},
        client=staff,
    )

    request = RequestFactory().get("/boom/")
    for name in ("500", "400", "403_csrf"):
        path = tmp_path / f"template-{name}.html"
        path.write_text(render_to_string(f"{name}.html", request=request), encoding="utf-8")
        pages[f"template-{name}"] = path

    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, pages.values())],
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = json.loads(run.stdout)
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:120]}]"
        for m in report["messages"]
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)

"""Download my data, import it, delete it: a round trip restores every attempt, answer, card,
review and plan; a malformed or wrong-version file is refused with a 400 and a message; after
deleting, nothing of the learner remains in any table."""

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

from quiz import steps
from quiz.models import (
    Attempt,
    Item,
    LearnerPlan,
    QuestionStats,
    QuestionVersion,
    Response,
    ReviewCard,
    ReviewLog,
)
from tests.helpers import answer_all_right, answer_wrong_up_to, start

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"
INTERVIEW = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def download(client) -> dict:
    response = client.get("/quiz/data/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="career-guide-data-')
    assert "no-cache" in response["Cache-Control"]
    return json.loads(response.content)


def upload(client, document, name="data.json"):
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    file = io.BytesIO(raw)
    file.name = name
    return client.post("/quiz/data/import/", {"file": file})


def comparable(document: dict) -> dict:
    """A download without what differs between two downloads of the same data."""
    return {k: v for k, v in document.items() if k not in ("exported_at", "account")}


@pytest.fixture
def learner(client, content_dir):
    """A browser with three attempts (one all wrong, one all right, a retake of the first not
    begun), cards, logs and a plan."""
    first = start(client)
    last = answer_wrong_up_to(first, first.total)
    steps.record_answer(steps.load_item(first.pk, last.position), {}, 0.0, {})
    second = start(client, "skill", "stats")
    answer_all_right(client, second)
    client.post("/quiz/plan/", {"interview_date": INTERVIEW, "role": "ml-engineer"})
    assert client.post(f"/quiz/a/{first.pk}/retake/").status_code == 302
    return client, first.owner


def test_the_download_holds_every_attempt_answer_card_log_and_plan(learner):
    client, token = learner
    document = download(client)
    assert document["format"] == "careerguide-quiz-data" and document["version"] == 1
    assert {a["id"] for a in document["attempts"]} == {
        str(pk) for pk in Attempt.objects.filter(owner=token).values_list("pk", flat=True)
    }
    items = [item for a in document["attempts"] for item in a["items"]]
    assert len(items) == Item.objects.filter(attempt__owner=token).count()
    assert sum(1 for i in items if i["response"]) == Response.objects.count()
    fingerprints = {v["fingerprint"] for v in document["question_versions"]}
    assert {i["version"] for i in items} == fingerprints
    assert len(document["cards"]) == ReviewCard.objects.filter(learner=token).count()
    assert sum(len(c["logs"]) for c in document["cards"]) == ReviewLog.objects.count()
    assert document["plan"]["interview_date"] == INTERVIEW
    assert document["account"] is None
    retake = next(a for a in document["attempts"] if a["mode"] == "retake")
    assert retake["retake_of"] in {a["id"] for a in document["attempts"]}


def test_a_round_trip_restores_everything_and_importing_twice_changes_nothing(learner):
    client, token = learner
    before = download(client)
    stats = list(QuestionStats.objects.values_list("question_id", "answered", "right"))
    assert client.post("/quiz/data/delete/", {"confirm": "yes"}).status_code == 302
    assert download(client)["attempts"] == []

    # into a new account, on another browser
    User.objects.create_user("ada", password=PASSWORD)
    other = Client()
    other.post("/account/signin/", {"username": "ada", "password": PASSWORD})
    response = upload(other, before)
    assert response.status_code == 200, response.content.decode()
    assert "Imported 3 attempts" in response.content.decode()
    after = download(other)
    assert comparable(after) == comparable(before)
    assert after["account"]["username"] == "ada"
    # the results permalinks work again, for their new owner
    answered = next(a for a in before["attempts"] if a["mode"] == "skill")  # through the forms
    attempt = Attempt.objects.get(pk=answered["id"])
    assert attempt.owner.startswith("user:")
    assert other.get(f"/quiz/a/{attempt.pk}/results/").status_code == 200

    counts = {m: m.objects.count() for m in (Attempt, Item, Response, ReviewCard, ReviewLog)}
    again = upload(other, before)
    assert again.status_code == 200 and "nothing changed" in again.content.decode()
    assert {m: m.objects.count() for m in counts} == counts
    assert comparable(download(other)) == comparable(before)
    # importing restores; it does not count the answers a second time
    assert list(QuestionStats.objects.values_list("question_id", "answered", "right")) == stats


def test_an_anonymous_browser_can_import_too(learner):
    client, token = learner
    document = download(client)
    client.post("/quiz/data/delete/", {"confirm": "yes"})
    fresh = Client()
    assert upload(fresh, document).status_code == 200
    assert fresh.cookies["quiz_owner"].value
    assert comparable(download(fresh)) == comparable(document)


def test_import_refuses_a_learner_who_holds_other_data(learner, content_dir):
    client, _ = learner
    document = download(client)
    other = Client()
    start(other)  # holds an attempt of its own
    response = upload(other, {**document, "attempts": [], "cards": document["cards"]})
    assert response.status_code == 409
    assert "empty account or browser" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: b"not json at all", "not JSON"),
        (lambda d: {**d, "format": "something-else"}, "not a Career Guide data download"),
        (lambda d: {**d, "version": 2}, "version 2 of the format"),
        (lambda d: {k: v for k, v in d.items() if k != "cards"}, "not valid at cards"),
        (lambda d: {**d, "cards": [{**d["cards"][0], "last_score": 2}]}, "not valid at cards.0"),
        (lambda d: {**d, "attempts": d["attempts"] * 2}, "lists an attempt twice"),
        (lambda d: {**d, "attempts": [{**d["attempts"][0], "items": []}]}, "one item per"),
        (lambda d: [d], "not a Career Guide data download"),
    ],
)
def test_a_malformed_or_wrong_version_file_is_refused_with_a_message(learner, change, message):
    client, _ = learner
    document = download(client)
    client.post("/quiz/data/delete/", {"confirm": "yes"})
    response = upload(client, change(document))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attempt.objects.exists() and not ReviewCard.objects.exists()


def test_an_import_cannot_bring_question_text_of_its_own(learner):
    """An item is restored only against a question version the site knows, so a forged file
    cannot put its own text on a results page."""
    client, _ = learner
    document = download(client)
    client.post("/quiz/data/delete/", {"confirm": "yes"})
    forged = json.loads(json.dumps(document))
    fake = "f" * 64
    forged["question_versions"].append(
        {**forged["question_versions"][0], "fingerprint": fake, "asked": {"title": "<b>x</b>"}}
    )
    forged["attempts"][0]["items"][0]["version"] = fake
    versions = QuestionVersion.objects.count()
    response = upload(client, forged)
    assert response.status_code == 200
    assert "1 attempt was left out" in response.content.decode()
    assert QuestionVersion.objects.count() == versions
    assert not Attempt.objects.filter(pk=forged["attempts"][0]["id"]).exists()


def test_delete_asks_first(learner):
    client, token = learner
    page = client.get("/quiz/data/delete/").content.decode()
    assert "3 quiz attempts" in page and 'name="confirm" value="yes"' in page
    assert client.post("/quiz/data/delete/", {}).status_code == 302
    assert Attempt.objects.filter(owner=token).count() == 3


def _rows_mentioning(*needles: str) -> list[str]:
    """Every row, in every table of every app, with a text or JSON field holding a needle."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for needle in needles:
            query = models.Q()
            for name in text_fields:
                if isinstance(model._meta.get_field(name), models.JSONField):
                    query |= models.Q(**{f"{name}__icontains": needle})
                else:
                    query |= models.Q(**{name: needle})
            if text_fields and model._default_manager.filter(query).exists():
                found.append(f"{model._meta.label} holds {needle!r}")
    return found


def test_after_delete_nothing_of_the_learner_remains_in_any_table(content_dir):
    browser = Client()
    anonymous = start(browser)
    answer_all_right(browser, anonymous)
    token = anonymous.owner
    browser.post(
        "/account/signup/",
        {
            "username": "ada",
            "email": "ada@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(username="ada")
    key = f"user:{user.pk}"
    browser.post("/account/signout/")
    browser.post("/account/signin/", {"username": "ada", "password": "wrong"})  # an axes record
    browser.post("/account/signin/", {"username": "ada", "password": PASSWORD})
    attempt = start(browser, "skill", "stats")
    answer_wrong_up_to(attempt, 3)
    browser.post("/quiz/plan/", {"interview_date": INTERVIEW, "role": "ml-engineer"})
    stats = list(QuestionStats.objects.values_list("question_id", "answered", "right", "points"))
    assert _rows_mentioning(key, "ada@example.org")  # the check finds what is there

    response = browser.post("/quiz/data/delete/", {"confirm": "yes", "account": "yes"})
    assert response["Location"] == "/quiz/data/?deleted=account"

    assert not User.objects.filter(pk=user.pk).exists()  # the auth_user row
    for model, field in [
        (Attempt, "owner"),
        (ReviewCard, "learner"),
        (ReviewLog, "learner"),
        (LearnerPlan, "learner"),
    ]:
        assert not model.objects.filter(**{f"{field}__in": [key, token]}).exists(), model
    assert not Item.objects.filter(attempt__owner__in=[key, token]).exists()
    assert not Response.objects.exists() and not Item.objects.exists()
    assert _rows_mentioning(key, token, "ada@example.org") == []
    assert _rows_mentioning("ada") == []
    # the per-question counters keep their counts
    assert (
        list(QuestionStats.objects.values_list("question_id", "answered", "right", "points"))
        == stats
    )
    page = browser.get(response["Location"]).content.decode()
    assert "Your account and all its quiz data have been deleted." in page
    assert "signed in as" not in browser.get("/account/").content.decode()


def test_deleting_data_keeps_the_account_unless_asked(content_dir):
    User.objects.create_user("ada", password=PASSWORD)
    browser = Client()
    browser.post("/account/signin/", {"username": "ada", "password": PASSWORD})
    answer_all_right(browser, start(browser))
    browser.post("/quiz/data/delete/", {"confirm": "yes"})
    assert User.objects.filter(username="ada").exists()
    assert not Attempt.objects.exists() and not ReviewCard.objects.exists()
    assert "signed in as" in browser.get("/account/").content.decode()


def test_the_data_pages_work_for_a_browser_with_nothing_yet(client, content_dir):
    assert client.get("/quiz/data/").status_code == 200
    assert download(client)["attempts"] == []
    assert client.get("/quiz/data/delete/").status_code == 200
    assert client.post("/quiz/data/import/", {}).status_code == 400  # no file chosen


def test_times_survive_the_round_trip(learner):
    client, token = learner
    created = Attempt.objects.filter(owner=token).order_by("created_at")[0].created_at
    document = download(client)
    client.post("/quiz/data/delete/", {"confirm": "yes"})
    upload(client, document)
    restored = Attempt.objects.get(pk=document["attempts"][0]["id"])
    assert restored.created_at == created
    assert dt.datetime.fromisoformat(document["attempts"][0]["created_at"]) == created

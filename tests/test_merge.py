"""Signing in moves this browser's quiz data into the account, once: attempts move, a card
answered in both places keeps the more recent schedule and both histories, the plan changed
last wins, and merging again changes nothing."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client

from quiz import review
from quiz.accounts_merge import merge
from quiz.models import Attempt, LearnerPlan, ReviewCard, ReviewLog
from tests.helpers import answer_all_right, answer_wrong_up_to, start

pytestmark = pytest.mark.django_db

User = get_user_model()
UTC = dt.UTC
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def at(monkeypatch):
    current = {"now": T0}
    monkeypatch.setattr(review, "clock", lambda: current["now"])

    def move(when):
        current["now"] = when
        return when

    return move


def sign_in(client, username="ada"):
    response = client.post("/account/signin/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def snapshot():
    """Every row of the tables a merge touches, as plain values."""
    return {
        model.__name__: sorted(
            (sorted(model_to_dict(row).items()) for row in model.objects.all()), key=repr
        )
        for model in (Attempt, ReviewCard, ReviewLog, LearnerPlan)
    }


@pytest.fixture
def two_browsers(content_dir, at):
    """Browser A answered the article's five right on day 0; browser B answered the first
    three wrong on day 2 (the same questions: overlapping cards) and one only B has."""
    user = User.objects.create_user("ada", password=PASSWORD)
    a, b = Client(), Client()
    first = start(a)
    answer_all_right(a, first)
    at(T0 + dt.timedelta(days=2))
    second = start(b)
    answer_wrong_up_to(second, 4)  # questions 1-3 wrong
    extra = start(b, "skill", "stats")
    answer_wrong_up_to(extra, 2)
    return user, a, b, first, second, extra


def test_two_browsers_with_overlapping_cards_merge_into_one_account(two_browsers):
    user, a, b, first, second, extra = two_browsers
    key = f"user:{user.pk}"
    overlap = set(second.items.filter(position__lt=4).values_list("question_id", flat=True))
    b_only = set(extra.items.filter(position=1).values_list("question_id", flat=True)) - set(
        first.items.values_list("question_id", flat=True)
    )
    a_cards = {c.question_id: c for c in ReviewCard.objects.filter(learner=first.owner)}
    b_cards = {c.question_id: c for c in ReviewCard.objects.filter(learner=second.owner)}
    logs_before = ReviewLog.objects.count()
    logs_of = Counter(ReviewLog.objects.values_list("question_id", flat=True))

    sign_in(a)
    sign_in(b)

    assert set(Attempt.objects.values_list("owner", flat=True)) == {key}
    cards = {c.question_id: c for c in ReviewCard.objects.filter(learner=key)}
    assert ReviewCard.objects.count() == len(cards)  # none left behind under a token
    assert set(cards) == set(a_cards) | set(b_cards)
    for qid in overlap:  # B's answers are the more recent: its schedule wins
        assert cards[qid].due == b_cards[qid].due and cards[qid].last_score == 0.0
        assert cards[qid].reviews == a_cards[qid].reviews + b_cards[qid].reviews
        assert cards[qid].lapses == a_cards[qid].lapses + b_cards[qid].lapses >= 1
        # both histories (B's practice by skill may have asked it again the same day)
        assert cards[qid].logs.count() == logs_of[qid] >= 2
    for qid in set(a_cards) - set(b_cards):  # A's alone: as they were
        assert cards[qid].due == a_cards[qid].due
    assert b_only <= set(cards)
    assert ReviewLog.objects.count() == logs_before
    assert set(ReviewLog.objects.values_list("learner", flat=True)) == {key}
    assert all(log.card.learner == key for log in ReviewLog.objects.select_related("card"))


def test_merging_twice_changes_nothing(two_browsers):
    user, a, b, first, second, extra = two_browsers
    sign_in(a)
    sign_in(b)
    before = snapshot()
    sign_in(a)  # signing in again, on either browser
    sign_in(b)
    merge(first.owner, f"user:{user.pk}")
    merge(second.owner, f"user:{user.pk}")
    assert snapshot() == before


def test_signing_in_on_a_new_browser_brings_the_accounts_progress(two_browsers):
    user, a, b, first, *_ = two_browsers
    sign_in(a)
    phone = Client()
    assert str(first.pk) not in phone.get("/quiz/history/").content.decode()
    assert "Nothing yet" in phone.get("/quiz/progress/").content.decode()
    sign_in(phone)
    assert str(first.pk) in phone.get("/quiz/history/").content.decode()
    assert "Nothing yet" not in phone.get("/quiz/progress/").content.decode()


def test_the_plan_changed_last_is_kept(content_dir, at):
    user = User.objects.create_user("ada", password=PASSWORD)
    key = f"user:{user.pk}"
    browser = Client()
    browser.post("/quiz/plan/", {"interview_date": "2026-04-01", "role": "ml-engineer"})
    older = LearnerPlan.objects.get()
    LearnerPlan.objects.filter(pk=older.pk).update(updated_at=T0 - dt.timedelta(days=3))
    LearnerPlan.objects.create(learner=key, interview_date=dt.date(2026, 5, 1), role="ml-engineer")
    sign_in(browser)
    assert list(LearnerPlan.objects.values_list("learner", "interview_date")) == [
        (key, dt.date(2026, 5, 1))
    ]
    # a browser's plan newer than the account's replaces it
    other = Client()
    other.post("/quiz/plan/", {"interview_date": "2026-06-01", "role": "ml-engineer"})
    sign_in(other)
    assert list(LearnerPlan.objects.values_list("learner", "interview_date")) == [
        (key, dt.date(2026, 6, 1))
    ]


def test_signing_up_merges_too(content_dir, at):
    browser = Client()
    attempt = start(browser)
    answer_all_right(browser, attempt)
    browser.post(
        "/account/signup/",
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
    )
    key = f"user:{User.objects.get(username='grace').pk}"
    assert Attempt.objects.get().owner == key
    assert ReviewCard.objects.filter(learner=key).count() == attempt.total


def test_deleting_a_user_deletes_what_the_quiz_kept_for_them(two_browsers):
    user, a, *_ = two_browsers
    sign_in(a)
    key = f"user:{user.pk}"
    assert Attempt.objects.filter(owner=key).exists()
    user.delete()  # as staff would, in the admin
    assert not Attempt.objects.filter(owner=key).exists()
    assert not ReviewCard.objects.filter(learner=key).exists()
    assert not ReviewLog.objects.filter(learner=key).exists()

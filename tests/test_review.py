"""Spaced review: every scored answer updates the learner's FSRS card; the Review mode serves
what is due, most overdue first."""

import datetime as dt

import fsrs
import pytest

from quiz import review, steps
from quiz.models import Attempt, LearnerPlan, ReviewCard, ReviewLog
from tests.helpers import HX, answer_all_right, answer_wrong_up_to, right_answer, start, url

pytestmark = pytest.mark.django_db

UTC = dt.UTC
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def at(monkeypatch):
    """Set the review clock: ``at(when)``."""
    current = {"now": T0}
    monkeypatch.setattr(review, "clock", lambda: current["now"])

    def move(when: dt.datetime) -> dt.datetime:
        current["now"] = when
        return when

    return move


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (0.0, fsrs.Rating.Again),
        (0.01, fsrs.Rating.Hard),
        (0.5, fsrs.Rating.Hard),
        (0.99, fsrs.Rating.Hard),
        (1.0, fsrs.Rating.Good),
    ],
)
def test_rating_from_score(score, rating):
    assert review.rating_for(score) == rating


def card(**fields) -> ReviewCard:
    return ReviewCard(learner="l" * 32, question_id="q", due=T0, created_at=T0, **fields)


def test_a_wrong_answer_comes_back_tomorrow_a_right_one_later():
    wrong, right = card(), card()
    review.review(wrong, 0.0, T0)
    review.review(right, 1.0, T0)
    assert wrong.due.date() == dt.date(2026, 3, 3)
    assert right.due - T0 >= dt.timedelta(days=2)
    assert wrong.lapses == 1 and right.lapses == 0


def test_a_second_review_on_the_same_utc_day_does_not_reschedule():
    c = card()
    review.review(c, 1.0, T0)
    due, stability = c.due, c.stability
    assert review.review(c, 0.0, T0 + dt.timedelta(hours=14)) is False  # 23:00, same day
    assert (c.due, c.stability, c.reviews) == (due, stability, 1)
    assert c.last_score == 0.0  # the latest score is kept, for the progress figures
    # the next UTC day counts again
    assert review.review(c, 0.0, T0 + dt.timedelta(hours=15)) is True
    assert c.reviews == 2 and c.due < due + dt.timedelta(days=1)


def test_intervals_are_capped_at_the_interview_date():
    c = card()
    for day in range(0, 40, 10):  # right every time: the interval grows past ten days
        review.review(c, 1.0, T0 + dt.timedelta(days=day))
    uncapped = c.due
    capped = card()
    interview = dt.date(2026, 4, 5)
    for day in range(0, 40, 10):
        review.review(capped, 1.0, T0 + dt.timedelta(days=day), interview)
        assert capped.due.date() <= interview
    assert uncapped.date() > interview
    # no cap once the date has passed
    assert review.maximum_interval(interview, dt.datetime(2026, 4, 6, tzinfo=UTC)) is None
    assert review.maximum_interval(dt.date(2026, 3, 3), T0) == 1


def test_every_scored_answer_updates_the_takers_card(client, content_dir, at):
    attempt = start(client, "skill", "stats")
    answer_all_right(client, attempt)
    cards = ReviewCard.objects.filter(learner=attempt.owner)
    assert sorted(cards.values_list("question_id", flat=True)) == sorted(
        attempt.items.values_list("question_id", flat=True)
    )
    assert ReviewLog.objects.filter(learner=attempt.owner, rescheduled=True).count() == 5
    assert all(c.last_score == 1.0 and c.due > T0 + dt.timedelta(days=1) for c in cards)


def test_an_open_answer_counts_once_marked_by_its_share(client, content_dir, at):
    attempt = start(client)
    item = answer_wrong_up_to(attempt, 3)  # the open question
    client.post(url(attempt, 3, "answer"), right_answer(item))
    assert not ReviewCard.objects.filter(question_id="q-open").exists()  # not scored yet
    client.post(url(attempt, 3, "assess"), {"points": ["0"]})  # one point of several
    log = ReviewLog.objects.get(question_id="q-open")
    assert 0 < log.score < 1 and log.rating == fsrs.Rating.Hard


def test_a_retake_the_same_day_feeds_the_same_card_without_rescheduling_twice(
    client, content_dir, at
):
    attempt = start(client)
    answer_wrong_up_to(attempt, 4)
    client.post(url(attempt, 4, "answer"), {"choices": ["knn"]})
    tomorrow = ReviewCard.objects.get(question_id="q-num").due
    client.post(f"/quiz/a/{attempt.pk}/retake/")
    retake = Attempt.objects.latest("created_at")
    at(T0 + dt.timedelta(hours=3))
    answer_all_right(client, retake)
    c = ReviewCard.objects.get(question_id="q-num")
    assert c.due == tomorrow and c.reviews == 1 and c.last_score == 1.0
    assert list(c.logs.order_by("reviewed_at").values_list("rescheduled", flat=True)) == [
        True,
        False,
    ]


def wrong_all(attempt):
    """Record a wrong answer to every question of the attempt, as the steps would."""
    for item in attempt.items.order_by("position"):
        steps.record_answer(steps.load_item(attempt.pk, item.position), {}, 0.0, {})


def review_now(client):
    response = client.post("/quiz/review/start/")
    assert response.status_code == 302, response.content.decode()
    return Attempt.objects.latest("created_at")


def test_review_mode_serves_due_questions_most_overdue_first(client, content_dir, at):
    first = start(client, "skill", "stats")
    for position in range(1, 6):  # wrong answers, an hour apart
        at(T0 + dt.timedelta(hours=position))
        item = first.items.get(position=position)
        steps.record_answer(steps.load_item(first.pk, position), {}, 0.0, {})
        ReviewCard.objects.filter(question_id=item.question_id).update(
            due=T0 + dt.timedelta(days=1, hours=-position)  # the last answered, most overdue
        )
    assert client.post("/quiz/review/start/").status_code == 400  # nothing due today
    at(T0 + dt.timedelta(days=1))
    html = client.get("/quiz/").content.decode()
    assert "5 questions due" in html
    attempt = review_now(client)
    assert attempt.mode == "review" and attempt.label == "Review: 5 due"
    order = list(attempt.items.order_by("position").values_list("question_id", flat=True))
    expected = list(
        first.items.order_by("-position").values_list("question_id", flat=True)
    )  # most overdue first
    assert order == expected
    # a review is an attempt like any other: feedback, results, its cards move on
    answer_all_right(client, attempt)
    assert client.get(f"/quiz/a/{attempt.pk}/results/").status_code == 200
    assert not review.due_cards(attempt.owner, order, review.clock()).exists()


def test_numeric_questions_draw_their_variant_afresh(client, content_dir, at):
    variants = set()
    for day in range(12):
        at(T0 + dt.timedelta(days=3 * day))
        attempt = start(client) if day == 0 else review_now(client)
        item = attempt.items.get(question_id="q-num")
        variants.add(item.variant)
        client.post(url(attempt, item.position, "answer"), {"value": "0"})  # wrong: due again
        Attempt.objects.filter(pk=attempt.pk).update(finished_at=T0)
    assert variants == {0, 1}


def test_a_deleted_question_is_retired_not_lost(client, content_dir, at, touch):
    attempt = start(client)
    wrong_all(attempt)
    (content_dir / "questions/q-num.md").unlink()
    touch(content_dir / "questions/q-one.md", (content_dir / "questions/q-one.md").read_text())
    at(T0 + dt.timedelta(days=2))
    attempt = review_now(client)
    assert "q-num" not in attempt.items.values_list("question_id", flat=True)
    assert ReviewCard.objects.filter(question_id="q-num").exists()
    html = client.get("/quiz/progress/").content.decode()
    assert "1 of your review cards is for questions no longer in the guide" in html
    assert client.get("/quiz/review/").status_code == 200


def test_editing_a_question_keeps_its_card(client, content_dir, at, touch):
    attempt = start(client)
    wrong_all(attempt)
    path = content_dir / "questions/q-num.md"
    touch(path, path.read_text().replace("Compute precision", "Work out the precision"))
    at(T0 + dt.timedelta(days=2))
    attempt = review_now(client)
    assert "q-num" in attempt.items.values_list("question_id", flat=True)
    assert ReviewCard.objects.filter(question_id="q-num").count() == 1


def test_the_due_link_is_the_browsers_own_and_never_cached(client, content_dir, at):
    assert ">Review<" in client.get("/quiz/due/").content.decode()
    attempt = start(client)
    answer_wrong_up_to(attempt, 3)
    at(T0 + dt.timedelta(days=1))
    response = client.get("/quiz/due/", headers=HX)
    assert "Review: 2 due" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "Cookie" in response["Vary"]
    stranger = type(client)()
    assert "due" not in stranger.get("/quiz/due/").content.decode().lower().replace(
        "/quiz/due/", ""
    )


def test_the_header_carries_no_learners_data(client, content_dir, at):
    attempt = start(client)
    answer_wrong_up_to(attempt, 3)
    at(T0 + dt.timedelta(days=1))
    html = client.get("/").content.decode()
    assert 'href="/quiz/review/"' in html and "2 due" not in html


def test_a_plan_date_caps_the_next_review(client, content_dir, at):
    client.get("/quiz/")
    attempt = start(client)
    LearnerPlan.objects.create(
        learner=attempt.owner, interview_date=dt.date(2026, 3, 4), role="ml-engineer"
    )
    answer_all_right(client, attempt)
    assert all(
        c.due.date() <= dt.date(2026, 3, 4)
        for c in ReviewCard.objects.filter(learner=attempt.owner)
    )

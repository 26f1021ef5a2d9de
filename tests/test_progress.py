"""Progress by skill and readiness per role: from the learner's own cards, in a fixed number of
queries, never another browser's."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quiz import progress, review
from quiz.models import Attempt, LearnerPlan, ReviewCard, ReviewLog
from tests.helpers import answer_all_right, start, url

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(review, "clock", lambda: NOW)


def card(qid, *, score=1.0, days_ago=1, stability=10.0):
    at = NOW - dt.timedelta(days=days_ago)
    return ReviewCard(
        learner="x",
        question_id=qid,
        due=at + dt.timedelta(days=stability),
        last_review=at,
        created_at=at,
        stability=stability,
        difficulty=5.0,
        state=2,
        last_score=score,
    )


def test_knowledge_is_retrievability_capped_by_the_latest_score():
    data = progress.LearnerData(
        [card("right"), card("wrong", score=0.0), card("old", days_ago=60)], {"nocard": 0.5}
    )
    known = progress.knowledge(data, NOW)
    assert 0.9 < known["right"] < 1
    assert known["wrong"] == 0.0  # seen the answer just now, but did not know it
    assert known["old"] < known["right"]  # forgetting
    assert known["nocard"] == 0.5  # answers from before cards: their scores


def test_skill_figures_and_readiness(library):
    known = {"q-one": 1.0, "q-multi": 0.5}  # two of the five stats questions
    figures = {f.slug: f for f in progress.skill_figures(library, known)}
    stats = figures["stats"]
    assert (stats.total, stats.seen, stats.seen_percent, stats.known_percent) == (5, 2, 40, 75)
    assert stats.percent == 30 and stats.word == "weak"
    ml = next(
        r for r in progress.readiness(library, figures.values()) if r.role.slug == "ml-engineer"
    )
    # stats, python and pipelines weigh 3 each in the test content; only stats has questions
    assert [f.slug for f, _ in ml.parts] == ["stats"]
    assert ml.percent == 30
    assert ml.summary == "30%: Statistics weak"


def test_words_for_a_skill():
    f = progress.SkillFigure("s", "S", "", 10)
    assert f.word == "not yet tried"
    f.seen, f.known = 8, 7.5
    assert f.word == "strong"
    f.known = 5.0
    assert f.word == "fair"


def test_the_progress_page_moves_as_the_learner_answers(client, content_dir):
    html = client.get("/quiz/progress/").content.decode()
    assert "Nothing yet" in html
    attempt = start(client, "skill", "stats")
    answer_all_right(client, attempt)
    html = client.get("/quiz/progress/").content.decode()
    assert re.search(r"ML engineer</a>: <span class=\"readiness-figure\">\d+%", html)
    assert "Statistics</a> strong" in html
    assert "<svg" in html and 'role="img"' in html  # the chart, with the same data as a table
    assert "<table" in html and "5 (100%)" in html
    assert "not your chances of being hired" in html
    assert "100%" in html  # today's average score in the history


def test_another_browser_never_sees_a_learners_data(client, content_dir):
    attempt = start(client, "skill", "stats")
    answer_all_right(client, attempt)
    client.post("/quiz/plan/", {"interview_date": "2026-03-09", "role": "ml-engineer"})
    stranger = type(client)()
    assert "Nothing yet" in stranger.get("/quiz/progress/").content.decode()
    assert "in your review" not in stranger.get("/quiz/review/").content.decode()
    assert "Today:" not in stranger.get("/quiz/plan/").content.decode()
    # a forged token is nobody
    stranger.cookies["quiz_owner"] = attempt.owner[:-1] + "!"
    assert "Nothing yet" in stranger.get("/quiz/progress/").content.decode()
    for path in ("/quiz/progress/", "/quiz/review/", "/quiz/plan/", "/quiz/due/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"] and "Cookie" in response["Vary"], path


def test_a_learner_can_clear_their_review_data(client, content_dir):
    attempt = start(client, "skill", "stats")
    answer_all_right(client, attempt)
    client.post("/quiz/plan/", {"interview_date": "2026-03-09", "role": "ml-engineer"})
    other = type(client)()
    theirs = start(other, "skill", "stats")
    answer_all_right(other, theirs)
    page = client.get("/quiz/progress/clear/").content.decode()
    assert "your 5 review cards" in page and "your 1 quiz attempt " in page
    client.post("/quiz/progress/clear/", {})  # no confirmation: nothing deleted
    assert ReviewCard.objects.filter(learner=attempt.owner).count() == 5
    response = client.post("/quiz/progress/clear/", {"confirm": "yes"})
    assert response.status_code == 302
    for model, field in (
        (ReviewCard, "learner"),
        (ReviewLog, "learner"),
        (LearnerPlan, "learner"),
        (Attempt, "owner"),
    ):
        assert not model.objects.filter(**{field: attempt.owner}).exists()
    assert ReviewCard.objects.filter(learner=theirs.owner).count() == 5  # only their own
    assert "Nothing yet" in client.get(response["Location"]).content.decode()


def many_cards(learner: str, library, count: int):
    """``count`` cards for the learner: one per question of the library, then for questions
    no longer in it (retired); a review log each; half of them due."""
    ids = [q.slug for q in library.all("question")]
    ids += [f"gone-{i}" for i in range(count - len(ids))]
    cards = ReviewCard.objects.bulk_create(
        card(qid, days_ago=1 + i % 20, stability=1 + i % 3) for i, qid in enumerate(ids[:count])
    )
    ReviewCard.objects.update(learner=learner)
    ReviewLog.objects.bulk_create(
        ReviewLog(
            card=c,
            learner=learner,
            question_id=c.question_id,
            score=1.0,
            rating=3,
            rescheduled=True,
            due_after=c.due,
            reviewed_at=c.last_review or NOW,
        )
        for c in cards
    )


@pytest.mark.parametrize("path", ["/quiz/progress/", "/quiz/review/", "/quiz/plan/"])
def test_learner_pages_cost_the_same_queries_with_many_cards(
    client, content_dir, library, path, django_assert_num_queries
):
    attempt = start(client, "skill", "stats")
    client.post(url(attempt, 1, "answer"), {"choice": "knn"})
    client.post("/quiz/plan/", {"interview_date": "2026-03-09", "role": "ml-engineer"})
    counts = []
    for total in (10, 500):
        ReviewCard.objects.all().delete()
        many_cards(attempt.owner, library, total)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    expected = {"/quiz/progress/": 3, "/quiz/review/": 3, "/quiz/plan/": 3}[path]
    with django_assert_num_queries(expected):  # the cards, scores without cards, plan/history
        client.get(path)


def test_the_review_start_costs_the_same_queries_with_many_cards(client, content_dir, library):
    attempt = start(client, "skill", "stats")
    counts = []
    for total in (10, 500):
        ReviewCard.objects.all().delete()
        many_cards(attempt.owner, library, total)
        with CaptureQueriesContext(connection) as queries:
            assert client.post("/quiz/review/start/").status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1], counts

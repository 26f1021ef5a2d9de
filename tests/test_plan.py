"""The plan to an interview date: a steady daily rate of new questions, the most useful first,
and a date too close said so, with the subset that fits."""

import datetime as dt

import pytest

from careerguide.content import load_library
from quiz import planning, progress, review
from quiz.models import Attempt, LearnerPlan, ReviewCard
from tests.content_factory import QUESTIONS, tree, write_tree
from tests.helpers import answer_all_right

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
TODAY = NOW.date()


def many_questions(root, count: int, skill_of=lambda i: "stats"):
    """The test content plus ``count`` single-choice questions for the ML engineer role."""
    files = tree()
    base = QUESTIONS["q-one"]
    for i in range(count):
        qid = f"q-extra-{i:03d}"
        meta = {**base, "id": qid, "title": f"Extra question {i}?", "skills": [skill_of(i)]}
        meta.pop("article", None)
        files[f"questions/{qid}.md"] = (meta, f"Explanation of {qid}.\n")
    write_tree(root, files)
    return load_library(root)


@pytest.fixture
def library(tmp_path):
    return many_questions(tmp_path / "content", 55)  # 60 for the role with the five


def seen(library, ids, *, day=TODAY - dt.timedelta(days=3), score=1.0):
    at = dt.datetime.combine(day, dt.time(10), tzinfo=UTC)
    return [
        ReviewCard(
            learner="x",
            question_id=qid,
            due=at + dt.timedelta(days=3),
            last_review=at,
            created_at=at,
            stability=3.0,
            difficulty=5.0,
            state=2,
            last_score=score,
        )
        for qid in ids
    ]


def build(library, date, cards=(), now=NOW):
    role = library.get("role", "ml-engineer")
    return planning.build(library, role, date, progress.LearnerData(list(cards), {}), now)


def test_new_questions_are_spread_evenly_to_the_day_before(library):
    plan = build(library, TODAY + dt.timedelta(days=10))
    assert plan.total == 60 and plan.seen == 0
    assert plan.rate == 6  # 60 over the 10 days before the interview
    assert len(plan.new_today) == 6
    assert plan.finish == TODAY + dt.timedelta(days=9)  # the day before the interview
    assert not plan.too_close


def test_the_rate_holds_all_day_and_follows_from_what_is_left(library):
    date = TODAY + dt.timedelta(days=10)
    questions = build(library, date).questions
    # four of today's six done this morning: two still to do today, same finish
    done = seen(library, [q.slug for q in questions[:4]], day=TODAY)
    plan = build(library, date, done, now=NOW + dt.timedelta(hours=2))
    assert plan.rate == 6 and len(plan.new_today) == 2
    assert plan.finish == TODAY + dt.timedelta(days=9)
    # questions seen on earlier days count as seen: 30 left over 10 days is 3 a day
    earlier = seen(library, [q.slug for q in questions[:30]])
    plan = build(library, date, earlier)
    assert (plan.seen, plan.rate, len(plan.new_today)) == (30, 3, 3)
    assert plan.finish == TODAY + dt.timedelta(days=9)


def test_a_short_finish_when_the_rate_is_rounded_up(library):
    plan = build(library, TODAY + dt.timedelta(days=7))
    assert plan.rate == 9  # 60 / 7, rounded up
    assert plan.finish == TODAY + dt.timedelta(days=6)  # 9 a day for 7 days covers 63


def test_a_date_too_close_says_so_and_keeps_the_most_useful(tmp_path):
    library = many_questions(
        tmp_path / "content", 55, skill_of=lambda i: "python" if i % 2 else "pipelines"
    )
    role = library.get("role", "ml-engineer")
    plan = planning.build(
        library,
        role,
        TODAY + dt.timedelta(days=2),
        # strong in stats: its questions are worth least
        progress.LearnerData(seen(library, ["q-one", "q-multi"]), {}),
        NOW,
    )
    assert plan.too_close and plan.rate == planning.MAX_NEW_PER_DAY
    assert plan.covered == 2 + 2 * planning.MAX_NEW_PER_DAY
    assert all("stats" not in q.meta.skills for q in plan.new_today)
    assert plan.subset_skills and "Statistics" not in plan.subset_skills


def test_value_order_weakest_skills_with_most_emphasis_first(tmp_path):
    library = many_questions(tmp_path / "content", 10, skill_of=lambda i: "python")
    role = library.get("role", "ml-engineer")
    questions = library.questions_for(role="ml-engineer")
    known = progress.SkillFigure("stats", "Statistics", "", 5, seen=5, known=4.5)  # 90%
    order = [q.meta.skills[0] for q in planning.value_order(role, questions, [known])]
    # python is untried: all its questions come before those on stats, which is known
    assert order == ["python"] * 10 + ["stats"] * 5


def test_a_passed_date_plans_nothing_new(library):
    plan = build(library, TODAY, seen(library, ["q-one"], day=TODAY - dt.timedelta(days=5)))
    assert plan.passed and plan.new_today == [] and plan.due_today == 1


def test_the_plan_form_works_without_javascript(client, content_dir, monkeypatch):
    monkeypatch.setattr(review, "clock", lambda: NOW)
    page = client.get("/quiz/plan/")
    assert page.status_code == 200 and 'type="date"' in page.content.decode()
    bad = client.post("/quiz/plan/", {"interview_date": "2026-03-01", "role": "ml-engineer"})
    assert bad.status_code == 400 and "Choose a date after today." in bad.content.decode()
    assert client.post("/quiz/plan/", {"interview_date": "x", "role": "nope"}).status_code == 400
    response = client.post("/quiz/plan/", {"interview_date": "2026-03-07", "role": "ml-engineer"})
    assert response.status_code == 302
    plan = LearnerPlan.objects.get()
    assert plan.learner == client.cookies["quiz_owner"].value
    html = client.get("/quiz/plan/").content.decode()
    # 5 questions for the role over the 5 days before the 7th: one a day
    assert "Today: 1 new, 0 due; at this pace you will have seen every question by" in html
    assert "6 March" in html
    # another browser sees no plan
    assert "Today:" not in type(client)().get("/quiz/plan/").content.decode()
    client.post("/quiz/plan/", {"action": "remove"})
    assert not LearnerPlan.objects.exists()


def test_the_plan_is_recomputed_as_the_learner_answers(client, content_dir, monkeypatch):
    monkeypatch.setattr(review, "clock", lambda: NOW)
    client.post("/quiz/plan/", {"interview_date": "2026-03-04", "role": "ml-engineer"})
    assert "Today: 3 new, 0 due" in client.get("/quiz/plan/").content.decode()
    client.post("/quiz/review/start/")  # today's new questions, served by the review mode
    attempt = Attempt.objects.latest("created_at")
    assert attempt.total == 3 and attempt.label == "Review: 3 new"
    answer_all_right(client, attempt)
    html = client.get("/quiz/plan/").content.decode()
    assert "Today: 0 new, 0 due" in html
    for card in ReviewCard.objects.all():
        assert card.due.date() <= dt.date(2026, 3, 4)

"""Taking the quiz end to end, with and without htmx."""

import re

import pytest

from quiz import steps
from quiz.models import Attempt, Item, Response
from tests.helpers import (
    HX,
    answer_all_right,
    answer_wrong_up_to,
    choice_ids,
    right_answer,
    start,
    url,
)

pytestmark = pytest.mark.django_db


def test_start_ties_attempt_to_the_browser(client, content_dir):
    attempt = start(client)
    assert client.cookies["quiz_owner"].value == attempt.owner
    assert [i.question_id for i in attempt.items.order_by("position")] == [
        "q-num",
        "q-example",
        "q-open",
        "q-multi",
    ]
    assert len(str(attempt.pk)) == 36  # a uuid4: not guessable


def test_question_screen_shows_progress_and_no_answers(client, content_dir):
    attempt = start(client, "skill", "stats")
    for item in attempt.items.order_by("position"):
        html = client.get(url(attempt, item.position)).content.decode()
        assert f"Question {item.position} of 5" in html
        assert f'<progress max="5" value="{item.position}"' in html
        for secret in (
            "The model answer.",
            "Explanation of",
            "Fixed number of coefficients",
            "Fits noise in the training data",
            "Keeps all the training data",
        ):
            assert secret not in html, (item.question_id, secret)
        if item.kind == "numeric":
            assert "0.8" not in html and "0.75" not in html
            assert re.search(r"TP = (40|30), FP = 10", html)
        # later questions open only once this one is answered
        steps.record_answer(steps.load_item(attempt.pk, item.position), {}, 0.0, {})


def test_plain_post_redirect_get_flow_to_results(client, content_dir):
    attempt = start(client)
    item = attempt.items.get(position=2)  # example
    response = client.post(url(attempt, 2, "answer"), {"text": "OLS"})
    assert response.status_code == 400  # question 1 comes first
    response = client.post(url(attempt, 1, "answer"), {"value": "0.1"})
    assert response.status_code == 302 and response["Location"] == url(attempt, 1)
    html = client.get(url(attempt, 1)).content.decode()
    assert "Not this time" in html and "Explanation of q-num" in html
    assert "The model answer." in html and 'href="/skills/stats/#what-to-learn"' in html
    assert f'href="{url(attempt, 2)}"' in html  # the next step

    client.post(url(attempt, 2, "answer"), {"text": "I would say OLS"})
    html = client.get(url(attempt, 2)).content.decode()
    assert "Fixed number of coefficients." in html
    assert Response.objects.get(item=item).score == 1.0

    # open question: write, then tick the rubric (pre-ticked from key terms)
    client.post(url(attempt, 3, "answer"), {"text": "The model learns the noise."})
    html = client.get(url(attempt, 3)).content.decode()
    assert re.search(r'<input type="checkbox" name="points" value="0"[^>]*checked', html)
    assert not re.search(r'<input type="checkbox" name="points" value="1"[^>]*checked', html)
    assert "The model answer." in html
    client.post(url(attempt, 3, "assess"), {"points": ["0", "1"]})
    assert Response.objects.get(item__attempt=attempt, item__position=3).score == pytest.approx(
        2 / 3
    )

    client.post(url(attempt, 4, "answer"), {"choices": ["linreg", "knn"]})
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert attempt.points == pytest.approx(0 + 1 + 2 / 3 + 0)

    results = client.get(f"/quiz/a/{attempt.pk}/results/").content.decode()
    assert "42%" in results  # 1.67 of 4
    assert "By skill" in results and 'href="/skills/stats/"' in results
    assert "Retake the 3 I missed" in results
    assert "Your answer:" in results and "Right answer:" in results


def test_htmx_answer_swaps_feedback_in_place(client, content_dir):
    attempt = start(client)
    response = client.post(url(attempt, 1, "answer"), {"value": "0.8"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="panel"' in html
    assert "Explanation of q-num" in html
    assert 'hx-swap-oob="true"' in html and "Answer checked" in html  # the live region


def test_htmx_form_error_is_swapped_with_a_400(client, content_dir):
    attempt = start(client)
    response = client.post(url(attempt, 1, "answer"), {"value": "lots"}, headers=HX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a number, such as 0.75." in html and 'aria-invalid="true"' in html
    assert not Response.objects.exists()


def test_whole_attempt_with_htmx_and_retake_of_missed(client, content_dir):
    attempt = start(client, "skill", "stats")
    answer_all_right(client, attempt, headers=HX)
    attempt.refresh_from_db()
    assert attempt.points == 5 and attempt.finished_at
    response = client.post(f"/quiz/a/{attempt.pk}/retake/")
    assert response.status_code == 400
    assert "you got every question right" in response.content.decode()

    second = start(client, "skill", "stats")
    first_item = second.items.get(position=1)
    wrong = {
        "single": {"choice": "knn"},
        "multiple": {"choices": ["knn"]},
        "numeric": {"value": "99"},
        "example": {"text": "knn"},
        "open": {"text": "no idea"},
    }[first_item.kind]
    client.post(url(second, 1, "answer"), wrong)
    if first_item.kind == "open":
        client.post(url(second, 1, "assess"), {"points": []})
    for item in second.items.filter(position__gt=1).order_by("position"):
        client.post(url(second, item.position, "answer"), right_answer(item))
        if item.kind == "open":
            client.post(url(second, item.position, "assess"), {"points": ["0", "1", "2"]})
    response = client.post(f"/quiz/a/{second.pk}/retake/")
    retake = Attempt.objects.latest("created_at")
    assert response["Location"] == url(retake, 1)
    assert retake.retake_of == second and retake.mode == "retake"
    assert [i.question_id for i in retake.items.all()] == [first_item.question_id]


def test_history_lists_this_browsers_attempts_only(client, content_dir, django_user_model):
    mine = start(client)
    other = pytest.importorskip("django.test").Client()
    other.post("/quiz/start/", {"mode": "mock"})
    html = client.get("/quiz/history/").content.decode()
    assert f"/quiz/a/{mine.pk}/" in html
    assert html.count("/quiz/a/") == 1
    assert f"/quiz/a/{mine.pk}/" in client.get("/quiz/").content.decode()


def test_mock_interview_mixes_difficulties(client, content_dir):
    attempt = start(client, "mock")
    difficulties = list(
        attempt.items.order_by("position").values_list("version__difficulty", flat=True)
    )
    assert set(difficulties) == {"easy", "medium", "hard"}
    order = {"easy": 0, "medium": 1, "hard": 2}
    assert difficulties == sorted(difficulties, key=order.get)


@pytest.mark.parametrize(("mode", "value"), [("difficulty", "easy"), ("role", "ml-engineer")])
def test_practice_modes(client, content_dir, mode, value):
    attempt = start(client, mode, value)
    assert attempt.items.count() >= 1


def test_choice_order_is_shuffled_per_attempt_and_stable_on_reload(client, content_dir):
    orders = set()
    for _ in range(12):
        attempt = start(client, "skill", "stats")
        position = attempt.items.get(version__kind="multiple").position
        page = url(attempt, position)
        # answer the earlier questions so the multiple-choice screen is reachable
        answer_wrong_up_to(attempt, position)
        first = choice_ids(client.get(page).content.decode())
        assert first == choice_ids(client.get(page).content.decode())
        assert sorted(first) == ["knn", "linreg", "nb", "tree"]
        orders.add(tuple(first))
    assert len(orders) > 1


def test_numeric_variant_is_drawn_and_frozen(client, content_dir):
    seen = set()
    for _ in range(12):
        attempt = start(client)
        item = attempt.items.get(version__kind="numeric")
        seen.add(item.key["answer"])
        html = client.get(url(attempt, 1)).content.decode()
        tp = {0.8: "40", 0.75: "30"}[item.key["answer"]]
        assert f"TP = {tp}" in html
    assert seen == {0.8, 0.75}


def test_takers_share_shown_after_answering(client, content_dir):
    for answer in ("0.8", "0.1"):
        attempt = start(client)
        item = attempt.items.get(position=1)
        client.post(
            url(attempt, 1, "answer"),
            {"value": str(item.key["answer"]) if answer == "0.8" else answer},
        )
    html = client.get(url(attempt, 1)).content.decode()
    assert "50% of takers got this right (2 answers)." in html


def test_results_permalink_is_readable_by_link_but_not_actionable(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    other = pytest.importorskip("django.test").Client()
    html = other.get(f"/quiz/a/{attempt.pk}/results/").content.decode()
    assert "100%" in html and "Retake" not in html
    assert other.get(url(attempt, 1)).status_code == 403


def test_unfinished_results_reveal_no_answers(client, content_dir):
    attempt = start(client)
    html = client.get(f"/quiz/a/{attempt.pk}/results/").content.decode()
    assert "0 of 4 questions answered" in html
    for secret in ("The model answer.", "Right answer:", "linear regression"):
        assert secret not in html


def test_question_snapshot_survives_edit_and_delete(client, content_dir, touch):
    attempt = start(client)
    answer_all_right(client, attempt)
    before = client.get(f"/quiz/a/{attempt.pk}/results/").content.decode()
    (content_dir / "questions/q-example.md").unlink()
    path = content_dir / "questions/q-multi.md"
    touch(path, path.read_text().replace("Which are parametric?", "Edited title"))
    after = client.get(f"/quiz/a/{attempt.pk}/results/")
    assert after.status_code == 200
    html = after.content.decode()
    assert "Which are parametric?" in html and "Edited title" not in html
    assert "Name a parametric model" in html
    assert before.count("Score: 100%") == html.count("Score: 100%") == 4


def test_skill_page_starts_practice(client, content_dir):
    html = client.get("/skills/stats/").content.decode()
    assert "Practise this skill" in html and 'href="/quiz/?skill=stats#by-skill"' in html
    attempt = start(client, "skill", "stats")
    assert all("stats" in i.version.skills for i in Item.objects.filter(attempt=attempt))


@pytest.mark.parametrize("headers", [{}, HX])
def test_an_example_the_key_does_not_know_is_judged_by_the_taker(client, content_dir, headers):
    attempt = start(client)  # question 2 names a parametric model
    answer_wrong_up_to(attempt, 2)
    response = client.post(url(attempt, 2, "answer"), {"text": "Poisson GLM"}, headers=headers)
    page = response if headers else client.get(url(attempt, 2))
    html = page.content.decode()
    assert "We did not recognise that example" in html
    assert "A parametric model has a fixed number of parameters." in html  # the criterion
    assert "Fixed number of coefficients." in html  # the accepted examples, and why
    assert Response.objects.get(item__position=2).score is None  # not silently 0
    assert Attempt.objects.get().position == 2

    client.post(url(attempt, 2, "assess"), {"points": ["0"]}, headers=headers)
    stored = Response.objects.get(item__position=2)
    assert stored.score == 1.0 and stored.detail["self_assessed"] is True
    feedback = client.get(url(attempt, 2)).content.decode()
    assert "(self-assessed)" in feedback
    results = client.get(f"/quiz/a/{attempt.pk}/results/").content.decode()
    assert "Score: 100% (self-assessed)" in results


def test_a_clearly_wrong_example_the_key_knows_keeps_its_reason(client, content_dir):
    attempt = start(client)
    answer_wrong_up_to(attempt, 2)
    client.post(url(attempt, 2, "answer"), {"text": "k nearest neighbors"})
    stored = Response.objects.get(item__position=2)
    assert stored.score == 0.0 and not stored.detail.get("self_assessed")
    assert "Keeps all the training data." in client.get(url(attempt, 2)).content.decode()

"""A quiz step: the item shown with its attempt, version and response; what an answer writes."""

import uuid

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client

from quiz import steps
from quiz.forms import MultipleAnswerForm, RubricForm, SingleAnswerForm
from quiz.models import Attempt, Item, QuestionStats, QuestionVersion, Response
from tests.helpers import right_answer, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(client, content_dir):
    return start(client, "article")  # numeric, example, open, multiple


def test_a_step_reads_the_item_with_its_attempt_version_and_response(
    client, attempt, django_assert_num_queries
):
    with django_assert_num_queries(1):
        item = steps.load_item(attempt.pk, 3)
        assert item.attempt.owner == attempt.owner and item.attempt.position == 1
        assert item.question_id == "q-open" and item.kind == "open"
        assert steps.response_of(item) is None
    client.post(url(attempt, 1, "answer"), right_answer(item_at(attempt, 1)))
    with django_assert_num_queries(1):
        answered = steps.load_item(attempt.pk, 1)
        assert steps.response_of(answered).score == 1.0


def item_at(attempt, position) -> Item:
    return steps.load_item(attempt.pk, position)


def test_the_attempt_moves_on_with_each_scored_answer_and_finishes(client, attempt):
    client.post(url(attempt, 1, "answer"), right_answer(item_at(attempt, 1)))
    attempt.refresh_from_db()
    assert (attempt.position, attempt.points, attempt.finished_at) == (2, 1.0, None)

    client.post(url(attempt, 2, "answer"), right_answer(item_at(attempt, 2)))
    client.post(url(attempt, 3, "answer"), right_answer(item_at(attempt, 3)))
    attempt.refresh_from_db()
    assert attempt.position == 3  # the open answer waits for its marking
    client.post(url(attempt, 3, "assess"), {"points": ["0"]})
    client.post(url(attempt, 4, "answer"), right_answer(item_at(attempt, 4)))
    attempt.refresh_from_db()
    assert attempt.position == 5 and attempt.finished_at is not None
    assert attempt.points == pytest.approx(1 + 1 + 1 / 3 + 1)


def test_unknown_attempts_and_positions_are_404(client, attempt):
    for attempt_id, position in ((uuid.uuid4(), 1), (attempt.pk, 5), (attempt.pk, 0)):
        with pytest.raises(Http404):
            steps.load_item(attempt_id, position)
    assert client.get("/quiz/a/not-a-uuid/q/1/").status_code == 404
    Attempt.objects.filter(pk=attempt.pk).delete()
    assert client.get(url(attempt, 1)).status_code == 404


def test_another_browser_cannot_see_or_answer_an_attempt(client, attempt):
    other = Client()
    assert other.get(url(attempt, 1)).status_code == 403
    assert other.post(url(attempt, 1, "answer"), {"value": "1"}).status_code == 403
    forged = Client()
    forged.cookies["quiz_owner"] = attempt.owner[:-1] + ("a" if attempt.owner[-1] != "a" else "b")
    assert forged.get(url(attempt, 1)).status_code == 403
    assert not Response.objects.exists()


def test_each_version_of_a_question_is_stored_once(client, attempt, content_dir, touch):
    start(Client(), "article")
    assert QuestionVersion.objects.count() == 4  # two attempts, the same four versions
    assert Item.objects.count() == 8

    path = content_dir / "questions/q-open.md"
    touch(path, path.read_text().replace("title: ", "title: Edited ", 1))
    start(Client(), "article")
    assert QuestionVersion.objects.count() == 5
    assert set(
        QuestionVersion.objects.filter(question_id="q-open").values_list("asked__title", flat=True)
    ) == {
        item_at(attempt, 3).asked["title"],
        "Edited " + item_at(attempt, 3).asked["title"],
    }


def test_choice_order_is_the_attempts_own_and_the_version_canonical(client, content_dir):
    orders = set()
    for _ in range(12):
        attempt = start(Client(), "article")
        item = item_at(attempt, 4)  # the multiple-choice question
        assert sorted(item.choice_order) == [c["id"] for c in item.version.asked["choices"]]
        assert [c["id"] for c in item.asked["choices"]] == item.choice_order
        orders.add(tuple(item.choice_order))
    assert len(orders) > 1
    assert QuestionVersion.objects.filter(question_id="q-multi").count() == 1


def test_a_second_answer_to_an_item_is_refused_and_harms_nothing(client, attempt):
    item = item_at(attempt, 1)
    steps.record_answer(item, {"value": 0.8, "text": "0.8"}, 1.0, {})
    again = item_at(attempt, 1)
    with pytest.raises(steps.AlreadyDone):
        steps.record_answer(again, {"value": 0.1, "text": "0.1"}, 0.0, {})
    assert Response.objects.get().score == 1.0
    assert Attempt.objects.get().position == 2  # moved on once
    assert QuestionStats.objects.get(question_id=item.question_id).answered == 1
    assert client.get(url(attempt, 2)).status_code == 200  # the connection still works


def test_a_refused_answer_inside_a_transaction_keeps_the_transaction(attempt):
    item = item_at(attempt, 1)
    with transaction.atomic():
        steps.record_answer(item, {"value": 0.8, "text": "0.8"}, 1.0, {})
        with pytest.raises(steps.AlreadyDone):
            steps.record_answer(item_at(attempt, 1), {"value": 0.1, "text": "0.1"}, 0.0, {})
        assert Response.objects.count() == 1  # usable: no TransactionManagementError


def test_the_takers_share_counts_scored_answers_only(client, attempt):
    assert steps.takers_share("q-num") is None
    client.post(url(attempt, 1, "answer"), right_answer(item_at(attempt, 1)))
    client.post(url(attempt, 2, "answer"), right_answer(item_at(attempt, 2)))
    client.post(url(attempt, 3, "answer"), {"text": "an unmarked answer"})
    assert steps.takers_share("q-open") is None  # written, not yet marked
    other = start(Client(), "article")
    steps.record_answer(item_at(other, 1), {"value": 9, "text": "9"}, 0.0, {})
    share = steps.takers_share("q-num")
    assert (share.answered, share.right, share.percent_right) == (2, 1, 50)


# --- the answer fields, rendered by the forms' widgets ----------------------------------------

ASKED = {"choices": [{"id": "a", "text": "A <b>"}, {"id": "None", "text": "None of these"}]}


def test_an_unanswered_choice_field_renders_escaped_labels_and_nothing_checked():
    html = str(SingleAnswerForm(asked=ASKED)["choice"])
    assert '<input type="radio" name="choice" value="a"' in html
    assert "A &lt;b&gt;" in html  # escaped text, since it has no HTML of its own
    assert "checked" not in html  # no answer is not the choice called "None"
    assert html.count("required") == 2
    assert html.count('<div class="choice">') == 2


def test_ticked_and_preticked_boxes_stay_ticked():
    html = str(MultipleAnswerForm({"choices": ["None"]}, asked=ASKED)["choices"])
    assert 'value="None" id="id_choices_1" checked' in html
    assert 'value="a" id="id_choices_0" checked' not in html
    rubric = RubricForm(rubric=[{"point": "x"}, {"point": "y"}], initial={"points": ["1"]})
    html = str(rubric["points"])
    assert 'value="1" id="id_points_1" checked' in html and html.count("checked") == 1


def test_an_answer_refused_is_shown_again_with_its_error_marked(client, content_dir):
    attempt = start(client, "skill", "stats")
    position = next(i.position for i in attempt.items.order_by("position") if i.kind == "multiple")
    Attempt.objects.filter(pk=attempt.pk).update(position=position)
    response = client.post(url(attempt, position, "answer"), {"choices": ["nope"]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "That is not one of this question" in html
    assert html.count('aria-invalid="true"') >= 2  # the fieldset and each box
    assert 'type="checkbox" name="choices"' in html

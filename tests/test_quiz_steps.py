"""Loading a quiz step: the attempt's snapshot is kept per process, its state read each time."""

import json
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client

from quiz import steps
from quiz.forms import MultipleAnswerForm, RubricForm, SingleAnswerForm, options
from quiz.models import Attempt, Item, Response
from tests.test_quiz_flow import right_answer, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(client, content_dir):
    return start(client, "article")  # numeric, example, open, multiple


def test_a_step_is_one_query_whether_or_not_the_snapshot_is_kept(
    attempt, django_assert_num_queries
):
    steps.snapshots.clear()  # as in a process that has not seen this attempt
    with django_assert_num_queries(1):
        cold = steps.load(attempt.pk)
    with django_assert_num_queries(1):
        warm = steps.load(attempt.pk)
    assert warm.items is cold.items  # kept, not read again
    assert [i.question_id for i in warm.items] == ["q-num", "q-example", "q-open", "q-multi"]
    assert warm.attempt.owner == attempt.owner and warm.attempt.label == attempt.label
    stored = Item.objects.get(attempt=attempt, position=3)
    assert cold.item(3).asked == stored.asked and cold.item(3).key == stored.key
    assert cold.item(3).pk == stored.pk


def test_a_kept_snapshot_still_sees_new_answers_and_the_finish(client, attempt):
    before = steps.load(attempt.pk)
    assert before.responses == {} and before.current == 1

    client.post(url(attempt, 1, "answer"), right_answer(before.item(1)))
    after = steps.load(attempt.pk)
    assert after.items is before.items
    assert before.responses == {}  # a step's responses are its own
    assert after.current == 2 and after.response(after.item(1)).score == 1.0
    # the shared items are never written to: no response (or attempt) cached on them
    assert not Item.response.is_cached(after.item(1))
    assert not Item.attempt.is_cached(after.item(1))

    for position in (2, 3, 4):
        client.post(url(attempt, position, "answer"), right_answer(after.item(position)))
        if position == 3:  # the open question: marked against one point of its rubric
            client.post(url(attempt, 3, "assess"), {"points": ["0"]})
    done = steps.load(attempt.pk)
    assert done.current is None and done.attempt.finished_at is not None
    assert done.attempt.points == pytest.approx(1 + 1 + 1 / 3 + 1)


def test_a_deleted_attempt_is_gone_though_its_snapshot_is_kept(client, attempt):
    steps.load(attempt.pk)
    assert steps.snapshots.get(attempt.pk) is not None
    Attempt.objects.filter(pk=attempt.pk).delete()
    with pytest.raises(Http404):
        steps.load(attempt.pk)
    assert client.get(url(attempt, 1)).status_code == 404


def test_attempts_at_the_same_questions_share_their_contents(client, attempt):
    other = start(Client(), "article")
    steps.snapshots.clear()  # both read from the database
    mine, theirs = steps.load(attempt.pk), steps.load(other.pk)
    assert mine.items is not theirs.items
    shared = 0
    for a, b in zip(mine.items, theirs.items, strict=True):
        for part in ("asked", "key"):  # the same text is one object; others stay apart
            same = json.dumps(getattr(a, part)) == json.dumps(getattr(b, part))
            assert (getattr(a, part) is getattr(b, part)) == same, (a.question_id, part)
            shared += same
    assert shared >= 4  # the open and example questions ask the same of everyone


def test_unknown_and_malformed_ids_are_404():
    for attempt_id in (uuid.uuid4(), str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(Http404):
            steps.load(attempt_id)


def test_another_browser_cannot_see_a_kept_attempt(client, attempt):
    steps.load(attempt.pk)
    assert Client().get(url(attempt, 1)).status_code == 403


def test_snapshots_are_bounded_and_drop_the_least_recently_used():
    kept = steps.Snapshots(size=2)
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for attempt_id in (a, b):
        kept.put(attempt_id, steps.Snapshot({}, ()))
    assert kept.get(a) is not None  # a is now the most recent
    kept.put(c, steps.Snapshot({}, ()))
    assert len(kept) == 2
    assert kept.get(b) is None and kept.get(a) is not None and kept.get(c) is not None


def test_a_response_built_for_a_step_is_the_stored_one(client, attempt):
    client.post(url(attempt, 1, "answer"), {"value": "0.8"})
    stored = Response.objects.get(item__attempt=attempt, item__position=1)
    built = steps.load(attempt.pk).responses[1]
    assert (built.pk, built.item_id, built.question_id) == (
        stored.pk,
        stored.item_id,
        stored.question_id,
    )
    assert (built.answer, built.score, built.detail) == (stored.answer, stored.score, stored.detail)


# --- the choice inputs the templates write out ---------------------------------------------

ASKED = {"choices": [{"id": "a", "text": "A <b>"}, {"id": "None", "text": "None of these"}]}


def test_options_of_an_unanswered_choice_field():
    form = SingleAnswerForm(asked=ASKED)
    found = options(form["choice"])
    assert [(o.id, o.value, o.checked) for o in found] == [
        ("id_choice_0", "a", False),
        ("id_choice_1", "None", False),  # no answer is not the choice called "None"
    ]
    assert found[0].label == "A &lt;b&gt;"  # escaped text, since it has no HTML of its own


def test_options_keep_what_was_ticked_and_preticked():
    form = MultipleAnswerForm({"choices": ["None"]}, asked=ASKED)
    assert [o.checked for o in options(form["choices"])] == [False, True]
    rubric = RubricForm(rubric=[{"point": "x"}, {"point": "y"}], initial={"points": ["1"]})
    assert [(o.value, o.checked) for o in options(rubric["points"])] == [("0", False), ("1", True)]


def test_an_answer_refused_is_shown_again_with_its_error_marked(client, content_dir):
    attempt = start(client, "skill", "stats")
    position = next(i.position for i in attempt.items.order_by("position") if i.kind == "multiple")
    for item in attempt.items.filter(position__lt=position):
        Response.objects.create(item=item, question_id=item.question_id, answer={}, score=0)
    response = client.post(url(attempt, position, "answer"), {"choices": ["nope"]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "That is not one of this question" in html
    assert html.count('aria-invalid="true"') >= 2  # the fieldset and each box
    assert 'type="checkbox" name="choices"' in html


# --- the queries written once ----------------------------------------------------------------


def _as_orm(attempt, names):
    query = Item.objects.filter(attempt_id=attempt.pk).order_by().values_list(*names)
    return sorted(query, key=lambda row: row[0])


def _every_state(client, attempt):
    """Take the article attempt through each of its states, from fresh to finished (an open
    answer waiting for its marking among them), yielding after each step."""
    yield
    client.post(url(attempt, 1, "answer"), {"value": "0.8"})
    yield
    client.post(url(attempt, 2, "answer"), {"text": "OLS"})
    yield
    client.post(url(attempt, 3, "answer"), {"text": "It learns the noise."})
    yield
    client.post(url(attempt, 3, "assess"), {"points": ["0", "2"]})
    yield
    client.post(url(attempt, 4, "answer"), {"choices": ["linreg"]})
    yield


def test_attempt_rows_are_the_orms_rows_in_every_state(client, attempt):
    names = {
        "each step": steps._STATE,
        "the first time": steps._STATE + steps._FIRST_TIME,
    }
    for _ in _every_state(client, attempt):
        for label, columns in names.items():
            written = sorted(steps.AttemptRows(columns).rows(attempt.pk), key=lambda r: r[0])
            assert written == _as_orm(attempt, columns), label
    attempt.refresh_from_db()
    assert attempt.finished_at is not None  # the last state compared was a finished attempt


def _state_as_orm(attempt) -> tuple:
    stored = Attempt.objects.get(pk=attempt.pk)
    answered = [
        (r.item.position, r.pk, r.answer, r.score, r.detail)
        for r in Response.objects.filter(item__attempt=attempt).select_related("item")
    ]
    return stored.finished_at, stored.points, sorted(answered)


def test_the_packed_state_is_what_the_orm_reads_in_every_state(client, attempt, monkeypatch):
    packed = steps.AttemptState()
    unpacked = steps.AttemptState()  # as on a database without JSON aggregation
    monkeypatch.setattr(unpacked, "_PACK", {})
    for _ in _every_state(client, attempt):
        expected = _state_as_orm(attempt)
        for reader in (packed, unpacked):
            finished_at, points, answered = reader.read(attempt.pk)
            assert (finished_at, points, sorted(answered)) == expected
            for _, _, _, score, _ in answered:  # floats, as the ORM gives them
                assert score is None or type(score) is float
    assert expected[0] is not None and expected[1] is not None  # finished, points totalled
    assert len(expected[2]) == 4 and expected[2][2][3] is not None  # the open one marked
    assert packed.read(uuid.uuid4()) is None and unpacked.read(uuid.uuid4()) is None


def test_packed_scores_are_the_floats_stored(attempt):
    import random

    rng = random.Random(3)
    items = list(attempt.items.order_by("position"))
    scores = [rng.random(), 2 / 3, 1e-300 * rng.random(), 0.1 + 0.2]
    for item, score in zip(items, scores, strict=True):
        Response.objects.create(item=item, question_id=item.question_id, answer={}, score=score)
    _, _, answered = steps.AttemptState().read(attempt.pk)
    assert [score for _, _, _, score, _ in sorted(answered)] == scores


def test_the_takers_share_counts_scored_answers_only(attempt):
    items = {i.position: i for i in attempt.items.all()}
    assert steps.takers_share(items[4].question_id) is None
    others = [start(Client(), "article") for _ in range(3)]  # other takers, same questions
    for other, score in zip(others, (1.0, 0.5, None), strict=True):
        item = other.items.get(position=4)
        Response.objects.create(item=item, question_id=item.question_id, answer={}, score=score)
    # two scored answers, one fully right; the unmarked one is not counted
    assert steps.takers_share(items[4].question_id) == {"answered": 2, "percent": 50}


def test_an_answer_inserted_once_compiled_is_the_row_the_orm_writes(client, attempt):
    from django.db import connection

    items = list(attempt.items.order_by("position"))
    values = [
        {"answer": {"value": "0.8", "text": "é <b>"}, "score": 1.0, "detail": {"tp": [1, 2]}},
        {"answer": {"choices": ["a", "c"]}, "score": None, "detail": {}},
    ]
    for item, other, given in zip(items[:2], items[2:4], values, strict=True):
        fast = Response(item_id=item.pk, question_id=item.question_id, **given)
        steps.response_insert.save(fast)
        slow = Response.objects.create(item_id=other.pk, question_id=other.question_id, **given)
        assert fast.pk is not None and not fast._state.adding
        assert fast._state.db == slow._state.db == connection.alias
        stored = Response.objects.get(pk=fast.pk)
        for name in ("answer", "score", "detail", "scored_at"):
            assert getattr(stored, name) == getattr(slow, name), name
        assert (stored.answer, stored.score, stored.detail) == tuple(given.values())
        assert (stored.item_id, stored.question_id) == (item.pk, item.question_id)
        assert abs(stored.answered_at - slow.answered_at).total_seconds() < 5  # auto_now_add
        assert stored.answered_at == fast.answered_at
    with pytest.raises(IntegrityError), transaction.atomic():  # one answer per item
        steps.response_insert.save(Response(item_id=items[0].pk, question_id="x", answer={}))


@pytest.mark.django_db(transaction=True)
def test_an_answer_outside_a_transaction_is_one_statement_and_a_clash_harms_nothing(
    client, content_dir
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attempt = start(client, "article")
    first, second = attempt.items.order_by("position")[:2]
    assert connection.get_autocommit() and not connection.in_atomic_block  # as in a request
    with CaptureQueriesContext(connection) as ran:
        steps.response_insert.save(Response(item_id=first.pk, question_id="q", answer={}))
    assert [q["sql"].split()[0] for q in ran.captured_queries] == ["INSERT"]  # no BEGIN/COMMIT
    with pytest.raises(IntegrityError):  # a second answer to the same item
        steps.response_insert.save(Response(item_id=first.pk, question_id="q", answer={"x": 1}))
    assert connection.get_autocommit() and not connection.needs_rollback
    steps.response_insert.save(Response(item_id=second.pk, question_id="q", answer={}))
    assert Response.objects.filter(item__attempt=attempt).count() == 2
    assert Response.objects.get(item=first).answer == {}  # the first answer stands


@pytest.mark.django_db(transaction=True)
def test_an_answer_inside_a_transaction_clashes_in_a_savepoint(client, content_dir):
    attempt = start(client, "article")
    first, second = attempt.items.order_by("position")[:2]
    with transaction.atomic():
        steps.response_insert.save(Response(item_id=first.pk, question_id="q", answer={}))
        with pytest.raises(IntegrityError):
            steps.response_insert.save(Response(item_id=first.pk, question_id="q", answer={}))
        # the enclosing transaction is still usable, and keeps what it wrote before
        steps.response_insert.save(Response(item_id=second.pk, question_id="q", answer={}))
    assert Response.objects.filter(item__attempt=attempt).count() == 2

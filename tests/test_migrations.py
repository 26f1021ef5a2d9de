"""The migration to stored question versions moves existing attempts, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("quiz", "0001_initial")]
AFTER = [("quiz", "0002_question_versions")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_item(Item, attempt, position, *, choices=None, kind="single", answer=None):
    asked = {"title": "Which is parametric?", "kind": kind, "prompt": "<p>Pick one.</p>"}
    key = {"model_answer": "<p>Linear regression.</p>", "explanation": "<p>Why.</p>"}
    if kind == "single":
        asked["choices"] = [{"id": c, "text": c.upper(), "html": c} for c in choices]
        key.update(correct=["lin"], why=dict.fromkeys(choices, ""))
    else:
        asked["unit"] = ""
        key.update(answer=answer, tolerance=0.01, variant=1)
    return Item.objects.create(
        attempt=attempt,
        position=position,
        question_id=f"q-{kind}",
        kind=kind,
        difficulty="easy",
        skills=["stats"],
        asked=asked,
        key=key,
    )


def test_existing_attempts_move_to_shared_versions_and_back():
    old = _migrate(BEFORE)
    Attempt, Item, Response = (old.get_model("quiz", n) for n in ("Attempt", "Item", "Response"))
    first = Attempt.objects.create(owner="a" * 32, mode="article", label="Five")
    second = Attempt.objects.create(owner="b" * 32, mode="article", label="Five")
    # the same question in two choice orders, and a numeric question's variant
    one = _old_item(Item, first, 1, choices=["lin", "knn", "tree"])
    _old_item(Item, first, 2, kind="numeric", answer=0.8)
    _old_item(Item, second, 1, choices=["tree", "lin", "knn"])
    Response.objects.create(item=one, question_id="q-single", answer={"choice": "lin"}, score=1)

    new = _migrate(AFTER)
    Version, Item, Attempt, Stats = (
        new.get_model("quiz", n) for n in ("QuestionVersion", "Item", "Attempt", "QuestionStats")
    )
    assert Version.objects.count() == 2  # one per question: the two orders share a version
    moved = {(i.attempt.owner[0], i.position): i for i in Item.objects.select_related("attempt")}
    assert moved[("a", 1)].version_id == moved[("b", 1)].version_id
    assert moved[("a", 1)].choice_order == ["lin", "knn", "tree"]
    assert moved[("b", 1)].choice_order == ["tree", "lin", "knn"]
    numeric = Version.objects.get(question_id="q-numeric")
    assert numeric.key["answers"] == [0.8] and moved[("a", 2)].variant == 0
    progress = {a.owner[0]: (a.total, a.position, a.points) for a in Attempt.objects.all()}
    assert progress == {"a": (2, 2, 1.0), "b": (1, 1, 0.0)}
    stats = Stats.objects.get(question_id="q-single")
    assert (stats.answered, stats.right) == (1, 1)

    back = _migrate(BEFORE)
    Item = back.get_model("quiz", "Item")
    again = {(i.attempt.owner[0], i.position): i for i in Item.objects.select_related("attempt")}
    assert [c["id"] for c in again[("b", 1)].asked["choices"]] == ["tree", "lin", "knn"]
    assert again[("a", 2)].key["answer"] == 0.8 and again[("a", 2)].kind == "numeric"
    _migrate([("quiz", executor_leaf())])


def executor_leaf() -> str:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("quiz")[0][1]

"""`manage.py prune`: attempts past their retention go, with their items and answers, in
batches; per-question statistics keep their counts; a second run deletes nothing; --dry-run
counts and deletes nothing. On SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from careerguide.content import get_library, get_store
from quiz.attempts import freeze, saved_versions, select
from quiz.models import Attempt, Item, QuestionStats, QuestionVersion, Response
from tests.helpers import answer_all_right, start

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def prune(*args: str) -> str:
    out = StringIO()
    call_command("prune", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Attempt.objects.count(),
        Item.objects.count(),
        Response.objects.count(),
        QuestionVersion.objects.count(),
    )


def age(attempt: Attempt, days: float, *, finished: bool) -> None:
    then = timezone.now() - timedelta(days=days)
    Attempt.objects.filter(pk=attempt.pk).update(
        created_at=then, finished_at=then + timedelta(minutes=20) if finished else None
    )


def test_old_attempts_go_and_recent_ones_stay(client, content_dir, settings):
    settings.RETAIN_UNFINISHED_DAYS = 30
    settings.RETAIN_FINISHED_DAYS = 365
    stale, fresh, old, kept = (start(client) for _ in range(4))
    for attempt in (old, kept):
        answer_all_right(client, attempt)
    age(stale, 31, finished=False)
    age(fresh, 29, finished=False)
    age(old, 366, finished=True)
    age(kept, 200, finished=True)
    stats = list(QuestionStats.objects.order_by("question_id").values_list())
    answers_of_old = Response.objects.filter(item__attempt=old).count()
    assert answers_of_old == 4

    output = prune()
    assert "deleted 1 unfinished attempts started over 30 days ago (4 questions asked, 0" in output
    assert "deleted 1 finished anonymous attempts finished over 365 days ago" in output
    assert f"(4 questions asked, {answers_of_old} answers)" in output
    assert set(Attempt.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
    assert not Item.objects.filter(attempt_id__in=[stale.pk, old.pk]).exists()
    # the counters of every question keep what they counted
    assert list(QuestionStats.objects.order_by("question_id").values_list()) == stats
    assert QuestionStats.objects.aggregate(n=Sum("answered"))["n"] == 8
    # the versions are still what the site asks: kept for the next attempt
    assert QuestionVersion.objects.count() == 4

    again = counts()
    assert "deleted 0 unfinished" in prune() and counts() == again  # idempotent


def test_a_dry_run_counts_and_deletes_nothing(client, content_dir):
    attempt = start(client)
    age(attempt, 400, finished=False)
    before = counts()
    output = prune("--dry-run")
    assert "would delete 1 unfinished attempts" in output
    assert "(4 questions asked, 0 answers)" in output
    assert counts() == before
    assert "deleted 1 unfinished attempts" in prune()
    assert Attempt.objects.count() == 0


def test_the_ages_can_be_given(client, content_dir):
    attempt = start(client)
    age(attempt, 3, finished=False)
    assert "deleted 0 unfinished" in prune()
    assert "deleted 1 unfinished" in prune("--unfinished-days", "2")
    with pytest.raises(CommandError):
        prune("--finished-days", "0")


def test_a_retake_outlives_the_attempt_it_retook(client, content_dir):
    first = start(client)
    answer_all_right(client, first)
    retake = Attempt.objects.create(
        owner=first.owner, mode="retake", label="Retake", total=1, retake_of=first
    )
    age(first, 400, finished=True)
    prune()
    retake.refresh_from_db()
    assert retake.retake_of is None


def test_versions_no_longer_asked_go_when_nothing_refers_to_them(client, content_dir, touch):
    old = start(client)
    age(old, 400, finished=False)
    QuestionVersion.objects.update(created_at=timezone.now() - 2 * DAY)
    # an edit: the site now asks a new version of q-multi; the old one only `old` asks
    path = content_dir / "questions/q-multi.md"
    touch(path, path.read_text().replace("Explanation of q-multi.", "A better explanation."))
    library = get_store().refresh()
    asked_now = {freeze(library, doc).fingerprint for doc in library.all("question")}
    unused_before = QuestionVersion.objects.exclude(fingerprint__in=asked_now).count()
    assert unused_before == 1
    output = prune()
    assert "deleted 1 question versions" in output
    assert not QuestionVersion.objects.exclude(fingerprint__in=asked_now).exists()
    # a version the site asks today stays even when no attempt refers to it
    assert QuestionVersion.objects.count() == 3


def bulk_attempts(n: int, *, days: float, finished: bool) -> None:
    """n attempts of the article's questions, made ``days`` ago, written in bulk with the
    site's own frozen question versions."""
    library = get_library()
    selection = select(library, "article", "", random.Random(n))
    versions = [freeze(library, doc) for doc in selection.questions]
    ids = saved_versions(versions)
    then = timezone.now() - timedelta(days=days)
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                owner=secrets.token_urlsafe(24),
                mode="article",
                label="The article's questions",
                total=len(versions),
                finished_at=then if finished else None,
            )
            for _ in range(n)
        ]
    )
    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(created_at=then)
    Item.objects.bulk_create(
        [
            Item(
                attempt=attempt,
                position=position,
                version_id=ids[version.fingerprint],
                question_id=version.question_id,
            )
            for attempt in attempts
            for position, version in enumerate(versions, 1)
        ],
        batch_size=1000,
    )


def test_thousands_of_attempts_in_small_batches(content_dir):
    bulk_attempts(1200, days=400, finished=True)
    bulk_attempts(900, days=40, finished=False)
    bulk_attempts(300, days=1, finished=False)
    items = Item.objects.filter(position=1)
    Response.objects.bulk_create(
        [Response(item=item, question_id=item.question_id, answer={}, score=1.0) for item in items],
        batch_size=1000,
    )
    assert Attempt.objects.count() == 2400
    output = prune("--dry-run")
    assert "would delete 900 unfinished attempts" in output
    assert "would delete 1200 finished anonymous attempts" in output
    output = prune("--batch-size", "250")
    lines = output.splitlines()
    assert lines[0] == (
        "deleted 900 unfinished attempts started over 30 days ago"
        " (3600 questions asked, 900 answers)"
    )
    assert lines[1] == (
        "deleted 1200 finished anonymous attempts finished over 365 days ago"
        " (4800 questions asked, 1200 answers)"
    )
    assert Attempt.objects.count() == 300
    assert Item.objects.count() == 1200 and Response.objects.count() == 300
    assert "deleted 0 unfinished attempts" in prune()


def test_a_signed_in_learners_finished_attempts_stay(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    Attempt.objects.filter(pk=attempt.pk).update(owner="user:7")
    age(attempt, 400, finished=True)
    assert "deleted 0 finished anonymous attempts" in prune()
    assert Attempt.objects.filter(pk=attempt.pk).exists()

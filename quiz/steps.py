"""One step of an attempt: the item shown, read in one query, and what an answer writes.

A step reads only what it shows: the item at its position, with its attempt, its question
version and its response, if any (``select_related``). The attempt's ``position`` says which
question is next, so no step needs the attempt's other items.

An answer is saved with the ORM in one transaction with the attempt's progress and the
question's counters (``F()`` updates), so the attempt, its answers and the statistics always
agree. The database's unique constraint on the item makes a double submit count once.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from . import review
from .models import Attempt, Item, QuestionStats, Response, UnrecognisedAnswer


class AlreadyDone(Exception):
    """The answer or marking was recorded already (a replay, or another tab won the race)."""


def load_item(attempt_id: uuid.UUID, position: int) -> Item:
    """The item at ``position`` with its attempt, version and response. Http404 if there is
    no such attempt or position."""
    try:
        return Item.objects.select_related("attempt", "version", "response").get(
            attempt_id=attempt_id, position=position
        )
    except Item.DoesNotExist:
        raise Http404("No such question in this attempt") from None


def response_of(item: Item) -> Response | None:
    """The item's response, as read with it; None while it is unanswered."""
    try:
        return item.response
    except Response.DoesNotExist:
        return None


def _scored(item: Item, score: float) -> None:
    """Move the attempt on past ``item``, count the score in the question's totals and
    update the taker's review card for it."""
    attempt = item.attempt
    now = timezone.now()
    finished = item.position >= attempt.total
    Attempt.objects.filter(pk=attempt.pk, position=item.position).update(
        position=F("position") + 1,
        points=F("points") + score,
        finished_at=now if finished else None,
    )
    QuestionStats.objects.filter(question_id=item.question_id).update(
        answered=F("answered") + 1,
        right=F("right") + (1 if score >= 1 else 0),
        points=F("points") + score,
    )
    review.record(attempt.owner, item.question_id, score)  # the learner's spaced-review card
    attempt.position += 1
    attempt.points += score
    if finished:
        attempt.finished_at = now


def record_answer(
    item: Item, answer: dict, score: float | None, detail: dict, *, unrecognised: str = ""
) -> Response:
    """Save the taker's answer (``score`` None: it waits for their own marking). Raises
    AlreadyDone if the item has an answer already. ``unrecognised``: the normalised text of
    a free-text answer the key did not know, counted for the editors."""
    now = timezone.now()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                item=item,
                question_id=item.question_id,
                answer=answer,
                score=score,
                detail=detail,
                scored_at=now if score is not None else None,
            )
            if score is not None:
                _scored(item, score)
            if unrecognised:
                count_unrecognised(item.question_id, unrecognised)
    except IntegrityError:
        raise AlreadyDone from None
    item.response = response
    return response


def record_marking(item: Item, response: Response, score: float, detail: dict) -> None:
    """Score an answer that waited for the taker's own marking. AlreadyDone if it was marked
    already."""
    now = timezone.now()
    with transaction.atomic():
        updated = Response.objects.filter(pk=response.pk, score__isnull=True).update(
            score=score, detail=detail, scored_at=now
        )
        if not updated:
            raise AlreadyDone
        _scored(item, score)
    response.score, response.detail, response.scored_at = score, detail, now


def count_unrecognised(question_id: str, text: str) -> None:
    counted = UnrecognisedAnswer.objects.filter(question_id=question_id, text=text).update(
        count=F("count") + 1, last_seen=timezone.now()
    )
    if not counted:
        try:
            with transaction.atomic():
                UnrecognisedAnswer.objects.create(question_id=question_id, text=text, count=1)
        except IntegrityError:  # counted first by a concurrent answer
            UnrecognisedAnswer.objects.filter(question_id=question_id, text=text).update(
                count=F("count") + 1
            )


def takers_share(question_id: str) -> QuestionStats | None:
    """The question's running totals; None before its first scored answer."""
    stats = QuestionStats.objects.filter(question_id=question_id).first()
    return stats if stats is not None and stats.answered else None

"""Moving a browser's quiz data into an account when it signs in (or signs up).

On ``user_logged_in`` the browser's quiz token (its ``quiz_owner`` cookie) is looked up, and
everything kept under it is re-keyed to the account's key (quiz/owners.py):

- attempts (with their items and answers) move as they are;
- a review card for a question the account has no card for moves with its logs; for a question
  both have a card for, the account keeps one card with the more recent schedule (the one
  reviewed last), the sum of both cards' reviews and lapses, and both cards' logs;
- plans: the one updated last is kept.

Nothing is left under the token afterwards, so merging again changes nothing. Signing in on
another browser needs no merge to see the account's progress: the quiz reads by the account's
key while signed in.

Deleting an account (from its own page, or by staff in the admin) deletes what the quiz keeps
under its key, on the user's ``pre_delete``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from .models import Attempt, LearnerPlan, ReviewCard, ReviewLog
from .my_data import forget
from .owners import account_key, owner

# The fields that make a card's schedule: taken whole from the card reviewed last.
SCHEDULE = ("state", "step", "stability", "difficulty", "due", "last_review", "last_score")
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Merged:
    attempts: int = 0
    cards_moved: int = 0
    cards_combined: int = 0
    logs: int = 0
    plan: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.attempts or self.cards_moved or self.cards_combined or self.plan)


def _reviewed(card: ReviewCard) -> tuple[dt.datetime, int]:
    return (card.last_review or _EPOCH, card.reviews)


def merge(source: str, target: str) -> Merged:
    """Move everything kept under ``source`` to ``target`` (see the module's docstring)."""
    if not source or source == target:
        return Merged()
    with transaction.atomic():
        attempts = Attempt.objects.filter(owner=source).update(owner=target)
        kept = {
            c.question_id: c for c in ReviewCard.objects.select_for_update().filter(learner=target)
        }
        moved = combined = logs = 0
        for card in ReviewCard.objects.select_for_update().filter(learner=source):
            other = kept.get(card.question_id)
            if other is None:
                card.learner = target
                card.save(update_fields=["learner"])
                moved += 1
                logs += ReviewLog.objects.filter(card=card).update(learner=target)
                continue
            if _reviewed(card) > _reviewed(other):
                for name in SCHEDULE:
                    setattr(other, name, getattr(card, name))
            other.reviews += card.reviews
            other.lapses += card.lapses
            other.created_at = min(other.created_at, card.created_at)
            other.save()
            logs += ReviewLog.objects.filter(card=card).update(card=other, learner=target)
            card.delete()
            combined += 1
        # (a log is always its card's learner's; this catches one that is not)
        logs += ReviewLog.objects.filter(learner=source).update(learner=target)
        plan = _merge_plan(source, target)
    return Merged(attempts, moved, combined, logs, plan)


def _merge_plan(source: str, target: str) -> bool:
    theirs = LearnerPlan.objects.select_for_update().filter(learner=source).first()
    if theirs is None:
        return False
    ours = LearnerPlan.objects.select_for_update().filter(learner=target).first()
    if ours is not None and ours.updated_at >= theirs.updated_at:
        theirs.delete()
        return False
    if ours is not None:
        ours.delete()
    # update(), not save(): the plan keeps the time it was last changed by the learner
    LearnerPlan.objects.filter(pk=theirs.pk).update(learner=target)
    return True


def on_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: move this browser's data into the account."""
    if request is None:
        return
    token = owner(request)
    if token:
        merge(token, account_key(user.pk))


def on_user_deleted(sender, instance, **kwargs) -> None:
    """``pre_delete`` of a user: what the quiz keeps for the account goes with it."""
    forget(account_key(instance.pk))

"""Spaced review: every scored answer updates the learner's card for the question with the FSRS
scheduler (the ``fsrs`` package), and the review queue serves what is due.

- The rating comes from the score: wrong (0) is Again, partly right is Hard, right (1) is Good;
  a self-assessed answer's share of rubric points maps the same way.
- Intervals are in days: the scheduler has no learning steps of minutes (a web quiz is not
  revisited ten minutes later), and no fuzz, so the same answers give the same schedule.
- One review a UTC day moves a card: a second answer to the same question on the same day (a
  retake straight after the attempt, a second tab) is logged but does not reschedule, so a
  question cannot be pushed out, or pulled in, twice in one day.
- With a plan, no card's next review falls after the interview date: the scheduler's maximum
  interval is the number of days left.
- Cards follow the question's stable ``id``. A card whose question is no longer in the guide
  is retired: it stays for the learner's history but never enters the queue.

The clock is :func:`clock`, so tests (and the browser tests) can move it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import fsrs
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import LearnerPlan, ReviewCard, ReviewLog

UTC = dt.UTC


def clock() -> dt.datetime:
    """Now, in UTC. Everything that schedules or reads what is due asks this."""
    return timezone.now().astimezone(UTC)


def rating_for(score: float) -> fsrs.Rating:
    """The FSRS rating of a score between 0 and 1."""
    if score >= 1:
        return fsrs.Rating.Good
    if score > 0:
        return fsrs.Rating.Hard
    return fsrs.Rating.Again


def maximum_interval(interview_date: dt.date | None, now: dt.datetime) -> int | None:
    """Days a card may be scheduled ahead so that its review falls on or before the interview
    date; None when there is no date still to come (the scheduler's own maximum applies)."""
    if interview_date is None:
        return None
    days = (interview_date - now.astimezone(UTC).date()).days
    return max(1, days) if days >= 1 else None


@functools.lru_cache(maxsize=64)
def scheduler(max_interval: int | None = None) -> fsrs.Scheduler:
    """The scheduler (one per maximum interval: reviewing never changes it)."""
    return fsrs.Scheduler(
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
        maximum_interval=max_interval or 36500,  # fsrs's own maximum: a hundred years
    )


def as_fsrs(card: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk or 1,  # an explicit id: fsrs otherwise waits a millisecond to make one
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.astimezone(UTC),
        last_review=card.last_review.astimezone(UTC) if card.last_review else None,
    )


def _apply(card: ReviewCard, scheduled: fsrs.Card, rating: fsrs.Rating) -> None:
    card.state = int(scheduled.state)
    card.step = scheduled.step
    card.stability = scheduled.stability
    card.difficulty = scheduled.difficulty
    card.due = scheduled.due
    card.last_review = scheduled.last_review
    card.reviews += 1
    card.lapses += rating == fsrs.Rating.Again


def reviewed_today(card: ReviewCard, now: dt.datetime) -> bool:
    return card.last_review is not None and (
        card.last_review.astimezone(UTC).date() == now.astimezone(UTC).date()
    )


def review(
    card: ReviewCard, score: float, now: dt.datetime, interview_date: dt.date | None = None
) -> bool:
    """Update ``card`` (unsaved) for an answer scored ``score`` at ``now``. Returns whether it
    was rescheduled: False for a second review on the same UTC day, which only records the
    latest score."""
    card.last_score = score
    if reviewed_today(card, now):
        return False
    rating = rating_for(score)
    scheduled, _ = scheduler(maximum_interval(interview_date, now)).review_card(
        as_fsrs(card), rating, review_datetime=now.astimezone(UTC)
    )
    _apply(card, scheduled, rating)
    return True


def record(learner: str, question_id: str, score: float) -> ReviewLog:
    """Update the learner's card for a scored answer, and log the review. Called inside the
    transaction that records the score (quiz/steps.py), so both or neither are saved."""
    now = clock()
    plan = LearnerPlan.objects.filter(learner=learner).values_list("interview_date", flat=True)
    interview_date = plan.first()
    fresh = ReviewCard(learner=learner, question_id=question_id, due=now, created_at=now)
    review(fresh, score, now, interview_date)
    defaults = {
        f.attname: getattr(fresh, f.attname)
        for f in ReviewCard._meta.concrete_fields
        if f.attname not in ("id", "learner", "question_id")
    }
    # A card exists once its question is first scored: a new one is saved as reviewed; an
    # existing one is read under a lock, so two answers at once are applied one after the other.
    card, created = ReviewCard.objects.select_for_update().get_or_create(
        learner=learner, question_id=question_id, defaults=defaults
    )
    rescheduled = True
    if not created:
        rescheduled = review(card, score, now, interview_date)
        card.save()
    return ReviewLog.objects.create(
        card=card,
        learner=learner,
        question_id=question_id,
        score=score,
        rating=int(rating_for(score)),
        rescheduled=rescheduled,
        due_after=card.due,
        reviewed_at=now,
    )


def recall(stability: float | None, last_review: dt.datetime | None, now: dt.datetime) -> float:
    """FSRS's estimate of the chance the learner recalls the answer at ``now``, from a card's
    stability and last review (all retrievability needs)."""
    if stability is None or last_review is None:
        return 0.0
    now = now.astimezone(UTC)
    card = fsrs.Card(
        card_id=1, state=fsrs.State.Review, stability=stability, due=now,
        last_review=last_review.astimezone(UTC),
    )  # fmt: skip
    return scheduler().get_card_retrievability(card, now)


def retrievability(card, now: dt.datetime) -> float:
    """:func:`recall` of a card (a ReviewCard, or the figures of one quiz/progress.py reads)."""
    return recall(card.stability, card.last_review, now)


def live_cards(learner: str, question_ids: Iterable[str]) -> QuerySet[ReviewCard]:
    """The learner's cards for questions still in the guide (the others are retired)."""
    return ReviewCard.objects.filter(learner=learner, question_id__in=list(question_ids))


def due_cards(learner: str, question_ids: Iterable[str], now: dt.datetime):
    """Cards due by the end of ``now``'s UTC day (schedules are in days), most overdue first."""
    return (
        live_cards(learner, question_ids)
        .filter(due__lte=end_of_day(now))
        .order_by("due", "question_id")
    )


def end_of_day(now: dt.datetime) -> dt.datetime:
    """The last instant of ``now``'s UTC day: what is due "today"."""
    day = now.astimezone(UTC).date()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=UTC) - dt.timedelta(
        microseconds=1
    )


def clear(learner: str) -> None:
    """Delete the learner's cards (their logs go with them) and plan."""
    ReviewCard.objects.filter(learner=learner).delete()
    ReviewLog.objects.filter(learner=learner).delete()
    LearnerPlan.objects.filter(learner=learner).delete()


def due_figures(learner: str | None, question_ids: Iterable[str], now: dt.datetime):
    """(cards, due today) of the learner's live cards, in one query; (0, 0) without a token."""
    if not learner:
        return 0, 0
    figures = live_cards(learner, question_ids).aggregate(
        cards=Count("id"), due=Count("id", filter=Q(due__lte=end_of_day(now)))
    )
    return figures["cards"], figures["due"]

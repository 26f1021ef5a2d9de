"""Attempts at the quiz.

Questions live in content files. Each version of a question that takers were asked is frozen
once, as a :class:`QuestionVersion` keyed by its content fingerprint, and every item of an
attempt points at the version it asked, with its own choice order and numeric variant beside
it. Editing or deleting a question never changes a past result, and a million answers hold a
few hundred question texts, not a million copies.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


class QuestionVersion(models.Model):
    """A question as it was asked: what the taker sees and the answer key, frozen."""

    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    question_id = models.CharField(max_length=80, db_index=True)
    kind = models.CharField(max_length=20)
    difficulty = models.CharField(max_length=10)
    skills = models.JSONField(default=list)
    # Title, prompts (one per numeric variant), unit and choices (in a canonical order).
    asked = models.JSONField()
    # Model answer, explanation, reading, skills, and the kind's key: shown only once answered.
    key = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.question_id} ({self.fingerprint[:8]})"


class Attempt(models.Model):
    class Mode(models.TextChoices):
        ARTICLE = "article", "The article's five questions"
        MOCK = "mock", "Mock interview"
        SKILL = "skill", "Practice by skill"
        DIFFICULTY = "difficulty", "Practice by difficulty"
        ROLE = "role", "Practice by role"
        RETAKE = "retake", "Retake of missed questions"
        REVIEW = "review", "Spaced review"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(
        max_length=64,
        db_index=True,
        help_text="Random token kept in the taker's browser (the quiz_owner cookie).",
    )
    mode = models.CharField(max_length=20, choices=Mode.choices)
    label = models.CharField(max_length=200)
    retake_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retakes"
    )
    total = models.PositiveSmallIntegerField(help_text="Number of questions.")
    position = models.PositiveSmallIntegerField(
        default=1, help_text="The first question not yet scored; total + 1 once all are."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    points = models.FloatField(default=0.0, help_text="Sum of the scores so far.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=models.F("total") + 1),
                name="attempt_position_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def answered(self) -> int:
        """Questions scored so far."""
        return self.position - 1

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.total) if self.total else 0


class Item(models.Model):
    """One question of an attempt: the version it asked, in this attempt's choice order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()  # 1-based
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="items")
    question_id = models.CharField(max_length=80, db_index=True)
    # The ids of the choices in the order this attempt shows them (choice questions only).
    choice_order = models.JSONField(null=True, blank=True)
    # Which of a numeric question's variants this attempt asks.
    variant = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_item_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.question_id}"

    @property
    def kind(self) -> str:
        return self.version.kind

    @property
    def asked(self) -> dict[str, Any]:
        """What the taker sees before answering, as this attempt asks it."""
        asked = dict(self.version.asked)
        prompts = asked.pop("prompts", [""])
        asked["prompt"] = prompts[self.variant] if self.variant < len(prompts) else ""
        if self.choice_order is not None:
            by_id = {choice["id"]: choice for choice in asked["choices"]}
            asked["choices"] = [by_id[choice_id] for choice_id in self.choice_order]
        return asked

    @property
    def key(self) -> dict[str, Any]:
        """The answer key for this attempt's variant. Never shown before the answer."""
        key = dict(self.version.key)
        if self.version.kind == "numeric":
            key["answer"] = key.pop("answers")[self.variant]
            key["variant"] = self.variant
        return key


class Response(models.Model):
    """The taker's answer to one item. One per item, enforced by the database, so a double
    submit (two tabs, a replay, two app servers) records and scores one answer."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="response")
    question_id = models.CharField(max_length=80, db_index=True)
    answer = models.JSONField()
    # Null while an answer waits for the taker's own marking (an open question's rubric, or
    # a free-text example the key does not recognise).
    score = models.FloatField(null=True, blank=True)
    detail = models.JSONField(default=dict)
    answered_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="score_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"

    @property
    def correct(self) -> bool:
        return self.score is not None and self.score >= 1.0


class QuestionStats(models.Model):
    """Running totals of a question's scored answers, updated with each one (``F()``), so
    showing "N% of takers got this right" costs one row, however many answers there are."""

    question_id = models.CharField(max_length=80, unique=True)
    answered = models.PositiveIntegerField(default=0)
    right = models.PositiveIntegerField(default=0)
    points = models.FloatField(default=0.0)

    class Meta:
        verbose_name = "question statistic"
        verbose_name_plural = "question statistics"

    def __str__(self) -> str:
        return self.question_id

    @property
    def percent_right(self) -> int:
        return round(100 * self.right / self.answered) if self.answered else 0

    @property
    def average_percent(self) -> int:
        return round(100 * self.points / self.answered) if self.answered else 0


class UnrecognisedAnswer(models.Model):
    """A free-text example the answer key did not recognise, normalised and counted, so that
    editors can add what takers actually write to ``accepted`` or ``rejected``."""

    question_id = models.CharField(max_length=80)
    text = models.CharField(max_length=300, help_text="The answer, normalised.")
    count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-count", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["question_id", "text"], name="one_row_per_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.text}"


class ReviewCard(models.Model):
    """A learner's spaced-review card for one question, scheduled with FSRS (quiz/review.py).

    The learner is the browser's quiz token today (the ``quiz_owner`` cookie), kept as a plain
    string so that cards can be re-keyed to an account later. Cards follow the question's stable
    ``id``: editing its wording keeps the card; a question deleted from the guide leaves its card
    in place but out of the queue (retired), so history and progress pages still read it.
    The scheduler's state is stored in its own fields, never pickled."""

    class State(models.IntegerChoices):  # the values of fsrs.State
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    learner = models.CharField(max_length=64)
    question_id = models.CharField(max_length=80)
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_score = models.FloatField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0, help_text="Reviews that rescheduled it.")
    lapses = models.PositiveIntegerField(default=0, help_text="Reviews rated Again.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due"]
        indexes = [models.Index(fields=["learner", "due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "question_id"], name="one_card_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}, due {self.due:%Y-%m-%d}"


class ReviewLog(models.Model):
    """One scored answer as the scheduler saw it: its rating, and whether it moved the card
    (a second answer on the same UTC day is logged but does not reschedule)."""

    class Rating(models.IntegerChoices):  # the values of fsrs.Rating
        AGAIN = 1, "Again"
        HARD = 2, "Hard"
        GOOD = 3, "Good"
        EASY = 4, "Easy"

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    learner = models.CharField(max_length=64)
    question_id = models.CharField(max_length=80)
    score = models.FloatField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    rescheduled = models.BooleanField()
    due_after = models.DateTimeField(help_text="The card's due date after this review.")
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["learner", "reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.get_rating_display()}"


class LearnerPlan(models.Model):
    """A learner's interview date and target role: the plan (quiz/planning.py) works back
    from them, and no card's next review is scheduled after the date."""

    learner = models.CharField(max_length=64, unique=True)
    interview_date = models.DateField()
    role = models.CharField(max_length=80, help_text="The target role's slug.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.role} on {self.interview_date:%Y-%m-%d}"

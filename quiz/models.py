"""Attempts at the quiz. Questions live in content files; an attempt freezes a snapshot of
each question it asks, so editing or deleting a question never changes a past result."""

from __future__ import annotations

import uuid

from django.db import models


class Attempt(models.Model):
    class Mode(models.TextChoices):
        ARTICLE = "article", "The article's five questions"
        MOCK = "mock", "Mock interview"
        SKILL = "skill", "Practice by skill"
        DIFFICULTY = "difficulty", "Practice by difficulty"
        ROLE = "role", "Practice by role"
        RETAKE = "retake", "Retake of missed questions"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(
        max_length=64, db_index=True, help_text="Random token kept in the taker's browser session."
    )
    mode = models.CharField(max_length=20, choices=Mode.choices)
    label = models.CharField(max_length=200)
    retake_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retakes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True, help_text="Total score, set on finishing.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.created_at:%Y-%m-%d %H:%M})"


class Item(models.Model):
    """One question of an attempt, as it was asked."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()  # 1-based
    question_id = models.CharField(max_length=80, db_index=True)
    kind = models.CharField(max_length=20)
    difficulty = models.CharField(max_length=10)
    skills = models.JSONField(default=list)
    # What the taker sees before answering: title, prompt, choices in their shuffled order.
    asked = models.JSONField()
    # The answer key, model answer, explanation and reading: shown only once answered.
    key = models.JSONField()

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_item_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.asked.get('title', self.question_id)}"


class Response(models.Model):
    """The taker's answer to one item. One per item, enforced by the database, so a double
    submit (two tabs, a replay, two app servers) records and scores one answer."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="response")
    question_id = models.CharField(max_length=80, db_index=True)
    answer = models.JSONField()
    # Null while an open answer waits for the taker to tick the rubric points they covered.
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


class QuestionStatistic(Response):
    """Admin-only view of responses grouped by question."""

    class Meta:
        proxy = True
        verbose_name = "question statistic"
        verbose_name_plural = "question statistics"

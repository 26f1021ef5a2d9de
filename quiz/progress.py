"""A learner's progress: per skill, how much of it they have seen and how well they know it now,
readiness per role weighted by the role's skill emphasis, and their scores over time.

How well a learner knows a question now is FSRS's retrievability of its card (the chance they
would recall it today), never more than their latest score on it: a question answered wrong
just now is not known, though the scheduler, having just shown the answer, rates recall high.
Questions answered before they had cards count with the average of their scores.

A skill's figure is the sum of what the learner knows of its questions over all its questions:
a question not yet seen counts as nothing. A role's readiness is the average of its skills'
figures, each weighted by its emphasis in the role (1 to 5, the role's front matter). It
measures practice on this site, not anyone's chances of being hired.

Every figure here is worked out from two queries (the cards, and the scores of answers without
one) and one more for the history, however many cards there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from django.db.models import Avg, Count
from django.db.models.functions import TruncDate

from careerguide.charts import PAIR_BAR, Chart, bar_chart
from careerguide.content import Document, Library

from . import review
from .models import Response, ReviewCard, ReviewLog

STRONG = 0.7  # a skill figure of 70% or more is strong
FAIR = 0.4  # 40% to 70% is fair; under 40% weak
WEAKEST = 3  # how many of a role's weakest skills the page suggests


@dataclass(frozen=True, slots=True)
class Card:
    """What these pages read of a card: plain values, not a model instance, since a learner of
    long standing has hundreds."""

    question_id: str
    due: dt.datetime
    last_review: dt.datetime | None
    stability: float | None
    last_score: float | None
    created_at: dt.datetime


CARD_FIELDS = tuple(f.name for f in fields(Card))


@dataclass(frozen=True)
class LearnerData:
    cards: Sequence[Card | ReviewCard]
    scores: dict[str, float]  # average score of scored answers to questions without a card

    @property
    def empty(self) -> bool:
        return not self.cards and not self.scores


def load(learner: str | None) -> LearnerData:
    """The learner's cards, and their scores on questions they have no card for (answers from
    before cards existed). Two queries."""
    if not learner:
        return LearnerData([], {})
    cards = [
        Card(*row) for row in ReviewCard.objects.filter(learner=learner).values_list(*CARD_FIELDS)
    ]
    carded = ReviewCard.objects.filter(learner=learner).values("question_id")
    scores = dict(
        Response.objects.filter(item__attempt__owner=learner, score__isnull=False)
        .exclude(question_id__in=carded)
        .values("question_id")
        .annotate(mean=Avg("score"))
        .values_list("question_id", "mean")
    )
    return LearnerData(cards, scores)


def knowledge(data: LearnerData, now: dt.datetime) -> dict[str, float]:
    """How well the learner knows each question they have answered, 0 to 1."""
    known = {
        card.question_id: min(
            review.retrievability(card, now),
            card.last_score if card.last_score is not None else 1.0,
        )
        for card in data.cards
    }
    for question_id, score in data.scores.items():
        known.setdefault(question_id, score)
    return known


@dataclass
class SkillFigure:
    slug: str
    title: str
    url: str
    total: int  # questions on the skill
    seen: int = 0
    known: float = 0.0  # sum over the questions seen of how well each is known

    @property
    def seen_percent(self) -> int:
        return round(100 * self.seen / self.total) if self.total else 0

    @property
    def known_percent(self) -> int:
        """How well the questions seen are known, on average."""
        return round(100 * self.known / self.seen) if self.seen else 0

    @property
    def score(self) -> float:
        """The share of the skill's questions the learner knows now (unseen ones count 0)."""
        return self.known / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def word(self) -> str:
        if not self.seen:
            return "not yet tried"
        if self.score >= STRONG:
            return "strong"
        return "fair" if self.score >= FAIR else "weak"


def skill_figures(library: Library, known: dict[str, float]) -> list[SkillFigure]:
    """Every skill with questions, in the library's order."""
    figures = []
    for skill in library.all("skill"):
        questions = library.questions_for(skill=skill.slug)
        if not questions:
            continue
        figure = SkillFigure(skill.slug, skill.title, skill.url or "", len(questions))
        for question in questions:
            if question.slug in known:
                figure.seen += 1
                figure.known += known[question.slug]
        figures.append(figure)
    return figures


@dataclass
class Readiness:
    role: Document
    percent: int
    parts: list[tuple[SkillFigure, int]]  # (skill figure, emphasis), most emphasised first
    weakest: list[SkillFigure] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """ "62%: statistics strong, MLOps weak, system design not yet tried"."""
        words = ", ".join(f"{figure.title} {figure.word}" for figure, _ in self.parts)
        return f"{self.percent}%: {words}"


def readiness(library: Library, figures: Sequence[SkillFigure]) -> list[Readiness]:
    """One figure per role: its skills' figures weighted by their emphasis in the role."""
    by_slug = {f.slug: f for f in figures}
    out = []
    for role in library.all("role"):
        parts = [
            (by_slug[s.skill], s.emphasis)
            for s in sorted(role.meta.skills, key=lambda s: -s.emphasis)
            if s.skill in by_slug
        ]
        weight = sum(emphasis for _, emphasis in parts)
        value = sum(f.score * emphasis for f, emphasis in parts) / weight if weight else 0.0
        # weakest first; of two equally weak skills, the one the role leans on more
        weakest = [f for f, _ in sorted(parts, key=lambda p: (p[0].score, -p[1]))[:WEAKEST]]
        out.append(Readiness(role, round(100 * value), parts, weakest))
    return out


@dataclass(frozen=True)
class Day:
    day: dt.date
    answers: int
    mean: float

    @property
    def percent(self) -> int:
        return round(100 * self.mean)


def history(learner: str | None, days: int = 30) -> list[Day]:
    """The learner's average score on each of their latest ``days`` days of practice, newest
    first. One query."""
    if not learner:
        return []
    rows = (
        ReviewLog.objects.filter(learner=learner)
        .annotate(day=TruncDate("reviewed_at"))
        .values("day")
        .annotate(answers=Count("id"), mean=Avg("score"))
        .order_by("-day")[:days]
    )
    return [Day(row["day"], row["answers"], row["mean"]) for row in rows]


def skills_chart(figures: Sequence[SkillFigure]) -> Chart:
    desc = "Bar chart, two bars per skill: the share of its questions you have seen, and how "
    desc += "well you know them now. " + " ".join(
        f"{f.title}: seen {f.seen_percent}%, known {f.known_percent}%." for f in figures
    )
    return bar_chart(
        id="progress-chart",
        title="Your progress by skill",
        desc=desc,
        entries=[
            (
                f.title,
                [
                    (f.seen_percent, f"seen {f.seen_percent}%", "bar-a"),
                    (f.known_percent, f"known {f.known_percent}%", "bar-b"),
                ],
            )
            for f in figures
        ],
        scale_max=100,
        ticks=[(v, f"{v}%") for v in (0, 25, 50, 75, 100)],
        bar_height=PAIR_BAR,
        legend=[("bar-a", "Questions seen"), ("bar-b", "Known now (of those seen)")],
    )


def history_chart(days: Sequence[Day]) -> Chart:
    ordered = list(reversed(days))  # oldest first, as time runs
    desc = "Bar chart of your average score on each day you practised, oldest first. " + " ".join(
        f"{d.day:%-d %b}: {d.percent}% over {d.answers} answers." for d in ordered
    )
    return bar_chart(
        id="history-chart",
        title="Your average score by day",
        desc=desc,
        entries=[(f"{d.day:%-d %b %Y}", [(d.percent, f"{d.percent}%", "bar-a")]) for d in ordered],
        scale_max=100,
        ticks=[(v, f"{v}%") for v in (0, 25, 50, 75, 100)],
        bar_height=PAIR_BAR,
    )

"""The plan to an interview date: every question for the target role seen before the date, new
ones introduced at a steady daily rate, the most useful first.

- Days: from today to the day before the interview (the interview day itself is for review).
- Rate: the questions still to introduce as of this morning (those not yet seen, and those first
  seen today) over the days left, rounded up, so the rate stays the same all day however many
  the learner does, and each day's rate follows from what is left.
- A rate above ``MAX_NEW_PER_DAY`` means the date is too close: the plan keeps that rate and
  covers the most useful subset that fits.
- Most useful first: a question's value is, over its skills, the skill's emphasis for the role
  (1 to 5) times how much of the skill the learner does not know yet (quiz/progress.py), so the
  weakest skills with the most emphasis come first; easier questions first among equals.
- No card's next review is scheduled after the date: the scheduler's maximum interval is the
  days left (quiz/review.py).

Everything is worked out from the plan, the cards and the clock, as the page is shown: the plan
is recomputed with every answer. ``build`` is a pure function of those, for tests with a fixed
clock.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from careerguide.content import Document, Library

from . import progress, review
from .attempts import DIFFICULTIES
from .models import LearnerPlan

MAX_NEW_PER_DAY = 15  # new interview questions a day: each takes a few minutes to answer well
LONGEST = 2 * 365  # days ahead an interview date may be set


@dataclass
class Plan:
    role: Document
    interview_date: dt.date
    today: dt.date
    questions: list[Document]  # every question for the role, most useful first
    seen: int  # of them
    rate: int = 0  # new questions a day
    new_today: list[Document] = field(default_factory=list)  # still to do today
    due_today: int = 0  # cards due by the end of today (any role)
    finish: dt.date | None = None  # when the last planned question will have been seen
    covered: int = 0  # questions the plan will have shown by then (all of them unless too close)
    too_close: bool = False
    subset_skills: list[str] = field(default_factory=list)  # what the subset covers, in order

    @property
    def days_left(self) -> int:
        return (self.interview_date - self.today).days

    @property
    def passed(self) -> bool:
        """The interview is today or was before: nothing new is planned."""
        return self.days_left <= 0

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def unseen(self) -> int:
        return self.total - self.seen


def value_order(
    role: Document, questions: list[Document], figures: list[progress.SkillFigure]
) -> list[Document]:
    """The role's questions, most useful first (see the module's docstring)."""
    emphasis = {s.skill: s.emphasis for s in role.meta.skills}
    score = {f.slug: f.score for f in figures}
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}

    def value(question: Document) -> float:
        return max(
            (emphasis.get(s, 1) * (1 - score.get(s, 0.0)) for s in question.meta.skills),
            default=0.0,
        )

    return sorted(questions, key=lambda q: (-value(q), rank.get(q.meta.difficulty, 0), q.slug))


def build(
    library: Library,
    role: Document,
    interview_date: dt.date,
    data: progress.LearnerData,
    now: dt.datetime,
) -> Plan:
    today = now.astimezone(review.UTC).date()
    figures = progress.skill_figures(library, progress.knowledge(data, now))
    questions = value_order(role, library.questions_for(role=role.slug), figures)
    cards = {c.question_id: c for c in data.cards}
    seen = set(cards) | set(data.scores)
    unseen = [q for q in questions if q.slug not in seen]
    plan = Plan(role, interview_date, today, questions, len(questions) - len(unseen))
    live = {q.slug for q in library.all("question")}
    end = review.end_of_day(now)
    plan.due_today = sum(1 for c in data.cards if c.question_id in live and c.due <= end)
    if plan.passed:
        return plan
    started_today = sum(
        1
        for q in questions
        if q.slug in cards and cards[q.slug].created_at.astimezone(review.UTC).date() == today
    )
    pool = len(unseen) + started_today  # still to introduce as of this morning
    if not pool:
        return plan
    needed = math.ceil(pool / plan.days_left)
    plan.too_close = needed > MAX_NEW_PER_DAY
    plan.rate = min(needed, MAX_NEW_PER_DAY)
    target = min(pool, plan.rate * plan.days_left)
    plan.new_today = unseen[: max(0, min(plan.rate - started_today, target - started_today))]
    plan.finish = today + dt.timedelta(days=math.ceil(target / plan.rate) - 1)
    plan.covered = max(plan.seen, plan.seen - started_today + target)
    if plan.too_close:
        subset = unseen[: max(0, target - started_today)]
        titles = {f.slug: f.title for f in figures}
        for question in subset:
            for skill in question.meta.skills:
                title = titles.get(skill)
                if title and title not in plan.subset_skills:
                    plan.subset_skills.append(title)
    return plan


def current(
    library: Library, learner: str | None, data: progress.LearnerData, now: dt.datetime
) -> Plan | None:
    """The learner's plan as it stands now; None without one (or if its role is gone). One
    query beside the learner's data."""
    if not learner:
        return None
    stored = LearnerPlan.objects.filter(learner=learner).first()
    if stored is None:
        return None
    role = library.get("role", stored.role)
    if role is None:
        return None
    return build(library, role, stored.interview_date, data, now)

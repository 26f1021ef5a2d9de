"""Scoring "Which role fits me?": plain functions over the assessment's items (the front matter
of ``content/fit/assessment.md``), the role documents and a learner's answers. No requests.

Every answer is one of five levels, 0 to 4. Its **lean** is the level minus 2 (-2 to 2), so the
middle answer ("Neutral", "Neither", a skill rated 2 of 4) moves nothing. An item moves each
role's score by its lean times the item's weight for that role (-3 to 3, 0 when the item does
not name the role). A role's fit is its score over the largest score its items allow, placed on
0 to 100 with 50 as neutral: unanswered items count as neutral, so skipping never helps a role.

The skill gap compares, for one role, the level each skill's emphasis expects (1-5 mapped onto
0-4) with the learner's own rating and, where they have practised here, the level their quiz
answers suggest. Where both exist the plan uses the lower of the two.
"""

from __future__ import annotations

import binascii
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core import signing

from careerguide.charts import Chart, bar_chart
from careerguide.content import FitItem

LEVELS = 5  # answers 0..4
TOP = LEVELS - 1
NEUTRAL = TOP // 2
EMPHASIS_MAX = 5
DISAGREE = 1.0  # levels apart before a self-rating and a measured figure are called different
PLAN_SIZE = 3
TOKEN_SALT = "careerguide.fit.result"


class InvalidAnswers(ValueError):
    """The answers in a request or a shared link cannot be read: the message says why."""


# --- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    values: Mapping[str, int]  # item id -> level 0..4; unanswered items are absent
    role: str = ""  # the role the learner chose to plan for; "" for the best fit

    def canonical(self) -> dict[str, str]:
        """The answers as query parameters, in a stable order."""
        out = {key: str(self.values[key]) for key in sorted(self.values)}
        if self.role:
            out["role"] = self.role
        return out


def read_answers(
    items: Sequence, role_slugs: Sequence[str], query: Mapping[str, str | Sequence[str]]
) -> Answers:
    """Validate submitted answers: each key an item id (or ``role``), given once, each value a
    level 0-4 (an empty value is a skipped item). Anything else raises :class:`InvalidAnswers`."""
    ids = {item.id for item in items}
    values: dict[str, int] = {}
    role = ""
    for key, raw in query.items():
        given = [raw] if isinstance(raw, str) else list(raw)
        if len(given) != 1:
            raise InvalidAnswers(f"'{key}' is given {len(given)} times; give each answer once.")
        value = given[0]
        if key == "role":
            if value and value not in role_slugs:
                raise InvalidAnswers(f"There is no role called '{value[:80]}'.")
            role = value
        elif key not in ids:
            raise InvalidAnswers(f"The assessment has no item called '{key[:80]}'.")
        elif value == "":
            continue
        elif value.isascii() and value.isdigit() and int(value) < LEVELS:
            values[key] = int(value)
        else:
            raise InvalidAnswers(f"The answer to '{key}' must be a whole number from 0 to {TOP}.")
    return Answers(values, role)


def encode(answers: Answers) -> str:
    """A compact signed token of the answers, for a result link that needs no database row.
    The same answers always give the same token (no timestamp: a shared result never expires,
    though a new ``SECRET_KEY`` without the old one in ``SECRET_KEY_FALLBACKS`` ends it)."""
    return signing.Signer(salt=TOKEN_SALT).sign_object(answers.canonical(), compress=True)


def decode(
    token: str, items: Sequence, role_slugs: Sequence[str], *, max_length: int = 2000
) -> Answers:
    """The answers a token from :func:`encode` holds. A token that was changed, cut short or not
    made here raises :class:`InvalidAnswers`; so does one whose answers no longer fit the items
    (an editor removed one), since its result could not be reproduced."""
    if len(token) > max_length:
        raise InvalidAnswers("This result link is too long to be one of ours.")
    try:
        data = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (
        signing.BadSignature,
        binascii.Error,
        zlib.error,
        json.JSONDecodeError,
        UnicodeDecodeError,
    ):
        raise InvalidAnswers(
            "This result link has been changed or cut short: take the assessment again."
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InvalidAnswers("This result link does not hold answers.")
    try:
        return read_answers(items, role_slugs, data)
    except InvalidAnswers as exc:
        raise InvalidAnswers(
            f"{exc} The assessment has changed since this link was made: take it again."
        ) from None


# --- fit per role ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Push:
    """One answer's pull on one role."""

    item: FitItem
    label: str  # the answer as the learner chose it, e.g. "Very much" or "3 of 4"
    amount: int  # lean x weight: positive toward the role, negative away from it

    @property
    def reason(self) -> str:
        """The answer in words: '"Making a slow service fast": very much'."""
        if self.item.kind == "skill":
            return f"you rated {self.item.text} {self.label}"
        return f"“{self.item.text.rstrip('.')}”: {self.label.lower()}"


@dataclass(frozen=True)
class RoleFit:
    slug: str
    score: int
    maximum: int  # the largest score the items allow this role
    toward: tuple[Push, ...]  # strongest first
    away: tuple[Push, ...]

    @property
    def percent(self) -> int:
        """0 to 100; 50 is neutral."""
        if not self.maximum:
            return 50
        return round(50 + 50 * self.score / self.maximum)

    @property
    def word(self) -> str:
        share = self.score / self.maximum if self.maximum else 0.0
        if share >= 0.4:
            return "a strong lean toward"
        if share >= 0.15:
            return "some lean toward"
        if share > -0.15:
            return "no clear lean either way on"
        return "a lean away from"


def answer_label(item, level: int, scales: Mapping[str, Sequence[str]]) -> str:
    if item.kind == "skill":
        return f"{level} of {TOP}"
    return scales[item.kind][level]


def role_fits(
    items: Sequence, answers: Answers, role_slugs: Sequence[str], scales: Mapping[str, Sequence]
) -> list[RoleFit]:
    """Each role's fit, best first; roles with equal scores keep the order of ``role_slugs``."""
    fits = []
    for slug in role_slugs:
        score = maximum = 0
        pushes = []
        for item in items:
            weight = item.weights.get(slug, 0)
            maximum += abs(weight) * (TOP - NEUTRAL)
            level = answers.values.get(item.id)
            if level is None or not weight:
                continue
            amount = (level - NEUTRAL) * weight
            score += amount
            if amount:
                pushes.append(Push(item, answer_label(item, level, scales), amount))
        toward = sorted((p for p in pushes if p.amount > 0), key=lambda p: -p.amount)
        away = sorted((p for p in pushes if p.amount < 0), key=lambda p: p.amount)
        fits.append(RoleFit(slug, score, maximum, tuple(toward), tuple(away)))
    order = {slug: i for i, slug in enumerate(role_slugs)}
    return sorted(fits, key=lambda f: (-f.percent, order[f.slug]))


def leaders(fits: Sequence[RoleFit]) -> list[RoleFit]:
    """The roles that share the best fit: one, several (a tie), or none when no answer leans."""
    if not fits or all(f.score == 0 for f in fits):
        return []
    best = fits[0].percent
    return [f for f in fits if f.percent == best]


def chosen_role(fits: Sequence[RoleFit], answers: Answers, role_slugs: Sequence[str]) -> str:
    """The role to plan for: the learner's choice, else the (first) best fit, else the first."""
    if answers.role:
        return answers.role
    top = leaders(fits)
    return top[0].slug if top else role_slugs[0]


# --- skill gap and plan ---------------------------------------------------------------------------


def expected_level(emphasis: int) -> int:
    """The level 0-4 a role's emphasis 1-5 asks for: 5 -> 4, 4 -> 3, 3 and 2 -> 2, 1 -> 1."""
    return round(emphasis * TOP / EMPHASIS_MAX)


@dataclass(frozen=True)
class SkillGap:
    skill: str  # slug
    emphasis: int
    expected: int
    rated: int | None  # the learner's own rating, if given
    measured: float | None = None  # share 0..1 of the skill's quiz answers known, if practised
    item: FitItem | None = field(default=None, compare=False)  # the item that rates it, if any

    @property
    def measured_level(self) -> float | None:
        return None if self.measured is None else self.measured * TOP

    @property
    def measured_rounded(self) -> int | None:
        level = self.measured_level
        return None if level is None else int(level + 0.5)

    @property
    def level(self) -> int | None:
        """What the plan goes by: the lower of the rating and the measured level."""
        known = [v for v in (self.rated, self.measured_rounded) if v is not None]
        return min(known) if known else None

    @property
    def gap(self) -> int:
        """Levels short of what the role expects (an unrated skill counts from 0)."""
        return max(0, self.expected - (self.level or 0))

    @property
    def disagrees(self) -> bool:
        level = self.measured_level
        return self.rated is not None and level is not None and abs(self.rated - level) >= DISAGREE


def skill_gaps(
    role, items: Sequence, answers: Answers, measured: Mapping[str, float]
) -> list[SkillGap]:
    """The role's skills, most emphasised first, against the learner's ratings and figures."""
    by_skill = {item.skill: item for item in items if item.kind == "skill"}
    gaps = []
    for entry in sorted(role.meta.skills, key=lambda s: -s.emphasis):
        item = by_skill.get(entry.skill)
        rated = answers.values.get(item.id) if item is not None else None
        share = measured.get(entry.skill)
        if share is not None:
            share = min(1.0, max(0.0, float(share)))
        gaps.append(
            SkillGap(
                entry.skill, entry.emphasis, expected_level(entry.emphasis), rated, share, item
            )
        )
    return gaps


def plan(gaps: Sequence[SkillGap], size: int = PLAN_SIZE) -> list[SkillGap]:
    """The next skills to work on: the largest gaps weighted by emphasis; then, if fewer have a
    gap, the role's most emphasised skills, to deepen."""
    ranked = sorted(gaps, key=lambda g: (-(g.gap * g.emphasis), -g.emphasis))
    return ranked[:size]


def gap_chart(gaps: Sequence[SkillGap], titles: Mapping[str, str], role_title: str) -> Chart:
    """Bars per skill: the level the role expects, the learner's rating and, where practised,
    the level their quiz answers suggest. The same figures as the result's table."""

    def show(value: float | None, what: str) -> tuple[float, str]:
        return (0.0, what) if value is None else (value, f"{value:g} of {TOP}")

    entries = []
    parts = []
    for g in gaps:
        rated = show(g.rated, "not rated")
        bars = [
            (g.expected, f"{g.expected} of {TOP}", "bar-a"),
            (rated[0], rated[1], "bar-b"),
        ]
        measured = None if g.measured_level is None else round(g.measured_level, 1)
        if measured is not None:
            bars.append((measured, f"{measured:g} of {TOP}", "bar-c"))
        entries.append((titles.get(g.skill, g.skill), bars))
        part = f"{titles.get(g.skill, g.skill)}: the role needs {g.expected}, "
        part += "not rated" if g.rated is None else f"your rating {g.rated}"
        if measured is not None:
            part += f", your quiz answers {measured:g}"
        parts.append(part + ".")
    legend = [("bar-a", f"A {role_title.lower()} needs"), ("bar-b", "Your rating")]
    if any(g.measured is not None for g in gaps):
        legend.append(("bar-c", "Your quiz answers"))
    return bar_chart(
        id="gap-chart",
        title=f"Skill gap for a {role_title.lower()}, levels 0 to {TOP}",
        desc="Bar chart of each skill: the level the role expects, your own rating and, "
        "where you have practised, the level your quiz answers suggest. " + " ".join(parts),
        entries=entries,
        scale_max=TOP,
        ticks=[(level, str(level)) for level in range(LEVELS)],
        bar_height=12,
        legend=legend,
    )

"""Front matter schemas, one per kind of content file.

Each model declares what an editor may write in a file's YAML front matter. Unknown fields are
errors (``extra="forbid"``) so that a typo such as ``titel:`` is reported instead of ignored.
``content/README.md`` documents every field; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Difficulty = Literal["easy", "medium", "hard"]


def _is_content_link(value: str) -> str:
    target = value.split("#", 1)[0]
    if not target.endswith(".md") or "://" in value:
        raise ValueError(
            "must be a relative link to a .md file, e.g. ../skills/mlops.md#monitoring"
        )
    return value


ContentLink = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_is_content_link)
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Common(Strict):
    """Fields every kind shares."""

    title: Title
    description: ShortText = Field(description="One or two sentences for search engines and cards.")
    updated: dt.date | None = None
    draft: bool = False


# --- guide pages ---------------------------------------------------------------------------


class PageMeta(Common):
    """``content/pages/<slug>.md``: free-standing pages (home, pay, about)."""

    nav_title: ShortText | None = None


class PayFigure(Strict):
    occupation: ShortText = Field(description="The official occupation the figure is for.")
    soc: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}$")] | None = None
    median_usd: Annotated[int, Field(gt=0, lt=10_000_000)]
    as_of: ShortText = Field(description='Reference period of the figure, e.g. "May 2024".')
    region: ShortText
    source: ShortText
    url: Annotated[str, StringConstraints(pattern=r"^https://")]
    note: ShortText | None = None


class OutlookFigure(Strict):
    occupation: ShortText
    soc: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}$")] | None = None
    growth_percent: Annotated[int, Field(ge=-100, le=1000)]
    period: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2,4}$")]
    region: ShortText
    source: ShortText
    url: Annotated[str, StringConstraints(pattern=r"^https://")]


class SkillEmphasis(Strict):
    skill: Slug
    emphasis: Annotated[int, Field(ge=1, le=5)] = Field(
        description="How central the skill is to the role, 1 (useful) to 5 (core)."
    )


class WeekendTest(Strict):
    """A small project that feels like the role's real work, to try it before committing."""

    title: ShortText = Field(description='The project in a few words, e.g. "A daily pipeline".')
    project: Text = Field(description="What to build, concretely, with the data to use.")
    steps: Annotated[list[ShortText], Field(min_length=2, max_length=6)]
    notice: Annotated[list[ShortText], Field(min_length=1, max_length=5)] = Field(
        description="What to notice while doing it."
    )
    tells_you: Text = Field(description="What enjoying (or hating) it tells you about the role.")


class RoleMeta(Common):
    """``content/roles/<slug>.md``: an occupation profile."""

    summary: ShortText
    order: int = 0
    typical_education: ShortText
    experience: ShortText
    focus: ShortText
    daily_work: Annotated[list[ShortText], Field(min_length=2, max_length=8)]
    tools: Annotated[list[ShortText], Field(min_length=2, max_length=12)]
    skills: Annotated[list[SkillEmphasis], Field(min_length=3)]
    education: Annotated[list[Slug], Field(min_length=1)]
    similar: list[Slug] = []
    pay: Annotated[list[PayFigure], Field(min_length=1)]
    outlook: Annotated[list[OutlookFigure], Field(min_length=1)]
    weekend_test: WeekendTest | None = None

    @field_validator("skills")
    @classmethod
    def _unique_skills(cls, value: list[SkillEmphasis]) -> list[SkillEmphasis]:
        seen = [item.skill for item in value]
        if len(seen) != len(set(seen)):
            raise ValueError("a skill is listed twice")
        return value


class SkillMeta(Common):
    """``content/skills/<slug>.md``: a skill the roles need."""

    summary: ShortText
    order: int = 0
    in_article: bool = Field(False, description="One of the four skills the source article names.")
    why: Annotated[dict[Slug, Text], Field(min_length=1)] = Field(
        description="Why the skill matters, keyed by role slug."
    )


class EducationMeta(Common):
    """``content/education/<slug>.md``: a path into the field."""

    summary: ShortText
    order: int = 0
    path_type: Literal["degree", "masters", "bootcamp", "self-study"]
    duration: ShortText
    cost: ShortText
    gives: Annotated[list[ShortText], Field(min_length=1)]
    suits: Annotated[list[Slug], Field(min_length=1)]


class ComparisonMeta(Common):
    """``content/compare/<a>-vs-<b>.md``: two roles side by side."""

    roles: Annotated[list[Slug], Field(min_length=2, max_length=2)]
    ideal_if: dict[Slug, Annotated[list[ShortText], Field(min_length=1)]]

    @model_validator(mode="after")
    def _ideal_if_covers_roles(self) -> ComparisonMeta:
        if self.roles[0] == self.roles[1]:
            raise ValueError("roles: a comparison needs two different roles")
        if set(self.ideal_if) != set(self.roles):
            raise ValueError(
                "ideal_if: give one list for each of the two roles, keyed by role slug"
            )
        return self


# --- the self-assessment ("Which role fits me?") --------------------------------------------

FIT_LEVELS = 5  # every answer is one of five: 0 to 4
FitWeight = Annotated[int, Field(ge=-3, le=3)]
FitScale = Annotated[list[ShortText], Field(min_length=FIT_LEVELS, max_length=FIT_LEVELS)]


class FitItem(Strict):
    """One item of the assessment: an activity to rate, a statement about how one likes to work,
    or a skill to rate oneself on."""

    id: Slug = Field(description="The item's permanent name: shared result links use it.")
    kind: Literal["interest", "style", "skill"]
    text: ShortText
    weights: Annotated[dict[Slug, FitWeight], Field(min_length=1)] = Field(
        description="How far each role's fit moves per step of the answer, -3 to 3, by role slug."
    )
    # skill items only
    skill: Slug | None = Field(None, validate_default=True)
    levels: FitScale | None = Field(
        None, validate_default=True, description="What each level, 0 to 4, means for this skill."
    )
    education: list[Slug] | None = Field(
        None, validate_default=True, description="Education paths that teach the skill."
    )

    @field_validator("weights")
    @classmethod
    def _some_weight(cls, value: dict[str, int]) -> dict[str, int]:
        if not any(value.values()):
            raise ValueError("give at least one role a weight other than 0")
        return value

    @field_validator("skill", "levels", "education")
    @classmethod
    def _skill_fields(cls, value, info: ValidationInfo):
        kind = info.data.get("kind")
        if kind is None:  # the kind itself is wrong: that is the error to report
            return value
        if kind == "skill" and value is None and info.field_name != "education":
            raise ValueError("required for kind skill")
        if kind != "skill" and value is not None:
            raise ValueError(f"not used by kind {kind}")
        return value


class FitMeta(Common):
    """``content/fit/<slug>.md``: the self-assessment at /fit/. The body introduces it."""

    interest_scale: FitScale = Field(description="Answers to interest items, least to most.")
    style_scale: FitScale = Field(description="Answers to style items, disagree to agree.")
    items: Annotated[list[FitItem], Field(min_length=12, max_length=20)]

    @field_validator("items")
    @classmethod
    def _unique_items(cls, value: list[FitItem]) -> list[FitItem]:
        for name in ("id", "skill"):
            seen: set[str] = set()
            for item in value:
                key = getattr(item, name)
                if key is not None and key in seen:
                    what = "share the id" if name == "id" else "rate the skill"
                    raise ValueError(f"two items {what} '{key}'")
                seen.add(key)
        return value


# --- questions -----------------------------------------------------------------------------


class Choice(Strict):
    id: Slug
    text: Text
    correct: bool = False
    why: Text | None = Field(
        None, description="Shown after answering: why this choice is right or wrong."
    )


class Variant(Strict):
    given: Annotated[
        dict[Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")], float | int],
        Field(min_length=1),
    ]
    answer: float


class ExampleAnswer(Strict):
    answer: ShortText
    aliases: list[ShortText] = []
    why: Text


class RubricPoint(Strict):
    point: ShortText
    terms: list[ShortText] = Field(
        default_factory=list,
        description="Key terms: if the taker's text contains one, the point comes pre-ticked.",
    )


class ReadLink(Strict):
    link: ContentLink
    label: ShortText | None = None


class QuestionMeta(Strict):
    """``content/questions/<anything>.md``: one interview question.

    The body of the file is the explanation shown after answering.
    """

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
    title: Title = Field(description="The question as the taker reads it.")
    kind: Literal["single", "multiple", "numeric", "example", "open"]
    difficulty: Difficulty
    skills: Annotated[list[Slug], Field(min_length=1)]
    roles: Annotated[list[Slug], Field(min_length=1)]
    article: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, description="Position among the source article's five questions."
    )
    behavioural: bool = False
    prompt: Text | None = Field(
        None, description="Markdown shown under the title; numeric kinds use {names}."
    )
    model_answer: Text
    read: Annotated[list[ReadLink], Field(min_length=1)]
    updated: dt.date | None = None
    draft: bool = False
    # kind-specific answer data
    choices: list[Choice] | None = None
    variants: list[Variant] | None = None
    tolerance: Annotated[float, Field(ge=0)] | None = None
    unit: ShortText | None = None
    criterion: ShortText | None = Field(
        None,
        description="What makes an example right, for takers to judge an answer the key lacks.",
    )
    accepted: list[ExampleAnswer] | None = None
    rejected: list[ExampleAnswer] | None = None
    rubric: Annotated[list[RubricPoint], Field(min_length=3, max_length=6)] | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> QuestionMeta:
        needs = {
            "single": {"choices"},
            "multiple": {"choices"},
            "numeric": {"variants", "tolerance"},
            "example": {"accepted", "criterion"},
            "open": {"rubric"},
        }[self.kind]
        allowed = needs | {"example": {"rejected"}}.get(self.kind, set())
        data_fields = {
            "choices",
            "variants",
            "tolerance",
            "unit",
            "criterion",
            "accepted",
            "rejected",
            "rubric",
        }
        for name in sorted(needs):
            if getattr(self, name) is None:
                raise ValueError(f"{name}: required for kind {self.kind}")
        for name in sorted(data_fields - allowed - {"unit"}):
            if getattr(self, name) is not None:
                raise ValueError(f"{name}: not used by kind {self.kind}")
        if self.unit is not None and self.kind != "numeric":
            raise ValueError(f"unit: not used by kind {self.kind}")
        if self.kind in ("single", "multiple"):
            self._check_choices()
        if self.kind == "numeric":
            self._check_variants()
        return self

    def _check_choices(self) -> None:
        choices = self.choices or []
        if len(choices) < 2:
            raise ValueError("choices: give at least two")
        ids = [c.id for c in choices]
        if len(ids) != len(set(ids)):
            raise ValueError("choices: two choices share an id")
        correct = sum(c.correct for c in choices)
        if self.kind == "single" and correct != 1:
            raise ValueError("choices: a single-choice question needs exactly one correct choice")
        if self.kind == "multiple" and not 1 <= correct < len(choices):
            raise ValueError("choices: mark at least one choice correct and at least one wrong")

    def _check_variants(self) -> None:
        variants = self.variants or []
        if not variants:
            raise ValueError("variants: give at least one")
        names = set(re.findall(r"\{([a-z_][a-z0-9_]*)\}", self.prompt or ""))
        if not names:
            raise ValueError("prompt: a numeric question's prompt must use the variant's {names}")
        for index, variant in enumerate(variants):
            missing = names - set(variant.given)
            if missing:
                raise ValueError(
                    f"variants: variant {index + 1} lacks {', '.join(sorted(missing))}"
                )


KIND_SCHEMAS: dict[str, type[Strict]] = {
    "page": PageMeta,
    "role": RoleMeta,
    "skill": SkillMeta,
    "education": EducationMeta,
    "comparison": ComparisonMeta,
    "question": QuestionMeta,
    "fit": FitMeta,
}

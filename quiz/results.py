"""The results of an attempt: totals, each question, and a breakdown by skill."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Item, Response

WEAK_BELOW = 0.7  # a skill scored under 70% is one to read up on


@dataclass
class SkillScore:
    slug: str
    title: str
    url: str
    points: float = 0.0
    questions: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.questions) if self.questions else 0

    @property
    def weak(self) -> bool:
        return self.points < WEAK_BELOW * self.questions


@dataclass
class Summary:
    rows: list[dict]
    points: float
    total: int
    answered: int
    skills: list[SkillScore] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.total) if self.total else 0

    @property
    def missed(self) -> int:
        return sum(1 for row in self.rows if row["score"] is None or row["score"] < 1)

    @property
    def weak_skills(self) -> list[SkillScore]:
        return [s for s in self.skills if s.weak]

    @property
    def finished(self) -> bool:
        return self.answered == self.total


def _answer_text(item: Item, answer: dict) -> str:
    if item.kind in ("single", "multiple"):
        names = {c["id"]: c["text"] for c in item.asked["choices"]}
        picked = answer.get("choices") or [answer.get("choice")]
        return "; ".join(names.get(p, p) for p in picked)
    if item.kind == "numeric":
        return answer.get("text") or str(answer.get("value"))
    return answer.get("text", "")


def _right_answer(item: Item) -> str:
    key = item.key
    if item.kind in ("single", "multiple"):
        names = {c["id"]: c["text"] for c in item.asked["choices"]}
        return "; ".join(names[c] for c in key["correct"])
    if item.kind == "numeric":
        return f"{key['answer']:g} (within {key['tolerance']:g})"
    if item.kind == "example":
        return ", ".join(a["answer"] for a in key["accepted"])
    return ""  # open questions: the model answer is shown instead


def summarise(pairs: Iterable[tuple[Item, Response | None]]) -> Summary:
    """Each item of an attempt with its response, if any."""
    rows, points, answered = [], 0.0, 0
    skills: dict[str, SkillScore] = {}
    for item, response in pairs:
        score = response.score if response is not None else None
        if score is not None:
            answered += 1
            points += score
        rows.append(
            {
                "item": item,
                "score": score,
                "percent": None if score is None else round(score * 100),
                "answer": _answer_text(item, response.answer) if response is not None else "",
                # the key stays hidden until the question is answered, even here
                "revealed": score is not None,
                "self_assessed": bool(
                    response is not None and response.detail.get("self_assessed")
                ),
                "right_answer": _right_answer(item) if score is not None else "",
            }
        )
        for skill in item.key.get("skills", []):
            entry = skills.setdefault(
                skill["slug"], SkillScore(skill["slug"], skill["title"], skill["url"])
            )
            entry.questions += 1
            entry.points += score or 0.0
    ordered = sorted(skills.values(), key=lambda s: (s.points / s.questions, s.title))
    return Summary(rows=rows, points=points, total=len(rows), answered=answered, skills=ordered)

"""Choosing the questions of an attempt and freezing what each asks."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from careerguide.content import Document, Library
from careerguide.content.rendering import resolve_relative

from .models import Attempt, Item
from .steps import Step, remember

MOCK_SIZE = 12
MOCK_MIX = {"easy": 4, "medium": 5, "hard": 3}
PRACTICE_SIZE = 10
DIFFICULTIES = ("easy", "medium", "hard")


class SelectionError(ValueError):
    """The taker asked for a quiz that cannot be made; the message says why."""


@dataclass(frozen=True)
class Selection:
    mode: str
    label: str
    questions: list[Document]


def select(library: Library, mode: str, value: str, rng: random.Random) -> Selection:
    questions = library.all("question")
    if mode == Attempt.Mode.ARTICLE:
        chosen = sorted((q for q in questions if q.meta.article), key=lambda q: q.meta.article)
        return Selection(mode, "The article's five questions", chosen)
    if mode == Attempt.Mode.MOCK:
        return Selection(mode, "Mock interview", _mock(questions, rng))
    if mode == Attempt.Mode.SKILL:
        skill = library.get("skill", value)
        if skill is None:
            raise SelectionError("Choose one of the skills in the list.")
        pool = [q for q in questions if value in q.meta.skills]
        return Selection(mode, f"Practice: {skill.title}", _sample(pool, rng))
    if mode == Attempt.Mode.DIFFICULTY:
        if value not in DIFFICULTIES:
            raise SelectionError("Choose easy, medium or hard.")
        pool = [q for q in questions if q.meta.difficulty == value]
        return Selection(mode, f"Practice: {value} questions", _sample(pool, rng))
    if mode == Attempt.Mode.ROLE:
        role = library.get("role", value)
        if role is None:
            raise SelectionError("Choose one of the roles in the list.")
        pool = [q for q in questions if value in q.meta.roles]
        return Selection(mode, f"Practice: {role.title}", _sample(pool, rng))
    raise SelectionError("Choose a kind of quiz from the list.")


def _order(questions: Sequence[Document]) -> list[Document]:
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}
    return sorted(questions, key=lambda q: rank[q.meta.difficulty])


def _sample(pool: Sequence[Document], rng: random.Random, size: int = PRACTICE_SIZE):
    return _order(rng.sample(list(pool), min(size, len(pool))))


def _mock(questions: Sequence[Document], rng: random.Random) -> list[Document]:
    chosen: list[Document] = []
    for difficulty, count in MOCK_MIX.items():
        pool = [q for q in questions if q.meta.difficulty == difficulty]
        chosen.extend(rng.sample(pool, min(count, len(pool))))
    rest = [q for q in questions if q not in chosen]
    chosen.extend(rng.sample(rest, min(MOCK_SIZE - len(chosen), len(rest))))
    return _order(chosen)


def _read_links(library: Library, doc: Document) -> list[dict]:
    links = []
    for item in doc.meta.read:
        resolved = resolve_relative(doc.path, item.link)
        target = library.by_path(resolved[0]) if resolved else None
        if target is None or target.url is None or target.draft:
            continue
        anchor = resolved[1]
        label = item.label or target.title
        if anchor and not item.label:
            heading = next((t.name for t in target.toc if t.id == anchor), None)
            label = f"{target.title}: {heading}" if heading else label
        links.append({"url": target.url + (f"#{anchor}" if anchor else ""), "label": label})
    return links


def snapshot(library: Library, doc: Document, rng: random.Random) -> tuple[dict, dict]:
    """What the taker is shown before answering, and the key that stays hidden until then."""
    meta = doc.meta
    asked = {
        "title": meta.title,
        "kind": meta.kind,
        "difficulty": meta.difficulty,
        "behavioural": meta.behavioural,
        "prompt": str(doc.fragments.get("prompt:0", "")),
    }
    key = {
        "model_answer": str(doc.fragments["model_answer"]),
        "explanation": str(doc.html),
        "read": _read_links(library, doc),
        "skills": [
            {"slug": s.slug, "title": s.title, "url": s.url}
            for slug in meta.skills
            if (s := library.get("skill", slug)) is not None
        ],
    }
    if meta.kind in ("single", "multiple"):
        choices = list(meta.choices)
        rng.shuffle(choices)
        asked["choices"] = [
            {"id": c.id, "text": c.text, "html": str(doc.fragments[f"choice:{c.id}"])}
            for c in choices
        ]
        key["correct"] = [c.id for c in choices if c.correct]
        key["why"] = {c.id: str(doc.fragments[f"why:{c.id}"]) for c in choices}
    elif meta.kind == "numeric":
        index = rng.randrange(len(meta.variants))
        asked["prompt"] = str(doc.fragments[f"prompt:{index}"])
        asked["unit"] = meta.unit or ""
        key.update(answer=meta.variants[index].answer, tolerance=meta.tolerance, variant=index)
    elif meta.kind == "example":
        for name in ("accepted", "rejected"):
            key[name] = [
                {**a.model_dump(), "why_html": str(doc.fragments[f"{name}:{i}"])}
                for i, a in enumerate(getattr(meta, name) or [])
            ]
    elif meta.kind == "open":
        key["rubric"] = [
            {**p.model_dump(), "html": str(doc.fragments[f"rubric:{i}"])}
            for i, p in enumerate(meta.rubric)
        ]
    return asked, key


@transaction.atomic
def create_attempt(
    library: Library,
    selection: Selection,
    owner: str,
    rng: random.Random,
    retake_of: Attempt | None = None,
) -> Attempt:
    if not selection.questions:
        raise SelectionError("There are no questions of that kind yet.")
    attempt = Attempt.objects.create(
        owner=owner, mode=selection.mode, label=selection.label, retake_of=retake_of
    )
    items = []
    for position, doc in enumerate(selection.questions, start=1):
        asked, key = snapshot(library, doc, rng)
        items.append(
            Item(
                attempt_id=attempt.pk,
                position=position,
                question_id=doc.slug,
                kind=doc.meta.kind,
                difficulty=doc.meta.difficulty,
                skills=list(doc.meta.skills),
                asked=asked,
                key=key,
            )
        )
    Item.objects.bulk_create(items)
    remember(attempt, items)
    return attempt


def missed_selection(library: Library, step: Step) -> Selection:
    """The questions of an attempt not answered fully right, as they are in the guide now."""
    missed = [
        item.question_id
        for item, response in step.pairs()
        if response is None or response.score is None or response.score < 1
    ]
    questions = [q for qid in missed if (q := library.question(qid)) is not None]
    if not questions:
        raise SelectionError("Nothing to retake: you got every question right.")
    label = step.attempt.label.removeprefix("Retake: ")
    return Selection(Attempt.Mode.RETAKE, f"Retake: {label}", questions)

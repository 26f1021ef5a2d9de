"""Choosing the questions of an attempt, freezing each question's version once, and creating
the attempt with its own choice order and numeric variants."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from careerguide.content import Document, Library, resolve_relative

from .models import Attempt, Item, QuestionStats, QuestionVersion

MOCK_SIZE = 12
MOCK_MIX = {"easy": 4, "medium": 5, "hard": 3}
PRACTICE_SIZE = 10
REVIEW_SIZE = 20
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
        if resolved is None or target is None or target.url is None or target.draft:
            continue
        anchor = resolved[1]
        label = item.label or target.title
        if anchor and not item.label:
            heading = next((t.name for t in target.toc if t.id == anchor), None)
            label = f"{target.title}: {heading}" if heading else label
        links.append({"url": target.url + (f"#{anchor}" if anchor else ""), "label": label})
    return links


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def freeze(library: Library, doc: Document) -> QuestionVersion:
    """The question as takers are asked it now (unsaved), with its content fingerprint.

    Choices are kept in a canonical order (by id): each attempt shows them in its own order.
    A numeric question keeps every variant's prompt and answer; each attempt picks one."""
    meta = doc.meta
    asked: dict = {
        "title": meta.title,
        "kind": meta.kind,
        "difficulty": meta.difficulty,
        "behavioural": meta.behavioural,
        "prompts": [str(doc.fragments.get("prompt:0", ""))],
    }
    key: dict = {
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
        choices = sorted(meta.choices, key=lambda c: c.id)
        asked["choices"] = [
            {"id": c.id, "text": c.text, "html": str(doc.fragments[f"choice:{c.id}"])}
            for c in choices
        ]
        key["correct"] = [c.id for c in choices if c.correct]
        key["why"] = {c.id: str(doc.fragments[f"why:{c.id}"]) for c in choices}
    elif meta.kind == "numeric":
        asked["prompts"] = [str(doc.fragments[f"prompt:{i}"]) for i in range(len(meta.variants))]
        asked["unit"] = meta.unit or ""
        key.update(answers=[v.answer for v in meta.variants], tolerance=meta.tolerance)
    elif meta.kind == "example":
        key["criterion"] = getattr(meta, "criterion", None) or ""
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
    fields = {
        "question_id": doc.slug,
        "kind": meta.kind,
        "difficulty": meta.difficulty,
        "skills": list(meta.skills),
        "asked": asked,
        "key": key,
    }
    fingerprint = hashlib.sha256(_canonical(fields).encode()).hexdigest()
    return QuestionVersion(fingerprint=fingerprint, **fields)


def saved_versions(versions: Sequence[QuestionVersion]) -> dict[str, int]:
    """The database id of each version, by fingerprint, saving those not stored yet. Two
    takers starting at once may both save one: the unique fingerprint keeps a single row."""
    fingerprints = {v.fingerprint for v in versions}
    found = dict(
        QuestionVersion.objects.filter(fingerprint__in=fingerprints).values_list(
            "fingerprint", "id"
        )
    )
    missing = [v for v in versions if v.fingerprint not in found]
    if missing:
        QuestionVersion.objects.bulk_create(
            list({v.fingerprint: v for v in missing}.values()), ignore_conflicts=True
        )
        found.update(
            QuestionVersion.objects.filter(
                fingerprint__in=[v.fingerprint for v in missing]
            ).values_list("fingerprint", "id")
        )
    return found


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
    versions = [freeze(library, doc) for doc in selection.questions]
    ids = saved_versions(versions)
    attempt = Attempt.objects.create(
        owner=owner,
        mode=selection.mode,
        label=selection.label,
        retake_of=retake_of,
        total=len(versions),
    )
    items = []
    for position, (doc, version) in enumerate(zip(selection.questions, versions, strict=True), 1):
        order = None
        if version.kind in ("single", "multiple"):
            order = [choice["id"] for choice in version.asked["choices"]]
            rng.shuffle(order)
        variants = len(version.asked["prompts"])
        items.append(
            Item(
                attempt=attempt,
                position=position,
                version_id=ids[version.fingerprint],
                question_id=doc.slug,
                choice_order=order,
                variant=rng.randrange(variants) if variants > 1 else 0,
            )
        )
    Item.objects.bulk_create(items)
    # Every question asked has its counters' row, so that scoring an answer only updates it.
    QuestionStats.objects.bulk_create(
        [QuestionStats(question_id=qid) for qid in {item.question_id for item in items}],
        ignore_conflicts=True,
    )
    return attempt


def missed_selection(library: Library, attempt: Attempt) -> Selection:
    """The questions of an attempt not answered fully right, as they are in the guide now."""
    missed = attempt.items.exclude(response__score__gte=1).values_list("question_id", flat=True)
    questions = [q for qid in missed if (q := library.question(qid)) is not None]
    if not questions:
        raise SelectionError("Nothing to retake: you got every question right.")
    label = attempt.label.removeprefix("Retake: ")
    return Selection(Attempt.Mode.RETAKE, f"Retake: {label}", questions)


def review_selection(
    library: Library, due: Sequence[str], new: Sequence[Document] = ()
) -> Selection:
    """A review session: the questions due (ids, most overdue first, as quiz/review.py orders
    them), then the plan's new questions for today, up to ``REVIEW_SIZE``. Each numeric
    question draws its variant afresh, as in every attempt."""
    questions = [q for qid in due if (q := library.question(qid)) is not None][:REVIEW_SIZE]
    due_count = len(questions)
    chosen = {q.slug for q in questions}
    questions += [q for q in new if q.slug not in chosen][: REVIEW_SIZE - due_count]
    if not questions:
        raise SelectionError("Nothing is due for review today.")
    new_count = len(questions) - due_count
    parts = [f"{due_count} due"] if due_count else []
    parts += [f"{new_count} new"] if new_count else []
    return Selection(Attempt.Mode.REVIEW, "Review: " + ", ".join(parts), questions)

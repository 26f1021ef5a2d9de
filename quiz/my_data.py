"""A learner's quiz data as one JSON document: download it, import it, delete it.

The format is documented in docs/my-data.md; :data:`VERSION` changes whenever a field does.
``export`` writes everything kept under the learner's key (quiz/owners.py): every attempt with
its items (each a reference to the question version it asked, by fingerprint) and answers,
the question versions themselves, every review card with its logs, and the plan.

``restore`` reads such a document into a learner that holds nothing yet, or that holds exactly
what the document restored before (so importing the same file twice changes nothing). Anything
malformed is refused as a whole (:class:`ImportRefused`), before anything is written.

What a file says is not trusted as content: an item is restored only against a question
version this site knows (already stored, or what it asks today), so an imported file can never
put text of its own on a page. Attempts that asked versions the site no longer has are left
out, and counted. Per-question statistics are not changed: an imported answer was counted when
it was first given.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from django.db import transaction
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from careerguide.content import Library

from .attempts import freeze
from .models import Attempt, Item, LearnerPlan, QuestionVersion, Response, ReviewCard, ReviewLog

FORMAT = "careerguide-quiz-data"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024  # a learner with years of daily practice stays well under this


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- export ------------------------------------------------------------------------------------


def export(learner: str | None, account: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything kept under ``learner``, as a JSON-ready dict (docs/my-data.md)."""
    attempts = list(Attempt.objects.filter(owner=learner).order_by("created_at")) if learner else []
    items = (
        Item.objects.filter(attempt__in=[a.pk for a in attempts])
        .select_related("version", "response")
        .order_by("attempt_id", "position")
    )
    by_attempt: dict[uuid.UUID, list[dict[str, Any]]] = {}
    versions: dict[str, QuestionVersion] = {}
    for item in items:
        versions[item.version.fingerprint] = item.version
        response = getattr(item, "response", None)
        by_attempt.setdefault(item.attempt_id, []).append(
            {
                "position": item.position,
                "question_id": item.question_id,
                "version": item.version.fingerprint,
                "choice_order": item.choice_order,
                "variant": item.variant,
                "response": None
                if response is None
                else {
                    "answer": response.answer,
                    "score": response.score,
                    "detail": response.detail,
                    "answered_at": _iso(response.answered_at),
                    "scored_at": _iso(response.scored_at),
                },
            }
        )
    cards = (
        list(ReviewCard.objects.filter(learner=learner).order_by("question_id")) if learner else []
    )
    logs: dict[int, list[dict[str, Any]]] = {}
    for log in ReviewLog.objects.filter(card__in=[c.pk for c in cards]).order_by(
        "reviewed_at", "pk"
    ):
        logs.setdefault(log.card_id, []).append(
            {
                "score": log.score,
                "rating": log.rating,
                "rescheduled": log.rescheduled,
                "due_after": _iso(log.due_after),
                "reviewed_at": _iso(log.reviewed_at),
            }
        )
    plan = LearnerPlan.objects.filter(learner=learner).first() if learner else None
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(dt.datetime.now(dt.UTC)),
        "account": account,
        "attempts": [
            {
                "id": str(a.pk),
                "mode": a.mode,
                "label": a.label,
                "retake_of": str(a.retake_of_id) if a.retake_of_id else None,
                "total": a.total,
                "position": a.position,
                "points": a.points,
                "created_at": _iso(a.created_at),
                "finished_at": _iso(a.finished_at),
                "items": by_attempt.get(a.pk, []),
            }
            for a in attempts
        ],
        "question_versions": [
            {
                "fingerprint": v.fingerprint,
                "question_id": v.question_id,
                "kind": v.kind,
                "difficulty": v.difficulty,
                "skills": v.skills,
                "asked": v.asked,
                "key": v.key,
            }
            for v in sorted(versions.values(), key=lambda v: (v.question_id, v.fingerprint))
        ],
        "cards": [
            {
                "question_id": c.question_id,
                "state": c.state,
                "step": c.step,
                "stability": c.stability,
                "difficulty": c.difficulty,
                "due": _iso(c.due),
                "last_review": _iso(c.last_review),
                "last_score": c.last_score,
                "reviews": c.reviews,
                "lapses": c.lapses,
                "created_at": _iso(c.created_at),
                "logs": logs.get(c.pk, []),
            }
            for c in cards
        ],
        "plan": None
        if plan is None
        else {
            "interview_date": _iso(plan.interview_date),
            "role": plan.role,
            "updated_at": _iso(plan.updated_at),
        },
    }


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=1, ensure_ascii=False).encode()


# --- the file's shape --------------------------------------------------------------------------

Score = Annotated[float, Field(ge=0, le=1)]
QuestionId = Annotated[str, Field(min_length=1, max_length=80)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResponseIn(_Strict):
    answer: dict[str, Any]
    score: Score | None
    detail: dict[str, Any]
    answered_at: AwareDatetime
    scored_at: AwareDatetime | None


class ItemIn(_Strict):
    position: Annotated[int, Field(ge=1, le=100)]
    question_id: QuestionId
    version: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    choice_order: list[Annotated[str, Field(max_length=80)]] | None
    variant: Annotated[int, Field(ge=0, le=1000)]
    response: ResponseIn | None


class AttemptIn(_Strict):
    id: uuid.UUID
    mode: Literal[tuple(Attempt.Mode.values)]  # type: ignore[valid-type]
    label: Annotated[str, Field(max_length=200)]
    retake_of: uuid.UUID | None
    total: Annotated[int, Field(ge=1, le=100)]
    position: Annotated[int, Field(ge=1, le=101)]
    points: Annotated[float, Field(ge=0, le=100)]
    created_at: AwareDatetime
    finished_at: AwareDatetime | None
    items: list[ItemIn]


class VersionIn(_Strict):
    fingerprint: str
    question_id: str
    kind: str
    difficulty: str
    skills: list[str]
    asked: dict[str, Any]
    key: dict[str, Any]


class LogIn(_Strict):
    score: Score
    rating: Annotated[int, Field(ge=1, le=4)]
    rescheduled: bool
    due_after: AwareDatetime
    reviewed_at: AwareDatetime


class CardIn(_Strict):
    question_id: QuestionId
    state: Annotated[int, Field(ge=1, le=3)]
    step: Annotated[int, Field(ge=0, le=100)] | None
    stability: Annotated[float, Field(ge=0)] | None
    difficulty: Annotated[float, Field(ge=0, le=11)] | None
    due: AwareDatetime
    last_review: AwareDatetime | None
    last_score: Score | None
    reviews: Annotated[int, Field(ge=0)]
    lapses: Annotated[int, Field(ge=0)]
    created_at: AwareDatetime
    logs: list[LogIn]


class PlanIn(_Strict):
    interview_date: dt.date
    role: Annotated[str, Field(min_length=1, max_length=80)]
    updated_at: AwareDatetime


class DocumentIn(_Strict):
    format: Literal["careerguide-quiz-data"]
    version: Literal[1]
    exported_at: AwareDatetime
    account: dict[str, Any] | None = None
    attempts: list[AttemptIn]
    question_versions: list[VersionIn]
    cards: list[CardIn]
    plan: PlanIn | None


class ImportRefused(Exception):
    """The file cannot be imported; the message says why, for the learner. ``status`` is the
    HTTP status to answer with: 400 for a file that is not right, 409 for a learner who
    already holds other data."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def parse(raw: bytes) -> DocumentIn:
    """The document in ``raw``, checked field by field; :class:`ImportRefused` if it is not
    one this site wrote in this version's format."""
    if len(raw) > MAX_BYTES:
        raise ImportRefused(f"That file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportRefused(
            "That file is not JSON: choose the file “Download my data” gave you."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("That file is not a Career Guide data download.")
    if data.get("version") != VERSION:
        raise ImportRefused(
            f"That file is in version {data.get('version')!r} of the format; this site reads "
            f"version {VERSION}."
        )
    try:
        document = DocumentIn.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ImportRefused(f"That file is not valid at {where}: {first['msg']}.") from None
    _check_consistent(document)
    return document


def _check_consistent(document: DocumentIn) -> None:
    ids = [a.id for a in document.attempts]
    if len(set(ids)) != len(ids):
        raise ImportRefused("That file lists an attempt twice.")
    questions = [c.question_id for c in document.cards]
    if len(set(questions)) != len(questions):
        raise ImportRefused("That file lists a review card twice.")
    for attempt in document.attempts:
        positions = [item.position for item in attempt.items]
        if sorted(positions) != list(range(1, attempt.total + 1)):
            raise ImportRefused(f"Attempt {attempt.id} does not have one item per question.")
        if attempt.position > attempt.total + 1:
            raise ImportRefused(f"Attempt {attempt.id} is past its last question.")


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    attempts: int = 0
    cards: int = 0
    logs: int = 0
    plan: bool = False
    skipped: int = 0  # attempts that asked question versions this site does not have
    taken: int = 0  # attempts already on this site under another learner
    already: bool = False  # the learner holds exactly this file already: nothing changed


def _known_versions(library: Library, fingerprints: set[str]) -> dict[str, QuestionVersion]:
    """The versions of ``fingerprints`` this site knows: stored ones, and what it asks today
    (saved now, as taking a quiz would)."""
    found = {v.fingerprint: v for v in QuestionVersion.objects.filter(fingerprint__in=fingerprints)}
    for doc in library.all("question"):
        version = freeze(library, doc)
        if version.fingerprint in fingerprints and version.fingerprint not in found:
            version.save()
            found[version.fingerprint] = version
    return found


def _fits(item: ItemIn, version: QuestionVersion) -> bool:
    """The item asks ``version`` as this site would have: same question, its own choices in
    some order, one of its variants."""
    if item.question_id != version.question_id:
        return False
    choices = version.asked.get("choices")
    if choices is None:
        if item.choice_order is not None:
            return False
    elif item.choice_order is None or sorted(item.choice_order) != sorted(c["id"] for c in choices):
        return False
    return item.variant < max(1, len(version.asked.get("prompts", [""])))


def _holds(learner: str) -> bool:
    return (
        Attempt.objects.filter(owner=learner).exists()
        or ReviewCard.objects.filter(learner=learner).exists()
        or LearnerPlan.objects.filter(learner=learner).exists()
    )


def restore(document: DocumentIn, learner: str, library: Library) -> Restored:
    """Write ``document`` under ``learner`` (see the module's docstring)."""
    with transaction.atomic():
        fingerprints = {item.version for a in document.attempts for item in a.items}
        versions = _known_versions(library, fingerprints)
        owners = dict(
            Attempt.objects.filter(pk__in=[a.id for a in document.attempts]).values_list(
                "pk", "owner"
            )
        )
        restorable, skipped, taken, mine = [], 0, 0, 0
        for attempt in document.attempts:
            if attempt.id in owners:
                if owners[attempt.id] == learner:
                    mine += 1
                else:
                    taken += 1
                continue
            if all(
                item.version in versions and _fits(item, versions[item.version])
                for item in attempt.items
            ):
                restorable.append(attempt)
            else:
                skipped += 1
        if _holds(learner):
            if not restorable and _same(document, learner, mine):
                return Restored(skipped=skipped, taken=taken, already=True)
            raise ImportRefused(
                "Import restores into an empty account or browser, and this one already has "
                "quiz data. Delete it first, or import into an account that has none.",
                status=409,
            )
        _write_attempts(restorable, versions, learner)
        logs = _write_cards(document.cards, learner)
        if document.plan is not None:
            plan = LearnerPlan.objects.create(
                learner=learner,
                interview_date=document.plan.interview_date,
                role=document.plan.role,
            )
            LearnerPlan.objects.filter(pk=plan.pk).update(updated_at=document.plan.updated_at)
    return Restored(
        attempts=len(restorable),
        cards=len(document.cards),
        logs=logs,
        plan=document.plan is not None,
        skipped=skipped,
        taken=taken,
    )


def _same(document: DocumentIn, learner: str, mine: int) -> bool:
    """The learner already holds what this document restores (a second import)."""
    cards = set(ReviewCard.objects.filter(learner=learner).values_list("question_id", flat=True))
    return (
        mine == Attempt.objects.filter(owner=learner).count()
        and cards == {c.question_id for c in document.cards}
        and LearnerPlan.objects.filter(learner=learner).exists() == (document.plan is not None)
    )


def _write_attempts(
    attempts: Iterable[AttemptIn], versions: dict[str, QuestionVersion], learner: str
) -> None:
    attempts = list(attempts)
    rows = [
        Attempt(
            id=a.id,
            owner=learner,
            mode=a.mode,
            label=a.label,
            total=a.total,
            position=a.position,
            points=a.points,
            finished_at=a.finished_at,
        )
        for a in attempts
    ]
    Attempt.objects.bulk_create(rows)
    present = set(
        Attempt.objects.filter(pk__in=[a.retake_of for a in attempts if a.retake_of]).values_list(
            "pk", flat=True
        )
    )
    for row, a in zip(rows, attempts, strict=True):
        row.created_at = a.created_at  # auto_now_add: set after the insert
        row.retake_of_id = a.retake_of if a.retake_of in present else None
    Attempt.objects.bulk_update(rows, ["created_at", "retake_of"])
    items: list[Item] = []
    answers: list[ResponseIn | None] = []
    for a in attempts:
        for given in a.items:
            items.append(
                Item(
                    attempt_id=a.id,
                    position=given.position,
                    version=versions[given.version],
                    question_id=given.question_id,
                    choice_order=given.choice_order,
                    variant=given.variant,
                )
            )
            answers.append(given.response)
    Item.objects.bulk_create(items)
    responses: list[Response] = []
    for item, answer in zip(items, answers, strict=True):
        if answer is not None:
            responses.append(
                Response(
                    item=item,
                    question_id=item.question_id,
                    answer=answer.answer,
                    score=answer.score,
                    detail=answer.detail,
                    scored_at=answer.scored_at,
                )
            )
    Response.objects.bulk_create(responses)
    given_at = [a.answered_at for a in answers if a is not None]
    for response, answered_at in zip(responses, given_at, strict=True):
        response.answered_at = answered_at  # auto_now_add: set after the insert
    Response.objects.bulk_update(responses, ["answered_at"])


def _write_cards(cards: Iterable[CardIn], learner: str) -> int:
    cards = list(cards)
    rows = [ReviewCard(learner=learner, **card.model_dump(exclude={"logs"})) for card in cards]
    ReviewCard.objects.bulk_create(rows)
    logs = [
        ReviewLog(card=row, learner=learner, question_id=row.question_id, **log.model_dump())
        for row, card in zip(rows, cards, strict=True)
        for log in card.logs
    ]
    ReviewLog.objects.bulk_create(logs)
    return len(logs)


# --- delete ------------------------------------------------------------------------------------


def counts(learners: Iterable[str | None]) -> dict[str, int]:
    """How much is kept under these keys, for the confirmation page."""
    keys = [k for k in learners if k]
    return {
        "attempts": Attempt.objects.filter(owner__in=keys).count(),
        "answers": Response.objects.filter(item__attempt__owner__in=keys).count(),
        "cards": ReviewCard.objects.filter(learner__in=keys).count(),
        "logs": ReviewLog.objects.filter(learner__in=keys).count(),
        "plans": LearnerPlan.objects.filter(learner__in=keys).count(),
    }


def forget(learner: str) -> None:
    """Delete every attempt (with its items and answers), card, review log and plan kept
    under ``learner``. Per-question counters keep their counts: they hold no key."""
    with transaction.atomic():
        Attempt.objects.filter(owner=learner).delete()
        ReviewLog.objects.filter(learner=learner).delete()
        ReviewCard.objects.filter(learner=learner).delete()
        LearnerPlan.objects.filter(learner=learner).delete()

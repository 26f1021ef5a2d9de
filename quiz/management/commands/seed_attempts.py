"""``python manage.py seed_attempts --attempts 100000 --answers 1000000``: finished attempts
in bulk, to measure that a quiz step's cost does not grow with the data (`make bench`).

The attempts ask the content's questions as the site asks them: each question frozen once as
the same :class:`QuestionVersion` the site would store (``quiz.attempts.freeze``), each item
with its own choice order and variant, each answer scored by the quiz's own scoring functions,
and the questions' counters (:class:`QuestionStats`) raised to match. Rows are written with
``bulk_create``, one transaction per batch. The attempts belong to random owners, so no
taker's history shows them.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from careerguide.content import get_library
from quiz.attempts import freeze, saved_versions
from quiz.models import Attempt, Item, QuestionStats, QuestionVersion, Response
from quiz.scoring import Outcome, score_answer, score_open

BATCH = 2000  # attempts per transaction


def _answer(
    version: QuestionVersion, item: Item, rng: random.Random, memo: dict
) -> tuple[dict, Outcome]:
    """A plausible answer to the item, right about half the time, and its outcome (free-text
    examples scored once per text, in ``memo``: matching them is the slow part)."""
    kind, key = version.kind, item.key
    right = rng.random() < 0.5
    if kind == "single":
        wrong = [c for c in item.choice_order or () if c not in key["correct"]]
        pick = key["correct"][0] if right or not wrong else rng.choice(wrong)
        answer = {"choice": pick}
    elif kind == "multiple":
        order = list(item.choice_order or ())
        picked = list(key["correct"]) if right else rng.sample(order, rng.randint(1, len(order)))
        answer = {"choices": sorted(picked)}
    elif kind == "numeric":
        value = key["answer"] if right else key["answer"] * 2 + 1
        answer = {"value": value}
    elif kind == "example":
        accepted = key.get("accepted") or []
        text = accepted[0]["answer"] if right and accepted else "something else entirely"
        answer = {"text": text}
    else:  # open: the taker's own text, marked against the rubric
        points = len(key.get("rubric", ())) or 1
        ticked = list(range(points)) if right else rng.sample(range(points), points // 2)
        return {"text": "A worked answer. " * 20, "ticked": ticked}, score_open(ticked, points)
    if kind == "example":
        memo_key = (version.pk, answer["text"])
        if memo_key not in memo:
            memo[memo_key] = score_answer(kind, key, answer)
        outcome = memo[memo_key]
    else:
        outcome = score_answer(kind, key, answer)
    if outcome is None:  # an example the key does not recognise: marked by the taker
        outcome = Outcome(0.0, {})
    return answer, outcome


class Command(BaseCommand):
    help = "Add finished attempts with their answers in bulk (for benchmarks on a big database)."

    def add_arguments(self, parser):
        parser.add_argument("--attempts", type=int, default=100_000)
        parser.add_argument("--answers", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args, attempts: int, answers: int, seed: int, **options):
        if attempts < 1 or answers < attempts:
            raise CommandError("--attempts must be at least 1 and --answers at least --attempts")
        library = get_library()
        docs = [doc for doc in library.all("question") if not doc.draft]
        if not docs:
            raise CommandError("The content has no questions.")
        frozen = [freeze(library, doc) for doc in docs]
        ids = saved_versions(frozen)
        versions = list(QuestionVersion.objects.filter(id__in=ids.values()))
        QuestionStats.objects.bulk_create(
            [QuestionStats(question_id=v.question_id) for v in versions], ignore_conflicts=True
        )
        rng = random.Random(seed)
        per, extra = divmod(answers, attempts)
        if per + 1 > len(versions):
            raise CommandError(f"At most {len(versions)} answers an attempt: add attempts.")
        done = 0
        memo: dict = {}
        while done < attempts:
            count = min(BATCH, attempts - done)
            sizes = [per + (1 if done + i < extra else 0) for i in range(count)]
            self._batch(versions, sizes, rng, memo)
            done += count
            if options["verbosity"] > 1:
                self.stdout.write(f"{done:,} attempts")
        self.stdout.write(f"Added {attempts:,} attempts and {answers:,} answers.")

    @transaction.atomic
    def _batch(self, versions: list[QuestionVersion], sizes: list[int], rng: random.Random, memo):
        now = timezone.now()
        attempts, items, chosen = [], [], []
        for size in sizes:
            attempt = Attempt(
                id=uuid.uuid4(),
                owner=secrets.token_urlsafe(24),
                mode=Attempt.Mode.MOCK,
                label="Mock interview",
                total=size,
                position=size + 1,
                finished_at=now,
            )
            attempts.append(attempt)
            for position, version in enumerate(rng.sample(versions, size), 1):
                order = None
                if version.kind in ("single", "multiple"):
                    order = [choice["id"] for choice in version.asked["choices"]]
                    rng.shuffle(order)
                variants = len(version.asked.get("prompts", ())) or 1
                item = Item(
                    attempt=attempt,
                    position=position,
                    version=version,
                    question_id=version.question_id,
                    choice_order=order,
                    variant=rng.randrange(variants),
                )
                items.append(item)
                chosen.append(version)
        responses = []
        stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
        for item, version in zip(items, chosen, strict=True):
            answer, outcome = _answer(version, item, rng, memo)
            item.attempt.points += outcome.score
            responses.append((item, answer, outcome))
            counts = stats[version.question_id]
            counts[0] += 1
            counts[1] += outcome.score >= 1.0
            counts[2] += outcome.score
        Attempt.objects.bulk_create(attempts)
        Item.objects.bulk_create(items, batch_size=1000)  # their ids come back (RETURNING)
        Response.objects.bulk_create(
            [
                Response(
                    item=item,
                    question_id=item.question_id,
                    answer=answer,
                    score=outcome.score,
                    detail=outcome.detail,
                    scored_at=now,
                )
                for item, answer, outcome in responses
            ],
            batch_size=1000,
        )
        # in one order in every process, so that two seeding at once never deadlock
        for question_id, (answered, right, points) in sorted(stats.items()):
            QuestionStats.objects.filter(question_id=question_id).update(
                answered=F("answered") + answered,
                right=F("right") + right,
                points=F("points") + points,
            )

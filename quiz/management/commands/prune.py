"""``python manage.py prune [--dry-run]``: delete quiz attempts kept past their time.

- Attempts never finished, started more than ``RETAIN_UNFINISHED_DAYS`` ago (default 30).
- Finished anonymous attempts (a browser's random token, the ``quiz_owner`` cookie), finished
  more than ``RETAIN_FINISHED_DAYS`` ago (default 365). A signed-in learner's finished attempts
  (owner ``user:<pk>``) are theirs to keep or delete.

An attempt goes with its items and answers. Per-question statistics (``QuestionStats``) are
running counters, not derived from the rows, so they keep their counts; question versions that
no attempt asks any more, and that are not what the site asks today, go too.

Work is done in batches (``--batch-size``, one short transaction each), so no table is locked
for long and the site keeps serving while it runs. Running it again deletes nothing more until
more attempts come of age. ``--dry-run`` prints what would go and deletes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from careerguide.content import get_store
from quiz.attempts import freeze
from quiz.models import Attempt, Item, QuestionVersion, Response
from quiz.owners import ACCOUNT_PREFIX


class Command(BaseCommand):
    help = "Delete unfinished and finished quiz attempts older than the retention settings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be deleted, delete nothing"
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="attempts per transaction (default 500)"
        )
        parser.add_argument(
            "--unfinished-days",
            type=int,
            default=None,
            help="override RETAIN_UNFINISHED_DAYS",
        )
        parser.add_argument(
            "--finished-days", type=int, default=None, help="override RETAIN_FINISHED_DAYS"
        )

    def handle(self, *args, dry_run=False, batch_size=500, **options):
        unfinished_days = options["unfinished_days"]
        finished_days = options["finished_days"]
        if unfinished_days is None:
            unfinished_days = settings.RETAIN_UNFINISHED_DAYS
        if finished_days is None:
            finished_days = settings.RETAIN_FINISHED_DAYS
        if unfinished_days < 1 or finished_days < 1 or batch_size < 1:
            raise CommandError("Days and --batch-size must be 1 or more.")
        now = timezone.now()
        stale = Q(finished_at__isnull=True, created_at__lt=now - timedelta(days=unfinished_days))
        old = Q(
            finished_at__isnull=False, finished_at__lt=now - timedelta(days=finished_days)
        ) & ~Q(owner__startswith=ACCOUNT_PREFIX)

        verb = "would delete" if dry_run else "deleted"
        for label, condition in (
            (f"unfinished attempts started over {unfinished_days} days ago", stale),
            (f"finished anonymous attempts finished over {finished_days} days ago", old),
        ):
            attempts, items, answers = self._attempts(condition, batch_size, dry_run)
            self.stdout.write(
                f"{verb} {attempts} {label} ({items} questions asked, {answers} answers)"
            )
        versions = self._versions(now, batch_size, dry_run)
        self.stdout.write(f"{verb} {versions} question versions no attempt asks any more")

    def _attempts(self, condition: Q, batch_size: int, dry_run: bool) -> tuple[int, int, int]:
        if dry_run:
            matching = Attempt.objects.filter(condition)
            return (
                matching.count(),
                Item.objects.filter(attempt__in=matching).count(),
                Response.objects.filter(item__attempt__in=matching).count(),
            )
        totals = [0, 0, 0]
        while True:
            ids = list(Attempt.objects.filter(condition).values_list("pk", flat=True)[:batch_size])
            if not ids:
                return totals[0], totals[1], totals[2]
            with transaction.atomic():
                # The condition again: an attempt finished since it was listed stays.
                _, deleted = Attempt.objects.filter(condition, pk__in=ids).delete()
            totals[0] += deleted.get(Attempt._meta.label, 0)
            totals[1] += deleted.get(Item._meta.label, 0)
            totals[2] += deleted.get(Response._meta.label, 0)

    def _versions(self, now, batch_size: int, dry_run: bool) -> int:
        """Versions no item refers to, except those the site asks now (a new attempt may be
        about to use one) and those frozen in the last day."""
        library = get_store().refresh()  # the content as it is now
        current = {freeze(library, doc).fingerprint for doc in library.all("question")}
        unused = (
            QuestionVersion.objects.filter(items__isnull=True, created_at__lt=now - timedelta(1))
            .exclude(fingerprint__in=current)
            .order_by()
        )
        if dry_run:
            return unused.count()
        deleted, skip = 0, set[int]()
        while True:
            ids = list(unused.exclude(pk__in=skip).values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            try:
                with transaction.atomic():
                    deleted += QuestionVersion.objects.filter(
                        pk__in=ids, items__isnull=True
                    ).delete()[0]
            except ProtectedError:  # asked again in the meantime: leave this batch alone
                skip.update(ids)

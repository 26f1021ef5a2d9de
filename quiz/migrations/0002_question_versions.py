"""Each question version is stored once; items point at it with their own choice order and
numeric variant. Attempts keep their progress (total, position, points) and each question its
running counters. Existing attempts are moved: their items' copies become shared versions."""

import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q, Sum

BATCH = 1000


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _version_of(item):
    """The version an old item asked, the item's choice order and variant."""
    asked, key = dict(item.asked), dict(item.key)
    order = None
    if "choices" in asked:
        order = [choice["id"] for choice in asked["choices"]]
        asked["choices"] = sorted(asked["choices"], key=lambda choice: choice["id"])
    asked["prompts"] = [asked.pop("prompt", "")]
    if item.kind == "numeric":
        key["answers"] = [key.pop("answer")]
        key.pop("variant", None)
    fields = {
        "question_id": item.question_id,
        "kind": item.kind,
        "difficulty": item.difficulty,
        "skills": list(item.skills),
        "asked": asked,
        "key": key,
    }
    fingerprint = hashlib.sha256(_canonical(fields).encode()).hexdigest()
    return fingerprint, fields, order


def forwards(apps, schema_editor):
    Attempt = apps.get_model("quiz", "Attempt")
    Item = apps.get_model("quiz", "Item")
    Response = apps.get_model("quiz", "Response")
    QuestionVersion = apps.get_model("quiz", "QuestionVersion")
    QuestionStats = apps.get_model("quiz", "QuestionStats")

    ids = dict(QuestionVersion.objects.values_list("fingerprint", "id"))
    last = 0
    while True:
        batch = list(Item.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        for item in batch:
            fingerprint, fields, order = _version_of(item)
            if fingerprint not in ids:
                ids[fingerprint] = QuestionVersion.objects.create(
                    fingerprint=fingerprint, **fields
                ).pk
            item.version_id, item.choice_order, item.variant = ids[fingerprint], order, 0
        Item.objects.bulk_update(batch, ["version", "choice_order", "variant"])

    # Progress: the first position not yet scored; the points scored so far.
    last = None
    while True:
        attempts = Attempt.objects.order_by("pk")
        if last is not None:
            attempts = attempts.filter(pk__gt=last)
        batch = list(
            attempts.annotate(
                n=Count("items", distinct=True),
                scored=Count("items__response", filter=Q(items__response__score__isnull=False)),
                scored_points=Sum("items__response__score"),
            )[:BATCH]
        )
        if not batch:
            break
        last = batch[-1].pk
        for attempt in batch:
            attempt.total = attempt.n
            attempt.position = attempt.scored + 1
            attempt.points = attempt.scored_points or 0.0
        Attempt.objects.bulk_update(batch, ["total", "position", "points"])

    stats = (
        Response.objects.filter(score__isnull=False)
        .values("question_id")
        .annotate(answered=Count("id"), right=Count("id", filter=Q(score__gte=1)), points=Sum("score"))
    )
    QuestionStats.objects.bulk_create(
        [QuestionStats(**row) for row in stats], batch_size=BATCH, ignore_conflicts=True
    )
    asked = Item.objects.values_list("question_id", flat=True).distinct()
    QuestionStats.objects.bulk_create(
        [QuestionStats(question_id=qid) for qid in asked], batch_size=BATCH, ignore_conflicts=True
    )


def backwards(apps, schema_editor):
    Item = apps.get_model("quiz", "Item")
    last = 0
    while True:
        batch = list(Item.objects.filter(pk__gt=last).select_related("version").order_by("pk")[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        for item in batch:
            version = item.version
            asked, key = dict(version.asked), dict(version.key)
            prompts = asked.pop("prompts", [""])
            asked["prompt"] = prompts[item.variant] if item.variant < len(prompts) else ""
            if item.choice_order is not None:
                by_id = {choice["id"]: choice for choice in asked["choices"]}
                asked["choices"] = [by_id[choice_id] for choice_id in item.choice_order]
            if version.kind == "numeric":
                key["answer"] = key.pop("answers")[item.variant]
                key["variant"] = item.variant
            item.asked, item.key = asked, key
            item.kind, item.difficulty, item.skills = version.kind, version.difficulty, version.skills
        Item.objects.bulk_update(batch, ["asked", "key", "kind", "difficulty", "skills"])


class Migration(migrations.Migration):
    dependencies = [("quiz", "0001_initial")]

    operations = [
        migrations.DeleteModel(name="QuestionStatistic"),
        migrations.CreateModel(
            name="QuestionVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("fingerprint", models.CharField(editable=False, max_length=64, unique=True)),
                ("question_id", models.CharField(db_index=True, max_length=80)),
                ("kind", models.CharField(max_length=20)),
                ("difficulty", models.CharField(max_length=10)),
                ("skills", models.JSONField(default=list)),
                ("asked", models.JSONField()),
                ("key", models.JSONField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"get_latest_by": "created_at"},
        ),
        migrations.CreateModel(
            name="QuestionStats",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("question_id", models.CharField(max_length=80, unique=True)),
                ("answered", models.PositiveIntegerField(default=0)),
                ("right", models.PositiveIntegerField(default=0)),
                ("points", models.FloatField(default=0.0)),
            ],
            options={"verbose_name": "question statistic", "verbose_name_plural": "question statistics"},
        ),
        migrations.CreateModel(
            name="UnrecognisedAnswer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("question_id", models.CharField(max_length=80)),
                ("text", models.CharField(help_text="The answer, normalised.", max_length=300)),
                ("count", models.PositiveIntegerField(default=0)),
                ("first_seen", models.DateTimeField(auto_now_add=True)),
                ("last_seen", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["-count", "question_id"],
                "constraints": [
                    models.UniqueConstraint(fields=("question_id", "text"), name="one_row_per_answer")
                ],
            },
        ),
        migrations.AddField(
            model_name="attempt",
            name="total",
            field=models.PositiveSmallIntegerField(default=0, help_text="Number of questions."),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="attempt",
            name="position",
            field=models.PositiveSmallIntegerField(
                default=1, help_text="The first question not yet scored; total + 1 once all are."
            ),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="points",
            field=models.FloatField(default=0.0, null=True, help_text="Sum of the scores so far."),
        ),
        migrations.AddField(
            model_name="item",
            name="version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="quiz.questionversion",
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="choice_order",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="item",
            name="variant",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        # The copies become optional first, so that going back can add them again empty,
        # refill them (backwards) and only then require them.
        migrations.AlterField(model_name="item", name="asked", field=models.JSONField(null=True)),
        migrations.AlterField(model_name="item", name="key", field=models.JSONField(null=True)),
        migrations.AlterField(
            model_name="item", name="kind", field=models.CharField(max_length=20, null=True)
        ),
        migrations.AlterField(
            model_name="item", name="difficulty", field=models.CharField(max_length=10, null=True)
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="item", name="asked"),
        migrations.RemoveField(model_name="item", name="key"),
        migrations.RemoveField(model_name="item", name="kind"),
        migrations.RemoveField(model_name="item", name="difficulty"),
        migrations.RemoveField(model_name="item", name="skills"),
        migrations.AlterField(
            model_name="item",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="quiz.questionversion",
            ),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="points",
            field=models.FloatField(default=0.0, help_text="Sum of the scores so far."),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="owner",
            field=models.CharField(
                db_index=True,
                help_text="Random token kept in the taker's browser (the quiz_owner cookie).",
                max_length=64,
            ),
        ),
        migrations.AddConstraint(
            model_name="attempt",
            constraint=models.CheckConstraint(
                condition=models.Q(("position__gte", 1), ("position__lte", models.F("total") + 1)),
                name="attempt_position_in_range",
            ),
        ),
    ]

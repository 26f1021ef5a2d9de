"""Attempts and responses are records of what takers did: read-only. Question statistics show
editors which questions are hardest, from the counters each answer updates."""

from django.contrib import admin
from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast, NullIf
from django.utils.html import format_html, format_html_join

from careerguide.content import get_library

from . import item_analysis
from .models import (
    Attempt,
    Item,
    LearnerPlan,
    QuestionStats,
    QuestionVersion,
    Response,
    ReviewCard,
    ReviewLog,
    UnrecognisedAnswer,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemInline(admin.TabularInline):
    model = Item
    fields = ("position", "question_id", "version", "variant")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ("label", "mode", "created_at", "finished_at", "points", "total")
    list_filter = ("mode", ("finished_at", admin.EmptyFieldListFilter))
    date_hierarchy = "created_at"
    inlines = [ItemInline]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("question_id", "score", "answered_at")
    list_filter = ("question_id",)
    search_fields = ("question_id",)
    list_select_related = ("item",)


@admin.register(QuestionVersion)
class QuestionVersionAdmin(ReadOnlyAdmin):
    list_display = ("question_id", "kind", "difficulty", "created_at")
    list_filter = ("kind", "difficulty")
    search_fields = ("question_id",)


@admin.register(QuestionStats)
class QuestionStatsAdmin(ReadOnlyAdmin):
    """One row per question: times answered, facility (share fully right), average score,
    from the counters each scored answer updates, so the list costs the same with a million
    answers. A question's own page adds its item analysis: discrimination, each option's
    picks, and the free-text answers its key did not recognise."""

    list_display = ("question_id", "title", "answered", "facility", "average_score")
    search_fields = ("question_id",)
    list_per_page = 100
    readonly_fields = (
        "question_id",
        "answered",
        "facility",
        "average_score",
        "discrimination",
        "options",
        "unrecognised",
    )

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        share = Cast(F("points"), FloatField()) / NullIf(F("answered"), 0)
        rows = super().get_queryset(request).filter(~Q(answered=0)).annotate(average=share)
        return rows.order_by("average", "-answered")  # the hardest first

    def get_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description="question")
    def title(self, obj: QuestionStats) -> str:
        doc = get_library().question(obj.question_id, drafts=True)
        return doc.title if doc else "(no longer in the question bank)"

    @admin.display(description="facility (share fully right)", ordering="right")
    def facility(self, obj: QuestionStats) -> str:
        return f"{obj.percent_right}%"

    @admin.display(description="average score", ordering="average")
    def average_score(self, obj: QuestionStats) -> str:
        return f"{obj.average_percent}%"

    def _taken(self, obj: QuestionStats):
        rows = Response.objects.filter(
            question_id=obj.question_id, score__isnull=False
        ).values_list("score", "answer", "item__attempt__points", "item__attempt__total")
        return list(rows)

    @admin.display(description="discrimination index")
    def discrimination(self, obj: QuestionStats) -> str:
        taken = [
            item_analysis.Taken(score, points / total if total else 0.0)
            for score, _, points, total in self._taken(obj)
        ]
        index = item_analysis.discrimination(taken)
        if index is None:
            return f"Not enough answers yet (fewer than {item_analysis.MIN_TAKERS})."
        verdict = "good" if index >= 0.3 else "weak" if index >= 0.1 else "poor: check the key"
        return (
            f"{index:+.2f} ({verdict}): the strongest 27% of takers score {index:+.0%} "
            "more on it than the weakest 27%."
        )

    @admin.display(description="options picked")
    def options(self, obj: QuestionStats):
        version = QuestionVersion.objects.filter(question_id=obj.question_id).latest()
        if version.kind not in ("single", "multiple"):
            return "(not a choice question)"
        picks = item_analysis.option_picks(
            version.asked["choices"],
            version.key["correct"],
            (answer for _, answer, _, _ in self._taken(obj)),
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0%}</td><td>{}</td></tr>",
            (
                (
                    p.text,
                    "right" if p.correct else "wrong",
                    p.picks,
                    p.share,
                    "picked more than a right option" if p.suspicious else "",
                )
                for p in picks
            ),
        )
        return format_html(
            "<table><thead><tr><th>Option</th><th></th><th>Picks</th><th>Share</th>"
            "<th>Flag</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="unrecognised answers")
    def unrecognised(self, obj: QuestionStats):
        found = UnrecognisedAnswer.objects.filter(question_id=obj.question_id)[:20]
        if not found:
            return "(none)"
        return format_html_join(
            "", "<p>{} × <code>{}</code></p>", ((u.count, u.text) for u in found)
        )


@admin.register(UnrecognisedAnswer)
class UnrecognisedAnswerAdmin(ReadOnlyAdmin):
    """What takers wrote that an example question's key did not know, most frequent first."""

    list_display = ("question_id", "text", "count", "last_seen", "snippet")
    list_filter = ("question_id",)
    search_fields = ("question_id", "text")

    @admin.display(description="YAML for accepted or rejected")
    def snippet(self, obj: UnrecognisedAnswer):
        return format_html("<pre>{}</pre>", item_analysis.yaml_snippet(obj.text))


@admin.register(ReviewCard)
class ReviewCardAdmin(ReadOnlyAdmin):
    """Learners' spaced-review cards, as the scheduler left them: records, not for editing."""

    list_display = ("question_id", "state", "due", "last_review", "reviews", "lapses")
    list_filter = ("state",)
    search_fields = ("question_id",)


@admin.register(ReviewLog)
class ReviewLogAdmin(ReadOnlyAdmin):
    list_display = ("question_id", "rating", "score", "rescheduled", "reviewed_at")
    list_filter = ("rating", "rescheduled")
    search_fields = ("question_id",)
    date_hierarchy = "reviewed_at"


@admin.register(LearnerPlan)
class LearnerPlanAdmin(ReadOnlyAdmin):
    list_display = ("role", "interview_date", "updated_at")
    list_filter = ("role",)

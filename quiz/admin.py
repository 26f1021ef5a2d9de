"""Attempts and responses are records of what takers did: read-only. Question statistics show
editors which questions are hardest."""

from django.contrib import admin
from django.db.models import Avg, Count, Q
from django.template.response import TemplateResponse

from careerguide.content import get_library

from .models import Attempt, Item, QuestionStatistic, Response


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemInline(admin.TabularInline):
    model = Item
    fields = ("position", "question_id", "kind", "difficulty")
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
    list_display = ("label", "mode", "created_at", "finished_at", "points")
    list_filter = ("mode", ("finished_at", admin.EmptyFieldListFilter))
    date_hierarchy = "created_at"
    inlines = [ItemInline]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("question_id", "score", "answered_at")
    list_filter = ("question_id",)
    search_fields = ("question_id",)
    list_select_related = ("item",)


@admin.register(QuestionStatistic)
class QuestionStatisticAdmin(ReadOnlyAdmin):
    """One row per question: times answered, share fully right, average score."""

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        rows = (
            Response.objects.filter(score__isnull=False)
            .values("question_id")
            .annotate(
                answered=Count("id"),
                right=Count("id", filter=Q(score__gte=1)),
                average=Avg("score"),
            )
        )
        library = get_library()
        stats = []
        for row in rows:
            doc = library.question(row["question_id"], drafts=True)
            stats.append(
                {
                    **row,
                    "title": doc.title if doc else "(no longer in the question bank)",
                    "share_right": round(100 * row["right"] / row["answered"]),
                    "average_percent": round(100 * row["average"]),
                }
            )
        order = request.GET.get("o", "hardest")
        stats.sort(
            key=lambda r: (
                (r["average"], -r["answered"])
                if order == "hardest"
                else (-r["answered"], r["question_id"])
            )
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Question statistics",
            "opts": self.model._meta,
            "stats": stats,
            "order": order,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/quiz/question_statistics.html", context)

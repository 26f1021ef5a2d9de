"""The learner's own pages: the review queue, the plan to an interview date, progress and
readiness per role, and clearing it all. Each page reads only the learner's own data (the
account's when signed in, else the browser's quiz token: quiz/owners.py), is never cached
(``never_cache``, ``Vary: Cookie``), and works as plain forms and links without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import cast

from django import forms
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_cookie

from careerguide.content import get_library
from careerguide.limits import limit

from . import planning, progress, review
from .attempts import SelectionError, create_attempt, review_selection
from .models import Attempt, LearnerPlan, ReviewCard
from .owners import keep_owner
from .owners import learner as learner_of


def _crumbs(title: str) -> list:
    return [("Quiz", reverse("quiz:index")), (title, None)]


def _live(library) -> set[str]:
    return {q.slug for q in library.all("question")}


@require_GET
@never_cache
@vary_on_cookie
def due(request):
    """The header's and home page's review link with the learner's count, swapped in by htmx
    in place of the plain link (which is what a browser without JavaScript keeps)."""
    cards, due_today = review.due_figures(learner_of(request), _live(get_library()), review.clock())
    return render(request, "quiz/includes/due_link.html", {"cards": cards, "due": due_today})


SHOWN_DUE = 20  # due questions listed on the review page; the count says how many more


def _due_row(card, library, now) -> dict:
    """A due question as the list shows it (dates written here: the template's date filter
    costs more than the rest of the row)."""
    question = library.question(card.question_id)
    return {
        "title": question.title if question else card.question_id,
        "overdue": card.due <= now,
        "iso": card.due.strftime("%Y-%m-%d"),
        "day": f"{card.due.day} {card.due:%b}",
        "score": None if card.last_score is None else round(100 * card.last_score),
    }


@require_GET
@never_cache
@vary_on_cookie
def queue(request):
    library = get_library()
    learner = learner_of(request)
    now = review.clock()
    data = progress.load(learner)
    plan = planning.current(library, learner, data, now)
    live = _live(library)
    end = review.end_of_day(now)
    cards = sorted(
        (c for c in data.cards if c.question_id in live), key=lambda c: (c.due, c.question_id)
    )
    due_cards = [c for c in cards if c.due <= end]
    upcoming = [c for c in cards if c.due > end]
    return render(
        request,
        "quiz/review.html",
        {
            "cards": len(cards),
            "retired": len(data.cards) - len(cards),
            "due": [_due_row(c, library, now) for c in due_cards[:SHOWN_DUE]],
            "due_count": len(due_cards),
            "more_due": max(0, len(due_cards) - SHOWN_DUE),
            "next_due": upcoming[0].due if upcoming else None,
            "next_count": sum(1 for c in upcoming if c.due.date() == upcoming[0].due.date())
            if upcoming
            else 0,
            "plan": plan,
            "new_today": len(plan.new_today) if plan else 0,
            "now": now,
            "breadcrumbs": _crumbs("Review"),
        },
    )


STARTS = "Too many quizzes started from this browser or address."


def _learner_key(group: str, request) -> str | None:
    return learner_of(request)


@require_POST
@limit("quiz-start", message=STARTS)  # a review is an attempt: the same limits as any start
@limit("quiz-start-owner", _learner_key, message=STARTS)
def start(request):
    """Start a review session: the questions due, most overdue first, then the plan's new
    questions for today. It is an attempt like any other."""
    library = get_library()
    learner = learner_of(request)
    now = review.clock()
    new = []
    due_ids: list[str] = []
    if learner:
        due_ids = list(
            review.due_cards(learner, _live(library), now).values_list("question_id", flat=True)
        )
        plan = planning.current(library, learner, progress.load(learner), now)
        new = plan.new_today if plan else []
    rng = random.Random(secrets.randbits(64))
    try:
        attempt = create_attempt(
            library,
            review_selection(library, due_ids, new),
            learner or secrets.token_urlsafe(24),
            rng,
        )
    except SelectionError as exc:
        message = f"{exc} Come back when the review page says questions are due."
        return render(request, "quiz/error.html", {"message": message, "status": 400}, status=400)
    return keep_owner(redirect("quiz:question", attempt.pk, 1), attempt.owner)


class PlanForm(forms.Form):
    interview_date = forms.DateField(
        label="Interview date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date of your interview.",
            "invalid": "Enter a date.",
        },
    )
    role = forms.ChoiceField(label="Role you are interviewing for", choices=())

    def __init__(self, *args, roles, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = [(r.slug, r.title) for r in roles]
        role.error_messages["invalid_choice"] = "Choose one of the roles."
        latest = today + dt.timedelta(days=planning.LONGEST)
        self.fields["interview_date"].widget.attrs.update(
            min=today.isoformat(), max=latest.isoformat()
        )

    def clean_interview_date(self):
        date = self.cleaned_data["interview_date"]
        if date <= self.today:
            raise forms.ValidationError("Choose a date after today.")
        if date > self.today + dt.timedelta(days=planning.LONGEST):
            raise forms.ValidationError("Choose a date within two years.")
        return date


@require_http_methods(["GET", "POST"])
@never_cache
@vary_on_cookie
def plan(request):
    library = get_library()
    learner = learner_of(request)
    now = review.clock()
    today = now.date()
    roles = library.all("role")
    if request.method == "POST" and request.POST.get("action") == "remove":
        if learner:
            LearnerPlan.objects.filter(learner=learner).delete()
        return redirect("quiz:plan")
    if request.method == "POST":
        form = PlanForm(request.POST, roles=roles, today=today)
        if form.is_valid():
            learner = learner or secrets.token_urlsafe(24)
            LearnerPlan.objects.update_or_create(
                learner=learner,
                defaults={
                    "interview_date": form.cleaned_data["interview_date"],
                    "role": form.cleaned_data["role"],
                },
            )
            return keep_owner(redirect("quiz:plan"), learner)
        status = 400
    else:
        status = 200
    current = planning.current(library, learner, progress.load(learner), now)
    if request.method != "POST":
        initial = (
            {"interview_date": current.interview_date, "role": current.role.slug}
            if current
            else {"role": request.GET.get("role", "")}
        )
        form = PlanForm(initial=initial, roles=roles, today=today)
    return render(
        request,
        "quiz/plan.html",
        {
            "form": form,
            "plan": current,
            "max_new": planning.MAX_NEW_PER_DAY,
            "breadcrumbs": _crumbs("Your plan"),
        },
        status=status,
    )


@require_GET
@never_cache
@vary_on_cookie
def progress_page(request):
    library = get_library()
    learner = learner_of(request)
    now = review.clock()
    data = progress.load(learner)
    figures = progress.skill_figures(library, progress.knowledge(data, now))
    days = progress.history(learner)
    live = _live(library)
    return render(
        request,
        "quiz/progress.html",
        {
            "empty": data.empty,
            "figures": figures,
            "chart": progress.skills_chart(figures) if figures else None,
            "readiness": progress.readiness(library, figures),
            "days": days,
            "history_chart": progress.history_chart(days) if days else None,
            "retired": sum(1 for c in data.cards if c.question_id not in live),
            "strong": round(100 * progress.STRONG),
            "fair": round(100 * progress.FAIR),
            "breadcrumbs": _crumbs("Your progress"),
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
@vary_on_cookie
def clear(request):
    """Delete the learner's review data, after a confirmation: cards, review history, plan,
    and the attempts they were drawn from."""
    learner = learner_of(request)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return redirect("quiz:clear")
        if learner:
            with transaction.atomic():
                review.clear(learner)
                Attempt.objects.filter(owner=learner).delete()
        return redirect(reverse("quiz:progress") + "?cleared=1")
    attempts = Attempt.objects.filter(owner=learner).count() if learner else 0
    cards = ReviewCard.objects.filter(learner=learner).count() if learner else 0
    return render(
        request,
        "quiz/clear.html",
        {"attempts": attempts, "cards": cards, "breadcrumbs": _crumbs("Clear your data")},
    )

"""Taking the quiz: one question per screen, feedback after each answer, results at the end.

Every step works as plain POST -> redirect -> GET; with htmx the answer form swaps the feedback
in place instead. Errors are answered with a 4xx and a plain message, never a 500.
"""

from __future__ import annotations

import functools
import random
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_cookie

from careerguide.content import get_library
from roles import structured_data

from . import steps
from .attempts import DIFFICULTIES, SelectionError, create_attempt, missed_selection, select
from .forms import RubricForm, answer_form, options
from .models import Attempt, Item, Response
from .results import summarise
from .scoring import pretick, score_answer, score_open
from .steps import Step

# The browser's quiz token, in its own cookie rather than the session: taking the quiz then
# reads no session (one lookup less per step) and leaves sessions to signed-in staff.
OWNER_COOKIE = "quiz_owner"
OWNER_MAX_AGE = 365 * 24 * 60 * 60  # seconds: a year after the browser's latest attempt
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)


def _owner(request) -> str | None:
    token = request.COOKIES.get(OWNER_COOKIE, "")
    return token if _TOKEN.fullmatch(token) else None


def _keep_owner(response: HttpResponse, token: str) -> HttpResponse:
    response.set_cookie(
        OWNER_COOKIE,
        token,
        max_age=OWNER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


# What ``never_cache`` sends. Every step of the quiz sends it: written out once, instead of
# parsing and merging Cache-Control twice per response (most of the decorator's 13 µs a step,
# measured in one process).
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def uncached(*vary: str):
    """``never_cache`` (and ``vary_on_headers(*vary)``) for the quiz's steps: the same headers,
    set directly when the response has none of its own to merge them with."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            headers = response.headers
            if "Cache-Control" in headers or "Expires" in headers:
                add_never_cache_headers(response)
            else:
                headers["Expires"] = http_date()
                headers["Cache-Control"] = NEVER_CACHE
            if vary:
                if "Vary" in headers:
                    patch_vary_headers(response, vary)
                else:
                    headers["Vary"] = ", ".join(vary)
            return response

        return wrapped

    return decorator


def _error(request, message: str, status: int) -> HttpResponse:
    template = "quiz/error.html#message" if request.htmx else "quiz/error.html"
    return render(request, template, {"message": message, "status": status}, status=status)


def _load(request, attempt_id, *, owner_only: bool = True) -> Step:
    step = steps.load(attempt_id)
    if owner_only and step.attempt.owner != _owner(request):
        raise PermissionDenied("This attempt belongs to another browser.")
    return step


def _finish_if_done(step: Step) -> None:
    if step.current is not None or step.attempt.finished_at is not None:
        return
    points = sum(response.score for _, response in step.pairs())
    now = timezone.now()
    Attempt.objects.filter(pk=step.attempt.pk, finished_at__isnull=True).update(
        finished_at=now, points=points
    )
    step.attempt.finished_at, step.attempt.points = now, points


# --- choosing a quiz ---------------------------------------------------------------------------


@require_GET
@cache_control(private=True)  # it holds a CSRF token, and the visitor's own attempts
@vary_on_cookie
def index(request):
    library = get_library()
    questions = library.all("question")
    owner = _owner(request)
    history = _history(owner)[:5] if owner else []
    return render(
        request,
        "quiz/index.html",
        {
            "article_count": sum(1 for q in questions if q.meta.article),
            "question_count": len(questions),
            "skills": [(s, len(library.questions_for(skill=s.slug))) for s in library.all("skill")],
            "roles": library.all("role"),
            "difficulties": [
                (d, sum(1 for q in questions if q.meta.difficulty == d)) for d in DIFFICULTIES
            ],
            "history": history,
            # the guide's "practise this skill/role" links preselect it here
            "selected_skill": request.GET.get("skill", ""),
            "selected_role": request.GET.get("role", ""),
            "structured_data": structured_data.quiz(len(questions), request.build_absolute_uri()),
            "breadcrumbs": [("Quiz", None)],
        },
    )


def _history(owner: str):
    return (
        Attempt.objects.filter(owner=owner)
        .annotate(
            total=Count("items", distinct=True),
            answered=Count(
                "items__response", filter=Q(items__response__score__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at")
    )


@require_GET
@cache_control(private=True)
@vary_on_cookie
def history(request):
    owner = _owner(request)
    return render(
        request,
        "quiz/history.html",
        {
            "history": _history(owner)[:100] if owner else [],
            "breadcrumbs": [("Quiz", reverse("quiz:index")), ("Your attempts", None)],
        },
    )


@require_POST
def start(request):
    mode = request.POST.get("mode", "")
    value = request.POST.get("value", "")
    if len(mode) > 20 or len(value) > 80:
        return _error(request, "Choose a kind of quiz from the list.", 400)
    return _begin(request, lambda library, rng: select(library, mode, value, rng))


@require_POST
def retake(request, attempt_id):
    step = _load(request, attempt_id)
    return _begin(
        request, lambda library, _: missed_selection(library, step), retake_of=step.attempt
    )


def _begin(request, choose, retake_of: Attempt | None = None) -> HttpResponse:
    """Create an attempt from ``choose(library, rng)`` and go to its first question."""
    library = get_library()
    rng = random.Random(secrets.randbits(64))
    owner = _owner(request)
    try:
        selection = choose(library, rng)
        attempt = create_attempt(
            library, selection, owner or secrets.token_urlsafe(24), rng, retake_of=retake_of
        )
    except SelectionError as exc:
        return _error(request, str(exc), 400)
    # (again for a known browser: its year starts over with each attempt)
    return _keep_owner(redirect("quiz:question", attempt.pk, 1), attempt.owner)


# --- one question per screen -------------------------------------------------------------------


@require_GET
def resume(request, attempt_id):
    step = _load(request, attempt_id)
    if step.current is None:
        return redirect("quiz:results", attempt_id)
    return redirect("quiz:question", attempt_id, step.current)


def _panel_context(request, step: Step, item: Item, form=None, notice: str = "") -> dict[str, Any]:
    response = step.response(item)
    context: dict[str, Any] = {
        "attempt": step.attempt,
        "item": item,
        "asked": item.asked,
        "total": step.total,
        "response": response,
        "notice": notice,
    }
    if response is None:
        context["answering"] = True
        context["action"] = reverse("quiz:answer", args=[step.attempt.pk, item.position])
        if form is None:
            # A fresh form's fields follow from the question alone, so the template keeps them
            # rendered by content (answer_form.html): the form is built only to render them.
            context["pristine"] = True
            form = SimpleLazyObject(lambda: answer_form(item))
        context["form"] = form
        context["field"] = field = SimpleLazyObject(lambda: form[next(iter(form.fields))])
        if item.kind in ("single", "multiple"):
            context["options"] = SimpleLazyObject(lambda: options(field))
    else:
        key = item.key
        context["key"] = key
        if response.score is None:  # open answer waiting for the rubric
            ticked = response.detail.get("preticked", [])
            context["rubric_form"] = form = form or RubricForm(
                rubric=key["rubric"], initial={"points": [str(i) for i in ticked]}
            )
            context["options"] = options(form["points"])
            context["action"] = reverse("quiz:assess", args=[step.attempt.pk, item.position])
        else:
            context["stats"] = steps.takers_share(item.question_id)
            context["feedback"] = _feedback(item, response)
            context["next_url"] = (
                reverse("quiz:question", args=[step.attempt.pk, item.position + 1])
                if item.position < step.total
                else reverse("quiz:results", args=[step.attempt.pk])
            )
    return context


def _feedback(item: Item, response: Response) -> dict[str, Any]:
    """What the feedback panel lists, worked out here so that the template only displays."""
    key, answer = item.key, response.answer
    out: dict[str, Any] = {"score_percent": round(response.score * 100)}
    if item.kind in ("single", "multiple"):
        picked = set(answer.get("choices") or [answer.get("choice")])
        out["choices"] = [
            {
                **c,
                "html": c.get("html") or escape(c["text"]),
                "picked": c["id"] in picked,
                "correct": c["id"] in key["correct"],
                "why": key["why"].get(c["id"], ""),
            }
            for c in item.asked["choices"]
        ]
    elif item.kind == "open":
        ticked = set(response.detail.get("ticked", []))
        out["rubric"] = [
            {"html": p.get("html") or escape(p["point"]), "ticked": i in ticked}
            for i, p in enumerate(key["rubric"])
        ]
    return out


def _render_question(request, step: Step, item: Item, *, form=None, notice="", status=200):
    context = _panel_context(request, step, item, form=form, notice=notice)
    template = "quiz/question.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template = "quiz/panel.html"
    # Jinja2: every step renders one of these, for one taker (careerguide/jinja2.py)
    return render(request, template, context, status=status, using="jinja2")


@require_GET
@uncached("HX-Request")
def question(request, attempt_id, position):
    step = _load(request, attempt_id)
    item = step.item(position)
    current = step.current
    if current is not None and position > current:
        return redirect("quiz:question", attempt_id, current)
    return _render_question(request, step, item)


ANSWERED = "You already answered this question; your first answer stands."
MARKED = "You already marked this answer; your first marking stands."
FINISHED = (
    "This attempt is finished, so that answer was not recorded. Start a new one from the quiz page."
)


def _check_turn(request, step: Step, item: Item) -> HttpResponse | None:
    """Refuse an answer that is not this attempt's next step."""
    if step.attempt.finished_at is not None:
        if request.htmx:  # keep the feedback on screen, with the reason above it
            return _render_question(request, step, item, notice=FINISHED, status=400)
        return _error(request, FINISHED, 400)
    if step.response(item) is not None:
        return _conflict(request, step, item, ANSWERED)
    current = step.current
    if current is not None and item.position > current:
        return _error(request, f"Answer question {current} first.", 400)
    return None


def _conflict(request, step: Step, item: Item, notice: str) -> HttpResponse:
    """A replayed or concurrent second submit: the first one stands (409, feedback kept)."""
    return _after_post(request, step, item, notice=notice, status=409)


def _after_post(request, step: Step, item: Item, *, notice: str = "", status: int = 200):
    if request.htmx:
        return _render_question(request, step, item, notice=notice, status=status)
    return redirect("quiz:question", step.attempt.pk, item.position)


@require_POST
@uncached()
def answer(request, attempt_id, position):
    step = _load(request, attempt_id)
    item = step.item(position)
    if (problem := _check_turn(request, step, item)) is not None:
        return problem

    form = answer_form(item, request.POST)
    if not form.is_valid():
        return _render_question(request, step, item, form=form, status=400)
    given = form.answer()
    outcome = score_answer(item.kind, item.key, given)
    if outcome is None:
        detail = {"preticked": pretick(given["text"], item.key["rubric"])}
        score, scored_at = None, None
    else:
        detail, score, scored_at = outcome.detail, outcome.score, timezone.now()
    response = Response(
        item_id=item.pk,  # not item=: that would cache the answer on the shared item
        question_id=item.question_id,
        answer=given,
        score=score,
        detail=detail,
        scored_at=scored_at,
    )
    try:
        steps.response_insert.save(response)
    except IntegrityError:  # a concurrent submit of the same question won the race
        step = _load(request, attempt_id)
        return _conflict(request, step, step.item(position), ANSWERED)
    step.responses[item.position] = response
    _finish_if_done(step)
    return _after_post(request, step, item)


@require_POST
@uncached()
def assess(request, attempt_id, position):
    """Second step of an open question: the taker ticks the rubric points they covered."""
    step = _load(request, attempt_id)
    item = step.item(position)
    response = step.response(item)
    if item.kind != "open" or response is None:
        return _error(request, "Write your answer before marking it against the rubric.", 400)
    if response.score is not None:
        return _conflict(request, step, item, MARKED)
    form = RubricForm(request.POST, rubric=item.key["rubric"])
    if not form.is_valid():
        return _render_question(request, step, item, form=form, status=400)
    outcome = score_open(form.cleaned_data["points"], len(item.key["rubric"]))
    detail = {**response.detail, **outcome.detail}
    updated = Response.objects.filter(pk=response.pk, score__isnull=True).update(
        score=outcome.score, detail=detail, scored_at=timezone.now()
    )
    if not updated:  # marked concurrently
        step = _load(request, attempt_id)
        return _conflict(request, step, step.item(position), MARKED)
    response.score, response.detail = outcome.score, detail
    _finish_if_done(step)
    return _after_post(request, step, item)


# --- results -----------------------------------------------------------------------------------


@require_GET
@uncached()
def results(request, attempt_id):
    # Anyone holding the (unguessable) link may read a result; only its owner may act on it.
    step = _load(request, attempt_id, owner_only=False)
    is_owner = step.attempt.owner == _owner(request)
    return render(
        request,
        "quiz/results.html",
        {
            "attempt": step.attempt,
            "summary": summarise(step.pairs()),
            "is_owner": is_owner,
            "breadcrumbs": [("Quiz", reverse("quiz:index")), ("Results", None)],
        },
    )

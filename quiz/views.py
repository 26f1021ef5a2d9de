"""Taking the quiz: one question per screen, feedback after each answer, results at the end.

Every step works as plain POST -> redirect -> GET; with htmx the answer form swaps the feedback
in place instead (the ``panel`` fragment of the question page). Errors are answered with a 4xx
and a plain message, never a 500.
"""

from __future__ import annotations

import random
import secrets
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from careerguide import structured_data
from careerguide.content import get_library
from careerguide.htmx import wants_fragment
from careerguide.limits import daily_cap, limit

from . import review, steps
from .attempts import DIFFICULTIES, SelectionError, create_attempt, missed_selection, select
from .forms import RubricForm, answer_form
from .models import Attempt, Item, Response
from .owners import is_owner as _is_owner
from .owners import keep_owner as _keep_owner
from .owners import learner as _learner
from .results import summarise
from .scoring import normalise, pretick, score_answer, score_open


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    template = "quiz/error.html#message" if wants_fragment(request) else "quiz/error.html"
    return render(request, template, {"message": message, "status": status}, status=status)


def _owned(request: HttpRequest, item: Item) -> Item:
    if not _is_owner(request, item.attempt):
        raise PermissionDenied("This attempt belongs to another browser.")
    return item


# --- choosing a quiz ---------------------------------------------------------------------------


def _history(owner: str):
    return Attempt.objects.filter(owner=owner).only(
        "id", "label", "created_at", "finished_at", "points", "total", "position"
    )


@require_GET
@cache_control(private=True)  # it holds a CSRF token, and the visitor's own attempts
@vary_on_cookie
def index(request):
    library = get_library()
    questions = library.all("question")
    owner = _learner(request)
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
            "history": _history(owner)[:5] if owner else [],
            "review": review.due_figures(owner, (q.slug for q in questions), review.clock()),
            # the guide's "practise this skill/role" links preselect it here
            "selected_skill": request.GET.get("skill", ""),
            "selected_role": request.GET.get("role", ""),
            "structured_data": structured_data.quiz(len(questions), request.build_absolute_uri()),
            "breadcrumbs": [("Quiz", None)],
        },
    )


@require_GET
@cache_control(private=True)
@vary_on_cookie
def history(request):
    owner = _learner(request)
    return render(
        request,
        "quiz/history.html",
        {
            "history": _history(owner)[:100] if owner else [],
            "breadcrumbs": [("Quiz", reverse("quiz:index")), ("Your attempts", None)],
        },
    )


# --- limits (careerguide/limits.py) ------------------------------------------------------------


def _owner_key(group: str, request: HttpRequest) -> str | None:
    """Per-browser limits count by quiz token; a browser without one yet is left to the
    per-address limits."""
    return _learner(request)


def _attempts_since(request: HttpRequest, since):
    """How many attempts this browser started since ``since``, and the oldest of them."""
    token = _learner(request)
    if token is None:
        return 0, None
    counts = Attempt.objects.filter(owner=token, created_at__gte=since).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return counts["count"], counts["oldest"]


STARTS = "Too many quizzes started from this browser or address."
ANSWERS = "Too many answers sent from this browser or address."
DAILY = "This browser has started as many quizzes as one day allows."
_start_limits = [
    limit("quiz-start", message=STARTS),
    limit("quiz-start-owner", _owner_key, message=STARTS),
    daily_cap("QUIZ_ATTEMPTS_PER_DAY", _attempts_since, DAILY),
]
_answer_limits = [
    limit("quiz-answer", message=ANSWERS),
    limit("quiz-answer-owner", _owner_key, message=ANSWERS),
]


def _limited(limits):
    def decorate(view):
        for decorator in reversed(limits):
            view = decorator(view)
        return view

    return decorate


@require_POST
@_limited(_start_limits)
def start(request):
    mode = request.POST.get("mode", "")
    value = request.POST.get("value", "")
    if len(mode) > 20 or len(value) > 80:
        return _error(request, "Choose a kind of quiz from the list.", 400)
    return _begin(request, lambda library, rng: select(library, mode, value, rng))


@require_POST
@_limited(_start_limits)
def retake(request, attempt_id: uuid.UUID):
    attempt = get_object_or_404(Attempt, pk=attempt_id)
    if not _is_owner(request, attempt):
        raise PermissionDenied("This attempt belongs to another browser.")
    return _begin(request, lambda library, _: missed_selection(library, attempt), retake_of=attempt)


def _begin(request, choose, retake_of: Attempt | None = None) -> HttpResponse:
    """Create an attempt from ``choose(library, rng)`` and go to its first question."""
    library = get_library()
    rng = random.Random(secrets.randbits(64))
    try:
        selection = choose(library, rng)
        attempt = create_attempt(
            library,
            selection,
            _learner(request) or secrets.token_urlsafe(24),
            rng,
            retake_of=retake_of,
        )
    except SelectionError as exc:
        return _error(request, str(exc), 400)
    # (again for a known browser: its year starts over with each attempt)
    return _keep_owner(redirect("quiz:question", attempt.pk, 1), attempt.owner)


# --- one question per screen -------------------------------------------------------------------


@require_GET
def resume(request, attempt_id: uuid.UUID):
    attempt = get_object_or_404(
        Attempt.objects.only("id", "owner", "position", "total"), pk=attempt_id
    )
    if not _is_owner(request, attempt):
        raise PermissionDenied("This attempt belongs to another browser.")
    if attempt.position > attempt.total:
        return redirect("quiz:results", attempt_id)
    return redirect("quiz:question", attempt_id, attempt.position)


def _awaiting_marking(item: Item, response: Response) -> list[dict] | None:
    """The rubric an unscored answer is marked against: an open question's points, or the one
    criterion of a free-text example that the key did not recognise."""
    if response.score is not None:
        return None
    key = item.key
    if item.kind == "open":
        return key["rubric"]
    criterion = key.get("criterion") or "My answer is a correct example, for the reason above."
    return [{"point": criterion, "html": escape(criterion)}]


def _panel_context(request, item: Item, form=None, notice: str = "") -> dict[str, Any]:
    attempt = item.attempt
    response = steps.response_of(item)
    context: dict[str, Any] = {
        "attempt": attempt,
        "item": item,
        "asked": item.asked,
        "total": attempt.total,
        "response": response,
        "notice": notice,
    }
    if response is None:
        context["answering"] = True
        context["action"] = reverse("quiz:answer", args=[attempt.pk, item.position])
        # No answer given yet: the fields are kept rendered (answer_form.html), so the form is
        # built only if they are not.
        context["pristine"] = form is None
        context["form"] = form or SimpleLazyObject(lambda: answer_form(item))
        return context
    key = item.key
    context["key"] = key
    rubric = _awaiting_marking(item, response)
    if rubric is not None:
        ticked = response.detail.get("preticked", [])
        context["rubric_form"] = form or RubricForm(
            rubric=rubric, initial={"points": [str(i) for i in ticked]}
        )
        context["action"] = reverse("quiz:assess", args=[attempt.pk, item.position])
        return context
    context["stats"] = steps.takers_share(item.question_id)
    context["feedback"] = _feedback(item, response)
    context["next_url"] = (
        reverse("quiz:question", args=[attempt.pk, item.position + 1])
        if item.position < attempt.total
        else reverse("quiz:results", args=[attempt.pk])
    )
    return context


def _feedback(item: Item, response: Response) -> dict[str, Any]:
    """What the feedback panel lists, worked out here so that the template only displays."""
    key, answer = item.key, response.answer
    out: dict[str, Any] = {"score_percent": round((response.score or 0.0) * 100)}
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


def _render_question(request, item: Item, *, form=None, notice="", status=200) -> HttpResponse:
    context = _panel_context(request, item, form=form, notice=notice)
    template = "quiz/question.html#panel" if wants_fragment(request) else "quiz/question.html"
    return render(request, template, context, status=status)


@require_GET
@never_cache
@vary_on_headers("HX-Request")
def question(request, attempt_id: uuid.UUID, position: int):
    item = _owned(request, steps.load_item(attempt_id, position))
    current = item.attempt.position
    if position > current:
        return redirect("quiz:question", attempt_id, current)
    return _render_question(request, item)


ANSWERED = "You already answered this question; your first answer stands."
MARKED = "You already marked this answer; your first marking stands."
FINISHED = (
    "This attempt is finished, so that answer was not recorded. Start a new one from the quiz page."
)


def _check_turn(request, item: Item) -> HttpResponse | None:
    """Refuse an answer that is not this attempt's next step."""
    if item.attempt.finished_at is not None:
        if request.htmx:  # keep the feedback on screen, with the reason above it
            return _render_question(request, item, notice=FINISHED, status=400)
        return _error(request, FINISHED, 400)
    if steps.response_of(item) is not None:
        return _conflict(request, item, ANSWERED)
    current = item.attempt.position
    if item.position > current:
        return _error(request, f"Answer question {current} first.", 400)
    return None


def _conflict(request, item: Item, notice: str) -> HttpResponse:
    """A replayed or concurrent second submit: the first one stands (409, feedback kept)."""
    if request.htmx:
        item = steps.load_item(item.attempt_id, item.position)  # as the first submit left it
    return _after_post(request, item, notice=notice, status=409)


def _after_post(request, item: Item, *, notice: str = "", status: int = 200) -> HttpResponse:
    if request.htmx:
        return _render_question(request, item, notice=notice, status=status)
    return redirect("quiz:question", item.attempt_id, item.position)


@require_POST
@never_cache
@_limited(_answer_limits)
def answer(request, attempt_id: uuid.UUID, position: int):
    item = _owned(request, steps.load_item(attempt_id, position))
    if (problem := _check_turn(request, item)) is not None:
        return problem

    form = answer_form(item, request.POST)
    if not form.is_valid():
        return _render_question(request, item, form=form, status=400)
    given = form.answer()
    key = item.key
    outcome = score_answer(item.kind, key, given)
    unrecognised = ""
    score: float | None
    detail: dict[str, Any]
    if outcome is None:  # an open answer: the taker marks it against the rubric next
        score, detail = None, {"preticked": pretick(given["text"], key["rubric"])}
    elif outcome.detail.get("verdict") == "unrecognised":  # judged against the criterion next
        score, detail = None, {**outcome.detail, "self_assessed": True}
        unrecognised = normalise(given["text"])[:300]
    else:
        score, detail = outcome.score, outcome.detail
    try:
        steps.record_answer(item, given, score, detail, unrecognised=unrecognised)
    except steps.AlreadyDone:  # a concurrent submit of the same question won the race
        return _conflict(request, item, ANSWERED)
    return _after_post(request, item)


@require_POST
@never_cache
@_limited(_answer_limits)
def assess(request, attempt_id: uuid.UUID, position: int):
    """The taker marks their own answer: the rubric points an open answer covered, or whether
    a free-text example the key did not recognise meets the question's criterion."""
    item = _owned(request, steps.load_item(attempt_id, position))
    response = steps.response_of(item)
    if response is None:
        return _error(request, "Write your answer before marking it.", 400)
    rubric = _awaiting_marking(item, response)
    if rubric is None:
        return _conflict(request, item, MARKED)
    form = RubricForm(request.POST, rubric=rubric)
    if not form.is_valid():
        return _render_question(request, item, form=form, status=400)
    outcome = score_open(form.cleaned_data["points"], len(rubric))
    detail = {**response.detail, **outcome.detail}
    try:
        steps.record_marking(item, response, outcome.score, detail)
    except steps.AlreadyDone:  # marked concurrently
        return _conflict(request, item, MARKED)
    return _after_post(request, item)


# --- results -----------------------------------------------------------------------------------


@require_GET
@never_cache
def results(request, attempt_id: uuid.UUID):
    # Anyone holding the (unguessable) link may read a result; only its owner may act on it.
    attempt = get_object_or_404(Attempt, pk=attempt_id)
    items = attempt.items.select_related("version", "response")
    return render(
        request,
        "quiz/results.html",
        {
            "attempt": attempt,
            "summary": summarise((item, steps.response_of(item)) for item in items),
            "is_owner": _is_owner(request, attempt),
            "breadcrumbs": [("Quiz", reverse("quiz:index")), ("Results", None)],
        },
    )

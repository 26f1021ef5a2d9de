"""'Which role fits me?': the assessment at /fit/ and its shareable result.

- ``/fit/`` without a query string is the empty form, the same for everyone: a cached guide
  page. Submitted (a plain GET form, or htmx on every change, which gets the result fragment
  alone) it shows the result under the form. That result also shows what the learner's quiz
  answers suggest (``careerguide.progress_hooks``), so it is personal: sent ``private`` and
  never stored.
- ``/fit/r/<token>/`` is the result a learner shares: the answers signed into the address
  (``roles.fit.encode``), no database row. It shows only what the answers say, so anyone who
  opens it sees the same result; the viewer's own quiz figures are not mixed in.

A malformed answer or a changed token answers 400 with the reason.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from careerguide import progress_hooks
from careerguide.content import Document, Library, get_library
from careerguide.htmx import wants_fragment

from . import fit
from .caching import guide_page

ASSESSMENT = "assessment"  # content/fit/assessment.md
KIND_ORDER = ("interest", "style", "skill")


def _assessment(request: HttpRequest) -> tuple[Library, Document]:
    library = get_library()
    drafts = request.user.is_authenticated and request.user.is_staff
    doc = library.get("fit", ASSESSMENT, drafts=drafts)
    if doc is None:
        raise Http404("The assessment is not published")
    return library, doc


def _scales(doc: Document) -> dict[str, list[str]]:
    return {"interest": doc.meta.interest_scale, "style": doc.meta.style_scale}


def _form_context(doc: Document, answers: fit.Answers, roles: list[Document]) -> dict:
    groups: dict[str, list] = {kind: [] for kind in KIND_ORDER}
    scales = _scales(doc)
    for item in doc.meta.items:
        if item.kind == "skill":
            options = [(level, f"{level}: {text}") for level, text in enumerate(item.levels)]
        else:
            options = list(enumerate(scales[item.kind]))
        groups[item.kind].append((item, options, answers.values.get(item.id)))
    return {"groups": groups, "answers": answers, "roles": roles}


def result_context(
    library: Library, doc: Document, answers: fit.Answers, measured: dict[str, float]
) -> dict:
    """Everything the result shows, from the answers (and, on /fit/, the quiz figures)."""
    roles = library.all("role")
    by_slug = {role.slug: role for role in roles}
    slugs = [role.slug for role in roles]
    items = doc.meta.items
    fits = fit.role_fits(items, answers, slugs, _scales(doc))
    top = fit.leaders(fits)
    chosen = by_slug[fit.chosen_role(fits, answers, slugs)]
    skills = {s.slug: s for s in library.all("skill")}
    gaps = [g for g in fit.skill_gaps(chosen, items, answers, measured) if g.skill in skills]
    titles = {slug: skill.title for slug, skill in skills.items()}
    plan = [
        {
            "gap": gap,
            "skill": skills[gap.skill],
            "education": [
                path
                for slug in (gap.item.education or [] if gap.item else [])
                if (path := library.get("education", slug)) is not None
            ],
            "practice": f"{reverse('quiz:index')}?{urlencode({'skill': gap.skill})}",
        }
        for gap in fit.plan(gaps)
    ]
    weekend = [chosen, *(role for role in roles if role is not chosen)]
    return {
        "fits": [(by_slug[f.slug], f) for f in fits],
        "leaders": [by_slug[f.slug] for f in top],
        "chosen": chosen,
        "gaps": [(g, skills[g.skill]) for g in gaps],
        "gap_chart": fit.gap_chart(gaps, titles, chosen.title) if gaps else None,
        "measured_any": any(g.measured is not None for g in gaps),
        "disagreements": [(g, skills[g.skill]) for g in gaps if g.disagrees],
        "plan": plan,
        "weekend": [role for role in weekend if role.meta.weekend_test is not None],
        "answered": len(answers.values),
        "item_count": len(items),
        "share_url": reverse("fit_result", args=[fit.encode(answers)]),
        "edit_url": f"{reverse('fit')}?{urlencode(answers.canonical())}",
    }


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "HX-Request"))
    return response


@guide_page(without_query=True)
@require_GET
@vary_on_headers("HX-Request")
def assessment(request: HttpRequest) -> HttpResponse:
    library, doc = _assessment(request)
    roles = library.all("role")
    template = "roles/fit.html"
    fragment = wants_fragment(request)
    context = {"doc": doc, "breadcrumbs": [(doc.title, None)]}
    try:
        answers = fit.read_answers(
            doc.meta.items,
            [r.slug for r in roles],
            {k: request.GET.getlist(k) for k in request.GET},
        )
    except fit.InvalidAnswers as exc:
        context |= _form_context(doc, fit.Answers({}), roles)
        context["error"] = str(exc)
        return _private(
            render(request, template + ("#result" if fragment else ""), context, status=400)
        )
    context |= _form_context(doc, answers, roles)
    if not request.GET:
        return render(request, template, context)
    measured = progress_hooks.measured_skills(request)
    context |= {"result": result_context(library, doc, answers, measured), "personal": True}
    return _private(render(request, template + ("#result" if fragment else ""), context))


@require_GET
def result(request: HttpRequest, token: str) -> HttpResponse:
    library, doc = _assessment(request)
    roles = library.all("role")
    context = {
        "doc": doc,
        "breadcrumbs": [(doc.title, reverse("fit")), ("Shared result", None)],
    }
    try:
        answers = fit.decode(token, doc.meta.items, [r.slug for r in roles])
    except fit.InvalidAnswers as exc:
        context["error"] = str(exc)
        response = render(request, "roles/fit_result.html", context, status=400)
    else:
        context["result"] = result_context(library, doc, answers, {})
        response = render(request, "roles/fit_result.html", context)
    # the same for every reader, but revalidated: an edit to the weights changes the result
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response

"""The guide's pages. Each view picks documents from the content library and hands them to a
template; nothing here reads files or renders markdown."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from careerguide import structured_data
from careerguide.absolute_urls import absolute_url
from careerguide.content import Document, Library, get_library
from careerguide.htmx import wants_fragment

from . import charts
from .caching import guide_page
from .comparison import build_table


def _drafts(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_staff


def _get(request: HttpRequest, kind: str, slug: str) -> tuple[Library, Document]:
    library = get_library()
    doc = library.get(kind, slug, drafts=_drafts(request))
    if doc is None:
        raise Http404(f"No {kind} called {slug}")
    return library, doc


def _resolve(library: Library, kind: str, slugs) -> list[Document]:
    return [doc for slug in slugs if (doc := library.get(kind, slug)) is not None]


@guide_page
@require_GET
def home(request):
    library, doc = _get(request, "page", "home")
    return render(
        request,
        "roles/home.html",
        {
            "doc": doc,
            "roles": library.all("role"),
            "skills": library.all("skill"),
            "education": library.all("education"),
            "question_count": len(library.all("question")),
        },
    )


@guide_page
@require_GET
def page(request, slug):
    if slug == "home":
        return redirect("home", permanent=True)
    library, doc = _get(request, "page", slug)
    return render(
        request,
        "roles/page.html",
        {
            "doc": doc,
            "pay_chart": (
                charts.pay_chart(charts.unique_pay(library.all("role"))) if slug == "pay" else None
            ),
            "breadcrumbs": [(doc.title, None)],
        },
    )


@guide_page
@require_GET
def role_list(request):
    library = get_library()
    return render(
        request,
        "roles/role_list.html",
        {
            "roles": library.all("role"),
            "comparisons": library.all("comparison"),
            "breadcrumbs": [("Roles", None)],
        },
    )


@guide_page
@require_GET
def role_detail(request, slug):
    library, doc = _get(request, "role", slug)
    skills = [
        (skill, item.emphasis)
        for item in sorted(doc.meta.skills, key=lambda i: -i.emphasis)
        if (skill := library.get("skill", item.skill)) is not None
    ]
    return render(
        request,
        "roles/role_detail.html",
        {
            "doc": doc,
            "skills": skills,
            "education": _resolve(library, "education", doc.meta.education),
            "similar": _resolve(library, "role", doc.meta.similar),
            "comparisons": library.comparisons_for(slug),
            "questions": library.questions_for(role=slug),
            "pay_chart": charts.pay_chart(doc.meta.pay),
            "structured_data": structured_data.occupation(
                doc, [skill for skill, _ in skills], absolute_url(request, doc.url)
            ),
            "breadcrumbs": [("Roles", reverse("role_list")), (doc.title, None)],
        },
    )


def _comparison_context(library: Library, doc: Document) -> dict:
    left, right = (library.get("role", slug) for slug in doc.meta.roles)
    if left is None or right is None:
        raise Http404("This comparison's roles are not published")
    return {
        "doc": doc,
        "table": build_table(library, left, right),
        "ideal_if": [(role, doc.meta.ideal_if[role.slug]) for role in (left, right)],
    }


def _picker(library: Library, selected: tuple[str, str] = ("", "")) -> dict:
    return {"picker_roles": library.all("role"), "selected": selected}


@guide_page(without_query=True)
@require_GET
@vary_on_headers("HX-Request")
def compare_index(request):
    library = get_library()
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    context = {
        "comparisons": library.all("comparison"),
        "breadcrumbs": [("Compare", None)],
        **_picker(library, (a, b)),
    }
    if not (a or b):
        return render(request, "roles/compare_index.html", context)

    error = None
    doc = None
    roles = {r.slug for r in library.all("role")}
    if a not in roles or b not in roles:
        error = "Choose two roles from the lists."
    elif a == b:
        error = "Choose two different roles to compare."
    else:
        doc = library.comparison(a, b)
        if doc is None:
            error = "There is no comparison of those two roles yet."
    if error:
        context["error"] = error
        template = "roles/compare_index.html"
        if wants_fragment(request):
            template += "#comparison"
        return render(request, template, context, status=400)

    if wants_fragment(request):
        response = render(
            request,
            "roles/compare_detail.html#comparison",
            {
                **context,
                **_comparison_context(library, doc),
            },
        )
        response["HX-Push-Url"] = doc.url
        return response
    return redirect(doc.url)


@guide_page
@require_GET
def compare_detail(request, slug):
    library = get_library()
    left, sep, right = slug.partition("-vs-")
    doc = library.get("comparison", slug, drafts=_drafts(request))
    if doc is None and sep:
        doc = library.comparison(left, right, drafts=_drafts(request))
        if doc is not None:  # the same pair in the other order: one canonical URL
            return redirect(doc.url, permanent=True)
    if doc is None:
        raise Http404("No such comparison")
    context = _comparison_context(library, doc)
    return render(
        request,
        "roles/compare_detail.html",
        {
            **context,
            **_picker(library, tuple(doc.meta.roles)),
            "breadcrumbs": [("Compare", reverse("compare_index")), (doc.title, None)],
        },
    )


@guide_page
@require_GET
def skill_list(request):
    library = get_library()
    skills = library.all("skill")
    return render(
        request,
        "roles/skill_list.html",
        {
            "article_skills": [s for s in skills if s.meta.in_article],
            "other_skills": [s for s in skills if not s.meta.in_article],
            "breadcrumbs": [("Skills", None)],
        },
    )


@guide_page
@require_GET
def skill_detail(request, slug):
    library, doc = _get(request, "skill", slug)
    why = [
        (role, doc.meta.why[role.slug]) for role in library.all("role") if role.slug in doc.meta.why
    ]
    return render(
        request,
        "roles/skill_detail.html",
        {
            "doc": doc,
            "why": why,
            "questions": library.questions_for(skill=slug),
            "breadcrumbs": [("Skills", reverse("skill_list")), (doc.title, None)],
        },
    )


@guide_page
@require_GET
def education_list(request):
    library = get_library()
    return render(
        request,
        "roles/education_list.html",
        {
            "paths": library.all("education"),
            "breadcrumbs": [("Education", None)],
        },
    )


@guide_page
@require_GET
def education_detail(request, slug):
    library, doc = _get(request, "education", slug)
    return render(
        request,
        "roles/education_detail.html",
        {
            "doc": doc,
            "suits": _resolve(library, "role", doc.meta.suits),
            "breadcrumbs": [("Education", reverse("education_list")), (doc.title, None)],
        },
    )

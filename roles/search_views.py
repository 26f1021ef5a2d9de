"""The site search page: a plain GET form, with htmx swapping in results as you type."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from careerguide.content import get_library, search_library
from careerguide.htmx import wants_fragment
from careerguide.limits import limit


@require_GET
@vary_on_headers("HX-Request")
@limit("search", methods=("GET", "HEAD"), message="Too many searches from this address.")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = search_library(get_library(), query, quiz_url=reverse("quiz:index"))
    template = "roles/search.html#results" if wants_fragment(request) else "roles/search.html"
    return render(
        request,
        template,
        {"q": results.query, "results": results, "breadcrumbs": [("Search", None)]},
    )

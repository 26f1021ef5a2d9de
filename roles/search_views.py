"""The site search page: a plain GET form, with htmx swapping in results as you type."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from careerguide.content import get_library
from careerguide.content.search import search as run_search


@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = run_search(get_library(), query)
    template = "roles/search.html"
    htmx = request.htmx
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        template += "#results"
    return render(
        request,
        template,
        {"q": results.query, "results": results, "breadcrumbs": [("Search", None)]},
    )

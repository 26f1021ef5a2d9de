"""Baseline views for `make bench` (scripts/bench.py), served only with BENCHMARK_VIEWS=1.

``/bench/trivial/`` answers a constant page through the whole middleware stack, like a guide
page, but with nothing rendered: the most any Django view can do on this stack.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

# About the size of a guide page, so that the bytes sent do not favour the baseline.
BODY = (
    b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Baseline</title>'
    b"</head><body><main><p>" + b"A constant page. " * 900 + b"</p></main></body></html>\n"
)


@require_GET
def trivial(request):
    return HttpResponse(BODY)


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial")]

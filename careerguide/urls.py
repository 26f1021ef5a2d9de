from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from careerguide.health import healthz
from careerguide.preview import preview
from careerguide.sitemaps import SITEMAPS, robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("quiz/", include("quiz.urls")),
    path("editors/preview/", preview, name="preview"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("roles.urls")),
]

if settings.BENCHMARK_VIEWS:  # `make bench` only: never on a served site
    from careerguide import benchmark

    urlpatterns = benchmark.urlpatterns + urlpatterns

handler500 = "careerguide.errors.server_error"

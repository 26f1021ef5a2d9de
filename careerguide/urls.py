from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import NoReverseMatch, Resolver404, include, path, resolve, reverse

from careerguide import accounts
from careerguide.health import healthz, readyz
from careerguide.limits import signin_limited
from careerguide.preview import preview
from careerguide.sitemaps import SITEMAPS, robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # The admin's own login view, with the per-address limit on sign-in attempts.
    path("admin/login/", signin_limited(admin.site.login), name="admin-login"),
    path("admin/", admin.site.urls),
    path("quiz/", include("quiz.urls")),
    # Optional accounts (careerguide/accounts.py); before the guide's free-standing pages.
    path("account/", accounts.account, name="account"),
    path("account/signup/", accounts.sign_up, name="account-signup"),
    path("account/signin/", accounts.sign_in, name="account-signin"),
    path("account/signout/", accounts.sign_out, name="account-signout"),
    path("account/password/", accounts.password_change, name="account-password"),
    path("account/password/done/", accounts.password_change_done, name="account-password-done"),
    path("account/reset/", accounts.reset_request, name="account-reset"),
    path("account/reset/sent/", accounts.reset_sent, name="account-reset-sent"),
    path("account/reset/done/", accounts.reset_complete, name="account-reset-complete"),
    path("account/reset/<uidb64>/<token>/", accounts.reset_confirm, name="account-reset-confirm"),
    path("editors/preview/", preview, name="preview"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("roles.urls")),
]

if settings.BENCHMARK_VIEWS:  # `make bench` only: never on a served site
    from careerguide import benchmark

    urlpatterns = benchmark.urlpatterns + urlpatterns

handler500 = "careerguide.errors.server_error"

# The view that shows each kind of content file (settings.CONTENT_URLS). Questions have no page.
CONTENT_VIEWS = {
    "page": "page",
    "role": "role_detail",
    "skill": "skill_detail",
    "education": "education_detail",
    "comparison": "compare_detail",
}


def content_url(kind: str, slug: str) -> str | None:
    """The address of a content document, or None if it has no page of its own."""
    if kind == "page" and slug == "home":
        return reverse("home")
    name = CONTENT_VIEWS.get(kind)
    if name is None:
        return None
    try:
        url = reverse(name, args=[slug])
        # a page named like another part of the site ("search", "quiz") would be hidden by it
        if resolve(url).url_name != name:
            return None
    except (NoReverseMatch, Resolver404):
        return None
    return url

"""Request-level plumbing the apps share."""

import logging

import redis
from django import db
from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.html import escape

from careerguide.content import get_store


class ContentFreshnessMiddleware:
    """Pick up edited, new and deleted content files before each request is handled.

    The check reads the kernel's change notifications where it can (else it stats the content
    files) and compares with the last scan; files are read and parsed only when one changed.
    ``make bench`` prints what it costs per request (about two microseconds on Linux).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        get_store().refresh()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's own middleware does not send.

    ``Permissions-Policy`` turns off browser features no page uses (settings.PERMISSIONS_POLICY).
    The rest of the set comes from Django: CSP, nosniff, Referrer-Policy, COOP and HSTS from the
    security and CSP middleware, X-Frame-Options from the clickjacking middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


# The database or the cache could not be reached: a transient condition worth retrying.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    db.OperationalError,
    db.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
RETRY_AFTER_SECONDS = 30

UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Temporarily unavailable · {site}</title>
  <meta name="robots" content="noindex">
{stylesheet}</head>
<body>
  <main id="main" class="wrap">
    <h1>Temporarily unavailable</h1>
    <p class="lead">This page is temporarily unavailable. Nothing you sent was half-saved;
    please try again in a minute.</p>
    <p><a href="/">Back to the home page</a></p>
  </main>
</body>
</html>
"""

unavailable_log = logging.getLogger("careerguide.unavailable")


class ServiceUnavailableMiddleware:
    """Answer a view that lost its database (or cache) with a short 503 page and a
    ``Retry-After`` header, not a 500.

    The page is built without the database, sessions or templates. A 5xx response is never
    cached and makes Django skip saving the session, and the view's transaction has already
    been rolled back, so nothing is half-written. Persistent connections are health-checked
    before reuse (settings.DATABASES), so service resumes by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE_ERRORS):
            return None
        unavailable_log.error(
            "Answered 503 to %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip(),
        )
        return unavailable_response()


def unavailable_response() -> HttpResponse:
    try:
        stylesheet = f'  <link rel="stylesheet" href="{escape(static("css/site.css"))}">\n'
    except ValueError:  # no collected copy of the stylesheet (manifest): go without it
        stylesheet = ""
    body = UNAVAILABLE_PAGE.format(site=escape(settings.SITE_NAME), stylesheet=stylesheet)
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response

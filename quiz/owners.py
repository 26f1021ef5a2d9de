"""The browser's quiz token: who took an attempt, and whose review cards and plan are whose.

It lives in its own cookie rather than the session, so taking the quiz reads no session and
leaves sessions to signed-in staff. The token is random and holds nothing else.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

OWNER_COOKIE = "quiz_owner"
OWNER_MAX_AGE = 365 * 24 * 60 * 60  # seconds: a year after the browser's latest attempt
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)


def owner(request: HttpRequest) -> str | None:
    """The browser's quiz token, or None if it has none (or a malformed one)."""
    token = request.COOKIES.get(OWNER_COOKIE, "")
    return token if _TOKEN.fullmatch(token) else None


def is_owner(request: HttpRequest, attempt) -> bool:
    token = owner(request)
    return token is not None and constant_time_compare(attempt.owner, token)


def keep_owner(response: HttpResponse, token: str) -> HttpResponse:
    response.set_cookie(
        OWNER_COOKIE,
        token,
        max_age=OWNER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response

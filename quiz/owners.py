"""Whose quiz data is whose: the learner's key.

A visitor who is not signed in is known by the browser's quiz token, kept in its own cookie
rather than the session, so taking the quiz anonymously reads no session. The token is random
and holds nothing else. A signed-in visitor is their account, whatever browser they use: the
key is ``user:<pk>``. Attempts, review cards, review logs and plans keep that key as a plain
string (``Attempt.owner``, ``ReviewCard.learner``...), so a browser's data is moved into an
account by re-keying it (quiz/accounts_merge.py).

A token never contains ``:``, so the two kinds of key never collide.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

OWNER_COOKIE = "quiz_owner"
OWNER_MAX_AGE = 365 * 24 * 60 * 60  # seconds: a year after the browser's latest attempt
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)
ACCOUNT_PREFIX = "user:"


def owner(request: HttpRequest) -> str | None:
    """The browser's quiz token, or None if it has none (or a malformed one)."""
    token = request.COOKIES.get(OWNER_COOKIE, "")
    return token if _TOKEN.fullmatch(token) else None


def account_key(user_pk: object) -> str:
    """The learner key of an account."""
    return f"{ACCOUNT_PREFIX}{user_pk}"


def learner(request: HttpRequest) -> str | None:
    """Whose data this request reads and writes: the signed-in account's key, else the
    browser's token (None for a browser that has none yet). Reading ``request.user`` looks at
    the session only when the browser sends a session cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return account_key(user.pk)
    return owner(request)


def is_owner(request: HttpRequest, attempt) -> bool:
    key = learner(request)
    return key is not None and constant_time_compare(attempt.owner, key)


def keep_owner(response: HttpResponse, key: str) -> HttpResponse:
    """Keep the browser's token for another year. An account's key is never a cookie: a
    signed-in learner's attempts belong to the account, and the browser keeps its own token
    (if any) for when it signs out."""
    if not _TOKEN.fullmatch(key):
        return response
    response.set_cookie(
        OWNER_COOKIE,
        key,
        max_age=OWNER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response

"""``/healthz`` for load balancers and uptime checks: can this app server reach its database
and its cache right now?

200 ``ok`` when both answer; 503 naming what failed when either does not. It reads no session
and sets no cookie, needs no CSRF token, is never cached, and is exempt from the HTTPS redirect
(settings.SECURE_REDIRECT_EXEMPT) so that a plain-HTTP probe sees the real state.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

log = logging.getLogger("careerguide.health")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 returned something else")


def _cache() -> None:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("a value written to the cache could not be read back")
    finally:
        cache.delete(key)


CHECKS = (("database", _database), ("cache", _cache))


@csrf_exempt
@require_safe
def healthz(request):
    failed = []
    for name, check in CHECKS:
        try:
            check()
        except Exception as exc:  # any failure, whatever the backend raises, means "not ready"
            log.warning("Health check: %s unavailable: %s: %s", name, type(exc).__name__, exc)
            failed.append(name)
    if failed:
        body, status = f"unavailable: {', '.join(failed)}", 503
    else:
        body, status = "ok", 200
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response

"""Health answers for load balancers and monitoring.

``/healthz``: can this app server serve pages? 200 ``ok`` when the database and the shared
cache answer; 200 ``degraded: cache`` when only the cache does not (pages, the quiz and
signed-in staff do without it, so a load balancer should keep routing here); 503
``unavailable: database`` when the database does not, as nothing works without it.

``/readyz``: is everything this server uses answering? One line per dependency, ``ok`` or what
failed, and 503 when anything did: for monitoring and deploy gates, not for taking a server
out of rotation.

Both read no session and set no cookie, need no CSRF token, are never cached, and are exempt
from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT) so that a plain-HTTP probe sees the
real state.
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
    # A round trip that touches no table: the ORM has no query without a model.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 returned something else")


def _cache() -> None:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            if getattr(cache, "available", True) is False:  # careerguide.cache: gave up for now
                raise RuntimeError("Redis does not answer")
            raise RuntimeError("a value written to the cache could not be read back")
    finally:
        cache.delete(key)


CHECKS = (("database", _database), ("cache", _cache))
# Without these the site serves nothing; without the others it serves degraded.
ESSENTIAL = {"database"}


def _run_checks() -> dict[str, str]:
    """Each check's name and "ok", or what went wrong."""
    results = {}
    for name, check in CHECKS:
        try:
            check()
        except Exception as exc:  # any failure, whatever the backend raises, means "not ready"
            log.warning("Health check: %s unavailable: %s: %s", name, type(exc).__name__, exc)
            results[name] = f"unavailable ({type(exc).__name__}: {str(exc).strip()[:200]})"
        else:
            results[name] = "ok"
    return results


def _plain(body: str, status: int) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_safe
def healthz(request):
    failed = [name for name, result in _run_checks().items() if result != "ok"]
    if any(name in ESSENTIAL for name in failed):
        return _plain(f"unavailable: {', '.join(failed)}", 503)
    if failed:
        return _plain(f"degraded: {', '.join(failed)}", 200)
    return _plain("ok", 200)


@csrf_exempt
@require_safe
def readyz(request):
    results = _run_checks()
    status = 200 if all(result == "ok" for result in results.values()) else 503
    return _plain("".join(f"{name}: {result}\n" for name, result in results.items()), status)

"""Django's Redis cache, for which an unreachable Redis means a slower site, not a broken one.

The shared cache holds nothing the site cannot do without (rate-limit counters, short-lived
values): sessions and everything a page shows live in the database. So when Redis does not
answer, reads return their default, writes are skipped, ``incr()`` raises ``ValueError`` as it
does for a missing key, and a warning is logged at most once a minute, not per request. After a
failure the backend leaves Redis alone for ``RETRY_SECONDS`` (so a Redis that times out costs
one request a timeout, not every request), then tries again: caching resumes by itself when
Redis is back, without a restart.

Declared in settings.CACHES like Django's own backend, with two options of its own:
``RETRY_SECONDS`` (default 5) and ``WARN_SECONDS`` (default 60).
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("careerguide.cache")


class _Outage:
    """What one Redis location's outage looks like from this process (shared by the per-thread
    backend instances Django creates)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0  # time.monotonic(): do not try Redis before then
        self.down = False
        self.warned_at: float | None = None


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _redacted(servers: list[str]) -> str:
    """host:port of each server, without credentials."""
    shown = []
    for server in servers:
        parts = urlsplit(server)
        shown.append(f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else "redis")
    return ", ".join(shown)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        self.warn_seconds = float(options.pop("WARN_SECONDS", 60))
        super().__init__(server, {**params, "OPTIONS": options})
        self.where = _redacted(self._servers)
        self.outage = _outage_of(",".join(self._servers) + f"|{self.key_prefix}")

    # --- the outage ----------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while Redis is considered unreachable (until the next retry)."""
        return not (self.outage.down and time.monotonic() < self.outage.down_until)

    def _failed(self, exc: Exception) -> None:
        now = time.monotonic()
        outage = self.outage
        with outage.lock:
            outage.down = True
            outage.down_until = now + self.retry_seconds
            warn = outage.warned_at is None or now - outage.warned_at >= self.warn_seconds
            if warn:
                outage.warned_at = now
        if warn:
            log.warning(
                "Redis at %s is unreachable (%s: %s): serving without the shared cache, "
                "retrying every %g s",
                self.where,
                type(exc).__name__,
                exc,
                self.retry_seconds,
            )

    def _answered(self) -> None:
        outage = self.outage
        if outage.down:
            with outage.lock:
                was_down, outage.down, outage.warned_at = outage.down, False, None
            if was_down:
                log.warning("Redis at %s answers again: the shared cache is back", self.where)

    def _call(self, fallback, method, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            result = method(*args, **kwargs)
        except RedisError as exc:
            self._failed(exc)
            return fallback
        self._answered()
        return result

    # --- the cache API -------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call(missing, super().incr, key, delta, version)
        if result is missing:  # as for a key that is not there: the caller starts over
            raise ValueError(f"Key {key!r} not found (the cache is unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)

"""Limits on what writes or costs: who a client is, the counters, and the 429 page.

Counters live in the default cache (Redis when REDIS_URL is set), through django-ratelimit, so
a limit holds across app servers. Each limit is a rate in settings.RATE_LIMITS ("30/h": 30 per
hour) counted per client address (``client_key``) or per whatever its key function returns; a
key function that returns None leaves the request uncounted. Over the limit the view is not
called at all: the answer is a 429 with ``Retry-After`` and nothing is written.

When the shared cache cannot count, a limit on reads (search, the preview) lets the request
through (fail open: the site stays up), and a limit on sign-ins does not: it counts in this
process's memory instead (``CACHES["limits-local"]``), so sign-ins stay limited, per server, and
keep working. Failed sign-ins are also locked out by django-axes, which counts in the database.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage

from careerguide.htmx import wants_fragment

KeyFunction = Callable[[str, HttpRequest], str | None]

TOO_MANY = "Too many requests from this address."


# --- who the client is -------------------------------------------------------------------------


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy (settings.BEHIND_PROXY) the
    right-most address of X-Forwarded-For that is not one of our proxies
    (settings.TRUSTED_PROXIES). Entries left of it were written by the client and are ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.BEHIND_PROXY:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    chosen = None
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # not an address: whoever wrote it is not a proxy of ours
            break
        chosen = address
        if not _trusted(address):
            break
    return str(chosen) if chosen is not None else remote


def client_key(group: str | None = None, request: HttpRequest | None = None) -> str:
    """The client's address as a rate-limit key: an IPv6 client is its /64 network, as one
    host usually holds a whole one."""
    assert request is not None
    ip = client_ip(request)
    address = _address(ip)
    if address is None:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


# --- the 429 answer ----------------------------------------------------------------------------


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def too_many_requests(request: HttpRequest, retry_after: int, message: str = TOO_MANY):
    """429 with Retry-After: the site's page, or its message alone for an htmx swap."""
    retry_after = max(1, int(retry_after))
    template = "429.html#message" if wants_fragment(request) else "429.html"
    response = render(
        request,
        template,
        {
            "message": message,
            "retry_after": retry_after,
            "retry_after_text": _in_words(retry_after),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


# --- counting ----------------------------------------------------------------------------------


def _rate(name: str):
    def rate(group, request):
        return settings.RATE_LIMITS.get(name)

    return rate


def _count_locally(name: str, key: str, rate: str) -> tuple[bool, int]:
    """Count in this process's memory, for when the shared cache cannot."""
    count, _, period = rate.partition("/")
    limit = int(count)
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[-1]] * int(period[:-1] or 1)
    window = int(time.time()) // seconds
    local = caches["limits-local"]
    cache_key = f"{name}:{key}:{window}"
    if local.add(cache_key, 1, seconds + 5):
        used = 1
    else:
        try:
            used = local.incr(cache_key)
        except ValueError:  # expired in between
            local.add(cache_key, 1, seconds + 5)
            used = 1
    return used > limit, seconds - int(time.time()) % seconds


def over_limit(
    request: HttpRequest,
    name: str,
    key: KeyFunction = client_key,
    *,
    methods: tuple[str, ...] = ("POST",),
    fail_open: bool = True,
) -> int | None:
    """Count this request against the limit ``name``; the seconds until the client may try
    again if it is over, else None."""
    if request.method not in methods:
        return None
    rate = settings.RATE_LIMITS.get(name)
    if not rate:
        return None
    value = key(name, request)
    if value is None:
        return None
    usage = get_usage(
        request,
        group=name,
        key=lambda group, request: value,
        rate=_rate(name),
        method=list(methods),
        increment=True,
    )
    if usage is None:  # limits turned off (RATELIMIT_ENABLE)
        return None
    # With RATELIMIT_FAIL_OPEN off, django-ratelimit answers a cache that could not count
    # with limit 0 and time_left -1; a real window never has a negative time left.
    if usage["time_left"] < 0:
        if fail_open:
            return None
        limited, retry_after = _count_locally(name, value, rate)
        return retry_after if limited else None
    return max(1, usage["time_left"]) if usage["should_limit"] else None


def limit(
    name: str,
    key: KeyFunction = client_key,
    *,
    methods: tuple[str, ...] = ("POST",),
    fail_open: bool = True,
    message: str = TOO_MANY,
):
    """Decorate a view with the limit ``name`` of settings.RATE_LIMITS."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            retry_after = over_limit(request, name, key, methods=methods, fail_open=fail_open)
            if retry_after is not None:
                return too_many_requests(request, retry_after, message)
            return view(request, *args, **kwargs)

        return limited

    return decorator


def daily_cap(
    setting: str,
    count_since: Callable[[HttpRequest, datetime], tuple[int, datetime | None]],
    message: str,
):
    """Refuse a view once ``count_since(request, a day ago)`` (how many, and the oldest) has
    reached ``settings.<setting>``; it may be tried again when the oldest is a day old."""

    def decorator(view):
        @wraps(view)
        def capped(request, *args, **kwargs):
            cap = getattr(settings, setting)
            if request.method == "POST" and cap:
                now = timezone.now()
                count, oldest = count_since(request, now - timedelta(days=1))
                if count >= cap:
                    retry_after = (
                        (oldest + timedelta(days=1) - now).total_seconds() if oldest else 0
                    )
                    return too_many_requests(request, math.ceil(retry_after) or 60, message)
            return view(request, *args, **kwargs)

        return capped

    return decorator


# --- sign-ins ----------------------------------------------------------------------------------

SIGNIN_LOCKED = (
    "Too many failed sign-ins with this username from this address, so sign-ins for it are paused."
)


def signin_lockout(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (settings.AXES_LOCKOUT_CALLABLE): the same
    429 page whether or not the username exists."""
    return too_many_requests(
        request, int(settings.AXES_COOLOFF_TIME.total_seconds()), SIGNIN_LOCKED
    )


def signin_limited(view):
    """The per-address limit on sign-in attempts; when the shared cache is down it counts per
    server instead of letting every attempt through."""
    return limit(
        "signin",
        fail_open=False,
        message="Too many sign-in attempts from this address.",
    )(view)

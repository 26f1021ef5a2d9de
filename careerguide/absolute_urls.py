"""Absolute addresses of the site's pages, for canonical links, sitemaps and structured data."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute_url(request: HttpRequest, path: str | None = None) -> str:
    """The page's address (or ``path``'s) on SITE_URL if set, else on the request's host."""
    path = path or request.path
    base = settings.SITE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)

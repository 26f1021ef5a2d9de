"""HTTP caching of the guide's pages: ETags and 304s, and a cache of rendered pages.

A guide page is a function of the content library, the deployed code and templates, and the
request's host, path, query string and ``HX-Request`` header. Readers all see the same page:
it holds no CSRF token, no CSP nonce and nothing about the visitor (a test keeps it so). That
makes two things safe:

- **ETag**: a hash of all of the above (:func:`page_key`). The library part is
  ``Library.fingerprint`` (a hash of every document's file fingerprint), so every worker and
  every server computes the same tag for the same content, and an edit or a deploy changes
  it. Django's ``etag()`` answers ``If-None-Match`` with a 304 before anything is rendered.
- **Rendered pages** are kept in the ``pages`` cache (settings.CACHES), keyed by the same
  hash, so a repeat costs a hash and a cache lookup. The key changes with the content, so a
  stale page can never be read; the cache is emptied when the library changes, so none is
  kept either. Visitors without a session cookie cannot be staff, so they are answered
  without looking at a session; visitors with one are checked for staff first, then get the
  same page, since a page is the same for every reader who is not staff. A page that used a
  CSRF token or the session, or set a cookie, is personal after all: it is sent ``private``
  and never stored.

Signed-in staff see draft pages and problem banners: they bypass both and get
``Cache-Control: private, no-cache``. Readers get ``public`` with ``max-age`` from
``settings.PAGE_MAX_AGE`` (default 0, sent as ``no-cache``): browsers and shared caches may
store a page but ask before reusing it, so the editors' promise holds that an edit shows on
the next request, and asking costs the server a 304 computed from a hash. A site behind a CDN
can trade that for fewer requests with e.g. ``PAGE_MAX_AGE=300`` (edits then take up to five
minutes to reach readers whose browser or CDN holds a copy).

``Last-Modified`` carries the newest ``updated`` date of the library, for crawlers; only the
ETag answers conditional requests (``etag()``, not ``condition()`` with a date), since an
edit need not change that date.

Pages are gzip-compressed by Django's ``gzip_page`` before they are stored, so each is
compressed once, not on every request: browsers that accept gzip have copies of their own
(the key says so). Guide pages hold no secret, so compression cannot leak one (BREACH).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import etag

from careerguide.content import Library, get_library
from careerguide.release import site_version

VARY = ("Cookie", "HX-Request")
# What a reader's 200 varies on (gzip_page adds Accept-Encoding), sent with its 304s too.
READER_VARY = ("Accept-Encoding", *VARY)


def page_key(request: HttpRequest, library: Library) -> str:
    """What the page is rendered from, hashed: the ETag's value and the pages cache's key.
    Built from the raw request values (the host was validated by CommonMiddleware already),
    which is cheaper than Django's accessors."""
    meta = request.META
    key = "\0".join(
        (
            site_version(),
            library.fingerprint,
            request.scheme or "",
            meta.get("HTTP_HOST", ""),
            meta.get("HTTP_X_FORWARDED_HOST", ""),
            meta.get("SERVER_NAME", ""),
            meta.get("SERVER_PORT", ""),
            request.path,
            meta.get("QUERY_STRING", ""),
            meta.get("HTTP_HX_REQUEST", ""),
        )
    )
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def page_etag(request: HttpRequest, *args, **kwargs) -> str:
    """The ETag, for ``etag()``: the page's key."""
    return f'W/"{page_key(request, get_library())}"'


class _PagesCache:
    """The ``pages`` cache, emptied whenever the library it holds pages of is replaced."""

    def __init__(self) -> None:
        self.fingerprint = ""

    def of(self, library: Library):
        pages = caches["pages"]
        if library.fingerprint != self.fingerprint:
            pages.clear()  # a local-memory cache of this process (settings.CACHES)
            self.fingerprint = library.fingerprint
        return pages


_pages = _PagesCache()


def _personal(request: HttpRequest, response: HttpResponse) -> bool:
    """The page used a CSRF token or changed the session, or sets a cookie."""
    if response.streaming or response.cookies:
        return True
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # what get_token() marks for the cookie
        return True
    session = getattr(request, "session", None)
    return session is not None and session.modified


def _stored(view):
    """Serve the view's 200 pages from the pages cache, storing those that are not personal
    with their readers' headers, so that a repeat sets them without working them out again."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        library = get_library()
        key = page_key(request, library)
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            key += ":gzip"
        pages = _pages.of(library)
        stored = pages.get(key)
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=dict(headers))
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if _personal(request, response):
            return _private(response)
        _for_readers(response)
        pages.set(key, (response.content, tuple(response.items())))
        return response

    return wrapper


@functools.lru_cache(maxsize=8)
def _http_date(day: dt.date) -> str:
    return http_date(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


def _for_readers(response: HttpResponse) -> HttpResponse:
    max_age = settings.PAGE_MAX_AGE
    if max_age > 0:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, public=True, no_cache=True)
    last_updated = get_library().last_updated
    if last_updated is not None:
        response.headers.setdefault("Last-Modified", _http_date(last_updated))
    patch_vary_headers(response, READER_VARY)
    return response


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, VARY)
    return response


def guide_page(view=None, *, without_query: bool = False):
    """Serve a guide view with ETags, 304s and the pages cache (see the module's docstring).

    ``without_query``: only requests without a query string are cached (a view whose query
    string selects what it renders, such as the comparison picker).
    """
    if view is None:
        return functools.partial(guide_page, without_query=without_query)

    conditional = etag(page_etag)(_stored(gzip_page(view)))

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method != "GET"
            or (without_query and request.META.get("QUERY_STRING"))
            or settings.DEBUG  # templates and code change under a running server
        ):
            return view(request, *args, **kwargs)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff:
            return _private(view(request, *args, **kwargs))  # drafts and banners: their own

        response = conditional(request, *args, **kwargs)
        if response.status_code == 304:
            return _for_readers(response)
        if response.status_code == 200 and _personal(request, response):
            del response["ETag"]  # never revalidated against the readers' copy
        return response

    return wrapper

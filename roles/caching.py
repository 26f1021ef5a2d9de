"""Conditional GET and a rendered-page cache for the guide's pages.

A guide page is a function of the content library, the deployed code and templates, and the
request's host, path, query string and ``HX-Request`` header. Readers all see the same page:
it holds no CSRF token, no CSP nonce and nothing about the visitor (a test keeps it so). That
makes two things safe:

- **ETag**: a hash of all of the above. The library part is ``Library.fingerprint`` (a hash
  of every document's file fingerprint), so every worker and every server computes the same
  tag for the same content, and an edit changes it. ``If-None-Match`` is answered with a 304
  before anything is rendered.
- **Page cache**: the rendered bytes, and a gzip copy, are kept in a small per-process LRU
  keyed by the ETag, so a repeat costs a hash and a dictionary lookup. Visitors without a
  session cookie cannot be staff, so they are answered without looking at a session; visitors
  with one (quiz takers) are checked for staff first, then get the same bytes, since a page
  is the same for every reader who is not staff. Per process on purpose: a hit must be
  cheaper than rendering, which a round trip to a shared cache is not. The cache empties
  itself when the library changes; stale entries can never be served since the key changes
  with the content.

Signed-in staff see draft pages and problem banners: they bypass both and get
``Cache-Control: private, no-cache``. Readers get ``public`` with ``max-age`` from
``settings.PAGE_MAX_AGE`` (default 0, sent as ``no-cache``): browsers and shared caches may
store a page but ask before reusing it, so the editors' promise holds that an edit shows on
the next request, and asking costs the server a 304 computed from a hash. A site behind a CDN
can trade that for fewer requests with e.g. ``PAGE_MAX_AGE=300`` (edits then take up to five
minutes to reach readers whose browser or CDN holds a copy).

``Last-Modified`` carries the newest ``updated`` date of the library, for crawlers; only the
ETag is used to answer conditional requests, since an edit need not change that date.

Pages are gzip-compressed here, once per cached entry, when the browser accepts it: they hold
no secret, so compression cannot leak one (BREACH). Quiz pages, which hold CSRF tokens, are
not compressed by the app.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags

from careerguide.content import Library, get_library

MAX_ENTRIES = 512
MAX_BYTES = 16 * 1024 * 1024  # all entries of one process, plain and gzip copies together
MAX_ENTRY_BYTES = 512 * 1024
VARY = ("Cookie", "HX-Request")
PRIVATE_CACHE_CONTROL = "private, no-cache"


@dataclass(frozen=True)
class CachedPage:
    content: bytes
    gzipped: bytes | None
    headers: tuple[tuple[str, str], ...]  # the view's and the reader headers (ETag, Vary...)

    @property
    def size(self) -> int:
        return len(self.content) + len(self.gzipped or b"")


class PageCache:
    """A bounded, thread-safe LRU of rendered pages for one library snapshot."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._fingerprint = ""
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, fingerprint: str) -> CachedPage | None:
        with self._lock:
            if fingerprint != self._fingerprint:
                self._reset(fingerprint)
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, fingerprint: str, entry: CachedPage) -> None:
        if entry.size > MAX_ENTRY_BYTES:
            return
        with self._lock:
            if fingerprint != self._fingerprint:
                self._reset(fingerprint)
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._reset("")

    def _reset(self, fingerprint: str) -> None:
        self._entries.clear()
        self._bytes = 0
        self._fingerprint = fingerprint


page_cache = PageCache()

# Settings a rendered page depends on besides the content (links, names, static URLs).
PAGE_SETTINGS = ("SITE_URL", "SITE_NAME", "CONTENT_EDIT_URL", "STATIC_URL", "DEBUG")
# What the deployed code renders pages with.
CODE_FOLDERS = ("careerguide", "roles", "quiz", "templates")
CODE_SUFFIXES = (".py", ".html", ".txt", ".xml")


@functools.cache
def site_version() -> str:
    """A hash of the code, templates and static file names that render pages, plus the
    settings pages depend on. Computed once per process; the same on every server of one
    release, different after a deploy that changes any of them."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(django.get_version().encode())
    for name in PAGE_SETTINGS:
        digest.update(f"\0{name}={getattr(settings, name, '')}".encode())
    base = Path(settings.BASE_DIR)
    for folder in CODE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(f"\0{path.relative_to(base)}\0".encode())
                digest.update(path.read_bytes())
    # Collected static files are named by their content hash: the manifest names the release.
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting in PAGE_SETTINGS or setting in ("CONTENT_DIR", "STATIC_ROOT", "PAGE_MAX_AGE"):
        site_version.cache_clear()
        page_cache.clear()


def page_etag(request: HttpRequest, library: Library) -> str:
    """The page's ETag. Built from the raw request values the page is rendered from (the host
    was validated by CommonMiddleware already), which is cheaper than Django's accessors."""
    meta = request.META
    key = "\0".join(
        (
            site_version(),
            library.fingerprint,
            request.scheme,
            meta.get("HTTP_HOST", ""),
            meta.get("HTTP_X_FORWARDED_HOST", ""),
            meta.get("SERVER_NAME", ""),
            meta.get("SERVER_PORT", ""),
            request.path,
            meta.get("QUERY_STRING", ""),
            meta.get("HTTP_HX_REQUEST", ""),
        )
    )
    return f'W/"{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}"'


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == wanted for tag in parse_etags(header))


def reader_cache_control() -> str:
    max_age = getattr(settings, "PAGE_MAX_AGE", 0)
    return f"public, max-age={max_age}" if max_age > 0 else "public, no-cache"


@functools.lru_cache(maxsize=8)
def _http_date(day: dt.date) -> str:
    return http_date(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


def _reader_headers(response: HttpResponse, etag: str, library: Library) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = reader_cache_control()
    if library.last_updated is not None:
        response["Last-Modified"] = _http_date(library.last_updated)
    patch_vary_headers(response, VARY)
    return response


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """A plain 200 page that sets no cookie and used no CSRF token or session."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page asked for a CSRF token
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def _entry(response: HttpResponse, etag: str, library: Library) -> CachedPage:
    """The response, with its reader headers, as kept in the page cache."""
    _reader_headers(response, etag, library)
    content = response.content
    gzipped = gzip.compress(content, compresslevel=6, mtime=0) if len(content) >= 200 else None
    if gzipped is not None and len(gzipped) >= len(content):
        gzipped = None
    if gzipped is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", "content-encoding")
    )
    return CachedPage(content, gzipped, headers)


def _from_entry(request: HttpRequest, entry: CachedPage) -> HttpResponse:
    gzipped = entry.gzipped is not None and re_accepts_gzip.search(
        request.META.get("HTTP_ACCEPT_ENCODING", "")
    )
    response = HttpResponse(entry.gzipped if gzipped else entry.content)
    for name, value in entry.headers:
        response[name] = value
    if gzipped:
        response["Content-Encoding"] = "gzip"
    return response


def guide_page(view=None, *, without_query: bool = False):
    """Serve a guide view with ETags, 304s and the page cache (see the module's docstring).

    ``without_query``: only requests without a query string are cached (a view whose query
    string selects what it renders, such as the comparison picker).
    """
    if view is None:
        return functools.partial(guide_page, without_query=without_query)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if (
            request.method != "GET"
            or (without_query and request.META.get("QUERY_STRING"))
            or settings.DEBUG  # templates and code change under a running server
        ):
            return view(request, *args, **kwargs)
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_session and request.user.is_staff:
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            patch_vary_headers(response, VARY)
            return response

        library = get_library()
        etag = page_etag(request, library)
        if _matches(request, etag):
            return _reader_headers(HttpResponseNotModified(), etag, library)
        entry = page_cache.get(etag, library.fingerprint)
        if entry is not None:
            return _from_entry(request, entry)

        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if not _cacheable(request, response):  # personal after all: never stored anywhere
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            patch_vary_headers(response, VARY)
            return response
        entry = _entry(response, etag, library)
        page_cache.put(etag, library.fingerprint, entry)
        return _from_entry(request, entry)

    return wrapper

"""Conditional GET, the rendered-page cache and what they must never do: serve a stale page
after an edit, leak a draft or a staff banner to a reader, or cache anything personal.

A page served from the cache is one the test client saw no template rendered for."""

from __future__ import annotations

import builtins
import gzip
import io
import os
import re
import shutil
from pathlib import Path

import markdown
import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from careerguide.content import get_library
from careerguide.content.store import ContentStore, get_store
from roles.caching import guide_page, page_key
from tests.content_factory import render_file, tree
from tests.helpers import right_answer, start, url

pytestmark = pytest.mark.django_db

# One page of each kind of the small content tree (tests/content_factory.py).
PAGES = {
    "home": "/",
    "page": "/about/",
    "pay": "/pay/",
    "role list": "/roles/",
    "role": "/roles/ml-engineer/",
    "compare index": "/compare/",
    "comparison": "/compare/data-engineer-vs-ml-engineer/",
    "skill list": "/skills/",
    "skill": "/skills/stats/",
    "education list": "/education/",
    "education": "/education/degree/",
}

READERS = "public, no-cache"  # with PAGE_MAX_AGE unset
PRIVATE = "private, no-cache"


def vary(response) -> set[str]:
    return {name.strip() for name in response["Vary"].split(",")}


def rendered(response) -> bool:
    """Whether the view rendered the page for this request (not served from the cache)."""
    return bool(response.templates)


# --- ETag and 304 ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_if_none_match_is_answered_304_before_rendering(client, content_dir, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get(path, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == first["Cache-Control"] == READERS
    assert vary(again) == vary(first) >= {"Accept-Encoding", "Cookie", "HX-Request"}
    assert again["Last-Modified"] == first["Last-Modified"]
    assert client.get(path, headers={"if-none-match": 'W/"other"'}).status_code == 200


def test_etags_differ_by_path_query_htmx_and_host(client, content_dir, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    tags = {
        client.get("/skills/stats/")["ETag"],
        client.get("/skills/python/")["ETag"],
        client.get("/skills/stats/?utm=x")["ETag"],
        client.get("/skills/stats/", headers={"hx-request": "true"})["ETag"],
        client.get("/skills/stats/", headers={"host": "other.example"})["ETag"],
    }
    assert len(tags) == 5


def test_library_fingerprint_is_stable_across_loads_and_copies(content_dir, tmp_path, touch):
    first = ContentStore(content_dir).refresh()
    second = ContentStore(content_dir).refresh()
    assert first is not second and first.fingerprint == second.fingerprint
    copy = tmp_path / "elsewhere"
    shutil.copytree(content_dir, copy)
    for path in copy.rglob("*.md"):  # same files, same dates: another server's checkout
        source = content_dir / path.relative_to(copy)
        os.utime(path, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns))
    assert ContentStore(copy).refresh().fingerprint == first.fingerprint

    meta, body = tree()["skills/stats.md"]
    touch(content_dir / "skills/stats.md", render_file(meta, body + "\nMore.\n"))
    assert ContentStore(content_dir).refresh().fingerprint != first.fingerprint


def test_etag_is_the_same_after_a_reload_of_the_same_content(client, content_dir):
    etag = client.get("/roles/ml-engineer/")["ETag"]
    caches["pages"].clear()
    from careerguide.content import store

    store._stores.clear()  # as a new worker would: load everything again
    store._resolved.clear()
    assert client.get("/roles/ml-engineer/")["ETag"] == etag


# --- an edit shows on the next request -------------------------------------------------------


def test_an_edit_shows_on_the_next_request_through_the_page_cache(client, content_dir, touch):
    before = client.get("/skills/stats/")
    again = client.get("/skills/stats/")
    assert not rendered(again) and again.content == before.content  # served from the cache
    meta, body = tree()["skills/stats.md"]
    touch(content_dir / "skills/stats.md", render_file({**meta, "title": "Statistics 2"}, body))

    after = client.get("/skills/stats/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200 and rendered(after)
    assert "Statistics 2" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    # pages that only list the skill change too
    assert "Statistics 2" in client.get("/skills/").content.decode()


def test_a_broken_edit_keeps_serving_the_same_page(client, content_dir, touch):
    before = client.get("/skills/python/")
    touch(content_dir / "skills/python.md", "---\ntitle: [oops\n---\nBody\n")
    after = client.get("/skills/python/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 304  # readers keep the last good version, unchanged


# --- staff and drafts ------------------------------------------------------------------------


def test_staff_bypass_the_cache_and_get_private_pages(staff_client, content_dir):
    reader = Client()
    cached = reader.get("/skills/stats/")
    staff = staff_client.get("/skills/stats/", headers={"if-none-match": cached["ETag"]})
    assert staff.status_code == 200  # never a 304 from a reader's tag
    assert staff["Cache-Control"] == PRIVATE
    assert "ETag" not in staff
    assert "Cookie" in staff["Vary"]
    assert rendered(staff_client.get("/skills/stats/"))  # never the readers' copy


def test_drafts_and_banners_never_reach_readers_through_the_cache(staff_client, draft, touch):
    assert "Secret skill" in staff_client.get("/skills/secret/").content.decode()
    staff_client.get("/skills/")
    meta, body = tree()["skills/stats.md"]
    broken = render_file(meta, body).replace("summary:", "summry:")
    touch(draft / "skills/stats.md", broken)
    assert "staff-banner" in staff_client.get("/skills/stats/").content.decode()

    reader = Client()
    assert reader.get("/skills/secret/").status_code == 404
    listing = reader.get("/skills/").content.decode()
    assert "Secret skill" not in listing and "/skills/secret/" not in listing
    page = reader.get("/skills/stats/")
    assert "staff-banner" not in page.content.decode()
    assert page["Cache-Control"] == READERS


def test_quiz_takers_get_the_readers_copy(client, content_dir):
    reader = Client().get("/roles/ml-engineer/")
    client.get("/quiz/")
    start(client)  # now holds the quiz's cookie (and no session: those are for staff)
    assert client.cookies.get("quiz_owner") and not client.cookies.get("sessionid")
    taker = client.get("/roles/ml-engineer/")
    assert taker.content == reader.content
    assert taker["ETag"] == reader["ETag"]


# --- nothing personal in a cached page -------------------------------------------------------


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_cached_pages_hold_no_csrf_token_and_no_nonce(client, content_dir, path):
    assert rendered(client.get(path))
    response = client.get(path)
    assert not rendered(response), "served from the page cache"
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "nonce=" not in html
    assert not response.cookies  # no CSRF or session cookie set by a guide page


def test_base_template_needs_no_nonce():
    base = Path(__file__).resolve().parent.parent / "templates" / "base.html"
    text = base.read_text()
    assert "nonce" not in text and "<script>" not in text and "<style" not in text


def test_compressed_copy_for_browsers_that_accept_gzip(client, content_dir):
    plain = client.get("/roles/ml-engineer/")
    zipped = client.get("/roles/ml-engineer/", headers={"accept-encoding": "gzip, br"})
    assert zipped["Content-Encoding"] == "gzip"
    again = client.get("/roles/ml-engineer/", headers={"accept-encoding": "gzip"})
    assert not rendered(again) and again.content == zipped.content  # compressed once
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert zipped["ETag"] == plain["ETag"]


def test_the_pages_cache_is_bounded(client, content_dir, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "OPTIONS": {"MAX_ENTRIES": 3}},
    }
    paths = list(PAGES.values())[:5]
    for path in paths:
        assert rendered(client.get(path))
    assert not rendered(client.get(paths[-1]))  # the newest are kept
    assert rendered(client.get(paths[0]))  # the least recently used was dropped


def test_no_page_outlives_the_content_it_was_rendered_from(client, content_dir, touch):
    client.get("/skills/python/")
    key = page_key(RequestFactory().get("/skills/python/"), get_library())  # as the client sent
    assert caches["pages"].get(key) is not None
    meta, body = tree()["skills/stats.md"]
    touch(content_dir / "skills/stats.md", render_file(meta, body + "\nMore.\n"))
    assert rendered(client.get("/skills/stats/"))
    assert caches["pages"].get(key) is None  # emptied, not only out of reach of the new keys
    assert rendered(client.get("/skills/python/"))


# --- pages that turn out personal ------------------------------------------------------------


def _counted(view):
    calls = []

    def counting(request):
        calls.append(request)
        return view(request)

    return guide_page(counting), calls


def _with_cookie(response: HttpResponse) -> HttpResponse:
    response.set_cookie("seen", "1")
    return response


@pytest.mark.parametrize(
    "personal",
    [
        pytest.param(lambda request: HttpResponse(f"<p>{get_token(request)}</p>"), id="csrf token"),
        pytest.param(
            lambda request: _with_cookie(HttpResponse("<p>hello</p>")),
            id="cookie",
        ),
    ],
)
def test_a_page_that_turns_out_personal_is_private_and_never_stored(content_dir, personal):
    page, calls = _counted(personal)
    factory = RequestFactory()
    first = page(factory.get("/some/"))
    second = page(factory.get("/some/"))
    assert len(calls) == 2  # rendered each time, never served from the cache
    for response in (first, second):
        assert response.status_code == 200
        assert response["Cache-Control"] == PRIVATE
        assert "ETag" not in response  # nothing to revalidate against the readers' copy


def test_a_plain_page_is_rendered_once(content_dir):
    page, calls = _counted(lambda request: HttpResponse("<p>the same for everyone</p>"))
    factory = RequestFactory()
    first, second = page(factory.get("/some/")), page(factory.get("/some/"))
    assert len(calls) == 1 and first.content == second.content
    assert first["ETag"] == second["ETag"] and second["Cache-Control"] == READERS


# --- Cache-Control of guide and quiz pages ---------------------------------------------------


def test_cache_control_of_guide_and_quiz_pages(client, content_dir):
    guide = client.get("/skills/stats/")
    assert guide["Cache-Control"].startswith("public")
    assert {"Cookie", "HX-Request"} <= {v.strip() for v in guide["Vary"].split(",")}

    landing = client.get("/quiz/")
    assert "csrfmiddlewaretoken" in landing.content.decode()
    assert "private" in landing["Cache-Control"] and "public" not in landing["Cache-Control"]
    assert "ETag" not in landing

    attempt = start(client)
    question = client.get(url(attempt, 1))
    assert "no-store" in question["Cache-Control"] and "private" in question["Cache-Control"]
    results = client.get(f"/quiz/a/{attempt.pk}/results/")
    assert "no-store" in results["Cache-Control"]


def test_page_max_age_setting(client, content_dir, settings):
    assert client.get("/").headers["Cache-Control"] == READERS
    settings.PAGE_MAX_AGE = 300
    assert client.get("/").headers["Cache-Control"] == "public, max-age=300"


# --- the unanswered question's copy ----------------------------------------------------------


def test_question_copies_get_a_fresh_working_csrf_token(content_dir):
    client = Client(enforce_csrf_checks=True)
    landing = client.get("/quiz/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', landing.content.decode())
    client.post("/quiz/start/", {"mode": "mock", "csrfmiddlewaretoken": token.group(1)})
    from quiz.models import Attempt

    attempt = Attempt.objects.get()
    pages = [client.get(url(attempt, 1)).content.decode() for _ in range(2)]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p).group(1) for p in pages]
    assert tokens[0] != tokens[1]  # masked afresh each time, as Django does
    assert pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")
    item = attempt.items.get(position=1)
    answer = right_answer(item)
    posted = client.post(url(attempt, 1, "answer"), {**answer, "csrfmiddlewaretoken": tokens[1]})
    assert posted.status_code in (200, 302)  # accepted, not a 403
    assert item.__class__.objects.get(pk=item.pk).response is not None
    # once answered, the question shows feedback, not the copy of the form
    assert "answer-form" not in client.get(url(attempt, 1)).content.decode()


# --- no parsing or reading on a request path ---------------------------------------------------


def test_pages_render_without_parsing_or_reading_content(client, content_dir, monkeypatch):
    get_store(content_dir).refresh()  # loaded once, as at worker start
    client.get("/")  # the release's hash and the templates are read once too
    root = str(content_dir.resolve())

    def refuse(*args, **kwargs):
        raise AssertionError("content parsed or read while serving a request")

    def guard(original):
        def checked(path, *args, **kwargs):
            if str(Path(os.fspath(path)).resolve()).startswith(root):
                raise AssertionError(f"content file opened while serving a request: {path}")
            return original(path, *args, **kwargs)

        return checked

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    monkeypatch.setattr(yaml.SafeLoader, "__init__", refuse)
    if hasattr(yaml, "CSafeLoader"):
        monkeypatch.setattr(yaml.CSafeLoader, "__init__", refuse)
    original_read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda self: guard(lambda p: original_read_bytes(p))(self)
    )
    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    monkeypatch.setattr(io, "open", guard(io.open))
    caches["pages"].clear()  # render every page, not its copy

    for path in [*PAGES.values(), "/search/?q=stats", "/quiz/", "/sitemap.xml"]:
        assert client.get(path).status_code == 200, path
    attempt = start(client)
    assert client.get(url(attempt, 1)).status_code == 200


# --- page weight -------------------------------------------------------------------------------

BUDGET = 40 * 1024


class _Assets:
    def __init__(self, html: str):
        self.css = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        self.js = re.findall(r'<script src="([^"]+)"', html)
        self.fonts = re.findall(r'<link[^>]+as="font"', html)


def _compressed_static(href: str) -> int:
    from django.conf import settings

    assert href.startswith(settings.STATIC_URL), f"{href} is not one of our static files"
    found = finders.find(href.removeprefix(settings.STATIC_URL))
    assert found, href
    data = Path(found).read_bytes()
    if href.endswith(".css"):
        assert b"@font-face" not in data, "system fonts only"
    return len(gzip.compress(data, compresslevel=9))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/roles/machine-learning-engineer/",
        "/compare/",
        "/skills/",
        "/education/",
        "/pay/",
        "/search/?q=cross-validation",
        "/quiz/",
    ],
)
def test_each_page_sends_at_most_40_kb_compressed(client, path):
    """The real content: the page gzip-compressed plus its stylesheet and scripts as WhiteNoise
    serves them (compressed), with nothing from another origin and no web fonts."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assets = _Assets(html)
    assert assets.css and not assets.fonts
    total = len(gzip.compress(response.content)) + sum(
        _compressed_static(href) for href in assets.css + assets.js
    )
    assert total <= BUDGET, f"{path}: {total / 1024:.1f} KB"
    # nothing from another origin: no script, image, frame or stylesheet (checked above)
    assert not re.search(r'<(script|img|iframe|video|audio)[^>]+src="(https?:)?//', html)

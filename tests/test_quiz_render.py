"""How a question page is rendered: the answer fields kept by content, the site's chrome shared
with the guide's pages, and the cache that keeps both."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import caches
from django.utils.safestring import mark_safe

from careerguide.cache import FragmentCache
from quiz import steps
from quiz.models import Item, Response
from tests.test_quiz_flow import HX, choice_ids, start, url

pytestmark = pytest.mark.django_db

CHOICE = 4  # the content_dir article quiz's multiple-choice question


def _at_choice_question(client):
    """An attempt whose current question is the multiple-choice one."""
    attempt = start(client)
    for item in attempt.items.filter(position__lt=CHOICE):
        Response.objects.create(item=item, question_id=item.question_id, answer={}, score=0)
    return attempt


def _reorder(attempt, order: list[str]) -> None:
    item = attempt.items.get(position=CHOICE)
    by_id = {c["id"]: c for c in item.asked["choices"]}
    choices = [by_id[i] for i in order]
    Item.objects.filter(pk=item.pk).update(asked={**item.asked, "choices": choices})
    steps.snapshots.clear()  # as in a process that has not seen the attempt yet


def test_each_attempt_shows_its_own_choice_order(client, content_dir):
    first, second = _at_choice_question(client), _at_choice_question(client)
    order = [c["id"] for c in first.items.get(position=CHOICE).asked["choices"]]
    assert len(order) > 2
    _reorder(first, order)
    _reorder(second, order[::-1])

    for _ in range(2):  # the second time round, both come from the kept fragments
        for attempt, shown in ((first, order), (second, order[::-1])):
            for headers in ({}, HX):
                page = client.get(url(attempt, CHOICE), headers=headers)
                assert page.status_code == 200
                assert choice_ids(page.content.decode()) == shown


def test_an_edited_question_is_not_shown_from_its_old_fragment(client, content_dir):
    first, second = _at_choice_question(client), _at_choice_question(client)
    client.get(url(first, CHOICE))
    item = second.items.get(position=CHOICE)
    edited = [{**c, "html": f"Edited {c['id']}"} for c in item.asked["choices"]]
    Item.objects.filter(pk=item.pk).update(asked={**item.asked, "choices": edited})
    steps.snapshots.clear()

    assert "Edited " not in client.get(url(first, CHOICE)).content.decode()
    assert "Edited " in client.get(url(second, CHOICE)).content.decode()


def test_a_refused_answer_leaves_the_fresh_form_clean(client, content_dir):
    attempt = _at_choice_question(client)
    client.get(url(attempt, CHOICE))  # kept
    refused = client.post(url(attempt, CHOICE, "answer"), {}, headers=HX)
    assert refused.status_code == 400
    assert "Tick at least one answer." in refused.content.decode()
    assert 'aria-invalid="true"' in refused.content.decode()

    again = client.get(url(attempt, CHOICE)).content.decode()
    assert "Tick at least one answer." not in again
    assert 'aria-invalid="true"' not in again
    assert "checked" not in again


def _between(html: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + ".*?" + re.escape(end), html, re.S)
    assert match, start
    return match.group(0)


def test_the_question_page_shares_the_guide_pages_chrome(client, content_dir):
    attempt = start(client)
    question = client.get(url(attempt, 1)).content.decode()  # Jinja2
    landing = client.get("/quiz/").content.decode()  # Django's templates, same section
    search = client.get("/search/").content.decode()  # Django's templates, with htmx too
    for start_, end in (
        ('<header class="site-header">', "</header>"),
        ('<footer class="site-footer">', "</footer>"),
        ('<meta name="color-scheme"', 'type="image/svg+xml">'),  # what every head carries
    ):
        assert _between(question, start_, end) == _between(landing, start_, end)
    htmx = ('<meta name="htmx-config"', "</script>")
    assert _between(question, *htmx) == _between(search, *htmx)
    assert "<script src" not in landing  # its start form needs no htmx
    assert 'aria-current="page">Quiz</a>' in question
    assert '<meta name="robots" content="noindex">' in question
    assert f'<meta property="og:url" content="http://testserver{url(attempt, 1)}">' in question


def test_question_pages_keep_the_chrome_they_read_unless_debugging(client, content_dir, settings):
    from careerguide import jinja2

    attempt = start(client)
    client.get(url(attempt, 1))
    assert {key[0] for key in jinja2.chrome} == {"head", "htmx", "header", "footer"}
    footer = next(key for key in jinja2.chrome if key[0] == "footer")
    jinja2.chrome[footer] = mark_safe("<footer>kept</footer>")
    assert "<footer>kept</footer>" in client.get(url(attempt, 1)).content.decode()

    jinja2.chrome.clear()
    settings.DEBUG = True  # templates may change under the server: nothing is kept
    assert client.get(url(attempt, 1)).status_code == 200
    assert not jinja2.chrome


def test_the_fragment_cache_keeps_values_as_they_are():
    fragments = FragmentCache("test-keeps", {})
    value = "<p>rendered</p>"
    fragments.set("k", value, None)
    assert fragments.get("k") is value  # no copy made
    assert fragments.get("missing", "default") == "default"
    assert fragments.add("k", "other") is False
    assert fragments.add("new", "added") is True and fragments.get("new") == "added"
    fragments.set("n", 1)
    assert fragments.incr("n", 2) == 3 and fragments.get("n") == 3
    with pytest.raises(ValueError):
        fragments.incr("absent")


def test_the_fragment_cache_is_bounded_and_expires():
    fragments = FragmentCache("test-bounded", {"OPTIONS": {"MAX_ENTRIES": 10}})
    for i in range(30):
        fragments.set(f"k{i}", str(i), None)
    kept = [i for i in range(30) if fragments.get(f"k{i}") is not None]
    assert len(kept) <= 10 and 29 in kept  # the least recently used went first
    fragments.set("brief", "x", 0.05)
    time.sleep(0.1)
    assert fragments.get("brief") is None


def test_served_sites_keep_fragments_in_the_fragment_cache():
    assert isinstance(caches["fragments"], FragmentCache)

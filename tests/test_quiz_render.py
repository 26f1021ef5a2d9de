"""How a question page is rendered: each attempt's own choice order, answer fields from the
forms' widgets, and the site's chrome shared with the guide's pages (one template engine)."""

from __future__ import annotations

import re

import pytest

from quiz.models import Attempt, Item
from tests.helpers import HX, choice_ids, start, url

pytestmark = pytest.mark.django_db

CHOICE = 4  # the content_dir article quiz's multiple-choice question


def _at_choice_question(client):
    """An attempt whose current question is the multiple-choice one."""
    attempt = start(client)
    Attempt.objects.filter(pk=attempt.pk).update(position=CHOICE)
    return attempt


def test_each_attempt_shows_its_own_choice_order(client, content_dir):
    first, second = _at_choice_question(client), _at_choice_question(client)
    order = first.items.get(position=CHOICE).choice_order
    assert len(order) > 2
    Item.objects.filter(attempt=second, position=CHOICE).update(choice_order=order[::-1])

    for _ in range(2):
        for attempt, shown in ((first, order), (second, order[::-1])):
            for headers in ({}, HX):
                page = client.get(url(attempt, CHOICE), headers=headers)
                assert page.status_code == 200
                assert choice_ids(page.content.decode()) == shown


def test_an_htmx_step_gets_the_panel_alone_and_a_boosted_one_the_page(client, content_dir):
    attempt = start(client)
    panel = client.get(url(attempt, 1), headers=HX)
    assert panel.content.decode().lstrip().startswith('<section id="panel"')
    assert "Vary" in panel and "HX-Request" in panel["Vary"]
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        page = client.get(url(attempt, 1), headers={**HX, **extra}).content.decode()
        assert page.startswith("<!doctype html>") and '<section id="panel"' in page


def test_a_refused_answer_leaves_the_fresh_form_clean(client, content_dir):
    attempt = _at_choice_question(client)
    client.get(url(attempt, CHOICE))
    refused = client.post(url(attempt, CHOICE, "answer"), {}, headers=HX)
    assert refused.status_code == 400
    assert "Tick at least one answer." in refused.content.decode()
    assert 'aria-invalid="true"' in refused.content.decode()

    again = client.get(url(attempt, CHOICE)).content.decode()
    assert "Tick at least one answer." not in again
    assert 'aria-invalid="true"' not in again
    assert "checked" not in again


def test_answer_fields_carry_the_forms_limits(client, content_dir):
    attempt = start(client)  # numeric, example, open, multiple
    numeric = client.get(url(attempt, 1)).content.decode()
    assert re.search(r'<input type="text" name="value"[^>]*maxlength="40"', numeric)
    assert 'inputmode="decimal"' in numeric
    Attempt.objects.filter(pk=attempt.pk).update(position=2)
    example = client.get(url(attempt, 2)).content.decode()
    assert re.search(r'<input type="text" name="text"[^>]*maxlength="300"', example)
    Attempt.objects.filter(pk=attempt.pk).update(position=3)
    open_ = client.get(url(attempt, 3)).content.decode()
    assert re.search(r'<textarea name="text"[^>]*maxlength="5000"', open_)
    assert 'aria-describedby="id_text_helptext"' in open_


def _between(html: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + ".*?" + re.escape(end), html, re.S)
    assert match, start
    return match.group(0)


def test_the_question_page_shares_the_guide_pages_chrome(client, content_dir):
    attempt = start(client)
    question = client.get(url(attempt, 1)).content.decode()
    landing = client.get("/quiz/").content.decode()  # same section
    search = client.get("/search/").content.decode()  # with htmx too
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


def test_an_edited_question_is_not_shown_from_the_old_versions_fields(client, content_dir, touch):
    before = _at_choice_question(client)
    client.get(url(before, CHOICE))  # its fields rendered and kept
    path = content_dir / "questions/q-multi.md"
    text = path.read_text()
    touch(path, text.replace("text: Linear regression", "text: Edited linear regression", 1))
    after = _at_choice_question(client)
    assert "Edited linear regression" in client.get(url(after, CHOICE)).content.decode()
    assert "Edited linear regression" not in client.get(url(before, CHOICE)).content.decode()

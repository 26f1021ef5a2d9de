"""CSRF tokens: drawn in one call to the random source, and still checked by Django."""

from __future__ import annotations

import importlib.util
import random
import re

import pytest
from django.middleware import csrf as django_csrf
from django.test import Client

from careerguide import csrf
from quiz.models import Attempt, Response
from tests.test_quiz_flow import right_answer, url

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def test_django_draws_its_secrets_and_masks_with_it():
    assert django_csrf._get_new_csrf_string is csrf.new_csrf_string
    assert django_csrf._mask_cipher_secret is csrf.mask_cipher_secret
    assert django_csrf._unmask_cipher_token is csrf.unmask_cipher_token


@pytest.fixture(scope="module")
def django_own():
    """A fresh copy of Django's csrf module, its functions as Django ships them."""
    spec = importlib.util.spec_from_file_location("django_csrf_as_shipped", django_csrf.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._mask_cipher_secret is not csrf.mask_cipher_secret
    return module


def test_masks_and_unmasks_as_django_does(django_own, monkeypatch):
    rng = random.Random(7)
    # every character of the alphabet at every position, in secrets and masks, and the ends
    strings = ["".join(rng.choice(csrf.ALPHABET) for _ in range(32)) for _ in range(300)]
    strings += ["0" * 32, "Z" * 32, (csrf.ALPHABET * 2)[:32], (csrf.ALPHABET * 2)[30:62]]
    for secret, mask in zip(strings, reversed(strings), strict=True):
        monkeypatch.setattr(csrf, "new_csrf_string", lambda mask=mask: mask)
        monkeypatch.setattr(django_own, "_get_new_csrf_string", lambda mask=mask: mask)
        token = csrf.mask_cipher_secret(secret)
        assert token == django_own._mask_cipher_secret(secret)
        assert token[:32] == mask
        assert csrf.unmask_cipher_token(token) == django_own._unmask_cipher_token(token) == secret


def test_strings_have_the_length_and_alphabet_django_checks():
    drawn = {csrf.new_csrf_string() for _ in range(500)}
    assert len(drawn) == 500  # no repeats
    for value in drawn:
        assert len(value) == django_csrf.CSRF_SECRET_LENGTH
        assert not django_csrf.invalid_token_chars_re.search(value)


def test_biased_bytes_are_dropped_and_more_drawn(monkeypatch):
    draws = iter([bytes(range(248, 256)) * 5, bytes(range(240, 256)) + bytes(range(24))])
    monkeypatch.setattr(csrf.os, "urandom", lambda n: next(draws)[:n])
    # The first draw is all bytes from 248 up (they would favour the first characters): none
    # is used. From the second, 240 to 247 and 0 to 23 are, byte % 62 picking the character.
    expected = [csrf.ALPHABET[b % 62] for b in [*range(240, 248), *range(24)]]
    assert csrf.new_csrf_string() == "".join(expected)


def _start(client) -> tuple[Attempt, str]:
    """Start an attempt as a browser does; returns it and the token its first question shows."""
    token = TOKEN.search(client.get("/quiz/").content.decode()).group(1)
    response = client.post("/quiz/start/", {"mode": "article", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    attempt = Attempt.objects.latest("created_at")
    shown = TOKEN.search(client.get(url(attempt, 1)).content.decode()).group(1)
    assert shown != token  # masked afresh for each page...
    unmask = django_csrf._unmask_cipher_token
    assert unmask(shown) == unmask(token) == client.cookies["csrftoken"].value  # ...one secret
    return attempt, shown


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["missing", "altered"])
def test_an_answer_needs_the_token_the_page_showed(content_dir, tamper):
    client = Client(enforce_csrf_checks=True)
    attempt, token = _start(client)
    answer = right_answer(attempt.items.get(position=1))
    refused = dict(answer)
    if tamper == "altered":
        refused["csrfmiddlewaretoken"] = token[:-1] + ("b" if token[-1] == "a" else "a")
    assert client.post(url(attempt, 1, "answer"), refused).status_code == 403
    assert not Response.objects.exists()
    answered = client.post(url(attempt, 1, "answer"), {**answer, "csrfmiddlewaretoken": token})
    assert answered.status_code in (200, 302)
    assert Response.objects.count() == 1

"""CSRF secrets and masks drawn with one call to the operating system's random source.

Django masks the CSRF secret afresh for every form it renders (so that a compressed page never
repeats the same token, against BREACH), drawing the mask's 32 characters with
``get_random_string``: one ``secrets.choice``, so one ``os.urandom`` system call, per
character. Every question of the quiz renders a form: masking its token took 40 µs (12 µs with
one call, measured in one process), and each call released the GIL, so with four threads in a
worker each could hand the request to another thread. ``new_csrf_string`` draws the same
string (32 characters of the same alphabet, each uniformly distributed and independent of the
others) from a single call.

``install()`` puts it in place of Django's function (``CareerGuideConfig.ready``), so the
cookie's secret and every mask come from it; Django's middleware checks tokens as before.
tests/test_csrf.py checks that it is installed and that its tokens pass Django's checks.
"""

from __future__ import annotations

import os

from django.middleware import csrf

ALPHABET = csrf.CSRF_ALLOWED_CHARS
LENGTH = csrf.CSRF_SECRET_LENGTH
# Bytes at or above this would make the first characters of the alphabet likelier than the
# rest (256 is not a multiple of 62): they are dropped, and more drawn if too many were.
_UNBIASED = 256 - 256 % len(ALPHABET)


def new_csrf_string() -> str:
    chars: list[str] = []
    while len(chars) < LENGTH:
        # About one byte in 32 is dropped: a few spare bytes make a second draw very rare.
        chars += [ALPHABET[b % len(ALPHABET)] for b in os.urandom(LENGTH + 8) if b < _UNBIASED]
    return "".join(chars[:LENGTH])


def install() -> None:
    csrf._get_new_csrf_string = new_csrf_string

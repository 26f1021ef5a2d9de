"""CSRF secrets and masks drawn with one call to the operating system's random source, and
masked and unmasked by table lookup.

Django masks the CSRF secret afresh for every form it renders (so that a compressed page never
repeats the same token, against BREACH), drawing the mask's 32 characters with
``get_random_string``: one ``secrets.choice``, so one ``os.urandom`` system call, per
character. Every question of the quiz renders a form: masking its token took 40 µs (12 µs with
one call, measured in one process), and each call released the GIL, so with four threads in a
worker each could hand the request to another thread. ``new_csrf_string`` draws the same
string (32 characters of the same alphabet, each uniformly distributed and independent of the
others) from a single call.

Masking adds the mask to the secret character by character (each character's position in the
alphabet, modulo its length); Django finds both positions with ``str.index`` for each of the
32 pairs, on every question page and every answer. ``mask_cipher_secret`` and
``unmask_cipher_token`` give the same strings from tables of every pair's sum and difference
(62 x 62 entries, built once): 3 µs instead of 11 for a mask, measured in one process.

``install()`` puts them in place of Django's functions (``CareerGuideConfig.ready``), so the
cookie's secret and every mask come from them; Django's middleware checks tokens as before.
tests/test_csrf.py checks that they are installed, that they give what Django's own functions
give, and that their tokens pass Django's checks.
"""

from __future__ import annotations

import os

from django.middleware import csrf

ALPHABET = csrf.CSRF_ALLOWED_CHARS
LENGTH = csrf.CSRF_SECRET_LENGTH
# Bytes at or above this would make the first characters of the alphabet likelier than the
# rest (256 is not a multiple of 62): they are dropped, and more drawn if too many were.
_UNBIASED = 256 - 256 % len(ALPHABET)

# Every pair of characters, (secret's, mask's) and (cipher's, mask's), to their sum and difference.
_SUM = {
    (a, b): ALPHABET[(i + j) % len(ALPHABET)]
    for i, a in enumerate(ALPHABET)
    for j, b in enumerate(ALPHABET)
}
_DIFFERENCE = {
    (a, b): ALPHABET[(i - j) % len(ALPHABET)]
    for i, a in enumerate(ALPHABET)
    for j, b in enumerate(ALPHABET)
}


def new_csrf_string() -> str:
    chars: list[str] = []
    while len(chars) < LENGTH:
        # About one byte in 32 is dropped: a few spare bytes make a second draw very rare.
        chars += [ALPHABET[b % len(ALPHABET)] for b in os.urandom(LENGTH + 8) if b < _UNBIASED]
    return "".join(chars[:LENGTH])


def mask_cipher_secret(secret: str) -> str:
    """Django's ``_mask_cipher_secret``: a fresh mask, then the secret added to it."""
    mask = new_csrf_string()
    return mask + "".join([_SUM[pair] for pair in zip(secret, mask, strict=True)])


def unmask_cipher_token(token: str) -> str:
    """Django's ``_unmask_cipher_token``: the secret of a token whose first half is its mask
    (Django checks a token's length and alphabet before unmasking it)."""
    mask, cipher = token[:LENGTH], token[LENGTH:]
    return "".join([_DIFFERENCE[pair] for pair in zip(cipher, mask, strict=True)])


def install() -> None:
    csrf._get_new_csrf_string = new_csrf_string
    csrf._mask_cipher_secret = mask_cipher_secret
    csrf._unmask_cipher_token = unmask_cipher_token

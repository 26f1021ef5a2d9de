"""``EMAIL_URL``: where the site's mail (password resets) goes, as one URL.

- ``console:`` (the default): printed to stderr, for a laptop.
- ``smtp://user:password@host:port``: plain SMTP (port 25 by default), for a relay on the same
  machine or network.
- ``smtp+tls://user:password@host:port``: SMTP upgraded with STARTTLS (port 587 by default).
- ``smtps://user:password@host:port``: SMTP over TLS from the start (port 465 by default).
- ``file:///path/to/folder``: each message written to a file in the folder.
- ``locmem:`` kept in memory (``django.core.mail.outbox``); ``dummy:`` thrown away.

The user name and password are percent-decoded (write ``@`` as ``%40``). ``?timeout=10`` sets
the SMTP timeout in seconds. Anything else is refused, so a typo stops the site at start-up
instead of losing mail.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
PORTS = {"smtp": 25, "smtp+tls": 587, "smtps": 465}


def mailer(url: str) -> dict[str, Any]:
    """The ``settings.MAILERS`` entry (Django's mail configuration) for ``url``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        known = ", ".join(f"{name}:" for name in BACKENDS)
        raise ImproperlyConfigured(f"EMAIL_URL must start with one of {known} not {url!r}.")
    options: dict[str, Any] = {}
    out: dict[str, Any] = {"BACKEND": BACKENDS[scheme], "OPTIONS": options}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:/// needs a folder, e.g. file:///tmp/mail.")
        options["file_path"] = unquote(parts.path)
    if scheme not in PORTS:
        return out
    if not parts.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL {scheme}:// needs a host name.")
    try:
        port = parts.port or PORTS[scheme]
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    options.update(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=scheme == "smtp+tls",
        use_ssl=scheme == "smtps",
    )
    query = parse_qs(parts.query)
    unknown = set(query) - {"timeout"}
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown option {sorted(unknown)[0]!r}.")
    if "timeout" in query:
        try:
            options["timeout"] = int(query["timeout"][-1])
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL's timeout must be whole seconds.") from None
    return out

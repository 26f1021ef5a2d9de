"""What an htmx request asks for, read from the headers django-htmx parses (``request.htmx``)."""

from __future__ import annotations

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """True when htmx will swap the response into part of the current page.

    A boosted request (a link or form htmx takes over) and a history-restore request (the
    browser going back to a page htmx has no copy of) each replace the whole page, so they get
    the full page, as does every request without htmx. A view that answers differently on this
    must send ``Vary: HX-Request``.
    """
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted and not htmx.history_restore_request

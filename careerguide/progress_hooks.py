"""Measured practice figures, for pages outside the app that measures them.

The guide's "Which role fits me?" result shows, next to a learner's own skill ratings, what
their quiz answers suggest. The quiz app measures that, and apps never import each other: the
quiz registers a provider here (in its ``AppConfig.ready``) and the guide asks through
:func:`measured_skills`.

A provider takes the request and returns ``{skill_slug: share}``, each share 0 to 1: how well
the learner knows the skill's questions they have answered, for the skills they have practised
enough to measure. It returns ``{}`` for a visitor who has not practised. A page that shows these
figures is personal: it must not be stored as a shared guide page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.http import HttpRequest

Provider = Callable[[HttpRequest], Mapping[str, float]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (once, however often ``ready()`` runs). Returns it, so it can decorate."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def measured_skills(request: HttpRequest) -> dict[str, float]:
    """Every provider's figures for this request, merged (a later provider wins a skill), each
    share kept within 0 to 1."""
    out: dict[str, float] = {}
    for provider in _providers:
        for slug, share in provider(request).items():
            out[slug] = min(1.0, max(0.0, float(share)))
    return out

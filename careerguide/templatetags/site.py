"""Tags of the layout every page shares (templates/base.html and its includes)."""

import json

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from careerguide.absolute_urls import absolute_url
from careerguide.content import get_library

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def ld_json(data) -> str:
    """A schema.org JSON-LD block, escaped so no value can close the script element."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag(takes_context=True)
def canonical_url(context, path=None) -> str:
    request = context.get("request")
    return "" if request is None else absolute_url(request, path)


@register.simple_tag(takes_context=True)
def nav_current(context, prefix: str) -> str:
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    current = path == prefix if prefix == "/" else path.startswith(prefix)
    return mark_safe(' aria-current="page"') if current else ""


def section_of(path: str) -> str:
    """The path up to its first folder ("/", "/roles/", "/pay/"...): everything that
    ``nav_current`` looks at for prefixes of one folder, so it keys the cached site header."""
    end = path.find("/", 1)
    return path if end < 0 else path[: end + 1]


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    request = context.get("request")
    return section_of(request.path if request is not None else "")


@register.simple_tag(takes_context=True)
def staff_banner(context) -> str:
    """For signed-in staff only: a draft notice, and the problems of the page's file with
    file, line and message (readers keep seeing the last good version). Nothing, and no
    template rendered, for everyone else."""
    request, doc = context.get("request"), context.get("doc")
    user = getattr(request, "user", None)
    if doc is None or user is None or not user.is_staff:
        return ""
    problems = get_library().problems_for(doc.path)
    if not (doc.draft or problems):
        return ""
    return render_to_string(
        "includes/staff_banner.html",
        {
            "doc": doc,
            "problems": problems,
            "stale": any(p.severity == "error" for p in problems),
        },
    )

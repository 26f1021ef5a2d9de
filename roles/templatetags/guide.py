"""Small presentation helpers for guide templates."""

from django import template
from django.conf import settings

from roles import charts

register = template.Library()


@register.filter
def usd(value) -> str:
    return charts.usd(value)


@register.filter
def edit_url(doc) -> str:
    base = settings.CONTENT_EDIT_URL
    return f"{base}/{doc.path}" if base and doc is not None else ""


@register.inclusion_tag("includes/emphasis.html")
def emphasis(level: int):
    return {"level": level, "dots": range(5)}

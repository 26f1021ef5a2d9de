"""Chart geometry for guide templates whose views do not build it (see roles/charts.py)."""

from django import template

from roles import charts

register = template.Library()


@register.simple_tag
def emphasis_chart(table):
    """The paired skills-emphasis bars of a comparison (a ComparisonTable)."""
    return charts.emphasis_chart(table)

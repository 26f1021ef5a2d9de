"""Chart geometry for templates whose views do not build it (see roles/charts.py)."""

from django import template

from quiz.results import WEAK_BELOW
from roles import charts

register = template.Library()


@register.simple_tag
def emphasis_chart(table):
    """The paired skills-emphasis bars of a comparison (a ComparisonTable)."""
    return charts.emphasis_chart(table)


@register.simple_tag
def skill_score_chart(skills):
    """The per-skill bars of a quiz result (SkillScore list)."""
    return charts.skill_score_chart(skills, weak_below=WEAK_BELOW) if skills else None

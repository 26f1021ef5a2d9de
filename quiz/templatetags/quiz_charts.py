"""The results page's chart: a taker's score by skill, drawn by templates/includes/bar_chart.html.

{% load quiz_charts %}
{% skill_score_chart summary.skills as chart %}
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from careerguide.charts import BAR, Chart, bar_chart
from quiz.results import WEAK_BELOW

register = template.Library()


def score_chart(skills: Sequence, *, weak_below: float, id: str = "skill-chart") -> Chart:
    """One bar per skill (quiz.results.SkillScore): the share of its questions' points scored,
    weakest first as given; bars under ``weak_below`` (a fraction) are marked weak."""
    limit = round(weak_below * 100)
    desc = (
        f"Bar chart of your score by skill, weakest first; under {limit}% needs work. "
        + " ".join(f"{s.title}: {s.percent}%{' (needs work)' if s.weak else ''}." for s in skills)
    )
    return bar_chart(
        id=id,
        title="Your score by skill",
        desc=desc,
        entries=[
            (
                s.title,
                [(s.percent, f"{s.percent}%", "bar-weak" if s.weak else "bar-ok")],
            )
            for s in skills
        ],
        scale_max=100,
        # the threshold is labelled on the axis; ticks too close to it would collide
        ticks=[(v, f"{v}%") for v in (0, 25, 50, 75, 100) if abs(v - limit) >= 12],
        bar_height=BAR,
        legend=[("bar-ok", f"{limit}% or more"), ("bar-weak", f"Under {limit}%: read up")],
        threshold=(limit, f"{limit}%"),
    )


@register.simple_tag
def skill_score_chart(skills, weak_below: float = WEAK_BELOW):
    """The per-skill bars of a quiz result (SkillScore list), skills under ``weak_below``
    (a fraction, the quiz's own threshold by default) marked weak; None without skills."""
    return score_chart(skills, weak_below=weak_below) if skills else None

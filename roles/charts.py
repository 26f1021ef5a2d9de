"""The guide's charts: median pay by occupation, and how central each skill is to two roles.

Drawn with the site's bar chart geometry (careerguide/charts.py) and
templates/includes/bar_chart.html.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from careerguide.charts import BAR, PAIR_BAR, Chart, bar_chart, nice_ceiling


def usd(value: int) -> str:
    return f"${value:,}"


def unique_pay(roles: Iterable) -> list:
    """The pay figures of several roles (documents with ``meta.pay``), each occupation once, in
    the order first met."""
    seen: dict[str, object] = {}
    for role in roles:
        for figure in role.meta.pay:
            seen.setdefault(figure.occupation, figure)
    return list(seen.values())


def _thousands(value: float) -> str:
    return "$0" if value == 0 else f"${value / 1000:,.0f}k"


def pay_chart(figures: Sequence, *, id: str = "pay-chart") -> Chart | None:
    """Median pay (PayFigure items) as horizontal bars, highest first, with dollar labels."""
    if not figures:
        return None
    ordered = sorted(figures, key=lambda f: -f.median_usd)
    top, step = nice_ceiling(max(f.median_usd for f in ordered))
    regions = ", ".join(dict.fromkeys(f.region for f in ordered))
    desc = f"Bar chart of median annual pay, {regions}, highest first. " + " ".join(
        f"{f.occupation}: {usd(f.median_usd)} ({f.as_of})." for f in ordered
    )
    return bar_chart(
        id=id,
        title=f"Median annual pay, {regions}",
        desc=desc,
        entries=[
            (
                (f.occupation, f"{f'SOC {f.soc}, ' if f.soc else ''}{f.as_of}"),
                [(f.median_usd, usd(f.median_usd), "bar-a")],
            )
            for f in ordered
        ],
        scale_max=top,
        ticks=[(i * step, _thousands(i * step)) for i in range(round(top / step) + 1)],
        bar_height=BAR,
    )


# --- skills emphasis of two roles ------------------------------------------------------------

EMPHASIS_MAX = 5


def _level(level: int) -> str:
    return f"{level} of {EMPHASIS_MAX}" if level else "not needed"


def emphasis_chart(table, *, id: str = "emphasis-chart") -> Chart:
    """Paired bars per skill: how central it is to each of two roles, 1 (useful) to 5 (core),
    0 when the role rarely needs it. ``table`` is a :class:`roles.comparison.ComparisonTable`."""
    left, right = table.left.title, table.right.title
    desc = (
        f"Paired bar chart of how central each skill is to a {left.lower()} (first bar) and a "
        f"{right.lower()} (second bar), from 1 (useful) to 5 (core). "
        + " ".join(
            f"{row.skill.title}: {_level(row.emphasis[0])} and {_level(row.emphasis[1])}."
            for row in table.skills
        )
    )
    return bar_chart(
        id=id,
        title=f"Skills emphasis: {left} and {right}",
        desc=desc,
        entries=[
            (
                row.skill.title,
                [
                    (row.emphasis[0], _level(row.emphasis[0]), "bar-a"),
                    (row.emphasis[1], _level(row.emphasis[1]), "bar-b"),
                ],
            )
            for row in table.skills
        ],
        scale_max=EMPHASIS_MAX,
        ticks=[(level, str(level)) for level in range(EMPHASIS_MAX + 1)],
        bar_height=PAIR_BAR,
        legend=[("bar-a", left), ("bar-b", right)],
    )

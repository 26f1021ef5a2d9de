"""Geometry of the guide's bar charts, drawn as inline SVG by templates/includes/bar_chart.html.

Each function takes plain figures and returns a :class:`Chart`: every bar, label, grid line and
legend entry with its position worked out, so the template only places elements.

The charts stretch to the width of the page and keep their text at its real size: vertical
positions are in pixels, horizontal positions of bars, grid lines and values are percentages of
the plot (the left ``PLOT_SHARE`` per cent of the chart; the rest holds the value printed after
the longest bar). Colours are CSS classes (``bar-a``, ``bar-weak``...), so the charts follow the
light and dark colour schemes, and the SVG needs no style attribute.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PLOT_SHARE = 78  # per cent of the chart's width given to the bars
NARROWEST = 340  # px: the chart's width on a small phone; legends and labels must fit in it
LABEL_LINE = 20  # px between lines of a row's label (16px text)
LABEL_CHARS = 38  # longest line of a label before it wraps, at 16px in NARROWEST
LEGEND_CHAR = 8.5  # rough width of a character of legend text (15px), generous for wide fonts
LEGEND_LINE = 24  # px between lines of the legend
BAR = 18  # height of a lone bar
PAIR_BAR = 14  # height of each bar of a pair
BAR_GAP = 4  # between the two bars of a pair
ROW_GAP = 16  # between rows
AXIS = 28  # room under the plot for the tick labels
TOP = 4


@dataclass(frozen=True)
class Bar:
    width: float  # per cent of the plot
    y: float
    height: float
    css: str  # colour class
    value: str  # printed just after the bar's end
    text_y: float


@dataclass(frozen=True)
class Row:
    label_lines: tuple[str, ...]  # the label, wrapped; a smaller, muted note may follow
    label_y: float  # baseline of the first line; later lines follow LABEL_LINE apart
    bars: tuple[Bar, ...]
    note: str = ""

    @property
    def label(self) -> str:
        return " ".join(self.label_lines)


@dataclass(frozen=True)
class Tick:
    x: float  # per cent of the plot
    label: str
    anchor: str = "middle"  # text-anchor of the label: "start" at the left edge


@dataclass(frozen=True)
class LegendItem:
    x: float  # px
    y: float  # top of the swatch
    css: str
    label: str


@dataclass(frozen=True)
class Chart:
    id: str  # prefix of the ids of the SVG's title and desc
    title: str
    desc: str
    height: float
    plot_share: int
    plot_top: float
    plot_bottom: float
    tick_y: float
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...] = ()
    threshold: Tick | None = None

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


def usd(value: int) -> str:
    return f"${value:,}"


def nice_step(maximum: float, target: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts 0..maximum into about
    ``target`` intervals."""
    if maximum <= 0:
        return 1.0
    rough = maximum / target
    magnitude = 10 ** math.floor(math.log10(rough))
    return float(next(f * magnitude for f in (1, 2, 5, 10) if f * magnitude >= rough))


def nice_ceiling(maximum: float, target: int = 4) -> tuple[float, float]:
    """The axis end (a multiple of the step, at least ``maximum``) and the step."""
    step = nice_step(maximum, target)
    return max(step, math.ceil(maximum / step) * step), step


def wrap(label: str, width: int = LABEL_CHARS) -> tuple[str, ...]:
    return tuple(textwrap.wrap(label, width, break_long_words=True)) or ("",)


def _legend(entries: Sequence[tuple[str, str]], y: float) -> tuple[list[LegendItem], float]:
    """Legend swatches left to right, wrapping to a new line where a phone would run out of
    room. Returns the items and the y below them."""
    items, x = [], 0.0
    for css, label in entries:
        room = 20 + LEGEND_CHAR * len(label)  # swatch, gap and text
        if x and x + room > NARROWEST:
            x, y = 0.0, y + LEGEND_LINE
        items.append(LegendItem(x, y, css, label))
        x += room + 20
    return items, y + LEGEND_LINE + 6


def _layout(
    *,
    id: str,
    title: str,
    desc: str,
    entries: Sequence[tuple[str | tuple[str, str], Sequence[tuple[float, str, str]]]],
    scale_max: float,
    ticks: Iterable[tuple[float, str]],
    bar_height: float,
    legend: Sequence[tuple[str, str]] = (),
    threshold: tuple[float, str] | None = None,
) -> Chart:
    """Rows of labelled bars over one horizontal scale from 0 to ``scale_max``.

    ``entries`` are (label, bars), each bar (value, printed value, colour class); a label may
    be a (label, note) pair, the note printed smaller on a line of its own.
    """

    def pct(value: float) -> float:
        return round(100 * max(0.0, min(value, scale_max)) / scale_max, 2)

    y = float(TOP)
    items: list[LegendItem] = []
    if legend:
        items, y = _legend(legend, y)
    plot_top = y
    rows = []
    for label, values in entries:
        label, note = label if isinstance(label, tuple) else (label, "")
        lines = wrap(label)
        label_y = y + 15
        y += LABEL_LINE * (len(lines) + bool(note)) + 2
        bars = []
        for value, printed, css in values:
            bars.append(Bar(pct(value), y, bar_height, css, printed, y + bar_height - 3))
            y += bar_height + BAR_GAP
        y += ROW_GAP - BAR_GAP
        rows.append(Row(lines, label_y, tuple(bars), note))
    plot_bottom = y - ROW_GAP / 2
    return Chart(
        id=id,
        title=title,
        desc=desc,
        height=plot_bottom + AXIS,
        plot_share=PLOT_SHARE,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        tick_y=plot_bottom + 18,
        rows=tuple(rows),
        ticks=tuple(Tick(pct(v), text, "start" if v <= 0 else "middle") for v, text in ticks),
        legend=tuple(items),
        threshold=Tick(pct(threshold[0]), threshold[1]) if threshold else None,
    )


# --- pay -----------------------------------------------------------------------------------------


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
    return _layout(
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
    return _layout(
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


# --- a quiz result by skill ------------------------------------------------------------------


def skill_score_chart(skills: Sequence, *, weak_below: float, id: str = "skill-chart") -> Chart:
    """One bar per skill (quiz.results.SkillScore): the share of its questions' points scored,
    weakest first as given; bars under ``weak_below`` (a fraction) are marked weak."""
    limit = round(weak_below * 100)
    desc = (
        f"Bar chart of your score by skill, weakest first; under {limit}% needs work. "
        + " ".join(f"{s.title}: {s.percent}%{' (needs work)' if s.weak else ''}." for s in skills)
    )
    return _layout(
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

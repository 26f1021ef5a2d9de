"""Geometry of the site's horizontal bar charts, drawn as inline SVG by
templates/includes/bar_chart.html.

:func:`bar_chart` takes rows of plain figures and returns a :class:`Chart`: every bar, label,
grid line and legend entry with its position worked out, so the template only places elements.
The guide's charts (roles/charts.py) and the quiz's results chart
(quiz/templatetags/quiz_charts.py) are built with it.

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


def bar_chart(
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

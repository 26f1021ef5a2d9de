"""The bar charts: geometry worked out in careerguide/charts.py (for the guide's charts in
roles/charts.py and the quiz's in quiz/templatetags/quiz_charts.py), and the accessible SVG the
pages draw from it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from careerguide import charts
from careerguide.content.store import ContentStore
from quiz.results import WEAK_BELOW, SkillScore
from quiz.templatetags.quiz_charts import score_chart
from roles import charts as role_charts
from roles.comparison import build_table
from tests.conftest import REPO

LIBRARY = ContentStore(REPO / "content").refresh()


def figure(occupation, median, soc="15-0000", as_of="May 2024"):
    return SimpleNamespace(
        occupation=occupation, soc=soc, median_usd=median, as_of=as_of, region="United States"
    )


def assert_rows_stack(chart: charts.Chart) -> None:
    """Labels sit above their bars, and nothing overlaps the row below."""
    bottom = chart.plot_top
    for row in chart.rows:
        assert row.label_y - 15 >= bottom
        lines = len(row.label_lines) + bool(row.note)
        label_bottom = row.label_y + charts.LABEL_LINE * (lines - 1) + 5
        for bar in row.bars:
            assert bar.y >= label_bottom
            assert 0 <= bar.width <= 100
            bottom = bar.y + bar.height
    assert chart.plot_bottom >= bottom
    assert chart.tick_y > chart.plot_bottom and chart.height > chart.tick_y


@pytest.mark.parametrize(
    ("maximum", "top", "step"),
    [
        (136_620, 150_000, 50_000),
        (112_590, 150_000, 50_000),
        (5, 6, 2),
        (100, 100, 50),
        (0.7, 0.8, 0.2),
        (1, 1, 0.5),
    ],
)
def test_nice_scale(maximum, top, step):
    assert charts.nice_ceiling(maximum) == pytest.approx((top, step))


def test_wrap_keeps_lines_short():
    lines = charts.wrap("Computer and Information Research Scientists, and a very long tail")
    assert len(lines) == 2 and all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert charts.wrap("") == ("",)


def test_pay_chart_bars_are_proportional_and_highest_first():
    chart = role_charts.pay_chart(
        [
            figure("Data Scientists", 112_590, "15-2051"),
            figure("Research", 136_620, None, "May 2022"),
        ]
    )
    assert [row.label for row in chart.rows] == ["Research", "Data Scientists"]
    assert [row.note for row in chart.rows] == ["May 2022", "SOC 15-2051, May 2024"]
    research, scientists = (row.bars[0] for row in chart.rows)
    assert research.width == pytest.approx(100 * 136_620 / 150_000, abs=0.01)
    assert scientists.width == pytest.approx(100 * 112_590 / 150_000, abs=0.01)
    assert (research.value, scientists.value) == ("$136,620", "$112,590")
    assert [(t.x, t.label) for t in chart.ticks] == [
        (0, "$0"),
        (pytest.approx(33.33), "$50k"),
        (pytest.approx(66.67), "$100k"),
        (100, "$150k"),
    ]
    assert chart.ticks[0].anchor == "start" and chart.ticks[-1].anchor == "middle"
    assert chart.title == "Median annual pay, United States"
    assert "Research: $136,620 (May 2022). Data Scientists: $112,590 (May 2024)." in chart.desc
    assert_rows_stack(chart)
    assert role_charts.pay_chart([]) is None


def test_pay_page_figures_are_each_occupation_once():
    figures = role_charts.unique_pay(LIBRARY.all("role"))
    occupations = [f.occupation for f in figures]
    assert len(occupations) == len(set(occupations)) == 4
    assert "Data Scientists" in occupations and "Database Architects" in occupations


def test_emphasis_chart_pairs_the_two_roles():
    left, right = (
        LIBRARY.get("role", "data-scientist"),
        LIBRARY.get("role", "machine-learning-engineer"),
    )
    table = build_table(LIBRARY, left, right)
    chart = role_charts.emphasis_chart(table)
    assert len(chart.rows) == len(table.skills)
    for row, skill_row in zip(chart.rows, table.skills, strict=True):
        assert row.label == skill_row.skill.title
        assert [bar.css for bar in row.bars] == ["bar-a", "bar-b"]
        for bar, level in zip(row.bars, skill_row.emphasis, strict=True):
            assert bar.width == pytest.approx(20 * level)
            assert bar.value == (f"{level} of 5" if level else "not needed")
    assert [item.label for item in chart.legend] == ["Data scientist", "Machine learning engineer"]
    # the two legend entries do not fit one phone-wide line, so the second wraps
    assert chart.legend[1].x == 0 and chart.legend[1].y > chart.legend[0].y
    assert [t.label for t in chart.ticks] == ["0", "1", "2", "3", "4", "5"]
    assert "Statistics and probability: 5 of 5 and 3 of 5." in chart.desc
    assert_rows_stack(chart)


def test_short_legend_stays_on_one_line():
    items, below = charts._legend([("bar-a", "A"), ("bar-b", "B")], 4)
    assert items[0].y == items[1].y and items[1].x > items[0].x
    assert below > items[0].y + 14


def test_skill_score_chart_marks_weak_skills_and_the_threshold():
    skills = [
        SkillScore("stats", "Statistics", "/skills/stats/", points=0.5, questions=2),
        SkillScore("sql", "SQL", "/skills/sql/", points=3, questions=3),
    ]
    chart = score_chart(skills, weak_below=WEAK_BELOW)
    assert [(row.label, row.bars[0].value, row.bars[0].css) for row in chart.rows] == [
        ("Statistics", "25%", "bar-weak"),
        ("SQL", "100%", "bar-ok"),
    ]
    assert chart.threshold == charts.Tick(70, "70%")
    assert [t.label for t in chart.ticks] == ["0%", "25%", "50%", "100%"]  # 75% would collide
    assert [item.css for item in chart.legend] == ["bar-ok", "bar-weak"]
    assert "Statistics: 25% (needs work). SQL: 100%." in chart.desc
    assert_rows_stack(chart)


SVG = re.compile(r"<svg class=\"chart\" role=\"img\" aria-labelledby=\"([\w-]+) ([\w-]+)\"")


def assert_accessible_svg(html: str) -> None:
    match = SVG.search(html)
    assert match, "no chart"
    title, desc = match.groups()
    assert re.search(rf'<title id="{title}">[^<]+</title>', html)
    assert re.search(rf'<desc id="{desc}">[^<]+</desc>', html)
    svg = html[match.start() : html.index("</svg>\n</svg>", match.start())]
    assert " style=" not in svg and "<script" not in svg


@pytest.fixture
def real_content(settings):
    settings.CONTENT_DIR = REPO / "content"


@pytest.mark.django_db
@pytest.mark.usefixtures("real_content")
@pytest.mark.parametrize(
    ("url", "table"),
    [
        ("/pay/", "Data Scientists (15-2051)"),
        ("/roles/machine-learning-engineer/", 'class="pay-table"'),
        ("/compare/data-scientist-vs-machine-learning-engineer/", 'class="emphasis-table"'),
    ],
)
def test_pages_draw_the_chart_beside_a_table_of_the_same_figures(client, url, table):
    html = client.get(url).content.decode()
    assert_accessible_svg(html)
    assert html.count('class="chart"') == 1
    assert table in html  # screen readers and copy-paste get the figures as a table too


@pytest.mark.django_db
@pytest.mark.usefixtures("real_content")
def test_other_pages_draw_no_pay_chart(client):
    assert 'class="chart"' not in client.get("/about/").content.decode()


@pytest.mark.django_db
def test_results_draw_the_skill_chart(client, content_dir):
    client.post("/quiz/start/", {"mode": "skill", "value": "stats"})
    from quiz.models import Attempt

    attempt = Attempt.objects.get()
    html = client.get(f"/quiz/a/{attempt.pk}/results/").content.decode()
    assert_accessible_svg(html)
    assert 'class="skill-breakdown"' in html
    assert "Statistics: 0% (needs work)." in html


def test_results_chart_tag_uses_the_quizs_threshold():
    from django.template import Context, Template

    template = Template(
        "{% load quiz_charts %}{% skill_score_chart skills as chart %}"
        "{% if chart %}{{ chart.threshold.label }}{% else %}none{% endif %}"
    )
    skills = [SkillScore("sql", "SQL", "/skills/sql/", points=1, questions=3)]
    assert template.render(Context({"skills": skills})) == f"{round(WEAK_BELOW * 100)}%"
    assert template.render(Context({"skills": []})) == "none"

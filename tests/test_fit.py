"""Scoring "Which role fits me?" (roles/fit.py) as plain functions over items and answers."""

from types import SimpleNamespace

import pytest

from careerguide.content.schema import FitItem, SkillEmphasis
from roles import fit

ROLES = ["ml", "ds", "de"]
SCALES = {
    "interest": ["Not for me", "Not much", "Neutral", "Quite a lot", "Very much"],
    "style": ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"],
}
LEVELS = ["none", "a little", "some", "a lot", "expert"]


def item(id, weights, kind="interest", skill=None):
    extra = {"skill": skill, "levels": LEVELS} if kind == "skill" else {}
    return FitItem(id=id, kind=kind, text=id.replace("-", " "), weights=weights, **extra)


ITEMS = [
    item("fast-service", {"ml": 3, "de": 2, "ds": -1}),
    item("why-number", {"ds": 3, "de": 1}),
    item("data-flows", {"de": 3}),
    item("ship-it", {"ml": 2, "de": 2, "ds": -2}, kind="style"),
    item("rate-stats", {"ds": 1}, kind="skill", skill="stats"),
    item("rate-python", {"ml": 1, "de": 1}, kind="skill", skill="python"),
]


def fits(values, role=""):
    return fit.role_fits(ITEMS, fit.Answers(values, role), ROLES, SCALES)


def by_slug(result):
    return {f.slug: f for f in result}


def test_each_answer_moves_a_role_by_its_lean_times_its_weight():
    result = by_slug(fits({"fast-service": 4, "why-number": 1}))
    # lean +2 x 3 for ml; +2 x 2 and -1 x 1 for de; +2 x -1 and -1 x 3 for ds
    assert (result["ml"].score, result["de"].score, result["ds"].score) == (6, 3, -5)
    # the largest score a role's items allow: 2 x the sum of its absolute weights
    assert result["ml"].maximum == 2 * (3 + 2 + 1)
    assert result["ml"].percent == round(50 + 50 * 6 / 12)


def test_best_fit_comes_first_with_the_answers_that_pushed_it():
    result = fits({"fast-service": 4, "why-number": 0, "ship-it": 3})
    assert [f.slug for f in result] == ["ml", "de", "ds"]
    top = result[0]
    assert [p.item.id for p in top.toward] == ["fast-service", "ship-it"]  # strongest first
    assert top.toward[0].reason == "\u201cfast service\u201d: very much"
    ds = by_slug(result)["ds"]
    assert {p.item.id for p in ds.away} == {"fast-service", "why-number", "ship-it"}
    assert fit.leaders(result) == [top]


def test_a_skill_rating_reads_as_a_rating():
    result = by_slug(fits({"rate-stats": 4}))
    assert result["ds"].toward[0].reason == "you rated rate stats 4 of 4"
    assert result["ds"].score == 2


def test_all_neutral_answers_lean_nowhere():
    neutral = {i.id: 2 for i in ITEMS}
    result = fits(neutral)
    assert all(f.score == 0 and f.percent == 50 for f in result)
    assert all(not f.toward and not f.away for f in result)
    assert fit.leaders(result) == []
    assert [f.slug for f in result] == ROLES  # no lean: the roles keep their order
    assert fit.chosen_role(result, fit.Answers(neutral), ROLES) == "ml"


def test_no_answers_are_neutral_too():
    result = fits({})
    assert [f.percent for f in result] == [50, 50, 50]
    assert fit.leaders(result) == []


def test_a_tie_names_every_role_that_shares_the_best_fit():
    items = [item("a", {"ml": 2, "ds": 2}), item("b", {"de": 1})]
    result = fit.role_fits(items, fit.Answers({"a": 4, "b": 2}), ROLES, SCALES)
    assert [f.slug for f in fit.leaders(result)] == ["ml", "ds"]
    # the plan goes to the first of them unless the learner picks another
    assert fit.chosen_role(result, fit.Answers({"a": 4}), ROLES) == "ml"
    assert fit.chosen_role(result, fit.Answers({"a": 4}, role="ds"), ROLES) == "ds"


def test_changing_a_weight_changes_the_fit():
    light = [item("a", {"ml": 1, "ds": 1}), item("b", {"ml": 1, "ds": -1})]
    heavy = [item("a", {"ml": 1, "ds": 3}), item("b", {"ml": 1})]
    answers = fit.Answers({"a": 4, "b": 3})
    assert fit.role_fits(light, answers, ["ml", "ds"], SCALES)[0].slug == "ml"
    assert fit.role_fits(heavy, answers, ["ml", "ds"], SCALES)[0].slug == "ds"


# --- answers in, answers out -----------------------------------------------------------------


def test_answers_are_read_strictly():
    answers = fit.read_answers(
        ITEMS, ROLES, {"fast-service": ["4"], "data-flows": [""], "role": "de"}
    )
    assert answers == fit.Answers({"fast-service": 4}, "de")
    for query, message in [
        ({"fast-service": "5"}, "from 0 to 4"),
        ({"fast-service": "-1"}, "from 0 to 4"),
        ({"fast-service": "²"}, "from 0 to 4"),
        ({"fast-service": ["1", "2"]}, "given 2 times"),
        ({"nope": "1"}, "no item called 'nope'"),
        ({"role": "astronaut"}, "no role called 'astronaut'"),
    ]:
        with pytest.raises(fit.InvalidAnswers, match=message):
            fit.read_answers(ITEMS, ROLES, query)


def test_a_token_holds_the_same_answers_and_rejects_changes():
    answers = fit.Answers({"fast-service": 4, "rate-stats": 1}, "ds")
    token = fit.encode(answers)
    assert token == fit.encode(fit.Answers({"rate-stats": 1, "fast-service": 4}, "ds"))
    assert fit.decode(token, ITEMS, ROLES) == answers
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, token[:10], "", "not-a-token", "x" * 5000):
        with pytest.raises(fit.InvalidAnswers):
            fit.decode(bad, ITEMS, ROLES)
    # signed here, but for an item the assessment no longer has
    with pytest.raises(fit.InvalidAnswers, match="has changed"):
        fit.decode(token, ITEMS[1:], ROLES)


# --- skill gap and plan ----------------------------------------------------------------------


def role(*skills):
    return SimpleNamespace(
        meta=SimpleNamespace(skills=[SkillEmphasis(skill=s, emphasis=e) for s, e in skills])
    )


def test_emphasis_maps_onto_the_levels():
    assert [fit.expected_level(e) for e in (1, 2, 3, 4, 5)] == [1, 2, 2, 3, 4]


def test_gap_against_rating_and_measured_figures():
    items = [
        item("rate-stats", {"ds": 1}, "skill", "stats"),
        item("rate-py", {"ml": 1}, "skill", "python"),
    ]
    answers = fit.Answers({"rate-stats": 3, "rate-py": 1})
    gaps = fit.skill_gaps(
        role(("stats", 5), ("python", 3), ("pipes", 2)), items, answers, {"stats": 0.5}
    )
    stats, python, pipes = gaps
    assert (stats.expected, stats.rated, stats.measured_level) == (4, 3, 2.0)
    assert stats.disagrees and stats.measured_rounded == 2
    assert stats.gap == 2  # the lower of the rating and the measured level
    assert (python.gap, python.disagrees) == (1, False)
    assert (pipes.rated, pipes.gap) == (None, 2)  # not rated: counted from 0
    assert [g.skill for g in fit.plan(gaps)] == ["stats", "pipes", "python"]


def test_close_figures_do_not_disagree():
    items = [item("rate-stats", {"ds": 1}, "skill", "stats")]
    gaps = fit.skill_gaps(role(("stats", 5)), items, fit.Answers({"rate-stats": 3}), {"stats": 0.6})
    assert not gaps[0].disagrees  # 3 against 2.4


def test_plan_deepens_core_skills_when_nothing_is_short():
    items = [item(f"rate-{s}", {"ml": 1}, "skill", s) for s in "abcd"]
    answers = fit.Answers({f"rate-{s}": 4 for s in "abcd"})
    gaps = fit.skill_gaps(role(("a", 2), ("b", 5), ("c", 3), ("d", 4)), items, answers, {})
    assert [g.skill for g in fit.plan(gaps)] == ["b", "d", "c"]


def test_gap_chart_has_the_table_figures():
    items = [item("rate-stats", {"ds": 1}, "skill", "stats")]
    gaps = fit.skill_gaps(
        role(("stats", 5), ("sql", 4)), items, fit.Answers({"rate-stats": 1}), {"stats": 0.75}
    )
    chart = fit.gap_chart(gaps, {"stats": "Statistics", "sql": "SQL"}, "Data scientist")
    stats, sql = chart.rows
    assert [b.value for b in stats.bars] == ["4 of 4", "1 of 4", "3 of 4"]
    assert [b.value for b in sql.bars] == ["3 of 4", "not rated"]
    assert "Statistics: the role needs 4, your rating 1, your quiz answers 3." in chart.desc
    assert [item.label for item in chart.legend][-1] == "Your quiz answers"

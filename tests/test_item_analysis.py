"""Item analysis: facility, discrimination and option picks, as plain functions."""

import pytest

from quiz.item_analysis import Taken, discrimination, facility, option_picks, yaml_snippet


def test_facility_is_the_share_fully_right():
    assert facility([]) is None
    assert facility([Taken(1, 0.9), Taken(0.5, 0.5), Taken(0, 0.1), Taken(1, 0.2)]) == 0.5


def test_a_question_strong_takers_get_right_discriminates():
    # the strongest takers (by their attempt's share) get it right, the weakest do not
    taken = [Taken(1.0 if share > 0.5 else 0.0, share) for share in [i / 20 for i in range(20)]]
    assert discrimination(taken) == pytest.approx(1.0)


def test_a_question_weak_takers_get_right_discriminates_negatively():
    taken = [Taken(1.0 if share < 0.5 else 0.0, share) for share in [i / 20 for i in range(20)]]
    assert discrimination(taken) == pytest.approx(-1.0)


def test_discrimination_needs_enough_takers():
    assert discrimination([Taken(1, 1)] * 9) is None
    assert discrimination([Taken(1, i / 10) for i in range(10)]) == 0.0


CHOICES = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]


def test_options_picked_and_a_wrong_favourite_flagged():
    answers = [{"choice": "b"}] * 5 + [{"choice": "a"}] * 3 + [{"choice": "c"}] * 2
    picks = {p.id: p for p in option_picks(CHOICES, ["a"], answers)}
    assert (picks["a"].picks, picks["b"].picks, picks["c"].picks) == (3, 5, 2)
    assert picks["b"].share == 0.5
    assert picks["b"].suspicious and not picks["c"].suspicious and not picks["a"].suspicious


def test_options_of_a_multiple_choice_question_count_each_tick():
    answers = [{"choices": ["a", "b"]}, {"choices": ["a"]}]
    picks = {p.id: p.picks for p in option_picks(CHOICES, ["a", "b"], answers)}
    assert picks == {"a": 2, "b": 1, "c": 0}


def test_yaml_snippet_quotes_what_takers_wrote():
    snippet = yaml_snippet('poisson "glm"')
    assert snippet.startswith('- answer: "poisson \\"glm\\""\n  why: >-\n')
    import yaml

    assert yaml.safe_load(snippet)[0]["answer"] == 'poisson "glm"'

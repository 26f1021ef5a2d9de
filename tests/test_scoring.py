"""Scoring of every kind of question, including the edge cases."""

import pytest

from quiz.scoring import (
    normalise,
    parse_number,
    pretick,
    score_answer,
    score_example,
    score_multiple,
    score_numeric,
    score_open,
    score_single,
)


def test_single_right_and_wrong():
    assert score_single("a", "a").score == 1.0
    assert score_single("b", "a").score == 0.0
    assert score_single("", "a").score == 0.0


@pytest.mark.parametrize(
    ("picked", "score"),
    [
        ({"a", "b"}, 1.0),  # all right
        ({"a"}, 0.5),  # partial
        ({"a", "c"}, 0.0),  # one right, one wrong cancel out
        ({"a", "b", "c"}, 0.5),  # a wrong pick costs
        ({"c", "d"}, 0.0),  # all wrong: floored at zero, never negative
        (set(), 0.0),  # empty
    ],
)
def test_multiple_partial_credit_and_penalty(picked, score):
    outcome = score_multiple(picked, {"a", "b"})
    assert outcome.score == pytest.approx(score)
    assert 0.0 <= outcome.score <= 1.0


def test_multiple_reports_missed_and_wrong():
    detail = score_multiple({"a", "c"}, {"a", "b"}).detail
    assert (detail["right"], detail["wrong"], detail["missed"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0.8, True),
        (0.81, True),
        (0.79, True),  # tolerance bounds are inclusive
        (0.8101, False),
        (0.7899, False),
        (8, False),
        (-0.8, False),
    ],
)
def test_numeric_tolerance_bounds(value, ok):
    assert score_numeric(value, 0.8, 0.01).correct is ok


def test_numeric_zero_tolerance_is_exact():
    assert score_numeric(3, 3.0, 0).correct
    assert not score_numeric(3.001, 3.0, 0).correct


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0.8", 0.8),
        (".8", 0.8),
        ("0,8", 0.8),
        ("80%", 0.8),
        (" 1,250 ", 1250.0),
        ("1,250.5", 1250.5),
        ("-2", -2.0),
        ("1e3", 1000.0),
        ("\u22120.5", -0.5),
    ],
)
def test_parse_number_reads_what_people_type(text, number):
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1..2", "0x10", "1/2", "--1"])
def test_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


def test_normalise_drops_case_punctuation_articles_plurals():
    assert normalise("A Linear-Regression!") == "linear regression"
    assert normalise("The decision trees") == normalise("decision tree")
    assert normalise("Naïve Bayes") == normalise("naive bayes")


ACCEPTED = [{"answer": "linear regression", "aliases": ["ols"], "why": "Fixed coefficients."}]
REJECTED = [
    {"answer": "k-nearest neighbours", "aliases": ["knn", "k-nn"], "why": "Keeps the data."}
]


@pytest.mark.parametrize(
    ("text", "score", "verdict"),
    [
        ("Linear regression", 1.0, "accepted"),
        ("an OLS model", 1.0, "accepted"),
        ("k-NN", 0.0, "rejected"),
        ("lineer regresion", 1.0, "accepted"),  # typos a reader would forgive
        ("nonlinear regression", 0.0, "unrecognised"),  # a whole word, not a part of one
        ("linear regression or kNN", 0.5, "mixed"),
        ("a random forest", 0.0, "unrecognised"),
        ("", 0.0, "unrecognised"),
    ],
)
def test_example_matching_shows_reasons(text, score, verdict):
    outcome = score_example(text, ACCEPTED, REJECTED)
    assert outcome.score == score
    assert outcome.detail["verdict"] == verdict
    if verdict in ("accepted", "mixed"):
        assert outcome.detail["accepted"][0]["why"] == "Fixed coefficients."
    if verdict in ("rejected", "mixed"):
        assert outcome.detail["rejected"][0]["why"] == "Keeps the data."


RUBRIC = [
    {"point": "Defines precision", "terms": ["tp / (tp + fp)", "false positive"]},
    {"point": "Defines recall", "terms": ["false negatives", "recall"]},
    {"point": "Trade-off", "terms": ["threshold"]},
]


def test_pretick_finds_key_terms():
    text = "Recall counts false negatives; moving the threshold trades one for the other."
    assert pretick(text, RUBRIC) == [1, 2]
    assert pretick("the treshold", RUBRIC) == [2]
    assert pretick("", RUBRIC) == []


def test_pretick_counts_a_term_inside_a_longer_one_only_once():
    rubric = [
        {"point": "Splits", "terms": ["held-out"]},
        {"point": "Set", "terms": ["held-out set"]},
    ]
    assert pretick("a held-out set", rubric) == [1]
    assert pretick("held-out data", rubric) == [0]


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        ([0, 1, 2], 1.0),
        ([0], 1 / 3),
        ([], 0.0),
        ([0, 0, 1], 2 / 3),
        ([5, -1], 0.0),
    ],
)
def test_open_score_is_share_of_points(ticked, score):
    assert score_open(ticked, 3).score == pytest.approx(score)


def test_score_answer_dispatches_by_kind():
    assert score_answer("single", {"correct": ["a"]}, {"choice": "a"}).score == 1
    assert score_answer("multiple", {"correct": ["a", "b"]}, {"choices": ["a"]}).score == 0.5
    assert score_answer("numeric", {"answer": 2, "tolerance": 0}, {"value": 2.0}).score == 1
    key = {"accepted": ACCEPTED, "rejected": REJECTED}
    assert score_answer("example", key, {"text": "OLS"}).score == 1
    assert score_answer("open", {"rubric": RUBRIC}, {"text": "x"}) is None
    with pytest.raises(ValueError):
        score_answer("essay", {}, {})

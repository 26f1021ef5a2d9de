"""Free-text matching: typos, spellings and word order tolerated, the longest name winning, and
the shipped "name an example" questions scoring plausible answers the way a person would."""

import pytest

from careerguide.content.store import ContentStore
from careerguide.matching import (
    allowed_edits,
    find,
    matched_entries,
    normalise,
    shared_terms,
    word_edits,
)
from quiz.scoring import pretick, score_example
from tests.conftest import REPO

LIBRARY = ContentStore(REPO / "content").refresh()


def key(question_id):
    meta = LIBRARY.question(question_id).meta
    return (
        [a.model_dump() for a in meta.accepted],
        [a.model_dump() for a in meta.rejected or []],
    )


P, N, A, R, B = (
    "parametric-model-example",
    "non-parametric-model-example",
    "activation-function-example",
    "regularisation-technique-example",
    "batch-processing-tool-example",
)
ACC, REJ, MIX, UNR = "accepted", "rejected", "mixed", "unrecognised"
TABLE: list[tuple[str, str, str]] = []


def add(q, verdict, *answers):
    TABLE.extend((q, a, verdict) for a in answers)


add(
    P,
    ACC,
    "logistic regression",
    "Logistic Regression",
    "logisitc regresion",
    "logistic regresion",
    "lgoistic regression",
    "regression, logistic",
    "linear regression",
    "lienar regression",
    "Linear Regression (OLS)",
    "OLS",
    "ordinary least squares",
    "ridge regression",
    "lasso",
    "Lasso regression",
    "linear model",
    "a linear model",
    "GLM",
    "generalized linear model",
    "generalised linear model",
    "Poisson regression",
    "a Gaussian",
    "Gaussian distribution",
    "normal distribution",
    "ARIMA",
    "AR model",
    "HMM",
    "hidden Markov model",
    "hiden markov model",
    "naive Bayes",
    "Naïve Bayes",
    "naive bayse",
    "Gaussian naive Bayes",
    "NB",
    "LDA",
    "linear discriminant analysis",
    "linear SVM",
    "SVM with a linear kernel",
    "perceptron",
    "neural network",
    "a neural net with a fixed architecture",
    "CNN",
    "LSTM",
    "Gaussian mixture model",
    "GMM",
    "polynomial regression",
    "softmax regression",
    "probit",
)
add(
    P,
    REJ,
    "kernel ridge regression",
    "KNN",
    "k-NN",
    "kNN",
    "k nearest neighbors",
    "k-nearest neighbours",
    "nearest neighbour",
    "decision tree",
    "decision trees",
    "desicion tree",
    "random forest",
    "random forrest",
    "XGBoost",
    "gradient boosting",
    "Gaussian process",
    "gaussian processes",
    "GP",
    "kernel SVM",
    "RBF SVM",
    "SVM with an RBF kernel",
    "kernel density estimation",
    "KDE",
    "Gaussian kernel density estimation",
    "Gaussian kernel",
)
add(P, MIX, "logistic regression or knn", "linear regression and decision trees")
add(
    P,
    UNR,
    "support vector machine",
    "SVM",
    "k-means",
    "banana",
    "",
    "lasagna",
    "regression",
    "linear",
    "gps",
)

add(
    N,
    ACC,
    "kernel ridge regression",
    "kernel ridge",
    "KNN",
    "k-NN",
    "kNN",
    "k nearest neighbors",
    "k-nearest neighbours",
    "k nearest neighbour",
    "knearest neighbors",
    "K Nearest Neigbors",
    "nearest neighbors",
    "decision tree",
    "decision trees",
    "trees, decision",
    "desicion tree",
    "descision tree",
    "CART",
    "random forest",
    "random forrest",
    "Random Forests",
    "extra trees",
    "gradient boosting",
    "XGBoost",
    "LightGBM",
    "GBDT",
    "kernel SVM",
    "SVM with an RBF kernel",
    "rbf svm",
    "Gaussian process",
    "gaussian processes",
    "guassian process",
    "GP",
    "kriging",
    "kernel density estimation",
    "KDE",
    "Gaussian KDE",
    "histogram",
    "Parzen window",
    "Nadaraya-Watson",
    "LOESS",
    "kernel regression",
    "Dirichlet process",
    "smoothing spline",
)
add(
    N,
    REJ,
    "ridge regression",
    "linear regression",
    "OLS",
    "logistic regression",
    "naive Bayes",
    "LDA",
    "linear SVM",
    "neural network",
    "MLP",
    "a Gaussian",
    "GLM",
    "linear model",
    "ARIMA",
    "HMM",
    "Gaussian mixture model",
    "Poisson regression",
    "Gaussian naive Bayes",
)
add(N, MIX, "knn or linear regression")
add(N, UNR, "SVM", "support vector machine", "k-means", "clustering", "")

add(
    A,
    ACC,
    "ReLU",
    "relu",
    "RELU",
    "rectified linear unit",
    "rectified linear function",
    "rectifier",
    "rectified linear activation",
    "leaky ReLU",
    "Leaky-ReLU",
    "PReLU",
    "sigmoid",
    "sigmiod",
    "sigmoid function",
    "logistic function",
    "tanh",
    "hyperbolic tangent",
    "hyperbolic tangnet",
    "GELU",
    "Gaussian error linear unit",
    "SiLU",
    "swish",
    "SwiGLU",
    "ELU",
    "exponential linear unit",
    "SELU",
    "softmax",
    "soft max",
    "softmx",
    "softplus",
    "Mish",
    "maxout",
    "GLU",
    "gated linear unit",
    "hard tanh",
    "Heaviside step function",
    "step function",
)
add(
    A,
    REJ,
    "linear function",
    "linear activation",
    "identity",
    "identity function",
    "no activation",
    "batch norm",
    "batch normalization",
    "layer norm",
    "dropout",
)
add(A, MIX, "ReLU or identity")
add(A, UNR, "non-linear function", "linear", "max pooling", "convolution", "")

add(
    R,
    ACC,
    "L2",
    "L2 regularization",
    "L2 regularisation",
    "l2 penalty",
    "ridge",
    "weight decay",
    "Tikhonov",
    "Tikhonov regularization",
    "L1",
    "lasso",
    "L1 regularisation",
    "elastic net",
    "elasticnet",
    "dropout",
    "drop-out",
    "dropuot",
    "DropConnect",
    "early stopping",
    "early stoping",
    "data augmentation",
    "data augmentaion",
    "augmentation",
    "noise injection",
    "adding noise",
    "Gaussian noise",
    "mixup",
    "mix-up",
    "CutMix",
    "stochastic depth",
    "drop path",
    "label smoothing",
    "pruning",
    "max depth",
    "batch normalization",
    "max-norm constraint",
)
add(
    R,
    REJ,
    "cross-validation",
    "cross validation",
    "k-fold",
    "CV",
    "gradient descent",
    "SGD",
    "Adam",
    "backpropagation",
    "feature scaling",
    "standardization",
    "more layers",
    "bigger model",
)
add(R, MIX, "dropout and cross-validation")
add(R, UNR, "bagging", "ensembling", "more data", "noise", "regularisation", "")

add(
    B,
    ACC,
    "Spark",
    "Apache Spark",
    "spakr",
    "PySpark",
    "Databricks",
    "EMR",
    "AWS Glue",
    "Hadoop",
    "MapReduce",
    "map reduce",
    "Beam",
    "Dataflow",
    "Flink",
    "BigQuery",
    "Big Query",
    "Snowflake",
    "Redshift",
    "Hive",
    "Trino",
    "Presto",
    "Athena",
    "pandas",
    "Polars",
    "Dask",
    "DuckDB",
    "ClickHouse",
)
add(
    B,
    REJ,
    "dbt",
    "DBT",
    "Airflow",
    "Apache Airflow",
    "airflwo",
    "Dagster",
    "Prefect",
    "cron",
    "Kafka",
    "Kinesis",
    "Redis",
    "S3",
    "HDFS",
)
add(B, MIX, "Spark or Kafka")
add(B, UNR, "SQL", "Python", "Excel", "")


@pytest.mark.parametrize(("question_id", "answer", "verdict"), TABLE)
def test_example_answers_get_the_verdict_a_person_would_give(question_id, answer, verdict):
    outcome = score_example(answer, *key(question_id))
    assert outcome.detail["verdict"] == verdict, outcome.detail
    assert outcome.score == {ACC: 1.0, MIX: 0.5, REJ: 0.0, UNR: 0.0}[verdict]


def test_the_table_covers_every_example_question_and_verdict():
    examples = {q.slug for q in LIBRARY.all("question") if q.meta.kind == "example"}
    tested = {question_id for question_id, _, _ in TABLE}
    assert {P, N, A, R, B} <= examples
    assert len(TABLE) >= 150
    for question_id in tested:
        verdicts = {v for q, _, v in TABLE if q == question_id}
        assert verdicts == {ACC, REJ, MIX, UNR}, question_id


@pytest.mark.parametrize(
    ("answer", "accepted", "rejected"),
    [
        # the known false matches: the longer, more specific name decides
        ("kernel ridge regression", N, P),
        ("rectified linear function", A, None),
        ("Gaussian process", N, P),
        ("gaussian naive bayes", P, N),
    ],
)
def test_the_longest_name_wins_in_both_directions(answer, accepted, rejected):
    assert score_example(answer, *key(accepted)).detail["verdict"] == ACC
    if rejected:
        assert score_example(answer, *key(rejected)).detail["verdict"] == REJ


def test_feedback_gives_the_reason_of_each_example_recognised():
    detail = score_example("logistic regression or k-NN", *key(P)).detail
    assert [a["answer"] for a in detail["accepted"]] == ["logistic regression"]
    assert [r["answer"] for r in detail["rejected"]] == ["k-nearest neighbours"]
    assert "grows with the data" in detail["rejected"][0]["why"]


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("k-nearest neighbours", "K Nearest Neighbors"),
        ("regularisation", "regularization"),
        ("optimiser", "optimizers"),
        ("modelling", "modeling"),
        ("labelled data", "labeled data"),
        ("behaviour", "behavior"),
        ("centre", "center"),
        ("analyse", "analyze"),
        ("learnt", "learned"),
        ("decision trees", "a decision tree"),
        ("Gaussian processes", "the Gaussian process"),
        ("strategies", "strategy"),
        ("Naïve Bayes", "naive bayes"),
        ("non-linear", "nonlinear"),
        ("non linear", "non-linear"),
    ],
)
def test_normalise_folds_spelling_plural_case_accents_and_articles(one, other):
    assert normalise(one) == normalise(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("linear", "nonlinear"), ("l1", "l2"), ("gp", "gps"), ("bayes", "bay"), ("size", "sise")],
)
def test_normalise_keeps_different_words_apart(one, other):
    assert normalise(one) != normalise(other)


# --- typos -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        # misspellings people actually make
        ("logisitc", "logistic"),
        ("regresion", "regression"),
        ("lienar", "linear"),
        ("desicion", "decision"),
        ("descision", "decision"),
        ("forrest", "forest"),
        ("guassian", "gaussian"),
        ("nieghbor", "neighbor"),
        ("neigbor", "neighbor"),
        ("sigmiod", "sigmoid"),
        ("dropuot", "dropout"),
        ("stoping", "stopping"),
        ("augmentaion", "augmentation"),
        ("tangnet", "tangent"),
        ("spakr", "spark"),
        ("airflwo", "airflow"),
        ("bayse", "bayes"),
    ],
)
def test_real_typos_are_tolerated(written, meant):
    assert word_edits(normalise(written), normalise(meant)) is not None


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        # short words and acronyms must be exact
        ("lad", "lda"),
        ("np", "nb"),
        ("pg", "gp"),
        ("rleu", "relu"),
        ("tahn", "tanh"),
        ("l1", "l2"),
        # a different first letter is a different word
        ("sparse", "parse"),
        ("bridge", "ridge"),
        # too many edits for the length
        ("lasagna", "lasso"),
        ("linearity", "linear"),
        ("boosted", "boosting"),
    ],
)
def test_different_words_are_not_typos(written, meant):
    assert word_edits(normalise(written), normalise(meant)) is None


def test_typos_allowed_grow_with_word_length():
    assert [allowed_edits(w) for w in ("gp", "lda", "relu", "ridge", "sigmoid", "gaussian")] == [
        0,
        0,
        0,
        1,
        1,
        2,
    ]
    assert allowed_edits("lightgbm2") == 0  # words with digits are exact


# --- phrases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("regression, logistic", "logistic regression"),
        ("KNN", "k nn"),
        ("k-NN", "knn"),
        ("drop out", "dropout"),
        ("LeakyReLU", "leaky relu"),
        ("I would use a random forrest here", "random forest"),
    ],
)
def test_word_order_joined_and_split_words(text, name):
    assert matched_entries(text, [[name]]) == [0]


def test_matches_never_overlap_and_longest_comes_first():
    entries = [["ridge regression"], ["kernel ridge regression"], ["lasso"]]
    found = find("kernel ridge regression, then lasso", entries)
    assert [(m.start, m.end, m.entries) for m in found] == [(0, 3, (1,)), (4, 5, (2,))]


def test_a_name_shared_by_two_entries_counts_for_both():
    assert matched_entries("held-out data", [["held-out"], ["held out"], ["gap"]]) == [0, 1]


def test_shared_terms_finds_what_would_tick_two_points():
    entries = [["noise", "memorise"], ["gap", "noise"], ["held-out set"], ["held-out"]]
    # "held-out set" on its own ticks only its own point: the longer term wins
    assert shared_terms(entries) == [(0, 0, [1]), (1, 1, [0])]


# --- rubric pre-ticking ----------------------------------------------------------------------


def test_pretick_uses_the_matcher_on_real_rubrics():
    rubric = [p.model_dump() for p in LIBRARY.question("overfitting").meta.rubric]
    text = (
        "The model memorizes the training set, so the training accuracy is far above what you "
        "get on unseen data. You catch it with k fold crossvalidation and fix it with "
        "regularization or early stoping."
    )
    assert pretick(text, rubric) == [0, 1, 2, 3, 4]
    assert pretick("It is noise.", rubric) == []


def test_no_shipped_rubric_term_ticks_two_points():
    for question in LIBRARY.all("question"):
        if question.meta.rubric:
            terms = [point.terms for point in question.meta.rubric]
            assert shared_terms(terms) == [], question.slug


# --- the content check -----------------------------------------------------------------------


def _problems(tmp_path, question_id, change):
    from tests.content_factory import tree, write_tree

    files = tree()
    meta, body = files[f"questions/{question_id}.md"]
    change(meta)
    files[f"questions/{question_id}.md"] = (meta, body)
    write_tree(tmp_path / "c", files)
    return ContentStore(tmp_path / "c").refresh().problems


def test_content_check_warns_when_one_term_preticks_two_points(tmp_path):
    def generic(meta):
        meta["rubric"][1]["terms"] = ["new data", "noise"]

    problems = _problems(tmp_path, "q-open", generic)
    warnings = [p for p in problems if p.severity == "warning" and "pre-ticks" in p.message]
    assert [(p.path, p.field) for p in warnings] == [
        ("questions/q-open.md", "rubric[0].terms[0]"),
        ("questions/q-open.md", "rubric[1].terms[1]"),
    ]
    assert warnings[0].line > 1
    assert "point 2 ('Does worse on new data')" in warnings[0].message
    assert not [p for p in problems if p.severity == "error"]


def test_content_check_warns_when_an_accepted_name_reads_as_a_rejected_one(tmp_path):
    def both(meta):
        meta["accepted"][0]["aliases"] = ["ols", "k-NN"]

    problems = _problems(tmp_path, "q-example", both)
    assert [(p.field, p.severity) for p in problems if "rejected example" in p.message] == [
        ("accepted[0].aliases[1]", "warning")
    ]


def test_an_example_question_needs_its_criterion(tmp_path):
    problems = _problems(tmp_path, "q-example", lambda meta: meta.pop("criterion"))
    assert [p.message for p in problems if p.field == "criterion"] == ["required for kind example"]
    problems = _problems(tmp_path, "q-open", lambda meta: meta.update(criterion="Anything."))
    assert [p.message for p in problems if p.field == "criterion"] == ["not used by kind open"]

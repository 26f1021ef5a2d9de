"""The shipped question bank: valid, and covering what the quiz promises."""

from collections import Counter

import pytest

from careerguide.content.store import ContentStore
from tests.conftest import REPO

LIBRARY = ContentStore(REPO / "content").refresh()
QUESTIONS = LIBRARY.all("question")


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(REPO / "content").as_posix()
        for p in (REPO / "content/questions").glob("*.md")
    ),
)
def test_every_question_file_validates(path):
    assert LIBRARY.problems_for(path) == []
    assert LIBRARY.by_path(path) is not None


def test_the_articles_five_questions_with_honest_kinds():
    article = {q.meta.article: q for q in QUESTIONS if q.meta.article}
    assert sorted(article) == [1, 2, 3, 4, 5]
    assert article[1].title == "What are precision and recall?"
    assert article[2].meta.kind == "open" and article[2].meta.behavioural
    assert article[3].meta.kind == "open"
    assert article[4].meta.kind == "example" and article[4].meta.rejected
    assert article[5].meta.kind == "open" and article[5].meta.behavioural
    rubric = " ".join(p.point.lower() for p in article[5].meta.rubric)
    assert "verified" in rubric or "clarif" in rubric


def test_bank_size_kinds_and_difficulties():
    assert len(QUESTIONS) >= 40
    kinds = Counter(q.meta.kind for q in QUESTIONS)
    assert set(kinds) == {"single", "multiple", "numeric", "example", "open"}
    assert set(Counter(q.meta.difficulty for q in QUESTIONS)) == {"easy", "medium", "hard"}


def test_every_skill_and_role_has_questions():
    for skill in LIBRARY.all("skill"):
        assert len(LIBRARY.questions_for(skill=skill.slug)) >= 3, skill.slug
    for role in LIBRARY.all("role"):
        assert len(LIBRARY.questions_for(role=role.slug)) >= 5, role.slug


def test_numeric_variants_and_choices_are_well_formed():
    for q in QUESTIONS:
        if q.meta.kind == "numeric":
            assert len(q.meta.variants) >= 2, q.slug
        if q.meta.kind in ("single", "multiple"):
            assert all(c.why for c in q.meta.choices), q.slug

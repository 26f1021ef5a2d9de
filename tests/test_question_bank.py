"""The shipped question bank: valid, and covering what the quiz promises."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from careerguide.content.library import coverage_problems
from careerguide.content.store import ContentStore
from tests.conftest import REPO
from tests.content_factory import tree, write_tree

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


def test_content_check_prints_each_skills_questions_per_difficulty():
    out = io.StringIO()
    call_command("content_check", content_dir=REPO / "content", stdout=out, stderr=io.StringIO())
    rows = {
        line.split()[0]: [int(n) for n in line.split()[1:]]
        for line in out.getvalue().split("questions per skill", 1)[1].splitlines()[1:]
        if line.strip()
    }
    assert set(rows) == {skill.slug for skill in LIBRARY.all("skill")}
    for slug, counts in LIBRARY.question_counts().items():
        easy, medium, hard = counts["easy"], counts["medium"], counts["hard"]
        assert rows[slug] == [easy, medium, hard, easy + medium + hard], slug
        assert rows[slug][3] == len(LIBRARY.questions_for(skill=slug))


def _problems(tmp_path, change=None):
    files = tree()
    if change:
        change(files)
    write_tree(tmp_path / "c", files)
    return ContentStore(tmp_path / "c").refresh().problems


def test_a_skill_with_too_few_questions_is_a_coverage_error(tmp_path):
    write_tree(tmp_path / "c", tree())
    coverage = coverage_problems(ContentStore(tmp_path / "c").refresh())
    # the small test site has a handful of questions, all on one skill
    assert {(p.path, p.severity) for p in coverage} == {
        ("skills/stats.md", "error"),
        ("skills/python.md", "error"),
        ("skills/pipelines.md", "error"),
    }
    stats = next(p for p in coverage if p.path == "skills/stats.md")
    assert "5 question(s)" in stats.message and "2 easy, 2 medium, 1 hard" in stats.message


def test_a_question_without_a_link_into_the_guide_is_an_error(tmp_path):
    def unlinked(files):
        files["questions/q-one.md"][0]["read"] = []

    problems = [p for p in _problems(tmp_path, unlinked) if p.path == "questions/q-one.md"]
    assert [(p.field, p.severity) for p in problems] == [("read", "error")]


def test_content_check_fails_on_a_bank_that_does_not_cover_its_skills(tmp_path):
    write_tree(tmp_path / "c", tree())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("content_check", content_dir=tmp_path / "c", stdout=out, stderr=err)
    assert failed.value.returncode == 1
    lines = out.getvalue().splitlines()
    coverage = [line for line in lines if ": questions: coverage: " in line]
    assert len(coverage) == 3 and not any(line.endswith(" (warning)") for line in coverage)
    assert coverage[2].startswith("skills/stats.md:1: questions: coverage: 5 question(s)")

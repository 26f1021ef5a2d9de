"""The side-by-side table of two roles, built from the role files' front matter."""

from __future__ import annotations

from dataclasses import dataclass

from careerguide.content import Document, Library


@dataclass(frozen=True)
class SkillRow:
    skill: Document
    emphasis: tuple[int, int]  # 0 when the role does not list the skill


@dataclass(frozen=True)
class ComparisonTable:
    left: Document
    right: Document
    skills: list[SkillRow]
    education: tuple[list[Document], list[Document]]


def build_table(library: Library, left: Document, right: Document) -> ComparisonTable:
    emphasis = [{item.skill: item.emphasis for item in role.meta.skills} for role in (left, right)]
    rows = []
    for slug in dict.fromkeys([*emphasis[0], *emphasis[1]]):
        skill = library.get("skill", slug)
        if skill is not None:
            rows.append(SkillRow(skill, (emphasis[0].get(slug, 0), emphasis[1].get(slug, 0))))
    rows.sort(key=lambda row: (-max(row.emphasis), -sum(row.emphasis), row.skill.title))

    def paths(role: Document) -> list[Document]:
        return [d for slug in role.meta.education if (d := library.get("education", slug))]

    return ComparisonTable(left, right, rows, (paths(left), paths(right)))

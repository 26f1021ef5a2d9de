"""An immutable snapshot of all loaded content, and the checks that span files."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property

from careerguide.matching import shared_terms

from .documents import Document
from .errors import Problem
from .parsing import format_field

DIFFICULTIES = ("easy", "medium", "hard")
# The bank's coverage rule: each skill is tested by at least this many questions, with some of
# every difficulty. Reported as a warning until the bank meets it everywhere.
MIN_QUESTIONS_PER_SKILL = 10


def question_counts(documents: Iterable[Document]) -> dict[str, dict[str, int]]:
    """Published questions per skill and difficulty, for every skill (zero when none)."""
    documents = list(documents)
    counts = {
        doc.slug: dict.fromkeys(DIFFICULTIES, 0)
        for doc in documents
        if doc.kind == "skill" and not doc.draft
    }
    for doc in documents:
        if doc.kind == "question" and not doc.draft:
            for slug in doc.meta.skills:
                if slug in counts:
                    counts[slug][doc.meta.difficulty] += 1
    return dict(sorted(counts.items()))


def coverage_problems(library: Library) -> list[Problem]:
    """Skills with fewer questions than the bank's coverage rule asks, as errors on the skill
    file. A property of the whole bank, not of one file: ``content_check`` reports it, pages do
    not show it."""
    problems = []
    for slug, counts in library.question_counts().items():
        total = sum(counts.values())
        if total >= MIN_QUESTIONS_PER_SKILL and all(counts.values()):
            continue
        doc = library.get("skill", slug)
        assert doc is not None
        spread = ", ".join(f"{n} {level}" for level, n in counts.items())
        problems.append(
            Problem(
                doc.path,
                1,
                "questions",
                f"coverage: {total} question(s) test this skill ({spread}); each skill needs "
                f"at least {MIN_QUESTIONS_PER_SKILL}, with some of every difficulty",
            )
        )
    return problems


def _sort_key(doc: Document):
    return (getattr(doc.meta, "order", 0), doc.title.lower())


class Library:
    """All valid documents at one moment, indexed for the views. Never mutated."""

    def __init__(
        self, documents: Mapping[str, Document], problems: Iterable[Problem] = (), version: int = 0
    ):
        self.documents: dict[str, Document] = dict(documents)
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        self.version = version
        self._by_kind: dict[str, list[Document]] = defaultdict(list)
        self._by_slug: dict[tuple[str, str], Document] = {}
        for doc in sorted(self.documents.values(), key=_sort_key):
            self._by_kind[doc.kind].append(doc)
            self._by_slug.setdefault((doc.kind, doc.slug), doc)

    # --- lookups -------------------------------------------------------------------------

    def get(self, kind: str, slug: str, *, drafts: bool = False) -> Document | None:
        doc = self._by_slug.get((kind, slug))
        if doc is None or (doc.draft and not drafts):
            return None
        return doc

    def all(self, kind: str, *, drafts: bool = False) -> list[Document]:
        return [d for d in self._by_kind.get(kind, []) if drafts or not d.draft]

    def by_path(self, path: str) -> Document | None:
        return self.documents.get(path)

    def question(self, question_id: str, *, drafts: bool = False) -> Document | None:
        return self.get("question", question_id, drafts=drafts)

    def comparison(self, a: str, b: str, *, drafts: bool = False) -> Document | None:
        for doc in self.all("comparison", drafts=drafts):
            if set(doc.meta.roles) == {a, b}:
                return doc
        return None

    def comparisons_for(self, role: str) -> list[Document]:
        return [d for d in self.all("comparison") if role in d.meta.roles]

    def questions_for(self, *, skill: str | None = None, role: str | None = None) -> list[Document]:
        return [
            q
            for q in self.all("question")
            if (skill is None or skill in q.meta.skills) and (role is None or role in q.meta.roles)
        ]

    def question_counts(self) -> dict[str, dict[str, int]]:
        """Published questions per skill slug and difficulty (``make check`` prints them)."""
        return question_counts(self.documents.values())

    def problems_for(self, path: str) -> list[Problem]:
        return [p for p in self.problems if p.path == path]

    @cached_property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever any served document changes, and only then.

        A hash of every document's path, file fingerprint and ``updated`` date (which falls
        back to the file's modification date, shown on the page): two loads of the same files
        (another worker, another server, a restart) agree, so it can key caches and ETags.
        Problems are left out on purpose: a broken edit keeps the last good version live, so
        readers see the same pages (staff, who see the problems, are never served from a
        cache).
        """
        digest = hashlib.blake2b(digest_size=12)
        for path in sorted(self.documents):
            doc = self.documents[path]
            digest.update(f"{path}\0{doc.fingerprint}\0{doc.updated.isoformat()}\n".encode())
        return digest.hexdigest()

    @cached_property
    def last_updated(self) -> dt.date | None:
        """The newest ``updated`` date of the served documents."""
        return max((doc.updated for doc in self.documents.values()), default=None)


# --- checks across files ---------------------------------------------------------------------


def _ref(
    doc: Document,
    loc: tuple,
    kind: str,
    slug: str,
    known: Mapping[tuple[str, str], Document],
    what: str,
) -> Problem | None:
    if (kind, slug) in known:
        return None
    return Problem(doc.path, doc.line_of(*loc), format_field(loc), f"unknown {what} '{slug}'")


def cross_check(documents: Mapping[str, Document]) -> dict[str, list[Problem]]:
    """Problems that only show when files are seen together, keyed by the file at fault."""
    known = {(d.kind, d.slug): d for d in sorted(documents.values(), key=lambda d: d.path)}
    found: dict[str, list[Problem]] = defaultdict(list)

    def add(problem: Problem | None):
        if problem is not None:
            found[problem.path].append(problem)

    # duplicate ids / slugs / comparison pairs: the first file (by path) keeps its place
    first_by_key: dict[tuple, Document] = {}
    for doc in sorted(documents.values(), key=lambda d: d.path):
        keys = [(doc.kind, doc.slug)]
        if doc.kind == "comparison":
            keys.append(("pair", *sorted(doc.meta.roles)))
        for key in keys:
            other = first_by_key.setdefault(key, doc)
            if other is not doc:
                field = (
                    "id" if doc.kind == "question" else "roles" if key[0] == "pair" else "file name"
                )
                line = doc.line_of(field) if field != "file name" else 1
                add(Problem(doc.path, line, field, f"duplicate: {other.path} already uses it"))

    for doc in documents.values():
        meta = doc.meta
        if doc.kind == "role":
            for i, item in enumerate(meta.skills):
                add(_ref(doc, ("skills", i, "skill"), "skill", item.skill, known, "skill"))
            for i, slug in enumerate(meta.education):
                add(_ref(doc, ("education", i), "education", slug, known, "education path"))
            for i, slug in enumerate(meta.similar):
                add(_ref(doc, ("similar", i), "role", slug, known, "role"))
        elif doc.kind == "skill":
            for slug in meta.why:
                add(_ref(doc, ("why", slug), "role", slug, known, "role"))
        elif doc.kind == "education":
            for i, slug in enumerate(meta.suits):
                add(_ref(doc, ("suits", i), "role", slug, known, "role"))
        elif doc.kind == "comparison":
            for i, slug in enumerate(meta.roles):
                add(_ref(doc, ("roles", i), "role", slug, known, "role"))
            expected = f"{meta.roles[0]}-vs-{meta.roles[1]}"
            if doc.slug != expected:
                add(
                    Problem(
                        doc.path,
                        doc.line_of("roles"),
                        "roles",
                        f"the file name must be {expected}.md to match the roles",
                    )
                )
        elif doc.kind == "question":
            for i, slug in enumerate(meta.skills):
                add(_ref(doc, ("skills", i), "skill", slug, known, "skill"))
            for i, slug in enumerate(meta.roles):
                add(_ref(doc, ("roles", i), "role", slug, known, "role"))
            for problem in _matching_problems(doc):
                add(problem)
        elif doc.kind == "fit":
            for problem in _fit_problems(doc, documents, known):
                add(problem)
        elif doc.kind == "page" and doc.url is None:
            add(
                Problem(
                    doc.path, 1, "file name", "this page name is taken by another part of the site"
                )
            )

        for link in doc.links:
            target = documents.get(link.target)
            if target is None:
                add(
                    Problem(
                        doc.path,
                        link.line,
                        link.field,
                        f"broken link '{link.href}': no file {link.target}",
                    )
                )
            elif target.url is None:
                add(
                    Problem(
                        doc.path,
                        link.line,
                        link.field,
                        f"link '{link.href}' points to a "
                        f"{target.kind}, which has no page of its own",
                    )
                )
            elif link.anchor and link.anchor not in target.anchors:
                add(
                    Problem(
                        doc.path,
                        link.line,
                        link.field,
                        f"broken link '{link.href}': {link.target} has no heading #{link.anchor}",
                    )
                )
            elif target.draft and not doc.draft:
                add(
                    Problem(
                        doc.path,
                        link.line,
                        link.field,
                        f"link '{link.href}' points to a draft, which readers cannot see",
                        severity="warning",
                    )
                )
    for doc in _orphans(documents):
        add(
            Problem(
                doc.path,
                1,
                "file",
                "orphan: no other content file links to this page",
                severity="warning",
            )
        )
    return found


def _fit_problems(
    doc: Document, documents: Mapping[str, Document], known: Mapping[tuple[str, str], Document]
) -> list[Problem]:
    """The assessment names real roles, skills and paths; every role's skills can be rated and
    every role has a weekend test, or the result would leave part of the role out."""
    problems = []
    weighted: set[str] = set()
    rated: set[str] = set()
    for i, item in enumerate(doc.meta.items):
        for slug in item.weights:
            weighted.add(slug)
            problems.append(_ref(doc, ("items", i, "weights", slug), "role", slug, known, "role"))
        if item.skill is not None:
            rated.add(item.skill)
            problems.append(_ref(doc, ("items", i, "skill"), "skill", item.skill, known, "skill"))
        for k, slug in enumerate(item.education or []):
            loc = ("items", i, "education", k)
            problems.append(_ref(doc, loc, "education", slug, known, "education path"))
    for role in sorted((d for d in documents.values() if d.kind == "role"), key=lambda d: d.path):
        if role.draft:
            continue
        if role.slug not in weighted:
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of("items"),
                    "items",
                    f"no item weighs the role '{role.slug}': its fit would always be neutral",
                )
            )
        unrated = [s.skill for s in role.meta.skills if s.skill not in rated]
        if unrated:
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of("items"),
                    "items",
                    f"no item rates {', '.join(unrated)}, which {role.slug} lists: "
                    "its skill gap leaves them out",
                    severity="warning",
                )
            )
        if role.meta.weekend_test is None:
            problems.append(
                Problem(
                    role.path,
                    1,
                    "weekend_test",
                    f"missing: {doc.path} shows each role's weekend test",
                    severity="warning",
                )
            )
    return [p for p in problems if p is not None]


def _matching_problems(doc: Document) -> list[Problem]:
    """Rubric terms that would pre-tick two points at once, and examples both right and wrong.

    Both read the text as the quiz does (``quiz.matching``): a term that, written on its own,
    is recognised as a term of another point too would tick both, and an accepted name that is
    recognised as a rejected one would score every taker who gives it a half.
    """
    meta = doc.meta
    problems = []
    if meta.rubric:
        entries = [point.terms for point in meta.rubric]
        for i, k, others in shared_terms(entries):
            points = ", ".join(f"{j + 1} ('{meta.rubric[j].point}')" for j in others)
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of("rubric", i, "terms", k),
                    format_field(("rubric", i, "terms", k)),
                    f"'{entries[i][k]}' also pre-ticks point {points}: "
                    "give each point terms that only an answer making that point would use",
                    severity="warning",
                )
            )
    if meta.accepted:
        accepted, rejected = meta.accepted, meta.rejected or []
        entries = [[item.answer, *item.aliases] for item in [*accepted, *rejected]]
        for i, k, others in shared_terms(entries):
            wrong = [j - len(accepted) for j in others if j >= len(accepted)]
            if i >= len(accepted) or not wrong:
                continue
            loc = ("accepted", i, "answer") if k == 0 else ("accepted", i, "aliases", k - 1)
            names = ", ".join(f"'{rejected[j].answer}'" for j in wrong)
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of(*loc),
                    format_field(loc),
                    f"'{entries[i][k]}' is also read as the rejected example {names}: "
                    "a taker who gives it scores a half",
                    severity="warning",
                )
            )
    return problems


def _references(doc: Document) -> list[tuple[str, str]]:
    """(kind, slug) of every document this one links to or names in its front matter."""
    meta = doc.meta
    refs: list[tuple[str, str]] = []
    if doc.kind == "role":
        refs += [("skill", item.skill) for item in meta.skills]
        refs += [("education", slug) for slug in meta.education]
        refs += [("role", slug) for slug in meta.similar]
    elif doc.kind == "comparison":
        refs += [("role", slug) for slug in meta.roles]
    elif doc.kind == "education":
        refs += [("role", slug) for slug in meta.suits]
    elif doc.kind == "skill":
        refs += [("role", slug) for slug in meta.why]
    elif doc.kind == "fit":
        for item in meta.items:
            refs += [("role", slug) for slug in item.weights]
            refs += [("skill", item.skill)] if item.skill else []
            refs += [("education", slug) for slug in item.education or []]
    return refs


def _orphans(documents: Mapping[str, Document]) -> list[Document]:
    linked: set[str] = set()
    by_key = {(d.kind, d.slug): d for d in documents.values()}
    for doc in documents.values():
        linked.update(link.target for link in doc.links if link.target != doc.path)
        linked.update(
            by_key[ref].path
            for ref in _references(doc)
            if ref in by_key and by_key[ref].path != doc.path
        )
    return [
        doc
        for doc in documents.values()
        if doc.url is not None and doc.url != "/" and doc.path not in linked
    ]

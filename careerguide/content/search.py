"""Site search over the public documents of a :class:`Library` snapshot.

Engine: SQLite FTS5 in an in-memory database. It ships with Python (no extra package or
service), gives real full-text search (porter stemming, so "validate" finds "validation";
diacritics folded) with bm25 ranking and ``snippet()`` highlighting, and works the same
whatever database the site itself uses. The index is built once per immutable snapshot and
kept while the snapshot lives, so requests never re-index; a new snapshot (a content file
changed) gets a fresh index on its first search. Measured: indexing the shipped ``content/``
(94 public documents, about 190 kB of HTML) takes about 20 ms (median 24 ms over 50 builds),
mostly stripping tags; a search then takes 1-3 ms.

User input never reaches FTS5 as syntax: the query is cut into words (words joined by
punctuation, as in "cross-validation", stay together as a phrase), each term is quoted, and
the terms are joined with AND, falling back to OR when nothing has them all. Snippets are
escaped here and only then given their ``<mark>`` tags.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import unicodedata
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape, unescape

import nh3
from django.utils.safestring import SafeString, mark_safe

from .documents import Document
from .library import Library

logger = logging.getLogger("careerguide.content")

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_TERM_CHARS = 40
TITLE_WEIGHT = 10.0
SNIPPET_TOKENS = 24

KIND_LABELS = {
    "role": "Role",
    "skill": "Skill",
    "education": "Education path",
    "comparison": "Comparison",
    "page": "Page",
    "question": "Question",
}

_OPEN, _CLOSE = "\x02", "\x03"  # marker characters: cannot come from content or query
_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_SPACE = re.compile(r"\s+")

_QUERY = f"""
    SELECT rowid,
           highlight(docs, 0, char(2), char(3)) AS marked_title,
           snippet(docs, 1, char(2), char(3), '…', {SNIPPET_TOKENS}),
           bm25(docs, {TITLE_WEIGHT}, 1.0) AS rank
    FROM docs WHERE docs MATCH ?
    ORDER BY CASE WHEN instr(marked_title, char(2)) = 0 THEN 2 WHEN question THEN 1 ELSE 0 END,
             rank
    LIMIT ?
"""


@dataclass(frozen=True)
class Hit:
    kind: str
    label: str  # "Role", "Education path", ...
    title: str
    title_html: SafeString  # the title with matched words in <mark>
    url: str
    snippet: SafeString  # escaped text around the matches, matched words in <mark>
    score: float  # higher is better
    note: str = ""  # e.g. where to practise a question


@dataclass(frozen=True)
class SearchResults:
    query: str  # the text searched, after any shortening
    terms: tuple[str, ...]
    hits: tuple[Hit, ...]
    notes: tuple[str, ...]  # to show the reader, e.g. "Your search was shortened ..."


@dataclass(frozen=True)
class _Entry:
    kind: str
    title: str
    url: str | None  # None: a question with no public skill, practised from the quiz's page
    note: str = ""


def plain_text(html: str) -> str:
    """The text of sanitised HTML: tags dropped, entities decoded, whitespace collapsed."""
    return _clean(unescape(nh3.clean(html, tags=set())))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()


def _marked(text: str) -> SafeString:
    """Escape FTS5 output, then turn the marker characters into <mark> tags."""
    return mark_safe(escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def _searchable(library: Library) -> Iterator[tuple[_Entry, str]]:
    """(entry, body text) for every public document that has somewhere to link to."""
    for kind in KIND_LABELS:
        for doc in library.all(kind):
            if kind == "question":
                yield _question(library, doc)
            elif doc.url:
                yield (
                    _Entry(kind, doc.title, doc.url),
                    f"{doc.meta.description} {plain_text(doc.html)}",
                )


def _question(library: Library, doc: Document) -> tuple[_Entry, str]:
    """Questions have no page: link to the practice section of their first public skill."""
    skill = next(
        (s for slug in doc.meta.skills if (s := library.get("skill", slug)) is not None), None
    )
    url: str | None
    if skill is not None:
        url, note = f"{skill.url}#practice", f"Practise it in the quiz: {skill.title}"
    else:
        url, note = None, "Practise it in the quiz"
    parts = [doc.fragments.get("prompt:0", ""), doc.fragments.get("model_answer", ""), doc.html]
    body = " ".join(plain_text(part) for part in parts)
    return _Entry("question", doc.title, url, note), body


class SearchIndex:
    """An FTS5 index of one library snapshot. Read-only once built."""

    def __init__(self, library: Library):
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "title, body, question UNINDEXED, tokenize='porter unicode61 remove_diacritics 2')"
        )
        self._entries: list[_Entry] = []
        rows = []
        for rowid, (entry, body) in enumerate(_searchable(library)):
            self._entries.append(entry)
            rows.append((rowid, _clean(entry.title), _clean(body), entry.kind == "question"))
        self._db.executemany(
            "INSERT INTO docs(rowid, title, body, question) VALUES (?, ?, ?, ?)", rows
        )

    def __len__(self) -> int:
        return len(self._entries)

    def query(self, match: str, limit: int, quiz_url: str | None = None) -> list[Hit]:
        """Run an FTS5 MATCH expression built by :func:`search` (never raw user input)."""
        try:
            with self._lock:
                rows = self._db.execute(_QUERY, (match, limit)).fetchall()
        except sqlite3.Error:  # should not happen with quoted words; never fail a page for it
            logger.exception("search query failed: %r", match)
            return []
        hits = []
        for rowid, title_html, snippet, rank in rows:
            entry = self._entries[rowid]
            url = entry.url or quiz_url
            if url is None:  # nowhere to send the reader
                continue
            hits.append(
                Hit(
                    kind=entry.kind,
                    label=KIND_LABELS[entry.kind],
                    title=entry.title,
                    title_html=_marked(title_html),
                    url=url,
                    snippet=_marked(snippet),
                    score=-rank,
                    note=entry.note,
                )
            )
        return hits


_indexes: weakref.WeakKeyDictionary[Library, SearchIndex] = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def get_index(library: Library) -> SearchIndex:
    """The index of ``library``, built on first use and kept while the snapshot lives."""
    with _indexes_lock:
        index = _indexes.get(library)
        if index is None:
            index = _indexes[library] = SearchIndex(library)
        return index


def parse_query(raw: str) -> tuple[str, tuple[str, ...], list[str]]:
    """(text searched, terms, notes): the user's text cut down to safe, bounded terms.

    A term is a run of letters and digits; words joined by punctuation ("cross-validation",
    "A/B") stay together as one term, a phrase. At most MAX_TERMS words are kept in all.
    """
    notes = []
    text = _clean(unicodedata.normalize("NFKC", raw))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rstrip()
        notes.append(f"Your search was shortened to its first {MAX_QUERY_CHARS} characters.")
    chunks = [[w[:MAX_TERM_CHARS].lower() for w in _WORD.findall(c)] for c in text.split()]
    terms, budget = [], MAX_TERMS
    for words in chunks:
        if words and budget > 0:
            terms.append(" ".join(words[:budget]))
            budget -= len(words[:budget])
    if sum(map(len, chunks)) > MAX_TERMS:
        notes.append(f"Only the first {MAX_TERMS} words were searched.")
    if text and not terms:
        notes.append("Search looks for words and numbers; punctuation and symbols are ignored.")
    return text, tuple(dict.fromkeys(terms)), notes


def search(
    library: Library, query: str, limit: int = 20, *, quiz_url: str | None = None
) -> SearchResults:
    """Public pages and questions of ``library`` matching ``query``, best first.

    A question links to the practice section of its first public skill, or else to
    ``quiz_url`` (the quiz's start page, given by the caller); without either it is left out.

    Three tiers: pages whose title matches, then questions whose title matches (a question
    links to its skill's page, so the page comes first), then body-only matches; bm25 order
    within each, the title weighing ten times the body. Every word must match; if no
    document has them all, documents with any of them are returned, with a note saying so.
    """
    text, terms, notes = parse_query(query)
    hits: list[Hit] = []
    if terms:
        index = get_index(library)
        quoted = [f'"{term}"' for term in terms]
        hits = index.query(" ".join(quoted), limit, quiz_url)
        if not hits and len(quoted) > 1:
            hits = index.query(" OR ".join(quoted), limit, quiz_url)
            if hits:
                notes.append("Nothing matched all of your words, so these match some of them.")
    return SearchResults(query=text, terms=terms, hits=tuple(hits), notes=tuple(notes))

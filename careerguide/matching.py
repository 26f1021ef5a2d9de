"""Recognising names and key terms in free text, as tolerantly as a person reading it.

Plain functions over strings, no Django. Used to score "name an example" answers and to
pre-tick rubric points, and by the content check to find rubric terms that would tick two
points at once.

How text is compared:

- Both the taker's text and every name in the key are *normalised* the same way: accents and
  case dropped, punctuation turned into word breaks (``k-NN`` -> ``k nn``), ``a``/``an``/``the``
  removed, ``non`` joined to the next word (``non-linear`` -> ``nonlinear``), plurals folded
  (``trees``, ``processes``, ``strategies``) and British and American spellings brought
  together (``-ise``/``-ize``, ``-our``/``-or``, ``modelling``/``modeling``, ``centre``).
- A name matches a run of whole words of the text. Within it each word may carry a typo: none
  in words of four letters or fewer and in words with digits (``gp``, ``nb``, ``lda``, ``l1``
  must be exact), one edit (a substitution, insertion, deletion or swap of neighbours) in words
  of five to seven letters, two from eight letters on, and never in the first letter.
- The words may come in another order (``regression, logistic``), and may be run together or
  split (``knn`` is ``k nn``, ``drop out`` is ``dropout``), as long as the letters are the same.
- The text is then covered by non-overlapping matches, longest first: ``kernel ridge
  regression`` is one match, not ``ridge regression`` with a word to spare, and a wrong name
  found inside a longer right one (or the other way round) does not count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

from rapidfuzz.distance import OSA

_ARTICLES = frozenset({"a", "an", "the"})
# words that end in "s" in the singular
_KEEP = frozenset({"bayes", "series", "species", "lens", "physics", "mathematics", "news"})
_IRREGULAR = {
    "matrices": "matrix",
    "indices": "index",
    "vertices": "vertex",
    "analyses": "analysis",
    "hypotheses": "hypothesis",
    "learnt": "learned",
    "programme": "program",
    "programmes": "program",
    "grey": "gray",
    "defence": "defense",
    "licence": "license",
    "judgement": "judgment",
    "artefact": "artifact",
    "artefacts": "artifact",
    "aeroplane": "airplane",
}
# British and American spellings, folded to one form (which one does not matter: both sides
# of every comparison are folded the same way)
_SPELLING = [
    (re.compile(r"(?<=[a-z]{2})iz(e|ed|er|ing|ation|able)$"), r"is\1"),  # regularize, optimizer
    (re.compile(r"(?<=[a-z]{2})yz(e|ed|er|ing)$"), r"ys\1"),  # analyze
    (re.compile(r"(?<=[a-z]{3})our(ed|ing|ite|able|al|hood)?$"), r"or\1"),  # neighbour, behaviour
    (re.compile(r"(?<=[a-z]{3})([aeiou])ll(ed|ing|er)$"), r"\1l\2"),  # modelling, labelled
    (re.compile(r"(?<=[a-z]{2})tre$"), "ter"),  # centre, metre
    (re.compile(r"(?<=[a-z]{3})ogue$"), "og"),  # catalogue, analogue
]


def _singular(word: str) -> str:
    if len(word) <= 3 or word in _KEEP:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _fold(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    word = _singular(word)
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """The normalised words of ``text`` (see the module's docstring)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    raw = [w for w in re.findall(r"[a-z0-9]+", text) if w not in _ARTICLES]
    out: list[str] = []
    for word in raw:
        if out and out[-1] == "non":  # "non-linear", "non linear" and "nonlinear" are one word
            out[-1] = "non" + _fold(word)
        else:
            out.append(_fold(word))
    return tuple(out)


def normalise(text: str) -> str:
    """``text`` as the matcher reads it: the normalised words, separated by single spaces."""
    return " ".join(words(text))


def allowed_edits(word: str) -> int:
    """How many typos a word of the key tolerates."""
    if len(word) <= 4 or any(c.isdigit() for c in word):
        return 0
    return 1 if len(word) <= 7 else 2


@lru_cache(maxsize=65536)
def word_edits(written: str, key: str) -> int | None:
    """Typos between a written word and a key word, or None when they are different words."""
    if written == key:
        return 0
    limit = allowed_edits(key)
    if not limit or written[0] != key[0] or any(c.isdigit() for c in written):
        return None
    edits = OSA.distance(written, key, score_cutoff=limit)
    return edits if edits <= limit else None


@dataclass(frozen=True)
class Match:
    """One recognised name: the words ``start:end`` of the text matched ``name``, which
    belongs to each of ``entries`` (indexes into the list the caller gave)."""

    start: int
    end: int
    name: str
    entries: tuple[int, ...]
    edits: int
    in_order: bool

    def overlaps(self, other: Match) -> bool:
        return self.start < other.end and other.start < self.end


def _total_edits(window: Sequence[str], key: Sequence[str]) -> int | None:
    total = 0
    for written, wanted in zip(window, key, strict=True):
        edits = word_edits(written, wanted)
        if edits is None:
            return None
        total += edits
    return total


def _phrase_edits(window: Sequence[str], key: Sequence[str]) -> tuple[int, bool] | None:
    """Typos between a run of words and a name of as many words, in order or in any order."""
    in_order = _total_edits(window, key)
    if in_order is not None:
        return in_order, True
    if len(key) == 1 or len(key) > 4:
        return None
    if not all(any(word_edits(w, wanted) is not None for w in window) for wanted in key):
        return None
    totals = [t for order in permutations(window) if (t := _total_edits(order, key)) is not None]
    return (min(totals), False) if totals else None


def _candidates(text: tuple[str, ...], names: dict[tuple[str, ...], list[int]]) -> list[Match]:
    by_initial: dict[str, set[str]] = {}
    for word in text:
        by_initial.setdefault(word[0], set()).add(word)
    found = []
    for key, entries in names.items():
        # the text's words that could stand for one of the key's words
        usable = {
            word
            for wanted in key
            for word in by_initial.get(wanted[0], ())
            if word_edits(word, wanted) is not None
        }
        joined = "".join(key)
        n = len(key)
        for start, first in enumerate(text):
            if first in usable and start + n <= len(text):
                result = _phrase_edits(text[start : start + n], key)
                if result is not None:
                    found.append(Match(start, start + n, " ".join(key), tuple(entries), *result))
                    continue
            if not joined.startswith(first):
                continue
            # run together or split differently: the same letters over another number of words
            for width in range(1, n + 3):
                if width == n or start + width > len(text):
                    continue
                if "".join(text[start : start + width]) == joined:
                    found.append(
                        Match(start, start + width, " ".join(key), tuple(entries), 0, True)
                    )
                    break
    return found


def _same_reading(one: Match, other: Match) -> bool:
    return (one.start, one.end, one.edits, one.in_order) == (
        other.start,
        other.end,
        other.edits,
        other.in_order,
    )


def find(text: str, entries: Iterable[Iterable[str]]) -> list[Match]:
    """The names recognised in ``text``. ``entries`` is a list of lists of names (an example's
    answer and aliases, or a rubric point's terms). Matches never overlap; where two would,
    the one covering more of the text wins, then the one with fewer typos, then the one in
    the written order, then the earlier one; names read equally well from the same words all
    count. Returned in the order they appear."""
    names: dict[tuple[str, ...], list[int]] = {}
    for index, entry in enumerate(entries):
        for name in entry:
            key = words(name)
            if key and index not in names.setdefault(key, []):
                names[key].append(index)
    text_words = words(text)
    if not text_words or not names:
        return []
    candidates = _candidates(text_words, names)

    def covered(match: Match) -> int:
        return sum(len(w) for w in text_words[match.start : match.end])

    candidates.sort(key=lambda m: (-covered(m), m.edits, not m.in_order, m.start))
    chosen: list[Match] = []
    for match in candidates:
        clashes = [other for other in chosen if match.overlaps(other)]
        # two names read from the very same words, equally well, both count
        if all(_same_reading(match, other) for other in clashes):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def matched_entries(text: str, entries: Iterable[Iterable[str]]) -> list[int]:
    """Indexes of the entries recognised in ``text``, in the order of the entries."""
    return sorted({index for match in find(text, entries) for index in match.entries})


def shared_terms(entries: Sequence[Sequence[str]]) -> list[tuple[int, int, list[int]]]:
    """Names that, written on their own, are recognised as another entry too.

    For each entry ``i`` and each of its names ``k`` whose text alone matches other entries,
    ``(i, k, others)``. A rubric term listed here would pre-tick two points at once.
    """
    found = []
    for index, entry in enumerate(entries):
        for position, name in enumerate(entry):
            others = [j for j in matched_entries(name, entries) if j != index]
            if others:
                found.append((index, position, others))
    return found

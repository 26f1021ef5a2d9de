"""Scoring of every kind of question: plain functions over plain values, no request, no database.

Each returns an :class:`Outcome` with a score between 0 and 1 and the details the feedback
screen shows. They are called with the answer key frozen in the attempt's snapshot.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from careerguide.matching import matched_entries, normalise

__all__ = [
    "Outcome",
    "normalise",
    "parse_number",
    "pretick",
    "score_answer",
    "score_example",
    "score_multiple",
    "score_numeric",
    "score_open",
    "score_single",
]


@dataclass(frozen=True)
class Outcome:
    score: float
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.score >= 1.0


def score_single(picked: str, correct: str) -> Outcome:
    return Outcome(1.0 if picked == correct else 0.0, {"picked": [picked], "correct": [correct]})


def score_multiple(picked: Iterable[str], correct: Iterable[str]) -> Outcome:
    """Select all that apply: each right pick earns a share, each wrong pick costs one, and the
    score never goes below zero."""
    picked_set, correct_set = set(picked), set(correct)
    if not correct_set:
        raise ValueError("a multiple-choice question needs at least one correct choice")
    right = len(picked_set & correct_set)
    wrong = len(picked_set - correct_set)
    score = max(0.0, (right - wrong) / len(correct_set))
    return Outcome(
        score,
        {
            "picked": sorted(picked_set),
            "correct": sorted(correct_set),
            "right": right,
            "wrong": wrong,
            "missed": len(correct_set - picked_set),
        },
    )


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """Read a number as people type it: ``0.8``, ``.8``, ``0,8``, ``1,250``, ``80%``."""
    value = text.strip().replace(" ", "").replace("\u2212", "-")
    percent = value.endswith("%")
    value = value.removesuffix("%")
    if "," in value:
        # "0,8" is a decimal comma; "1,250" or "1,250.5" has thousands separators
        if "." not in value and re.fullmatch(r"[+-]?\d+,\d{1,2}", value):
            value = value.replace(",", ".")
        else:
            value = value.replace(",", "")
    if not _NUMBER.match(value):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return number / 100 if percent else number


def score_numeric(value: float, answer: float, tolerance: float) -> Outcome:
    # a hair of slack so that a bound written in decimal is not lost to binary rounding
    ok = abs(value - answer) <= tolerance + 1e-9 * max(1.0, abs(answer))
    return Outcome(1.0 if ok else 0.0, {"given": value, "answer": answer, "tolerance": tolerance})


def _names(item: Mapping[str, Any]) -> list[str]:
    return [item["answer"], *item.get("aliases", [])]


def _reason(match: Mapping[str, Any]) -> dict[str, str]:
    return {"answer": match["answer"], "why": match["why"], "why_html": match.get("why_html", "")}


def score_example(text: str, accepted: Sequence[Mapping], rejected: Sequence[Mapping]) -> Outcome:
    """Free text naming an example, read by :mod:`quiz.matching` (typos, spelling variants and
    word order tolerated; the longest name wins where two overlap).

    A recognised right example scores 1; one that comes with a known wrong example scores half;
    a known wrong example alone scores 0 with its reason. An answer the key does not recognise
    is "unrecognised": 0 here, and judged by the taker against the question's criterion.
    """
    entries = [*(_names(item) for item in accepted), *(_names(item) for item in rejected)]
    found = matched_entries(text, entries)
    good = [accepted[i] for i in found if i < len(accepted)]
    bad = [rejected[i - len(accepted)] for i in found if i >= len(accepted)]
    if good and not bad:
        score, verdict = 1.0, "accepted"
    elif good and bad:
        score, verdict = 0.5, "mixed"
    elif bad:
        score, verdict = 0.0, "rejected"
    else:
        score, verdict = 0.0, "unrecognised"
    return Outcome(
        score,
        {
            "verdict": verdict,
            "accepted": [_reason(m) for m in good],
            "rejected": [_reason(m) for m in bad],
        },
    )


def pretick(text: str, rubric: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indexes of rubric points whose key terms the taker's text contains, read by the same
    matcher as examples."""
    return matched_entries(text, [point.get("terms", []) for point in rubric])


def score_open(ticked: Iterable[int], points: int) -> Outcome:
    """Self-assessed against the rubric: the share of points the taker says they covered."""
    if points <= 0:
        raise ValueError("a rubric needs at least one point")
    chosen = sorted({i for i in ticked if 0 <= i < points})
    return Outcome(len(chosen) / points, {"ticked": chosen, "points": points})


def score_answer(kind: str, key: Mapping[str, Any], answer: Mapping[str, Any]) -> Outcome | None:
    """Score an answer against a snapshot's key. ``None`` for an open answer, which is scored
    only once the taker has ticked the rubric points they covered."""
    if kind == "single":
        return score_single(answer["choice"], key["correct"][0])
    if kind == "multiple":
        return score_multiple(answer["choices"], key["correct"])
    if kind == "numeric":
        return score_numeric(answer["value"], key["answer"], key["tolerance"])
    if kind == "example":
        return score_example(answer["text"], key["accepted"], key.get("rejected", []))
    if kind == "open":
        return None
    raise ValueError(f"unknown kind {kind!r}")

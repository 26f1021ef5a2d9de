"""Item analysis of a question, as quiz authors use it to find bad questions: how many takers
get it right (facility), whether those who do well overall get it right more often
(discrimination), and for choice questions how often each option is picked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Kelley's classic split: the top and bottom 27% of takers by their attempt's total.
GROUP_SHARE = 0.27
MIN_TAKERS = 10  # below this, a discrimination index says nothing


@dataclass(frozen=True)
class Taken:
    """One scored answer: its score and the share of its attempt's points the taker got."""

    score: float
    attempt_share: float


def facility(taken: Sequence[Taken]) -> float | None:
    """The share of answers fully right (0 to 1)."""
    if not taken:
        return None
    return sum(1 for t in taken if t.score >= 1) / len(taken)


def discrimination(taken: Sequence[Taken]) -> float | None:
    """Mean score of the strongest 27% of takers minus that of the weakest 27% (-1 to 1).
    Near 0 or negative: the question does not tell strong takers from weak ones."""
    if len(taken) < MIN_TAKERS:
        return None
    ranked = sorted(taken, key=lambda t: t.attempt_share)
    size = max(1, round(len(ranked) * GROUP_SHARE))
    low, high = ranked[:size], ranked[-size:]
    return sum(t.score for t in high) / size - sum(t.score for t in low) / size


@dataclass(frozen=True)
class OptionPicks:
    id: str
    text: str
    correct: bool
    picks: int
    share: float  # of the answers
    suspicious: bool  # a wrong option picked more often than a right one


def option_picks(
    choices: Sequence[dict], correct: Iterable[str], answers: Iterable[dict]
) -> list[OptionPicks]:
    """How often each option of a choice question was picked."""
    right = set(correct)
    counted: Counter[str] = Counter()
    total = 0
    for answer in answers:
        total += 1
        counted.update(answer.get("choices") or [answer.get("choice")])
    least_right = min((counted[c["id"]] for c in choices if c["id"] in right), default=0)
    return [
        OptionPicks(
            id=c["id"],
            text=c["text"],
            correct=c["id"] in right,
            picks=counted[c["id"]],
            share=counted[c["id"]] / total if total else 0.0,
            suspicious=c["id"] not in right and counted[c["id"]] > least_right,
        )
        for c in choices
    ]


def yaml_snippet(text: str) -> str:
    """A ready-to-paste entry for an example question's ``accepted`` or ``rejected`` list."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'- answer: "{quoted}"\n  why: >-\n    Say why this is (or is not) an example.'

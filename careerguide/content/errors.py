"""The one error type of the content library, and the problems it carries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one content file, located as precisely as the source allows."""

    path: str  # relative to the content root, with forward slashes
    line: int  # 1-based line in the file
    field: str  # "front matter", "body", or a dotted field such as "skills[2].skill"
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentError(Exception):
    """Raised when content files are invalid; names each file, line and field."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

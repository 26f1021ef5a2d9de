"""The plain typed objects views and templates receive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    name: str


@dataclass(frozen=True)
class Link:
    """A link from one content file to another, as written and as resolved."""

    href: str  # as written, e.g. "../skills/mlops-deployment.md#serving-models"
    target: str  # content path, e.g. "skills/mlops-deployment.md"
    anchor: str
    line: int
    field: str = "body"


@dataclass(frozen=True)
class Document:
    path: str  # relative to the content root: "roles/data-scientist.md"
    kind: str  # "page", "role", "skill", "education", "comparison", "question"
    slug: str
    meta: Any  # the kind's schema model (careerguide.content.schema)
    html: SafeString
    toc: tuple[TocEntry, ...]
    anchors: frozenset[str]
    links: tuple[Link, ...]
    url: str | None  # None for kinds without a page (questions)
    updated: dt.date
    fingerprint: str  # changes whenever the file's bytes change
    field_lines: Mapping[tuple, int] = field(default_factory=dict, repr=False, compare=False)
    fragments: Mapping[str, SafeString] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def draft(self) -> bool:
        return self.meta.draft

    def line_of(self, *loc) -> int:
        from .parsing import line_for

        return line_for(dict(self.field_lines), tuple(loc))

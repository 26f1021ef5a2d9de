"""Turn one content file into a :class:`Document`, or into the problems that stop it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from .documents import Document, Link
from .errors import Problem
from .parsing import ParsedSource, format_field, line_for, parse_source
from .rendering import render_inline, render_markdown, resolve_relative
from .schema import KIND_SCHEMAS, SLUG_RE, QuestionMeta

UrlFor = Callable[[str, str], str | None]
"""The site's address of a document, from its kind and slug (``("skill", "sql")`` ->
``"/skills/sql/"``), or None when it has no page of its own. The library builds no URL
itself: the project gives it this function (``settings.CONTENT_URLS``)."""


@dataclass(frozen=True)
class Kind:
    name: str  # "role"
    folder: str  # "roles"


KINDS: dict[str, Kind] = {
    kind.folder: kind
    for kind in (
        Kind("page", "pages"),
        Kind("role", "roles"),
        Kind("skill", "skills"),
        Kind("education", "education"),
        Kind("comparison", "compare"),
        Kind("question", "questions"),
        Kind("fit", "fit"),
    )
}


def kind_of(path: str) -> Kind | None:
    parts = PurePosixPath(path).parts
    if len(parts) != 2 or not parts[1].endswith(".md"):
        return None
    return KINDS.get(parts[0])


def is_content_path(path: str) -> bool:
    """Whether ``path`` (relative to the content root) names a file the library reads."""
    return kind_of(path) is not None


def _path_resolver(url_for: UrlFor) -> Callable[[str], str | None]:
    """A content path's site URL (``skills/sql.md`` -> ``/skills/sql/``), for links."""

    def url_for_path(path: str) -> str | None:
        kind = kind_of(path)
        return None if kind is None else url_for(kind.name, PurePosixPath(path).stem)

    return url_for_path


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_H1 = re.compile(r"^#(?!#)\s", re.MULTILINE)


def _format_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def fill_placeholders(template: str, given: dict) -> str:
    return _PLACEHOLDER.sub(lambda m: _format_number(given[m.group(1)]), template)


def load_document(
    path: str, data: bytes, mtime: float, url_for: UrlFor
) -> Document | list[Problem]:
    """Parse, validate and render one file. ``path`` is relative to the content root;
    ``url_for`` gives the site's address of each document (its own and those it links to)."""
    kind = kind_of(path)
    assert kind is not None, path
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [Problem(path, line, "file", "is not valid UTF-8 text")]
    text = text.replace("\r\n", "\n")

    stem = PurePosixPath(path).stem
    if not SLUG_RE.match(stem):
        return [
            Problem(
                path,
                1,
                "file name",
                "use lowercase letters, digits and hyphens only, e.g. data-engineer.md",
            )
        ]

    parsed = parse_source(path, text, KIND_SCHEMAS[kind.name])
    if isinstance(parsed, list):
        return parsed
    meta = parsed.meta
    problems: list[Problem] = []

    body = parsed.body
    if not body.strip():
        what = (
            "the explanation shown after answering" if kind.name == "question" else "the page text"
        )
        problems.append(Problem(path, parsed.body_first_line, "body", f"is empty: write {what}"))
    h1 = _H1.search(body)
    if h1:
        line = parsed.body_first_line + body[: h1.start()].count("\n")
        problems.append(
            Problem(
                path,
                line,
                "body",
                "use '##' headings: the title is the page's only top-level heading",
            )
        )

    slug = meta.id if isinstance(meta, QuestionMeta) else stem
    resolve = _path_resolver(url_for)
    rendered = render_markdown(
        body, source_path=path, resolve=resolve, first_line=parsed.body_first_line
    )
    links = list(rendered.links)
    fragments = {}
    if isinstance(meta, QuestionMeta):
        fragments, extra_links = _question_fragments(path, meta, parsed, resolve)
        links.extend(extra_links)
    if problems:
        return problems

    updated = getattr(meta, "updated", None) or dt.datetime.fromtimestamp(mtime, tz=dt.UTC).date()
    return Document(
        path=path,
        kind=kind.name,
        slug=slug,
        meta=meta,
        html=rendered.html,
        toc=rendered.toc,
        anchors=rendered.anchors,
        links=tuple(links),
        url=url_for(kind.name, slug),
        updated=updated,
        fingerprint=hashlib.blake2b(data, digest_size=8).hexdigest(),
        field_lines=parsed.field_lines,
        fragments=fragments,
    )


def _question_fragments(
    path: str, meta: QuestionMeta, parsed: ParsedSource, resolve: Callable[[str], str | None]
):
    """Render a question's markdown fields once, at load time."""
    render: Callable = lambda text, loc, prefix="": render_markdown(  # noqa: E731
        text,
        source_path=path,
        resolve=resolve,
        first_line=line_for(parsed.field_lines, loc),
        id_prefix=prefix,
    )
    fragments = {}
    links: list[Link] = []
    model = render(meta.model_answer, ("model_answer",), "model-")
    fragments["model_answer"] = model.html
    links.extend(model.links)
    if meta.kind == "numeric":
        for index, variant in enumerate(meta.variants or []):
            prompt = render(fill_placeholders(meta.prompt or "", variant.given), ("prompt",), "p-")
            fragments[f"prompt:{index}"] = prompt.html
    elif meta.prompt:
        prompt = render(meta.prompt, ("prompt",), "p-")
        fragments["prompt:0"] = prompt.html
        links.extend(prompt.links)
    # short texts shown in the quiz may hold code spans or emphasis: render them once, here
    for choice in meta.choices or []:
        fragments[f"choice:{choice.id}"] = render_inline(choice.text)
        fragments[f"why:{choice.id}"] = render_inline(choice.why or "")
    for index, point in enumerate(meta.rubric or []):
        fragments[f"rubric:{index}"] = render_inline(point.point)
    for name in ("accepted", "rejected"):
        for index, answer in enumerate(getattr(meta, name) or []):
            fragments[f"{name}:{index}"] = render_inline(answer.why)
    for index, item in enumerate(meta.read):
        loc = ("read", index, "link")
        resolved = resolve_relative(path, item.link)
        target, anchor = resolved if resolved else ("", "")
        links.append(
            Link(
                href=item.link,
                target=target,
                anchor=anchor,
                line=line_for(parsed.field_lines, loc),
                field=format_field(loc),
            )
        )
    return fragments, links

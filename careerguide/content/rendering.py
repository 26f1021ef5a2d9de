"""Markdown to safe HTML: headings with anchors and a table of contents, tables, footnotes,
relative ``.md`` links resolved to site URLs, and an allowlist sanitiser on the output."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .documents import Link, TocEntry

# Tags and attributes an editor's markdown may produce. Anything else, including <script>,
# <style>, event handlers and style attributes, is removed.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Code blocks and wide tables scroll sideways inside their own box on narrow screens, and a box
# that scrolls must be reachable by keyboard to be read (WCAG 2.1.1): each is focusable and
# named. A group, not a region: regions are landmarks, which must each have a name of their
# own, and a page may hold many code blocks. Every <pre> gets these from the sanitiser; tables
# are wrapped by the renderer in a <div> carrying TABLE_REGION, and a <div> may carry exactly
# those values and no others.
CODE_REGION = {"tabindex": "0", "role": "group", "aria-label": "Code"}
TABLE_REGION = {"tabindex": "0", "role": "group", "aria-label": "Table"}
_TABLE_WRAP = '<div class="table-wrap" {}>'.format(
    " ".join(f'{name}="{value}"' for name, value in TABLE_REGION.items())
)
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)

ResolveLink = Callable[[str], str | None]
"""Maps a content path (``skills/mlops.md``) to its site URL, or None for a non-page."""


def sanitise(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values={"div": {name: {value} for name, value in TABLE_REGION.items()}},
        set_tag_attribute_values={"pre": CODE_REGION},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised just above


@dataclass
class Rendered:
    html: SafeString
    toc: tuple[TocEntry, ...]
    anchors: frozenset[str]
    links: tuple[Link, ...] = field(default_factory=tuple)


def resolve_relative(source_path: str, href: str) -> tuple[str, str] | None:
    """``../skills/x.md#a`` seen from ``roles/y.md`` -> (``skills/x.md``, ``a``).

    Returns None when ``href`` is not a link to another content file.
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), parts.path))
    return target, parts.fragment


class _LinkRewriter(Treeprocessor):
    def __init__(
        self, md, source_path: str, resolve: ResolveLink, found: list[tuple[str, str, str]]
    ):
        super().__init__(md)
        self.source_path = source_path
        self.resolve = resolve
        self.found = found

    def run(self, root):
        for element in root.iter("a"):
            href = element.get("href", "")
            resolved = resolve_relative(self.source_path, href)
            if resolved is None:
                continue
            target, anchor = resolved
            self.found.append((href, target, anchor))
            url = self.resolve(target)
            if url is not None:
                element.set("href", url + (f"#{anchor}" if anchor else ""))


class _LinkExtension(Extension):
    def __init__(self, source_path: str, resolve: ResolveLink, found: list):
        super().__init__()
        self.source_path, self.resolve, self.found = source_path, resolve, found

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API
        # After inline patterns have made <a> elements (priority 20), before prettify.
        md.treeprocessors.register(
            _LinkRewriter(md, self.source_path, self.resolve, self.found), "content_links", 15
        )


def _toc_entries(tokens: list[dict]) -> tuple[TocEntry, ...]:
    entries: list[TocEntry] = []

    def walk(items, depth=0):
        for item in items:
            entries.append(TocEntry(level=item["level"], id=item["id"], name=item["name"]))
            walk(item.get("children", []), depth + 1)

    walk(tokens)
    return tuple(entries)


def _line_of(body: str, first_line: int, href: str) -> int:
    for offset, text in enumerate(body.split("\n")):
        if f"({href}" in text or f"<{href}>" in text or f"]: {href}" in text:
            return first_line + offset
    return first_line


def render_markdown(
    text: str, *, source_path: str, resolve: ResolveLink, first_line: int = 1, id_prefix: str = ""
) -> Rendered:
    """Render one markdown text. A fresh ``Markdown`` instance per call keeps no state
    between files (and between threads)."""
    found: list[tuple[str, str, str]] = []
    md = markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "fenced_code",
            "sane_lists",
            "abbr",
            "def_list",
            "toc",
            _LinkExtension(source_path, resolve, found),
        ],
        extension_configs={
            "toc": {"toc_depth": "2-4", "slugify": _slugify(id_prefix)},
            "footnotes": {"UNIQUE_IDS": bool(id_prefix), "BACKLINK_TITLE": "Back to text"},
        },
        output_format="html",
    )
    html = md.convert(text)
    toc = _toc_entries(getattr(md, "toc_tokens", []))
    anchors = frozenset(entry.id for entry in toc)
    links = tuple(
        Link(href=href, target=target, anchor=anchor, line=_line_of(text, first_line, href))
        for href, target, anchor in found
    )
    # wide tables scroll inside their own box on narrow screens, not the whole page
    html = _TABLE_CLOSE.sub("</table></div>", _TABLE_OPEN.sub(_TABLE_WRAP + "<table", html))
    return Rendered(html=sanitise(html), toc=toc, anchors=anchors, links=links)


def render_inline(text: str) -> SafeString:
    """A short piece of markdown (a choice, a rubric point) as inline HTML: code spans,
    emphasis and links, without the wrapping paragraph."""
    html = markdown.markdown(text, output_format="html").strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return sanitise(html)


def _slugify(prefix: str):
    from markdown.extensions.toc import slugify

    def make(value: str, separator: str) -> str:
        return prefix + slugify(value, separator)

    return make

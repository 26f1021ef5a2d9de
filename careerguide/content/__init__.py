"""Career Guide's content library.

Markdown files with YAML front matter under ``settings.CONTENT_DIR`` are parsed, validated and
rendered once per file version into plain typed objects (:class:`Document`), gathered in an
immutable :class:`Library` snapshot. :func:`get_library` returns the current snapshot; the
:class:`~careerguide.content.store.ContentStore` swaps in a new one when a file changes.
"""

from .documents import Document, Link, TocEntry
from .errors import ContentError, Problem
from .library import Library
from .store import get_library, get_store, load_library

__all__ = [
    "ContentError",
    "Document",
    "Library",
    "Link",
    "Problem",
    "TocEntry",
    "get_library",
    "get_store",
    "load_library",
]

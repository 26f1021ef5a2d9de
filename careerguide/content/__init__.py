"""Career Guide's content library.

Markdown files with YAML front matter under ``settings.CONTENT_DIR`` are parsed, validated and
rendered once per file version into plain typed objects (:class:`Document`), gathered in an
immutable :class:`Library` snapshot. :func:`get_library` returns the current snapshot; the
:class:`ContentStore` swaps in a new one when a file changes.

The apps and the project import from this package only (``__all__``), never its modules. The
library builds no URL itself: each document's address comes from the project's URL builder
(``settings.CONTENT_URLS``, a :data:`UrlFor`), or from the one a store is given.
"""

from .documents import Document, Link, TocEntry
from .errors import ContentError, Problem
from .library import Library
from .loader import UrlFor, is_content_path
from .rendering import resolve_relative
from .schema import FitItem
from .search import Hit, SearchResults
from .search import search as search_library  # not `search`: that name is the module's
from .store import ContentStore, get_library, get_store, load_library

__all__ = [
    "ContentError",
    "ContentStore",
    "Document",
    "FitItem",
    "Hit",
    "Library",
    "Link",
    "Problem",
    "SearchResults",
    "TocEntry",
    "UrlFor",
    "get_library",
    "get_store",
    "is_content_path",
    "load_library",
    "resolve_relative",
    "search_library",
]

"""Keeps the current :class:`Library` in step with the files on disk.

``refresh()`` stats every content file (no reads, no parsing) and compares the result with the
previous scan. Only when something changed does it read and parse the changed files, then
check the whole set and swap in a new immutable snapshot. A file that fails keeps its last
good version live; a file that was never valid is left out. Either way the problem is logged
and kept on the snapshot so staff and the content check can see it.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from django.conf import settings

from .documents import Document
from .errors import ContentError, Problem
from .library import Library, cross_check
from .loader import KINDS, load_document

logger = logging.getLogger("careerguide.content")

Signature = tuple[int, int, int]  # mtime_ns, size, inode


def scan(root: Path) -> dict[str, Signature]:
    found: dict[str, Signature] = {}
    for folder in KINDS:
        try:
            entries = os.scandir(root / folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.name.endswith(".md") and not entry.name.startswith("."):
                    try:
                        st = entry.stat()
                    except FileNotFoundError:  # deleted between listing and stat
                        continue
                    found[f"{folder}/{entry.name}"] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found


class ContentStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._signature: dict[str, Signature] | None = None
        self._parsed: dict[str, tuple[Signature, Document | list[Problem]]] = {}
        self._last_good: dict[str, Document] = {}
        self._library = Library({})
        self._version = 0

    @property
    def library(self) -> Library:
        if self._signature is None:
            self.refresh()
        return self._library

    def refresh(self) -> Library:
        """Pick up changed, new and deleted files. Cheap when nothing changed."""
        signature = scan(self.root)
        if signature == self._signature:
            return self._library
        with self._lock:
            if signature != self._signature:
                self._rebuild(signature)
        return self._library

    def _rebuild(self, signature: dict[str, Signature]) -> None:
        problems: list[Problem] = []
        fresh: dict[str, Document] = {}
        for path, sig in sorted(signature.items()):
            cached = self._parsed.get(path)
            if cached is None or cached[0] != sig:
                cached = (sig, self._load(path, sig))
                self._parsed[path] = cached
            result = cached[1]
            if isinstance(result, Document):
                fresh[path] = result
            else:
                problems.extend(result)
        for gone in set(self._parsed) - set(signature):
            del self._parsed[gone]
            self._last_good.pop(gone, None)

        documents = self._settle(fresh, problems)
        for path, doc in documents.items():
            if not any(p.path == path and p.severity == "error" for p in problems):
                self._last_good[path] = doc
        for problem in problems:
            if problem.severity == "error":
                serving = (
                    "the last good version stays live"
                    if problem.path in documents
                    else "the file is left out"
                )
                logger.error("content problem: %s (%s)", problem, serving)
        self._version += 1
        self._library = Library(documents, problems, version=self._version)
        self._signature = signature

    def _settle(self, fresh: dict[str, Document], problems: list[Problem]) -> dict[str, Document]:
        """Choose which version of each file to serve.

        Start from every file that parsed; a file with problems of its own falls back to its
        last good version, or is left out if it never was valid. Then check across files: a
        file whose new version breaks a reference or a link falls back to its last good
        version, and the check runs again, since a fallback can break other links. Each round
        replaces at least one new version, so this ends. A cross-file problem never leaves a
        file out: one broken file must not take every page that links to it down with it.
        """
        documents = dict(fresh)
        for problem in problems:
            good = self._last_good.get(problem.path)
            if good is not None:
                documents[problem.path] = good
        reported: list[Problem] = []
        while True:
            found = cross_check(documents)
            changed = False
            for path, file_problems in found.items():
                if not any(p.severity == "error" for p in file_problems):
                    continue
                current, good = documents.get(path), self._last_good.get(path)
                if good is not None and current is not good:
                    reported.extend(file_problems)  # the rejected new version's problems
                    documents[path] = good
                    changed = True
            if not changed:
                reported.extend(p for file_problems in found.values() for p in file_problems)
                break
        problems.extend(dict.fromkeys(reported))
        return documents

    def _load(self, path: str, sig: Signature) -> Document | list[Problem]:
        full = self.root / path
        try:
            data = full.read_bytes()
        except OSError as exc:
            return [Problem(path, 1, "file", f"cannot be read: {exc.strerror}")]
        return load_document(path, data, sig[0] / 1e9)


_stores: dict[Path, ContentStore] = {}
_stores_lock = threading.Lock()


def get_store(root: Path | str | None = None) -> ContentStore:
    """The store for ``root`` (default ``settings.CONTENT_DIR``), one per process."""
    path = Path(root if root is not None else settings.CONTENT_DIR).resolve()
    store = _stores.get(path)
    if store is None:
        with _stores_lock:
            store = _stores.setdefault(path, ContentStore(path))
    return store


def get_library() -> Library:
    """The current snapshot. Requests refresh it first (see ContentFreshnessMiddleware)."""
    return get_store().library


def load_library(root: Path | str) -> Library:
    """Load ``root`` from scratch, strictly: raise ContentError if any file has an error."""
    store = ContentStore(root)
    library = store.refresh()
    if library.errors:
        raise ContentError(library.errors)
    return library

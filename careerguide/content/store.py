"""Keeps the current :class:`Library` in step with the files on disk.

``refresh()`` stats every content file (no reads, no parsing) and compares the result with the
previous scan. Only when something changed does it read and parse the changed files, then
check the whole set and swap in a new immutable snapshot. A file that fails keeps its last
good version live; a file that was never valid is left out. Either way the problem is logged
and kept on the snapshot so staff and the content check can see it.

The store that serves requests (:func:`get_store`) also listens for the kernel's change
notifications where it can (:mod:`careerguide.content.watch`): ``refresh()`` then reads the
pending notifications (one system call) and stats the files only when one concerns its
folders, plus once every ``RESCAN_SECONDS`` in case a file system does not report a change
(a network mount edited from another machine).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings

from .documents import Document
from .errors import ContentError, Problem
from .library import Library, cross_check
from .loader import KINDS, load_document
from .watch import get_watcher

logger = logging.getLogger("careerguide.content")

# With change notifications, the files are still stat'ed this often (seconds) as a safety net.
RESCAN_SECONDS = 1.0

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
    def __init__(self, root: Path | str, *, watch: bool = False):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._signature: dict[str, Signature] | None = None
        self._parsed: dict[str, tuple[Signature, Document | list[Problem]]] = {}
        self._last_good: dict[str, Document] = {}
        self._library = Library({})
        self._version = 0
        # Change notifications: how many arrived, and how many a completed scan has covered.
        self._watch = watch
        self._changes = 0
        self._scanned_changes = -1
        self._rescan_at = 0.0

    @property
    def library(self) -> Library:
        if self._signature is None:
            self.refresh()
        return self._library

    @property
    def watched(self) -> bool:
        """Whether change notifications spare ``refresh()`` its stat of every file."""
        return self._watch and get_watcher() is not None and self._scanned_changes >= 0

    def content_changed(self) -> None:
        """Called by the watcher when a notification concerns this store's folders."""
        self._changes += 1

    def refresh(self) -> Library:
        """Pick up changed, new and deleted files. Cheap when nothing changed."""
        watcher = get_watcher() if self._watch else None
        if watcher is not None and self._scanned_changes >= 0:
            watcher.poll()
            if self._changes == self._scanned_changes and time.monotonic() < self._rescan_at:
                return self._library
        changes = self._changes
        if watcher is not None:
            # Watch before scanning, so that a change made during the scan is not missed.
            folders = [self.root, *(self.root / folder for folder in KINDS)]
            watching = watcher.watch(self, folders)
        signature = scan(self.root)
        if signature != self._signature:
            with self._lock:
                if signature != self._signature:
                    self._rebuild(signature)
        if watcher is not None:
            if watching:
                self._scanned_changes = max(self._scanned_changes, changes)
                self._rescan_at = time.monotonic() + RESCAN_SECONDS
            else:  # e.g. the per-user limit of watches is reached: stat on every check
                logger.warning("cannot watch %s for changes: stat'ing its files instead", self.root)
                self._watch = False
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
# Each request asks for the store several times; resolving the folder's path costs a system
# call per path component, so a resolution is reused for RESCAN_SECONDS. (A folder reached
# through a symbolic link that is switched to another release is picked up within that time.)
_resolved: dict[Path | str, tuple[float, ContentStore]] = {}


def get_store(root: Path | str | None = None) -> ContentStore:
    """The store for ``root`` (default ``settings.CONTENT_DIR``), one per process."""
    key = root if root is not None else settings.CONTENT_DIR
    now = time.monotonic()
    known = _resolved.get(key)
    if known is not None and now < known[0]:
        return known[1]
    path = Path(key).resolve()
    store = _stores.get(path)
    if store is None:
        with _stores_lock:
            store = _stores.setdefault(path, ContentStore(path, watch=True))
    _resolved[key] = (now + RESCAN_SECONDS, store)
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

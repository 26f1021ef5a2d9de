"""Keeps the current :class:`Library` in step with the files on disk.

``refresh()`` stats every content file (no reads, no parsing) and compares the result with the
previous scan. Only when something changed does it read and parse the changed files, then
check the whole set and swap in a new immutable snapshot. A file that fails keeps its last
good version live; a file that was never valid is left out. Either way the problem is logged
and kept on the snapshot so staff and the content check can see it.

The store that serves requests (:func:`get_store`) is also told of changes by a watcher thread
(:mod:`careerguide.content.watch`, started lazily in each process): ``refresh()`` then compares
the watcher's count of changes with the one its last scan covered, and stats the files only
when a change was reported, plus once every ``RESCAN_SECONDS`` in case a file system does not
report one (a network mount edited from another machine). A change is reported about 30 ms
after the file is saved; a request that arrives sooner is served the previous version.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .documents import Document
from .errors import ContentError, Problem
from .library import Library, cross_check
from .loader import KINDS, UrlFor, load_document
from .watch import FolderWatcher

logger = logging.getLogger("careerguide.content")

# With a watcher, the files are still stat'ed this often (seconds) as a safety net; a watcher
# that failed to start is tried again this often.
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


def site_url_for() -> UrlFor:
    """The project's URL builder, ``settings.CONTENT_URLS`` (a dotted path)."""
    return import_string(settings.CONTENT_URLS)


class ContentStore:
    """The content under ``root``, reloaded by :meth:`refresh`.

    ``url_for`` gives each document's address (default: ``settings.CONTENT_URLS``). With
    ``watch``, a watcher thread reports changes so that ``refresh()`` need not stat every file.
    """

    def __init__(self, root: Path | str, *, watch: bool = False, url_for: UrlFor | None = None):
        self.root = Path(root)
        self._url_for = url_for
        self._lock = threading.Lock()
        self._signature: dict[str, Signature] | None = None
        self._parsed: dict[str, tuple[Signature, Document | list[Problem]]] = {}
        self._last_good: dict[str, Document] = {}
        self._library = Library({})
        self._version = 0
        self._watch = watch
        self._watcher: FolderWatcher | None = None
        self._watcher_retry_at = 0.0
        # The watcher and its count of changes that the last scan covered, and the next
        # safety-net scan.
        self._scanned_by: FolderWatcher | None = None
        self._scanned_changes = -1
        self._rescan_at = 0.0

    @property
    def url_for(self) -> UrlFor:
        if self._url_for is None:
            self._url_for = site_url_for()
        return self._url_for

    @property
    def library(self) -> Library:
        if self._signature is None:
            self.refresh()
        return self._library

    @property
    def watched(self) -> bool:
        """Whether change notifications spare ``refresh()`` its stat of every file."""
        watcher = self._watcher if self._watch else None
        return watcher is not None and watcher.ready and self._scanned_by is watcher

    def start_watching(self, timeout: float = 5.0) -> bool:
        """Start this process's watcher now and wait until it watches, so that the checks
        that follow stat nothing. False where the folder cannot be watched."""
        watcher = self._watcher if self._watch else None
        if watcher is None or not watcher.alive:
            watcher = self._start_watcher()
        if watcher is None or not watcher.wait_ready(timeout):
            return False
        self.refresh()
        return self.watched

    def refresh(self) -> Library:
        """Pick up changed, new and deleted files. Cheap when nothing changed."""
        watcher = self._watcher if self._watch else None
        if watcher is None or not watcher.alive:
            watcher = self._start_watcher()
        ready = False
        if watcher is not None:
            seen = watcher.changes
            if (
                self._scanned_by is watcher
                and self._scanned_changes == seen
                and time.monotonic() < self._rescan_at
            ):
                return self._library
            # Read before scanning: every change after this is counted, and seen by a rescan.
            ready = watcher.ready
        signature = scan(self.root)
        if signature != self._signature:
            with self._lock:
                if signature != self._signature:
                    self._rebuild(signature)
        if ready:
            self._scanned_by, self._scanned_changes = watcher, seen
            self._rescan_at = time.monotonic() + RESCAN_SECONDS
        return self._library

    def _start_watcher(self) -> FolderWatcher | None:
        """This process's watcher: started on the first refresh in each process (a forked
        worker has no thread of its parent's), and again a while after one stopped."""
        if not self._watch:
            return None
        forked = self._watcher is not None and self._watcher.pid != os.getpid()
        if not forked and time.monotonic() < self._watcher_retry_at:
            return None
        with self._lock:
            if self._watcher is None or not self._watcher.alive:
                self._watcher_retry_at = time.monotonic() + RESCAN_SECONDS
                if self._watcher is not None and not forked:
                    self._watcher.stop()
                self._watcher = FolderWatcher(self.root, frozenset(KINDS))
            return self._watcher

    def close(self) -> None:
        """Stop watching: ``refresh()`` stats every file from now on."""
        self._watch = False
        if self._watcher is not None:
            self._watcher.stop()

    @contextmanager
    def expect_change(self, timeout: float = 5.0) -> Iterator[None]:
        """Around a change to the files: on leaving, wait until the watcher has reported it,
        so that the next ``refresh()`` picks it up (at once when no watcher is relied on).
        For tools and tests that edit a file and read it back straight away."""
        watcher = self._watcher if self._watch else None
        since = watcher.changes if watcher is not None and watcher.ready else None
        yield
        if (
            watcher is not None
            and since is not None
            and not watcher.wait_for_change(since, timeout)
        ):
            raise TimeoutError(f"no change reported under {self.root} in {timeout} s")

    def check_draft(self, path: str, text: str) -> tuple[Document | None, list[Problem]]:
        """Parse, validate and render ``text`` as if it were the file at ``path``, and check
        it against the rest of the current content. Nothing is written."""
        result = load_document(path, text.encode("utf-8"), time.time(), self.url_for)
        if not isinstance(result, Document):
            return None, sorted(result)
        documents = dict(self.library.documents)
        documents[path] = result
        return result, sorted(cross_check(documents).get(path, []))

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
        return load_document(path, data, sig[0] / 1e9, self.url_for)


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


def load_library(root: Path | str, *, url_for: UrlFor | None = None) -> Library:
    """Load ``root`` from scratch, strictly: raise ContentError if any file has an error."""
    store = ContentStore(root, url_for=url_for)
    library = store.refresh()
    if library.errors:
        raise ContentError(library.errors)
    return library


@receiver(setting_changed)
def _content_setting_changed(*, setting: str, **kwargs) -> None:
    """Tests point CONTENT_DIR or CONTENT_URLS elsewhere: stop the stores that no longer
    apply (and their watcher threads), so the next ``get_store()`` makes a fresh one."""
    if setting not in ("CONTENT_DIR", "CONTENT_URLS"):
        return
    with _stores_lock:
        keep = Path(settings.CONTENT_DIR).resolve() if setting == "CONTENT_DIR" else None
        for path, store in list(_stores.items()):
            if path != keep:
                store.close()
                del _stores[path]
        _resolved.clear()

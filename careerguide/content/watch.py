"""Change notifications for a content folder, from ``watchfiles`` (the Rust ``notify`` crate:
inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows).

``watchfiles.watch()`` blocks, so each watcher runs in a daemon thread of its own and only
counts the batches of changes it is told about; the store compares that count with the one its
last scan covered, so the freshness check before a request reads two integers and stats no
file. A watcher serves the process that started it: a forked child (a gunicorn worker) has the
object but not the thread, so stores start a new one in each process, lazily, on their first
refresh there.

How quickly a change is counted: watchfiles looks at what the kernel reported every
``STEP_MS`` and hands over a batch once a step passes with nothing new, so about two steps
after the file is saved (measured: 30 ms median with 20 ms steps). Until the thread has
started watching (``ready``), and if it stops (the folder cannot be watched, the per-user
limit of watches is reached), stores stat their files on every check instead.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from pathlib import Path, PurePath

import watchfiles

logger = logging.getLogger("careerguide.content")

# watchfiles polls what the kernel queued this often (ms): a change is counted about two steps
# after it is made. Each step wakes the thread for a few microseconds (0.2% of a core measured).
STEP_MS = 20
# Changes that keep coming (a checkout writing every file) are still counted this often (ms).
DEBOUNCE_MS = 100
# With nothing changing, watchfiles returns this often (ms); the first return marks the watcher
# ready, and each one lets the thread see that it was asked to stop.
TIMEOUT_MS = 200


class FolderWatcher:
    """Counts the batches of changes to content files under ``root``, from a thread."""

    def __init__(self, root: Path, folders: frozenset[str]):
        self.root = root
        self.folders = folders  # the top-level folders whose *.md files are content
        self.pid = os.getpid()
        self._changes = 0
        self._changed = threading.Condition()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._alive = True
        self._thread = threading.Thread(target=self._run, name=f"content-watch {root}", daemon=True)
        _watchers.add(self)
        self._thread.start()

    @property
    def changes(self) -> int:
        """How many batches of changes were reported so far."""
        return self._changes

    @property
    def ready(self) -> bool:
        """Whether every change made from now on will be counted."""
        return self._ready.is_set() and self.alive

    @property
    def alive(self) -> bool:
        """Whether the thread runs (in a forked child it does not: see ``_after_fork``)."""
        return self._alive

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout) and self.alive

    def wait_for_change(self, since: int, timeout: float) -> bool:
        """Block until a batch after the ``since``-th is counted; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._changes > since, timeout)

    def stop(self) -> None:
        self._stop.set()

    def forked(self) -> None:
        """In a forked child: the thread did not come along, so this watcher is dead there."""
        self._alive = False

    def _relevant(self, change: watchfiles.Change, path: str) -> bool:
        """A content file (``roles/x.md``) or a top-level folder: what the store scans."""
        try:
            parts = PurePath(path).relative_to(self.root).parts
        except ValueError:
            return False
        if len(parts) == 1:
            return True
        return len(parts) == 2 and parts[0] in self.folders and parts[1].endswith(".md")

    def _run(self) -> None:
        try:
            for changes in watchfiles.watch(
                self.root,
                watch_filter=self._relevant,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                stop_event=self._stop,
                rust_timeout=TIMEOUT_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                self._ready.set()  # watchfiles watches the folder before its first return
                if changes:
                    with self._changed:
                        self._changes += 1
                        self._changed.notify_all()
        except Exception as exc:  # noqa: BLE001 - any failure: the store stats files instead
            logger.warning(
                "cannot watch %s for changes (%s): stat'ing its files instead", self.root, exc
            )
        finally:
            self._alive = False
            self._ready.set()  # nobody waits for a watcher that will never be ready
            with self._changed:
                self._changes += 1  # the store cannot rely on it any more: it rescans
                self._changed.notify_all()


_watchers: weakref.WeakSet[FolderWatcher] = weakref.WeakSet()


def _after_fork() -> None:
    """A forked child has none of its parent's threads: its watchers are dead there."""
    for watcher in list(_watchers):
        watcher.forked()


os.register_at_fork(after_in_child=_after_fork)

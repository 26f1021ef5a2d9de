"""Change notifications for content folders (Linux inotify), so that the freshness check before
each request costs one system call instead of a stat per file.

The kernel queues a notification inside the system call that changes a file (write, rename,
unlink, utime...), before that call returns. Reading the queue before each request therefore
sees every change made before the request arrived: an edit still shows on the next request.

One inotify instance serves every watched store of a process. Reading it is non-blocking; the
events only say *which store* may have changed, and that store then stats its files as before.
Where inotify is unavailable (another operating system, or the per-user limit reached),
:func:`get_watcher` returns None and stores stat their files on every check.
"""

from __future__ import annotations

import ctypes
import logging
import os
import struct
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

logger = logging.getLogger("careerguide.content")

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC

FOLDER_EVENTS = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
    | IN_ONLYDIR
)
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then len bytes of name)


class Watched(Protocol):
    def content_changed(self) -> None: ...


class Watcher:
    """A process's inotify instance and which store each watch belongs to."""

    def __init__(self, libc: ctypes.CDLL):
        self._libc = libc
        self._lock = threading.Lock()
        self._pid = -1
        self._fd = -1
        self._stores: dict[int, weakref.WeakSet] = {}
        self._all: weakref.WeakSet = weakref.WeakSet()
        self._open()

    def _open(self) -> None:
        fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        self._fd, self._pid = fd, os.getpid()
        self._stores.clear()

    def _check_fork(self) -> None:
        """A forked child must not share its parent's queue: open its own and let every
        store start over (rescan and watch again)."""
        if self._pid != os.getpid():
            self._open()
            for store in list(self._all):
                store.content_changed()

    def watch(self, store: Watched, folders: Iterable[Path]) -> bool:
        """Watch ``folders`` (those that exist) for ``store``. False if a watch failed."""
        ok = True
        with self._lock:
            self._check_fork()
            self._all.add(store)
            for folder in folders:
                wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), FOLDER_EVENTS)
                if wd < 0:
                    err = ctypes.get_errno()
                    if err not in (2, 20):  # ENOENT, ENOTDIR: nothing there to watch yet
                        ok = False
                    continue
                self._stores.setdefault(wd, weakref.WeakSet()).add(store)
        return ok

    def poll(self) -> None:
        """Read every pending notification and tell the stores concerned."""
        with self._lock:
            self._check_fork()
            while True:
                try:
                    data = os.read(self._fd, 65536)
                except BlockingIOError:
                    return
                except InterruptedError:
                    continue
                self._dispatch(data)

    def _dispatch(self, data: bytes) -> None:
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            offset += _EVENT.size + length
            if mask & IN_Q_OVERFLOW:  # events were dropped: everyone rescans
                for store in list(self._all):
                    store.content_changed()
                continue
            stores = self._stores.get(wd)
            if stores is None:
                continue
            for store in list(stores):
                store.content_changed()
            if mask & IN_IGNORED:  # the folder is gone; the store watches it again if it returns
                del self._stores[wd]


_watcher: Watcher | None = None
_unavailable = False
_watcher_lock = threading.Lock()


def get_watcher() -> Watcher | None:
    """The process's watcher, or None where change notifications are unavailable."""
    global _watcher, _unavailable
    if _watcher is not None or _unavailable:
        return _watcher
    with _watcher_lock:
        if _watcher is None and not _unavailable:
            try:
                libc = ctypes.CDLL(None, use_errno=True)  # the C library the process runs on
                libc.inotify_init1  # noqa: B018 - raises AttributeError off Linux
                _watcher = Watcher(libc)
            except (OSError, AttributeError, TypeError) as exc:
                _unavailable = True
                logger.info("content change notifications unavailable (%s): stat'ing files", exc)
    return _watcher

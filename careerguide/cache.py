"""A cache backend for rendered template fragments, kept in each process's memory."""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class FragmentCache(LocMemCache):
    """Django's local-memory cache (least recently used first out, thread-safe, bounded by
    ``MAX_ENTRIES``), keeping values as they are instead of pickled copies.

    For what ``{% cache %}`` stores: rendered fragments are strings, which cannot be changed
    in place, so a copy protects nothing, and unpickling one took a third of a fragment
    lookup. Its keys are made by ``make_template_fragment_key`` (a fixed prefix and an MD5
    digest), so the memcached key check, a loop over every character of every key on
    every lookup, is skipped too. Not for values that can be changed in place: a caller
    would change the cached copy.
    """

    def validate_key(self, key):
        pass

    def get(self, key, default=None, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def incr(self, key, delta=1, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value

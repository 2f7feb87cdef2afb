"""The cache the login throttle counts in when no CACHE_URL is set: files on this
machine, shared by every web process (make run starts two) with no server to run.

Django's FileBasedCache is shared across processes but not atomic: ``add`` is
"exists? then write" and ``incr`` is "read, then write", so two processes counting a
failed login at the same moment can both write 3 and lose one; and ``incr`` rewrites
the entry with the default timeout, so each new failure would move the end of the
window. Here both run under one exclusive lock on a file in the cache folder, and
``incr`` keeps the entry's expiry.
"""

from __future__ import annotations

import os
import pickle
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class SharedFileCache(FileBasedCache):
    lock_name = "jsc-cache.lock"  # not *.djcache, so clear() and culling leave it be

    @contextmanager
    def _locked(self):
        self._createdir()
        with open(os.path.join(self._dir, self.lock_name), "ab") as lock:
            locks.lock(lock, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._locked():
            try:
                with open(self._key_to_file(key, version), "rb") as f:
                    expiry = pickle.load(f)
                    value = pickle.loads(zlib.decompress(f.read()))
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            now = time.time()
            if expiry is not None and expiry <= now:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            # The time left, so the entry still ends when it was first meant to.
            timeout = None if expiry is None else max(expiry - now, 0.001)
            self.set(key, value, timeout, version)
            return value

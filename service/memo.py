"""A least-recently-used memo that works each key out once, even when a web server's
threads ask for it together (functools.lru_cache would let every one of them compute it)."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Memo:
    def __init__(self, compute: Callable, size: int):
        self._compute, self._size = compute, size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def __call__(self, *key):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:  # the first thread computes; the others wait for its answer
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = self._compute(*key)
            except BaseException:
                with self._lock:
                    self._pending.pop(key, None)
                raise
            with self._lock:
                self._values[key] = value
                self._pending.pop(key, None)
                while len(self._values) > self._size:
                    self._values.popitem(last=False)
            return value

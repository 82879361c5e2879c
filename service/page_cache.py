"""A small in-process cache of rendered documents, bounded by bytes.

The store is read-only while a process serves it, so a document is a function of its request (path,
format, query parameters, host prefix) and of the day (timelines run to today): it can be kept. A
large organisation page costs 35-75 ms to build and render, and a few pages take most of the traffic.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class DocumentCache:
    """Least recently used first out, once the bodies held pass `max_bytes`."""

    max_bytes: int = 32 * 1024 * 1024
    held: int = 0
    entries: OrderedDict[Hashable, bytes] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        body = make()  # outside the lock: two threads may render one page once each, never wait on each other
        if len(body) > self.max_bytes // 8:
            return body  # too large to be worth holding
        with self.lock:
            if key not in self.entries:
                self.entries[key] = body
                self.held += len(body)
            while self.held > self.max_bytes:
                _, old = self.entries.popitem(last=False)
                self.held -= len(old)
        return body

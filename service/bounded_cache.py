"""A small in-process cache bounded by bytes, least recently used out first.

The store is read-only while a process serves it, so what is made from it (a rendered document, the
answer to a SPARQL query) is a function of the request alone and can be kept: the pages keep rendered
documents (a large organisation page costs 35-75 ms to build and render), the endpoint keeps query
answers. A process's caches die with it, and a new build means a new process, so nothing goes stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass
class BoundedCache(Generic[V]):
    """Values by key; `sizeof` says what a value weighs. A value heavier than an eighth of the bound is
    not kept (one answer must not empty the cache)."""

    max_bytes: int
    sizeof: Callable[[V], int]
    held: int = 0
    entries: OrderedDict[Hashable, V] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def largest(self) -> int:
        """The weight of the heaviest value that is kept."""
        return self.max_bytes // 8

    def get(self, key: Hashable) -> V | None:
        with self.lock:
            if key not in self.entries:
                return None
            self.entries.move_to_end(key)
            return self.entries[key]

    def put(self, key: Hashable, value: V) -> None:
        size = self.sizeof(value)
        if size > self.largest:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = value
            self.held += size
            while self.held > self.max_bytes:
                _, old = self.entries.popitem(last=False)
                self.held -= self.sizeof(old)

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The kept value, or a new one made outside the lock (two threads may each make one, and
        never wait on each other) and kept."""
        found = self.get(key)
        if found is not None:
            return found
        value = make()
        self.put(key, value)
        return value


def document_cache(max_bytes: int = 32 * 1024 * 1024) -> BoundedCache[bytes]:
    """Rendered documents, weighed by their length."""
    return BoundedCache(max_bytes, len)

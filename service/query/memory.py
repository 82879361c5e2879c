"""The engine's in-memory side: a process that loads the build's N-Quads dump into an in-memory store and
answers each connection on memory.sock in a thread of its own, all over that one copy; and, in the engine's
first process, `MemorySide`, which forks it, watches it and forks it again when it dies."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from service.build import builder
from service.query.processes import MEMORY, Backoff, alive, answer, connections, listen
from service.store import OxigraphStore, StoreUnavailableError

log = logging.getLogger(__name__)


@dataclass
class MemorySide:
    """The in-memory side, as the engine's first process sees it: forked, watched, and forked again if
    it dies after it was serving (killed at a query's timeout, or out of memory). One that dies soon
    after it started is loaded again after a pause that doubles each time, up to MAX_RESTART_DELAY, so
    that runaway queries sent again and again cost reloads only now and then; queries run on disk
    meanwhile. One that fails while loading the dump is left dead: queries stay on disk, as the log says."""

    store: Path
    folder: Path
    disk: socket.socket
    pid: int = 0
    serving: float | None = None  # since when (first seen by a tick) the side answers
    backoff: Backoff = field(default_factory=lambda: Backoff(stable_pause=0.0))
    due: float | None = None  # when the side that has gone is loaded again

    def start(self) -> None:
        self.due = self.serving = None
        pid = os.fork()
        if pid == 0:
            self.disk.close()
            _memory_side(self.store, self.folder, os.getppid())
        self.pid = pid

    def restart_if_gone(self) -> None:
        if self.pid and self.serving is None and (self.folder / MEMORY).exists():
            self.serving = time.monotonic()
        if self.pid and not alive(self.pid):
            self._gone()
        if self.due is not None and time.monotonic() >= self.due:
            self.start()

    def _gone(self) -> None:
        self.pid = 0
        if not (self.folder / MEMORY).exists():
            log.warning("query engine: the in-memory side ended before it served; queries stay on disk")
            return
        (self.folder / MEMORY).unlink(missing_ok=True)  # clients go to disk until the new one is up
        served = time.monotonic() - self.serving if self.serving is not None else 0.0
        delay = self.backoff.after(served)
        self.due = time.monotonic() + delay
        log.warning("query engine: the in-memory side has gone; loading it again in %.0f s", delay)


def _memory_side(store: Path, folder: Path, parent: int) -> None:
    """Load the dump, then answer on memory.sock, a thread per connection; never returns."""
    started = time.perf_counter()
    try:
        memory = OxigraphStore.from_dump(store / builder.QUADS)
    except StoreUnavailableError as exc:
        log.error("queries stay on disk: %s", exc)
        os._exit(1)
    try:
        listener = listen(folder / MEMORY)
    except OSError:  # the engine stopped while we were loading, and took its folder with it
        os._exit(0)
    log.info("query engine: %s loaded into memory in %.1f s", store.name, time.perf_counter() - started)
    for sock in connections(listener, parent):
        threading.Thread(target=answer, args=(sock, memory), name="nhskg-query", daemon=True).start()
    os._exit(0)

"""The engine's in-memory sides: processes that each load the build's N-Quads dump into an in-memory store
and answer every connection on their own socket (memory-<i>.sock) in a thread of its own.

A query that overruns is stopped by ending its side (pyoxigraph cannot be interrupted), so two things keep
that from costing the other queries there:

- More than one side (`query_memory_sides`): clients take the least busy side (each side counts its running
  queries in the engine folder's `sides.load`), so a side holds a share of the running queries, and while
  one is gone the others keep answering at memory speed; queries go to disk only when none is up.
- A side is retired, not killed: the client whose query overran sends it SIGUSR1 and closes its
  connection. The side takes its socket away (no new client comes), closes its idle connections, and
  SIGKILLs itself as soon as every query still running there has lost its client, so the queries that
  were running beside the runaway finish with their full answers. Each of those is stopped by its own
  client at its own deadline, so the side waits at most one time limit; `retire_grace` seconds bound it.

In the engine's first process, `MemorySides` forks the sides one at a time (a side loads while the others
serve), watches them, and forks a side again when it has gone (after a pause when it keeps dying young:
see Backoff). A side that fails to load the dump leaves every side dead: queries stay on disk.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from service.build import builder
from service.query.job import send_answer
from service.query.processes import (
    LOAD_BYTES,
    LOADS,
    Backoff,
    alive,
    connections,
    listen,
    side_socket,
)
from service.store import OxigraphStore, Store, StoreUnavailableError

log = logging.getLogger(__name__)
RETIRE_SIGNAL = signal.SIGUSR1
UNLOADABLE = "memory.failed"  # left by a side that could not load the dump: no other side is started
BYTES_PER_DUMP_BYTE = 1.5  # a side's resident memory over its dump's size (measured: 498 MB for 355 MB)
MAX_DEFAULT_SIDES = 4
RETIRE_CHECK_SECONDS = 0.05  # how often a retiring side looks for queries whose client has gone


def default_sides(dump_bytes: int, available_bytes: int, cpus: int) -> int:
    """How many sides when the setting leaves it to us: as many as fit in half the memory available, at
    least one, and at most one for each core (at least two, at most MAX_DEFAULT_SIDES): beyond the cores,
    more sides add memory, not speed."""
    fit = int(available_bytes / 2 // max(1.0, dump_bytes * BYTES_PER_DUMP_BYTE))
    return max(1, min(fit, max(2, min(cpus, MAX_DEFAULT_SIDES))))


def available_memory() -> int:
    """MemAvailable, in bytes (0 when /proc/meminfo cannot tell)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def sides_for(store: Path, setting: int) -> int:
    """The number of sides: the setting, or (0) the default for this store on this machine."""
    if setting > 0:
        return setting
    dump = store / builder.QUADS
    size = dump.stat().st_size if dump.is_file() else 0
    return default_sides(size, available_memory(), len(os.sched_getaffinity(0)))


# --- in the engine's first process -----------------------------------------------------------------


@dataclass
class _Slot:
    """One side as the engine sees it."""

    pid: int = 0
    started: float = 0.0
    serving: float | None = None  # since when (first seen by a tick) the side answers
    retiring: float | None = None  # since when (first seen by a tick) it has taken its socket away
    backoff: Backoff = field(default_factory=lambda: Backoff(stable_pause=0.0))
    due: float | None = 0.0  # when the side is (loaded) again; None: not to be started


@dataclass
class MemorySides:
    """The sides, forked one at a time, watched (`tick`) and forked again when they go."""

    store: Path
    folder: Path
    disk: socket.socket
    count: int
    retire_grace: float
    slots: list[_Slot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = [_Slot() for _ in range(self.count)]
        (self.folder / UNLOADABLE).unlink(missing_ok=True)  # a previous engine's, in the same folder
        (self.folder / LOADS).write_bytes(bytes(LOAD_BYTES * self.count))

    def tick(self) -> None:
        now = time.monotonic()
        for index, slot in enumerate(self.slots):
            if slot.pid:
                self._watch(index, slot, now)
        loading = any(slot.pid and slot.serving is None for slot in self.slots)
        for index, slot in enumerate(self.slots):
            if not loading and slot.due is not None and now >= slot.due:
                self._start(index, slot)
                loading = True

    def _start(self, index: int, slot: _Slot) -> None:
        pid = os.fork()
        if pid == 0:
            self.disk.close()
            _side(self.store, self.folder, index, os.getppid(), self.retire_grace)
        self.slots[index] = _Slot(pid=pid, started=time.monotonic(), backoff=slot.backoff, due=None)

    def _watch(self, index: int, slot: _Slot, now: float) -> None:
        up = side_socket(self.folder, index).exists()
        if slot.serving is None and up:
            slot.serving = now
        if slot.serving is not None and not up and slot.retiring is None:
            slot.retiring = now
        if not alive(slot.pid):
            self._gone(index, slot, now)
        elif slot.retiring is not None and now - slot.retiring > self.retire_grace + 5:
            log.warning("query engine: side %d did not end when retired; killing it", index)
            os.kill(slot.pid, signal.SIGKILL)

    def _gone(self, index: int, slot: _Slot, now: float) -> None:
        slot.pid = 0
        side_socket(self.folder, index).unlink(missing_ok=True)  # killed from outside: clients go elsewhere
        if (self.folder / UNLOADABLE).exists():
            for other in self.slots:
                other.due = None  # the others would fail to load the same dump
            return
        delay = slot.backoff.after(now - (slot.serving or slot.started))
        slot.due = now + delay
        log.warning("query engine: in-memory side %d has gone; loading it again in %.0f s", index, delay)


# --- inside a side -----------------------------------------------------------------------------------


def _side(store: Path, folder: Path, index: int, parent: int, retire_grace: float) -> None:
    """Load the dump, then answer on the side's socket, a thread per connection; never returns."""
    started = time.perf_counter()
    try:
        memory = OxigraphStore.from_dump(store / builder.QUADS)
    except StoreUnavailableError as exc:
        log.error("queries stay on disk: %s", exc)
        (folder / UNLOADABLE).touch()
        os._exit(1)
    try:
        serving = Serving(memory, folder, index, retire_grace)
        listener = listen(side_socket(folder, index))
    except OSError:  # the engine stopped while we were loading, and took its folder with it
        os._exit(0)
    signal.signal(RETIRE_SIGNAL, lambda *_: serving.retire())
    elapsed = time.perf_counter() - started
    log.info("query engine: %s loaded into in-memory side %d in %.1f s", store.name, index, elapsed)
    for sock in connections(listener, parent):
        if serving.retired.is_set():
            sock.close()
            continue
        threading.Thread(target=serving.answer, args=(sock,), name="nhskg-query", daemon=True).start()
    os._exit(0)


class Serving:
    """A side's connections: which are idle and which are running a query; its count of running queries
    in the engine's `sides.load`; and its retirement."""

    def __init__(self, store: Store, folder: Path, index: int, retire_grace: float) -> None:
        self.store = store
        self.socket = side_socket(folder, index)
        self.retire_grace = retire_grace
        self.retired = threading.Event()
        self._loads = os.open(folder / LOADS, os.O_WRONLY)
        self._offset = index * LOAD_BYTES
        self._lock = threading.Lock()
        self._idle: set[socket.socket] = set()
        self._busy: set[int] = set()  # the file descriptors of connections running a query
        self._changed = threading.Event()
        self._count(0)

    def answer(self, sock: socket.socket) -> None:
        """Answer the connection's jobs, one after another, until it closes or the side retires."""
        fd = sock.fileno()
        conn = Connection(os.dup(fd))
        try:
            conn.send(("ready", os.getpid()))
            while (job := self._next_job(conn, sock)) is not None:
                try:
                    send_answer(conn, self.store, job)
                finally:
                    self._finished(sock, fd)
        except ConnectionError:
            pass  # the client went away mid-answer
        except Exception:  # noqa: BLE001 - reported; the connection ends, the process goes on
            log.exception("a query connection failed")
        finally:
            with self._lock:
                self._idle.discard(sock)
            conn.close()
            sock.close()

    def _next_job(self, conn: Connection, sock: socket.socket) -> Any:
        """The client's next job, marked running; None when the connection ends or the side retires."""
        with self._lock:
            if self.retired.is_set():
                return None
            self._idle.add(sock)
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return None
        with self._lock:
            self._idle.discard(sock)
            if self.retired.is_set():
                return None  # the client sees the connection end before any work, and asks elsewhere
            self._busy.add(sock.fileno())
            self._count(len(self._busy))
        return job

    def _finished(self, sock: socket.socket, fd: int) -> None:
        with self._lock:
            self._busy.discard(fd)
            self._count(len(self._busy))
        self._changed.set()

    def _count(self, running: int) -> None:
        os.pwrite(self._loads, running.to_bytes(LOAD_BYTES, "little"), self._offset)

    def retire(self) -> None:
        """Take no more queries; end once every query still running has lost its client (signal handler:
        the work is done in a thread of its own)."""
        if not self.retired.is_set():
            self.retired.set()
            threading.Thread(target=self._retire, name="nhskg-retire", daemon=True).start()

    def _retire(self) -> None:
        self.socket.unlink(missing_ok=True)
        self._count(0)  # no client should choose this side any more
        with self._lock:
            idle = list(self._idle)
        for sock in idle:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # its thread reads the end, and the client asks elsewhere
            except OSError:
                pass
        deadline = time.monotonic() + self.retire_grace
        while time.monotonic() < deadline and not self._only_abandoned_left():
            self._changed.wait(RETIRE_CHECK_SECONDS)
            self._changed.clear()
        os.kill(os.getpid(), signal.SIGKILL)

    def _only_abandoned_left(self) -> bool:
        """Whether no query still running has a client waiting for it. A client sends nothing while its
        query runs, so a connection that reads as ready (the end of it) has lost its client."""
        with self._lock:
            busy = list(self._busy)
        if not busy:
            return True
        poller = select.poll()
        for fd in busy:
            poller.register(fd, select.POLLIN | select.POLLRDHUP)
        return len(poller.poll(0)) == len(busy)

"""What every process of the query engine shares: its socket names, the listening and accepting of
connections, the answering of one connection's jobs, and the pause before a dead process is started
again (`Backoff`). The engine (engine.py) and its in-memory sides (memory.py) are built from these."""

from __future__ import annotations

import logging
import os
import select
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from service.query.job import send_answer
from service.store import Store

log = logging.getLogger(__name__)
DISK = "disk.sock"
MEMORY = "memory-{}.sock"  # one socket for each in-memory side, by its index
LOADS = "sides.load"  # each side's count of running queries: 8 bytes a side, by its index
LOAD_BYTES = 8
POLL_SECONDS = 1.0  # how often an idle engine process checks that its parent is alive
RESTART_DELAY = 1.0  # the first pause before a process that died soon after it started is started again
MAX_RESTART_DELAY = 60.0
STABLE_SECONDS = 30.0  # a process that lived this long before it died is not held back


@dataclass
class Backoff:
    """The pause before a process that died is started again: `stable_pause` after one that lived
    STABLE_SECONDS or more; after one that died sooner, twice the last pause (at least RESTART_DELAY, at
    most MAX_RESTART_DELAY). The engine and its in-memory side both follow it."""

    stable_pause: float
    pause: float = 0.0

    def after(self, lived: float) -> float:
        """The pause before the next start, for a process that lived `lived` seconds."""
        if lived >= STABLE_SECONDS:
            self.pause = self.stable_pause
        else:
            self.pause = min(max(self.pause * 2, RESTART_DELAY), MAX_RESTART_DELAY)
        return self.pause


def alive(pid: int) -> bool:
    """Whether our child `pid` is running (SIGCHLD is ignored, so a dead child is reaped at once)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def side_socket(folder: Path, index: int) -> Path:
    return folder / MEMORY.format(index)


def side_loads(folder: Path) -> dict[int, int]:
    """The running queries of each side that answers now (its socket is there), by its index."""
    try:
        counts = (folder / LOADS).read_bytes()
    except OSError:
        return {}
    sides = len(counts) // LOAD_BYTES
    return {
        index: int.from_bytes(counts[index * LOAD_BYTES : (index + 1) * LOAD_BYTES], "little")
        for index in range(sides)
        if side_socket(folder, index).exists()
    }


def listen(path: Path) -> socket.socket:
    """A listening socket that appears at `path` only once it accepts (bound aside, then renamed)."""
    aside = path.with_suffix(".binding")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(aside))
    listener.listen(64)
    aside.rename(path)
    return listener


def connections(
    listener: socket.socket, parent: int, tick: Callable[[], None] | None = None
) -> Iterator[socket.socket]:
    """Each connection `listener` accepts, until the parent has gone; `tick` at least every POLL_SECONDS."""
    while os.getppid() == parent:
        if tick is not None:
            tick()
        if not select.select([listener], [], [], POLL_SECONDS)[0]:
            continue
        try:
            sock, _ = listener.accept()
        except OSError:
            continue
        yield sock


def answer(sock: socket.socket, store: Store) -> None:
    """Answer the connection's jobs, one after another, until it closes."""
    conn = Connection(sock.detach())
    try:
        conn.send(("ready", os.getpid()))
        while True:
            try:
                job = conn.recv()
            except EOFError:
                break
            send_answer(conn, store, job)
    except ConnectionError:
        pass  # the client went away mid-answer
    except Exception:  # noqa: BLE001 - reported; the connection ends, the process goes on
        log.exception("a query connection failed")
    finally:
        conn.close()

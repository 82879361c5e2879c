"""The query engine: the processes that run user queries, stopped with SIGKILL when they overrun.

pyoxigraph has no timeout, so nothing inside a process can stop a runaway query: the query runs in a
process that can be SIGKILLed. The engine is started once per server (by `nhskg serve`, before gunicorn's
workers) as `python -m service.query.engine STORE FOLDER MODE PARENT` and answers on Unix sockets in
FOLDER; each connection answers its client's jobs, one at a time, until it closes:

- `disk.sock` at once: each connection gets a freshly forked child that opens the built store (RocksDB)
  read-only; a timeout kills that child alone.
- `memory.sock` a few seconds later (MODE "memory"): a second process loads the build's N-Quads dump into
  an in-memory store and answers each connection in a thread of its own, all over that one copy.
  pyoxigraph lets go of the GIL while it evaluates, so the threads use every core. Queries run 2-7 times
  faster there than on RocksDB. Threads, not forked children: reading pyoxigraph's in-memory store writes
  to its pages (reference counts), so a forked child ends up copying the pages a scan touches (200-250 MB
  for one label search) and pays 140-180 ms of page faults to do it. A timeout kills this whole side;
  the queries it was running are sent again (see the governor) and run on disk until it is loaded again.

A client (the governor) connects to the memory socket once it exists, else to the disk one, and reads
("ready", pid): the pid it kills on timeout. Every engine process ignores SIGINT (a terminal's Ctrl-C
goes to the server, which stops them) and exits when its parent has gone.

Nothing stays dead: `nhskg serve` starts a new engine in the same folder when its engine exits
(`Engine.supervise`), and the engine forks a new in-memory side when that one dies after it was serving
(`MemorySide`); clients meanwhile wait for the disk socket, or are told it is unavailable, or run on
disk.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from service.build import builder
from service.query import policy
from service.query.job import EngineUnavailableError
from service.query.memory import MemorySide
from service.query.processes import (
    DISK,
    MEMORY,
    RESTART_DELAY,
    Backoff,
    answer,
    connections,
    listen,
)
from service.store import OxigraphStore, Store

log = logging.getLogger(__name__)
Mode = Literal["memory", "disk"]


@dataclass
class Engine:
    """A running engine: its socket folder, the command that starts it, and its first process."""

    folder: Path
    command: list[str]
    process: subprocess.Popen[bytes]
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, store: Path, mode: Mode) -> Engine:
        """Start an engine over the built store folder `store`; it answers on disk.sock a moment later
        (`connect` waits for it), so that the web workers start meanwhile."""
        folder = Path(tempfile.mkdtemp(prefix="nhskg-engine-"))
        command = [sys.executable, "-m", __name__, str(store), str(folder), mode, str(os.getpid())]
        return cls(folder, command, _spawn(command))

    def supervise(self) -> threading.Thread:
        """Start a new engine in the same folder whenever this one exits before `stop`: the web workers
        connect there again, and are refused only meanwhile. An engine that dies soon after it started is
        started again after a growing pause (up to MAX_RESTART_DELAY)."""
        thread = threading.Thread(target=self._restart_when_gone, name="query-engine-supervisor", daemon=True)
        thread.start()
        return thread

    def _restart_when_gone(self) -> None:
        backoff = Backoff(stable_pause=RESTART_DELAY, pause=RESTART_DELAY)
        while True:
            started = time.monotonic()
            code = self.process.wait()
            delay = backoff.after(time.monotonic() - started)
            if self._stopping.is_set():
                return
            log.warning("query engine %d exited (%s); another in %.0f s", self.process.pid, code, delay)
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.folder.mkdir(exist_ok=True)
                _remove_sockets(self.folder)
                self.process = _spawn(self.command)

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            if self.process.poll() is None:
                self.process.terminate()
                self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603 - our own module
    log.info("query engine %d starting over %s (%s)", process.pid, Path(command[3]).name, command[5])
    return process


def _remove_sockets(folder: Path) -> None:
    """A dead engine's socket files: a client must wait for the new engine's, not fail on these."""
    for name in (DISK, MEMORY):
        (folder / name).unlink(missing_ok=True)
        (folder / name).with_suffix(".binding").unlink(missing_ok=True)


@dataclass
class Channel:
    """One socket connection to the engine, which answers jobs until it closes: in a child of its own
    (disk), or in a thread of the in-memory side that every channel to memory shares (`shared`). Named
    apart from the pages' `Link` (a labelled IRI)."""

    conn: Connection
    pid: int
    mode: Mode

    @property
    def shared(self) -> bool:
        return self.mode == "memory"

    def kill(self) -> None:
        """SIGKILL to the process answering: the only way to stop a query inside pyoxigraph (for a shared
        channel, that is the whole in-memory side). Safe to call twice."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.conn.close()

    def close(self) -> None:
        """Done with an idle channel: its own child is killed; a shared side's thread ends when it reads
        the end of the connection."""
        if self.shared:
            self.conn.close()
        else:
            self.kill()


def connect(folder: Path, timeout: float) -> Channel:
    """A channel to the engine in `folder`: to its in-memory side when that is up and answers, else to a
    new disk child; or EngineUnavailableError. Waits up to `timeout` seconds for an engine that is still
    starting."""
    deadline = time.monotonic() + timeout
    while not (folder / DISK).exists() and time.monotonic() < deadline and folder.is_dir():
        time.sleep(0.02)
    sides: list[tuple[str, Mode]] = [(MEMORY, "memory")] if memory_ready(folder) else []
    reached = False
    for name, mode in [*sides, (DISK, "disk")]:
        conn = _open(folder / name)
        reached = reached or conn is not None
        pid = _handshake(conn, deadline) if conn is not None else None
        if conn is not None and pid is not None:
            return Channel(conn, pid, mode)
    if reached:  # a side accepted, then its process died (or never answered): say so, not "not running"
        raise EngineUnavailableError("a query worker could not start; try again shortly")
    raise EngineUnavailableError("the query engine is not running; try again shortly")


def _open(path: Path) -> Connection | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return Connection(sock.detach())


def _handshake(conn: Connection, deadline: float) -> int | None:
    """The pid of the process that answers `conn`, or None (the connection closed) if it did not."""
    try:
        if conn.poll(max(0.0, deadline - time.monotonic())):
            return int(conn.recv()[1])
    except (EOFError, OSError, ValueError, TypeError, IndexError):
        pass
    conn.close()
    return None


def memory_ready(folder: Path) -> bool:
    return (folder / MEMORY).exists()


# --- inside the engine ----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    store, folder, mode, parent = Path(argv[0]), Path(argv[1]), argv[2], int(argv[3])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    policy.check_query("SELECT * FROM <x:y> {}", ())  # load the parser once, before any fork
    disk = listen(folder / DISK)
    memory = MemorySide(store, folder, disk) if mode == "memory" else None
    if memory is not None:
        memory.start()
    tick = memory.restart_if_gone if memory is not None else None
    _accept(disk, lambda: OxigraphStore.open_read_only(store / builder.DB), parent, tick=tick)
    shutil.rmtree(folder, ignore_errors=True)  # the server has gone without stopping us
    return 0


def _accept(
    listener: socket.socket,
    store: Callable[[], Store],
    parent: int,
    tick: Callable[[], None] | None = None,
) -> None:
    """Fork a child for each connection, which opens `store()` and answers it, until the parent has gone;
    `tick` is called at least every POLL_SECONDS."""
    for sock in connections(listener, parent, tick):
        if os.fork() == 0:
            listener.close()
            _child(sock, store)
        sock.close()


def _child(sock: socket.socket, store: Callable[[], Store]) -> None:
    """A forked child: open the store, answer the connection, then exit (never returns into the accept
    loop)."""
    code = 0
    try:
        opened = store()
        answer(sock, opened)
    except Exception:  # noqa: BLE001 - reported, and the child goes
        log.exception("a query worker failed")
        code = 1
    finally:
        os._exit(code)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(levelname)s %(message)s")
    sys.exit(main(sys.argv[1:]))

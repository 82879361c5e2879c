"""The query engine: the processes that run user queries, stopped when they overrun.

pyoxigraph has no timeout, so nothing inside a process can stop a runaway query: the query runs in a
process that can be killed. The engine is started once per server (by `nhskg serve`, before gunicorn's
workers) as `python -m service.query.engine STORE FOLDER MODE PARENT SIDES GRACE` and answers on Unix
sockets in FOLDER; each connection answers its client's jobs, one at a time, until it closes:

- `disk.sock` at once: each connection gets a freshly forked child that opens the built store (RocksDB)
  read-only; a timeout kills that child alone.
- `memory-<i>.sock` for each of SIDES in-memory sides (MODE "memory"), the first a few seconds later and
  the others one after another: each side is a process that loads the build's N-Quads dump into an
  in-memory store and answers each connection in a thread of its own, all over its one copy (memory.py).
  pyoxigraph lets go of the GIL while it evaluates, so the threads use every core. Queries run 2-7 times
  faster there than on RocksDB. Threads, not forked children: reading pyoxigraph's in-memory store writes
  to its pages (reference counts), so a forked child ends up copying the pages a scan touches (200-250 MB
  for one label search) and pays 140-180 ms of page faults to do it. A timeout ends the side, but it
  retires first: it takes no new query and lets those running beside the runaway finish (up to GRACE
  seconds); the other sides answer meanwhile, and disk only when none is up.

A client (the governor) connects to the least busy side that is up, else to the disk socket, and reads
("ready", pid): the pid it stops on timeout (`Channel.kill`). Every engine process ignores SIGINT (a
terminal's Ctrl-C goes to the server, which stops them) and exits when its parent has gone.

Nothing stays dead: `nhskg serve` starts a new engine in the same folder when its engine exits
(`Engine.supervise`), and the engine forks a side again when it has gone after it was serving
(`memory.MemorySides`); clients meanwhile use the other sides, or wait for the disk socket, or are told
it is unavailable, or run on disk.
"""

from __future__ import annotations

import logging
import os
import random
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
from service.config import Settings
from service.query import memory, policy
from service.query.job import EngineUnavailableError
from service.query.processes import (
    DISK,
    MEMORY,
    RESTART_DELAY,
    Backoff,
    answer,
    connections,
    listen,
    side_loads,
    side_socket,
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
    def start(cls, store: Path, mode: Mode, memory_sides: int = 1, retire_grace: float = 60.0) -> Engine:
        """Start an engine over the built store folder `store`; it answers on disk.sock a moment later
        (`connect` waits for it), so that the web workers start meanwhile. In memory mode it loads
        `memory_sides` in-memory sides (0: as many as `memory.sides_for` finds room for); a retired side
        waits at most `retire_grace` seconds (the query time limit) for its other queries."""
        folder = Path(tempfile.mkdtemp(prefix="nhskg-engine-"))
        sides = memory.sides_for(store, memory_sides) if mode == "memory" else 0
        command = [sys.executable, "-m", __name__, str(store), str(folder), mode, str(os.getpid())]
        command += [str(sides), str(retire_grace)]
        return cls(folder, command, _spawn(command))

    @classmethod
    def for_settings(cls, store: Path, settings: Settings) -> Engine:
        """The engine the settings ask for: where queries run, how many in-memory sides, and a retired
        side's wait bounded by the query time limit."""
        return cls.start(store, settings.query_store, settings.query_memory_sides, settings.query_timeout)

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
    for path in [folder / DISK, *folder.glob(MEMORY.format("*"))]:
        path.unlink(missing_ok=True)
        path.with_suffix(".binding").unlink(missing_ok=True)


@dataclass
class Channel:
    """One socket connection to the engine, which answers jobs until it closes: in a child of its own
    (disk), or in a thread of the in-memory side that every channel to memory shares (`shared`). Named
    apart from the pages' `Link` (a labelled IRI)."""

    conn: Connection
    pid: int
    mode: Mode
    side: int | None = None  # which in-memory side answers (memory-<side>.sock)

    @property
    def shared(self) -> bool:
        return self.mode == "memory"

    def kill(self) -> None:
        """Stop the process answering: the only way to stop a query inside pyoxigraph. A disk child is
        SIGKILLed; a shared side is retired (memory.py): it ends once the other queries running there
        are done, so they keep their answers. Safe to call twice."""
        self.conn.close()  # first: the retiring side counts this query as abandoned
        try:
            os.kill(self.pid, memory.RETIRE_SIGNAL if self.shared else signal.SIGKILL)
        except ProcessLookupError:
            pass

    def retired(self, folder: Path) -> bool:
        """Whether this channel's side has gone or is going (its socket was taken away)."""
        return self.side is not None and not side_socket(folder, self.side).exists()

    def close(self) -> None:
        """Done with an idle channel: its own child is killed; a shared side's thread ends when it reads
        the end of the connection."""
        if self.shared:
            self.conn.close()
        else:
            self.kill()


def connect(folder: Path, timeout: float) -> Channel:
    """A channel to the engine in `folder`: to its least busy in-memory side that is up and answers, else
    to a new disk child; or EngineUnavailableError. Waits up to `timeout` seconds for an engine that is
    still starting."""
    deadline = time.monotonic() + timeout
    while not (folder / DISK).exists() and time.monotonic() < deadline and folder.is_dir():
        time.sleep(0.02)
    reached = False
    for side in [*least_busy_sides(folder), None]:
        path = folder / DISK if side is None else side_socket(folder, side)
        conn = _open(path)
        reached = reached or conn is not None
        pid = _handshake(conn, deadline) if conn is not None else None
        if conn is not None and pid is not None:
            return Channel(conn, pid, "disk" if side is None else "memory", side)
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
    """Whether any in-memory side answers."""
    return any(folder.glob(MEMORY.format("*")))


def least_busy_sides(folder: Path) -> list[int]:
    """The sides that answer, the least busy first (ties in random order, so clients spread)."""
    loads = side_loads(folder)
    # A generator of its own, not the random module's shared one: this runs in the web process's threads,
    # and a draw from the shared generator there would change the state other code (a test's) relies on.
    ties = random.Random()  # noqa: S311 - not security
    return sorted(loads, key=lambda side: (loads[side], ties.random()))


# --- inside the engine ----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    store, folder, parent = Path(argv[0]), Path(argv[1]), int(argv[3])
    sides, retire_grace = int(argv[4]), float(argv[5])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    policy.check_query("SELECT * FROM <x:y> {}", ())  # load the parser once, before any fork
    disk = listen(folder / DISK)
    tick = None
    if sides:
        tick = memory.MemorySides(store, folder, disk, sides, retire_grace).tick
        tick()  # the first side is forked before the first disk child
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

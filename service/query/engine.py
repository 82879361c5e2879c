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
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from service.build import builder
from service.query import policy
from service.query.job import EngineUnavailableError, send_answer
from service.store import OxigraphStore, Store, StoreUnavailableError

log = logging.getLogger(__name__)
DISK = "disk.sock"
MEMORY = "memory.sock"
Mode = Literal["memory", "disk"]
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
    disk = _listen(folder / DISK)
    memory = MemorySide(store, folder, disk) if mode == "memory" else None
    if memory is not None:
        memory.start()
    tick = memory.restart_if_gone if memory is not None else None
    _accept(disk, lambda: OxigraphStore.open_read_only(store / builder.DB), parent, tick=tick)
    shutil.rmtree(folder, ignore_errors=True)  # the server has gone without stopping us
    return 0


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
        if self.pid and self.serving is None and memory_ready(self.folder):
            self.serving = time.monotonic()
        if self.pid and not _alive(self.pid):
            self._gone()
        if self.due is not None and time.monotonic() >= self.due:
            self.start()

    def _gone(self) -> None:
        self.pid = 0
        if not memory_ready(self.folder):
            log.warning("query engine: the in-memory side ended before it served; queries stay on disk")
            return
        (self.folder / MEMORY).unlink(missing_ok=True)  # clients go to disk until the new one is up
        served = time.monotonic() - self.serving if self.serving is not None else 0.0
        delay = self.backoff.after(served)
        self.due = time.monotonic() + delay
        log.warning("query engine: the in-memory side has gone; loading it again in %.0f s", delay)


def _alive(pid: int) -> bool:
    """Whether our child `pid` is running (SIGCHLD is ignored, so a dead child is reaped at once)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _memory_side(store: Path, folder: Path, parent: int) -> None:
    """Load the dump, then answer on memory.sock, a thread per connection; never returns."""
    started = time.perf_counter()
    try:
        memory = OxigraphStore.from_dump(store / builder.QUADS)
    except StoreUnavailableError as exc:
        log.error("queries stay on disk: %s", exc)
        os._exit(1)
    try:
        listener = _listen(folder / MEMORY)
    except OSError:  # the engine stopped while we were loading, and took its folder with it
        os._exit(0)
    log.info("query engine: %s loaded into memory in %.1f s", store.name, time.perf_counter() - started)
    for sock in _connections(listener, parent):
        threading.Thread(target=_answer, args=(sock, memory), name="nhskg-query", daemon=True).start()
    os._exit(0)


def _listen(path: Path) -> socket.socket:
    """A listening socket that appears at `path` only once it accepts (bound aside, then renamed)."""
    aside = path.with_suffix(".binding")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(aside))
    listener.listen(64)
    aside.rename(path)
    return listener


def _accept(
    listener: socket.socket,
    store: Callable[[], Store],
    parent: int,
    tick: Callable[[], None] | None = None,
) -> None:
    """Fork a child for each connection, which opens `store()` and answers it, until the parent has gone;
    `tick` is called at least every POLL_SECONDS."""
    for sock in _connections(listener, parent, tick):
        if os.fork() == 0:
            listener.close()
            _child(sock, store)
        sock.close()


def _connections(
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


def _answer(sock: socket.socket, store: Store) -> None:
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


def _child(sock: socket.socket, store: Callable[[], Store]) -> None:
    """A forked child: open the store, answer the connection, then exit (never returns into the accept
    loop)."""
    code = 0
    try:
        opened = store()
        _answer(sock, opened)
    except Exception:  # noqa: BLE001 - reported, and the child goes
        log.exception("a query worker failed")
        code = 1
    finally:
        os._exit(code)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(levelname)s %(message)s")
    sys.exit(main(sys.argv[1:]))

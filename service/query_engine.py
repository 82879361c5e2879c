"""The query engine: the processes that run user queries, one per query slot, killed when they overrun.

pyoxigraph has no timeout, so a thread cannot stop a runaway query: each query runs in a process of its
own that can be SIGKILLed. The engine is started once per server (by `nhskg serve`, before gunicorn's
workers) as `python -m service.query_engine STORE FOLDER MODE PARENT` and answers on Unix sockets in
FOLDER; each connection gets a freshly forked child that answers that connection's jobs until it closes:

- `disk.sock` at once: the child opens the built store (RocksDB) read-only;
- `memory.sock` a few seconds later (MODE "memory"): a second process loads the build's N-Quads dump
  into an in-memory store and then listens; its children are forked from it, so they share that one copy
  (copy-on-write: the store is only read). Queries run 2-7 times faster there than on RocksDB.

A client (the governor) connects to the memory socket once it exists, else to the disk one, and reads
("ready", pid): the pid it kills on timeout. Every engine process ignores SIGINT (a terminal's Ctrl-C
goes to the server, which stops them) and exits when its parent has gone.
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
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from service import build, query_policy
from service.query_jobs import QueryError, send_answer
from service.store import OxigraphStore, Store, StoreUnavailableError

log = logging.getLogger(__name__)
DISK = "disk.sock"
MEMORY = "memory.sock"
Mode = Literal["memory", "disk"]
POLL_SECONDS = 1.0  # how often an idle engine process checks that its parent is alive


@dataclass
class Engine:
    """A running engine: its socket folder and its first process."""

    folder: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, store: Path, mode: Mode, private_mb: int = 0) -> Engine:
        """Start an engine over the built store folder `store`; it answers on disk.sock a moment later
        (`connect` waits for it), so that the web workers start meanwhile. `private_mb`: see Retirement."""
        folder = Path(tempfile.mkdtemp(prefix="nhskg-engine-"))
        command = [
            sys.executable,
            "-m",
            __name__,
            str(store),
            str(folder),
            mode,
            str(os.getpid()),
            str(private_mb),
        ]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603 - our own module
        log.info("query engine %d starting over %s (%s)", process.pid, store.name, mode)
        return cls(folder, process)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Link:
    """A connection to one engine child, which answers jobs until the connection closes."""

    conn: Connection
    pid: int
    mode: Mode

    def kill(self) -> None:
        """SIGKILL: the only way to stop a query inside pyoxigraph. Safe to call twice."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.conn.close()


def connect(folder: Path, timeout: float) -> Link:
    """A new child of the engine in `folder` (in memory when that side is up), or a 503 QueryError;
    waits up to `timeout` seconds for an engine that is still starting."""
    deadline = time.monotonic() + timeout
    while not (folder / DISK).exists() and time.monotonic() < deadline and folder.is_dir():
        time.sleep(0.02)
    conn, mode = _open(folder)
    if conn is None:
        raise QueryError(503, "the query engine is not running; try again shortly")
    try:
        if not conn.poll(max(0.0, deadline - time.monotonic())):
            raise EOFError
        _, pid = conn.recv()
    except (EOFError, OSError, ValueError) as exc:
        conn.close()
        raise QueryError(503, "a query worker could not start; try again shortly") from exc
    return Link(conn, int(pid), mode)


def _open(folder: Path) -> tuple[Connection | None, Mode]:
    """A connection to the memory side if it is up, else (or if it has died) to the disk side."""
    sides: list[tuple[str, Mode]] = [(MEMORY, "memory")] if memory_ready(folder) else []
    for name, mode in [*sides, (DISK, "disk")]:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(folder / name))
        except OSError:
            sock.close()
            continue
        return Connection(sock.detach()), mode
    return None, "disk"


def memory_ready(folder: Path) -> bool:
    return (folder / MEMORY).exists()


# --- inside the engine ----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    store, folder, mode, parent, private_mb = (
        Path(argv[0]),
        Path(argv[1]),
        argv[2],
        int(argv[3]),
        int(argv[4]),
    )
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    query_policy.check_query("SELECT * FROM <x:y> {}", ())  # load the parser once, before any fork
    disk = _listen(folder / DISK)
    if mode == "memory" and os.fork() == 0:
        disk.close()
        _memory_side(store, folder, os.getppid(), private_mb)
    _accept(disk, lambda: OxigraphStore.open_read_only(store / build.DB), parent)
    shutil.rmtree(folder, ignore_errors=True)  # the server has gone without stopping us
    return 0


def _memory_side(store: Path, folder: Path, parent: int, private_mb: int) -> None:
    """Load the dump, then listen on memory.sock; never returns."""
    started = time.perf_counter()
    try:
        memory = OxigraphStore.from_dump(store / build.QUADS)
    except StoreUnavailableError as exc:
        log.error("queries stay on disk: %s", exc)
        os._exit(1)
    try:
        listener = _listen(folder / MEMORY)
    except OSError:  # the engine stopped while we were loading, and took its folder with it
        os._exit(0)
    log.info("query engine: %s loaded into memory in %.1f s", store.name, time.perf_counter() - started)
    _accept(listener, lambda: memory, parent, private_mb)
    os._exit(0)


def _listen(path: Path) -> socket.socket:
    """A listening socket that appears at `path` only once it accepts (bound aside, then renamed)."""
    aside = path.with_suffix(".binding")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(aside))
    listener.listen(64)
    aside.rename(path)
    return listener


def _accept(listener: socket.socket, store: Callable[[], Store], parent: int, private_mb: int = 0) -> None:
    """Fork a child for each connection (see Retirement for `private_mb`), until the parent has gone."""
    while os.getppid() == parent:
        if not select.select([listener], [], [], POLL_SECONDS)[0]:
            continue
        try:
            sock, _ = listener.accept()
        except OSError:
            continue
        if os.fork() == 0:
            listener.close()
            _child(sock, store, Retirement(private_mb))
        sock.close()


class Retirement:
    """When a child of the in-memory side should go. Reading the shared store writes to its pages
    (reference counts, locks), so each page a query touches becomes the child's own copy: one scan of
    the labels or the organisations makes 200-250 MB of the 410 MB store private, a point query about
    4 MB. A child whose private memory has passed `limit_mb` goes after its answer; it is checked after
    every long job (the scans) and every CHECK_EVERY jobs, as reading /proc/self/smaps_rollup costs
    6-8 ms. Its replacement is a fork (a few ms), whose first scan pays for copying the pages again.
    A limit of 0 keeps every child (the disk side's never grow)."""

    LONG_JOB_SECONDS = 0.05
    CHECK_EVERY = 200

    def __init__(self, limit_mb: int) -> None:
        self.limit_mb = limit_mb
        self.jobs = 0
        self.going = False
        self._started = 0.0

    def start(self) -> None:
        self._started = time.monotonic()

    def due(self) -> bool:
        """Asked as a job's answer ends: whether this is the child's last."""
        self.jobs += 1
        if self.limit_mb:
            long_job = time.monotonic() - self._started >= self.LONG_JOB_SECONDS
            if long_job or self.jobs % self.CHECK_EVERY == 0:
                self.going = private_dirty_mb() > self.limit_mb
        return self.going


def private_dirty_mb() -> float:
    """This process's private dirty memory (pages it wrote, its own copies of shared ones)."""
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child(sock: socket.socket, store: Callable[[], Store], retirement: Retirement) -> None:
    """Answer the connection's jobs until it closes or `retirement` says so, then exit (never returns
    into the accept loop)."""
    code = 0
    try:
        conn = Connection(sock.detach())
        opened = store()
        conn.send(("ready", os.getpid()))
        while not retirement.going:
            try:
                job = conn.recv()
            except EOFError:
                break
            retirement.start()
            send_answer(conn, opened, job, retirement.due)
    except Exception:  # noqa: BLE001 - reported, and the child goes
        log.exception("a query worker failed")
        code = 1
    finally:
        os._exit(code)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(levelname)s %(message)s")
    sys.exit(main(sys.argv[1:]))

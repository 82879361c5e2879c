"""The query governor: each user query runs in a query-engine child that is killed when it overruns.

A web process keeps up to `slots` connections to engine children (service.query.engine); a query takes
an idle one (or connects a new one), sends its job, and streams the events back; a child still busy at
the deadline is SIGKILLed and replaced. Beyond `slots` running queries, a query waits `queue_seconds` for
a free one, then is refused (BusyError), so page requests always find a thread. Idle children forked before
the engine's in-memory side was ready are replaced by in-memory ones as soon as it is.

An app made with an in-memory store (tests) cannot hand it to another process: `Governor.in_process`
then runs queries in the request thread with the row cap and the concurrency limit but NO timeout. That
mode is chosen explicitly by the caller and logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from service.query import engine as query_engine
from service.query.engine import Channel
from service.query.job import (
    BadQueryError,
    BusyError,
    Done,
    Event,
    Head,
    QueryError,
    QueryJob,
    QueryTimeoutError,
    WorkerGoneError,
    execute,
    from_wire,
)
from service.store import Store

log = logging.getLogger(__name__)
START_TIMEOUT = 60.0
MEMORY_WAIT_SECONDS = 300.0  # how long a governor watches for the engine's in-memory side


class _Worker:
    """One connection to an engine child."""

    def __init__(self, folder: Path) -> None:
        self.channel: Channel = query_engine.connect(folder, START_TIMEOUT)

    def close(self) -> None:
        """Done with this worker (see Channel.close: a shared in-memory side is never killed for this)."""
        self.channel.close()

    def abandon(self, deadline: float) -> None:
        """Done with a worker still answering (its client went away). Its own child is killed; a thread
        of the shared in-memory side is left to finish, its answer read and dropped in the background,
        and the side killed only if the job is still running at its deadline."""
        if not self.channel.shared:
            self.channel.kill()
            return
        threading.Thread(target=self._drain, args=(deadline,), name="nhskg-drain", daemon=True).start()

    def _drain(self, deadline: float) -> None:
        try:
            while self.channel.conn.poll(max(0.0, deadline - time.monotonic())):
                if isinstance(from_wire(self.channel.conn.recv()), Done):
                    break
            else:
                log.warning("an abandoned query ran past its deadline; stopping the in-memory side")
                self.channel.kill()
        except (EOFError, OSError, QueryError):
            pass  # the answer ended in an error, or the side has gone
        self.channel.conn.close()

    def stale(self, folder: Path) -> bool:
        """Gone (its connection reads EOF), or on disk while the in-memory side is ready."""
        try:
            gone = self.channel.conn.poll(0)
        except OSError:
            gone = True
        return gone or (self.channel.mode == "disk" and query_engine.memory_ready(folder))

    def send(self, job: QueryJob) -> None:
        try:
            self.channel.conn.send(job)
        except OSError as exc:
            raise WorkerGoneError() from exc

    def next_event(self, deadline: float, timeout: float) -> Event:
        """The worker's next event, or QueryTimeoutError (having killed it) when the deadline passes first."""
        try:
            ready = self.channel.conn.poll(max(0.0, deadline - time.monotonic()))
            if not ready:
                self.channel.kill()
                raise QueryTimeoutError.after(timeout)
            message = self.channel.conn.recv()
        except (EOFError, OSError) as exc:
            self.close()
            raise WorkerGoneError() from exc
        return from_wire(message)


class Answer:
    """A query's Head and its body in chunks; `close()` (called by the WSGI server) frees the slot."""

    def __init__(self, head: Head, rest: Iterator[Event], finish: Callable[[bool], None]) -> None:
        self.head = head
        self.done: Done | None = None
        self._rest = rest
        self._finish = finish
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        for event in self._rest:
            if isinstance(event, bytes):
                yield event
            elif isinstance(event, Done):
                self.done = event
        self.close()  # free the slot at once, without waiting for the WSGI server's close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._finish(self.done is not None)


class Governor:
    """Runs user queries under the limits: `run(job)` gives an Answer or raises QueryError."""

    def __init__(
        self,
        slots: int,
        timeout: float,
        store: Store | None,
        engine: Path | None,
        queue_seconds: float = 2.0,
    ) -> None:
        self.slots = slots
        self.queue_seconds = queue_seconds
        self.timeout = timeout
        self._store = store
        self._engine = engine
        self._free = threading.BoundedSemaphore(slots)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    @classmethod
    def with_engine(cls, folder: Path, slots: int, timeout: float, queue_seconds: float = 2.0) -> Governor:
        """Queries run in the children of the query engine answering in `folder`."""
        return cls(slots, timeout, None, folder, queue_seconds)

    @classmethod
    def in_process(cls, store: Store, slots: int, queue_seconds: float = 2.0) -> Governor:
        log.warning("queries run in-process with the row cap only: no timeout is enforced")
        return cls(slots, 0.0, store, None, queue_seconds)

    @property
    def isolated(self) -> bool:
        return self._engine is not None

    def run(self, job: QueryJob) -> Answer:
        if not self._free.acquire(timeout=self.queue_seconds):
            raise BusyError()
        try:
            return self._run_isolated(job) if self.isolated else self._run_inline(job)
        except BaseException:
            self._free.release()
            raise

    def _run_inline(self, job: QueryJob) -> Answer:
        assert self._store is not None  # noqa: S101 - guaranteed by the constructors
        events = execute(self._store, job)
        head = next(events)
        assert isinstance(head, Head)  # noqa: S101 - execute's contract
        return Answer(head, events, lambda _: self._free.release())

    def _run_isolated(self, job: QueryJob) -> Answer:
        worker, head, deadline = self._start(job)
        assert isinstance(head, Head)  # noqa: S101 - the worker's protocol

        def rest() -> Iterator[Event]:
            while True:
                event = worker.next_event(deadline, self.timeout)
                yield event
                if isinstance(event, Done):
                    return

        def finish(completed: bool) -> None:
            if completed:
                self._give_back(worker, healthy=True)
            else:
                worker.abandon(deadline)
                self._respawn()
            self._free.release()

        return Answer(head, rest(), finish)

    def _start(self, job: QueryJob) -> tuple[_Worker, Event, float]:
        """A worker that has begun to answer `job`, its first event, and the job's deadline. A worker that
        dies before it answers (its engine was killed, say) is replaced and the job sent once more: a
        query only reads, so running it again is safe."""
        try:
            return self._try(job)
        except WorkerGoneError:
            return self._try(job)

    def _try(self, job: QueryJob) -> tuple[_Worker, Event, float]:
        worker = self._take()
        deadline = time.monotonic() + self.timeout
        try:
            worker.send(job)
            return worker, worker.next_event(deadline, self.timeout), deadline
        except QueryError as exc:
            self._give_back(worker, healthy=isinstance(exc, BadQueryError))
            raise

    def _take(self) -> _Worker:
        assert self._engine is not None  # noqa: S101
        while True:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                return _Worker(self._engine)
            if not worker.stale(self._engine):
                return worker
            worker.close()

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        """An idle worker goes back to the pool; one that failed is closed and replaced."""
        if healthy:
            with self._lock:
                if len(self._idle) < self.slots:
                    self._idle.append(worker)
                    return
        worker.close()
        if not healthy:
            self._respawn()

    def _respawn(self) -> None:
        threading.Thread(target=self._spare, daemon=True, name="nhskg-respawn").start()

    def _spare(self) -> None:
        try:
            self._give_back(_Worker(self._engine), healthy=True) if self._engine else None
        except QueryError:
            log.warning("could not start a spare query worker")

    def warm_up(self) -> None:
        """Connect every worker ahead of the first query, in the background, and again once the engine's
        in-memory side is ready, so that the pool's size and memory are settled from the start."""
        if self.isolated:
            threading.Thread(target=self._fill, daemon=True, name="nhskg-warm-up").start()

    def _fill(self) -> None:
        assert self._engine is not None  # noqa: S101
        for _ in range(self.slots):
            self._spare()
        deadline = time.monotonic() + MEMORY_WAIT_SECONDS
        while not query_engine.memory_ready(self._engine) and time.monotonic() < deadline:
            time.sleep(0.25)
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            if worker.stale(self._engine):
                worker.close()
            else:
                self._give_back(worker, healthy=True)
        with self._lock:
            missing = self.slots - len(self._idle)
        for _ in range(missing):
            self._spare()

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()

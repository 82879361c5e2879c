"""What runs a user's query: one interface (QueryRunner), and the governor that production uses.

`Governor` runs each query in a query-engine child that is killed when it overruns. A web process keeps
up to `slots` connections to engine children (service.query.engine); a query takes an idle one (or
connects a new one), sends its job, and streams the events back; a child still busy at the deadline is
SIGKILLed and replaced. Beyond `slots` running queries, a query waits `queue_seconds` for a free one,
then is refused (BusyError), so page requests always find a thread. Idle children forked before the
engine's in-memory side was ready are replaced by in-memory ones as soon as it is.

`InProcessRunner` is for an app made with a store in hand and no build folder (a few page tests): no
engine can open such a store, so queries run in the request thread with the row cap and the slots but
NO timeout, and it says so in the log when it is made. It does not fake one: a thread cannot be stopped,
so a 503 at the deadline would claim a query "was stopped" while it went on using a core.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

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
from service.query.processes import side_loads
from service.store import Store

log = logging.getLogger(__name__)
START_TIMEOUT = 60.0
MEMORY_WAIT_SECONDS = 300.0  # how long a governor watches for the engine's in-memory side


class _Worker:
    """One connection to an engine child; `clock` is the governor's."""

    def __init__(self, folder: Path, clock: Callable[[], float]) -> None:
        self.channel: Channel = query_engine.connect(folder, START_TIMEOUT)
        self.clock = clock

    def close(self) -> None:
        """Done with this worker (see Channel.close: a shared in-memory side is never killed for this)."""
        self.channel.close()

    def abandon(self, deadline: float) -> None:
        """Done with a worker still answering (its client went away). Its own child is killed; a thread
        of a shared in-memory side is left to finish, its answer read and dropped in the background,
        and the side stopped (retired: see memory.py) only if the job is still running at its deadline."""
        if not self.channel.shared:
            self.channel.kill()
            return
        threading.Thread(target=self._drain, args=(deadline,), name="nhskg-drain", daemon=True).start()

    def _drain(self, deadline: float) -> None:
        try:
            # The deadline is checked on every turn, not only through poll's wait: past it, poll(0) is
            # still true whenever data waits, as it would for a side that sends faster than we read.
            while self.clock() < deadline and self.channel.conn.poll(max(0.0, deadline - self.clock())):
                if isinstance(from_wire(self.channel.conn.recv()), Done):
                    break
            else:
                log.warning("an abandoned query ran past its deadline; stopping the in-memory side")
                self.channel.kill()
        except (EOFError, OSError, QueryError):
            pass  # the answer ended in an error, or the side has gone
        self.channel.conn.close()

    def stale(self, folder: Path) -> bool:
        """Gone (its connection reads EOF), on a side that is retiring, or on disk while an in-memory
        side is ready."""
        try:
            gone = self.channel.conn.poll(0)
        except OSError:
            gone = True
        on_disk = self.channel.mode == "disk" and query_engine.memory_ready(folder)
        return gone or on_disk or self.channel.retired(folder)

    def send(self, job: QueryJob) -> None:
        try:
            self.channel.conn.send(job)
        except OSError as exc:
            raise WorkerGoneError() from exc

    def next_event(self, deadline: float, timeout: float) -> Event:
        """The worker's next event, or QueryTimeoutError (having killed it) when the deadline passes first."""
        try:
            ready = self.channel.conn.poll(max(0.0, deadline - self.clock()))
            if not ready:
                self.channel.kill()
                raise QueryTimeoutError.after(timeout)
            message = self.channel.conn.recv()
        except (EOFError, OSError) as exc:
            self.close()
            raise WorkerGoneError() from exc
        return from_wire(message)


class Answer:
    """A query's Head and its body in chunks. `close()` frees the slot: it is called once the body has
    run out, and by whoever serves the answer when its response closes (service/web/answers.py)."""

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


class QueryRunner(Protocol):
    """What runs user queries under the limits (row cap, slots and, when `isolated`, the time limit)."""

    @property
    def isolated(self) -> bool:
        """Whether a query that overruns its time limit is stopped (it runs in a process of its own)."""

    def run(self, job: QueryJob) -> Answer:
        """The job's Answer once its Head is known; or a QueryError that says what went wrong."""

    def warm_up(self) -> None:
        """Get ready for the first query, in the background."""

    def shutdown(self) -> None:
        """Let go of idle workers."""


class Slots:
    """At most `slots` queries at once; a query waits `queue_seconds` for a slot, then BusyError."""

    def __init__(self, slots: int, queue_seconds: float) -> None:
        self._queue_seconds = queue_seconds
        self._free = threading.BoundedSemaphore(slots)

    def take(self) -> None:
        if not self._free.acquire(timeout=self._queue_seconds):
            raise BusyError()

    def give_back(self) -> None:
        self._free.release()


class InProcessRunner:
    """Queries in the calling thread over a store in hand: the row cap and the slots, no time limit (see
    the module's docstring)."""

    isolated = False

    def __init__(self, store: Store, slots: int, queue_seconds: float = 2.0) -> None:
        log.warning("queries run in-process with the row cap only: no timeout is enforced")
        self._store = store
        self._slots = Slots(slots, queue_seconds)

    def run(self, job: QueryJob) -> Answer:
        self._slots.take()
        try:
            events = execute(self._store, job)
            head = next(events)
        except BaseException:
            self._slots.give_back()
            raise
        assert isinstance(head, Head)  # noqa: S101 - execute's contract
        return Answer(head, events, lambda _: self._slots.give_back())

    def warm_up(self) -> None:
        """Nothing to start."""

    def shutdown(self) -> None:
        """Nothing held."""


class Governor:
    """Runs user queries in the children of the query engine answering in `folder`, each stopped at
    `timeout` seconds; `clock` is its time (tests move it on to reach a deadline without waiting)."""

    isolated = True

    def __init__(
        self,
        folder: Path,
        slots: int,
        timeout: float,
        queue_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.slots = slots
        self.timeout = timeout
        self._engine = folder
        self._slots = Slots(slots, queue_seconds)
        self._clock = clock
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def run(self, job: QueryJob) -> Answer:
        self._slots.take()
        try:
            return self._run_isolated(job)
        except BaseException:
            self._slots.give_back()
            raise

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
            self._slots.give_back()

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
        deadline = self._clock() + self.timeout
        try:
            worker.send(job)
            return worker, worker.next_event(deadline, self.timeout), deadline
        except QueryError as exc:
            self._give_back(worker, healthy=isinstance(exc, BadQueryError))
            raise

    def _take(self) -> _Worker:
        while True:
            with self._lock:
                worker = self._pop_idle()
            if worker is None:
                return _Worker(self._engine, self._clock)
            if not worker.stale(self._engine):
                return worker
            worker.close()

    def _pop_idle(self) -> _Worker | None:
        """The idle worker on the least busy in-memory side; None (connect a new one) when every idle
        worker's side is busier than the least busy side."""
        if not self._idle:
            return None
        loads = side_loads(self._engine)
        if not loads:
            return self._idle.pop()
        load = {id(w): loads.get(w.channel.side, 0) if w.channel.side is not None else 0 for w in self._idle}
        best = min(self._idle, key=lambda w: load[id(w)])
        if load[id(best)] > min(loads.values()):
            return None
        self._idle.remove(best)
        return best

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
            self._give_back(_Worker(self._engine, self._clock), healthy=True)
        except QueryError:
            log.warning("could not start a spare query worker")

    def warm_up(self) -> None:
        """Connect every worker ahead of the first query, in the background, and again once the engine's
        in-memory side is ready, so that the pool's size and memory are settled from the start."""
        threading.Thread(target=self._fill, daemon=True, name="nhskg-warm-up").start()

    def _fill(self) -> None:
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

"""The query governor: user queries run in worker processes that are killed when they overrun.

pyoxigraph has no timeout, so a thread cannot stop a runaway query. Each web process keeps a small pool
of child processes (multiprocessing, 'spawn' context) that open the built store read-only; a query runs
in one child, its answer comes back serialised in chunks (so it streams), and a child still busy at the
deadline is SIGKILLed and replaced. The pool size is the web process's share of `max_concurrent_queries`;
beyond it a query is refused at once (503), so page requests always find a thread.

An app made with an in-memory store (tests) cannot hand it to another process: `Governor.in_process`
then runs queries in the request thread with the row cap and the concurrency limit but NO timeout. That
mode is chosen explicitly by the caller and logged.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from service import iris, query_policy
from service.result_writers import Capped, write_boolean, write_solutions, write_triples
from service.store import OxigraphStore, QuerySyntaxError, Row, Store, StoreUnavailableError, Triple

log = logging.getLogger(__name__)
SEND_BYTES = 64 * 1024
START_TIMEOUT = 60.0


class QueryError(Exception):
    """A query that cannot be answered; `status` is the HTTP status it deserves, `outcome` the query log's
    word for it (syntax, rejected, timeout, busy, error)."""

    def __init__(self, status: int, message: str, outcome: str = "error") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.outcome = outcome


class BusyError(QueryError):
    def __init__(self) -> None:
        super().__init__(503, "too many queries are running; try again in a few seconds", "busy")


class QueryTimeoutError(QueryError):
    def __init__(self, seconds: float) -> None:
        super().__init__(503, f"the query ran longer than the {seconds:g} s limit and was stopped", "timeout")


@dataclass(frozen=True, slots=True)
class QueryJob:
    """Everything a worker needs to run one query (it crosses a process boundary: plain data only)."""

    sparql: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    solution_format: str | None = "json"
    graph_format: str | None = "turtle"
    max_rows: int = 100_000
    service_allowlist: tuple[str, ...] = ()
    base_iri: str | None = None


@dataclass(frozen=True, slots=True)
class Head:
    kind: Literal["select", "ask", "graph"]
    format: str


@dataclass(frozen=True, slots=True)
class Done:
    rows: int
    truncated: bool


Event = Head | bytes | Done


def execute(store: Store, job: QueryJob) -> Iterator[Event]:
    """Run one query: a Head, then the body in chunks, then Done; QueryError before the Head."""
    sparql = with_base(job.sparql, job.base_iri)
    try:
        # Checked with the BASE line, so that FROM <relative> names the graph the query itself means.
        dataset = query_policy.resolve_dataset(
            sparql, job.service_allowlist, job.default_graph_uris, job.named_graph_uris
        )
        result = store.query(sparql, default_graphs=dataset.default_graphs, named_graphs=dataset.named_graphs)
    except query_policy.QueryRefusedError as exc:
        raise QueryError(400, str(exc), "rejected") from exc
    except QuerySyntaxError as exc:
        message = f"query syntax error: {syntax_message(str(exc), job.base_iri)}"
        raise QueryError(400, message, "syntax") from exc
    except StoreUnavailableError as exc:
        log.error("the store failed a query: %s", exc)
        raise QueryError(500, "the store could not be read", "error") from exc
    except ValueError as exc:  # a graph name from the protocol that is not an absolute IRI
        raise QueryError(400, f"the query cannot be run: {exc}", "rejected") from exc
    fmt = job.graph_format if result.kind == "graph" else job.solution_format
    if fmt is None:
        raise QueryError(406, f"no acceptable format for a {result.kind.upper()} result", "rejected")
    if result.kind == "ask":
        yield Head("ask", fmt)
        yield write_boolean(fmt, result.boolean)
        yield Done(1, False)
        return
    if result.kind == "select":
        rows: Capped[Row] = Capped(_peeked(result.rows()), job.max_rows)
        yield Head("select", fmt)
        yield from write_solutions(fmt, result.variables, rows)
        yield Done(rows.count, rows.truncated)
    else:
        triples: Capped[Triple] = Capped(_peeked(result.triples()), job.max_rows)
        yield Head("graph", fmt)
        yield from write_triples(fmt, triples, iris.PREFIXES)
        yield Done(triples.count, triples.truncated)


def with_base(sparql: str, base_iri: str | None) -> str:
    """The query with the endpoint's IRI as its base (the Store interface takes no base IRI), on a line of
    its own so that the user's text is untouched; `base_iri` is the server's own setting, never input."""
    return f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql


def syntax_message(message: str, base_iri: str | None) -> str:
    """The parser's message with positions in the user's text (minus the BASE line `with_base` added)."""
    if not base_iri:
        return message
    return re.sub(r"\bat (\d+):(\d+)", lambda m: f"at {int(m.group(1)) - 1}:{m.group(2)}", message, count=1)


def _peeked(items: Iterator[Any]) -> Iterator[Any]:
    """The same items, with the first computed now: most evaluation errors then come before the Head."""
    try:
        first = next(items, None)
    except StoreUnavailableError as exc:
        log.error("the store failed a query: %s", exc)
        raise QueryError(500, "the store could not be read", "error") from exc
    except (TypeError, ValueError) as exc:
        raise QueryError(400, f"the result cannot be written: {exc}", "rejected") from exc
    if first is None:
        return iter(())

    def chain() -> Iterator[Any]:
        yield first
        yield from items

    return chain()


# --- the worker process ---------------------------------------------------------------------------


def _child_main(conn: Connection, store_path: str) -> None:
    """A worker: open the store, then answer jobs until the pipe closes."""
    query_policy.check_query("SELECT * FROM <x:y> {}", ())  # load the parser before the first job
    store = OxigraphStore.open_read_only(Path(store_path))
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        _answer(conn, store, job)


def _answer(conn: Connection, store: Store, job: QueryJob) -> None:
    pending: list[bytes] = []
    size = 0
    try:
        for event in execute(store, job):
            if isinstance(event, bytes):
                pending.append(event)
                size += len(event)
                if size < SEND_BYTES:
                    continue
                event, pending, size = b"".join(pending), [], 0  # noqa: PLW2901
            elif pending:
                conn.send(("data", b"".join(pending)))
                pending, size = [], 0
            conn.send(_message(event))
    except QueryError as exc:
        conn.send(("error", exc.status, exc.message, exc.outcome))
    except Exception:  # noqa: BLE001 - a worker reports, never dies of a bad query
        log.exception("a query failed in the worker")
        conn.send(("error", 500, "the query failed inside the store", "error"))


def _message(event: Event) -> tuple[Any, ...]:
    if isinstance(event, Head):
        return ("head", event.kind, event.format)
    if isinstance(event, Done):
        return ("done", event.rows, event.truncated)
    return ("data", event)


def _event(message: tuple[Any, ...]) -> Event:
    tag = message[0]
    if tag == "head":
        return Head(message[1], message[2])
    if tag == "done":
        return Done(message[1], message[2])
    if tag == "data":
        data: bytes = message[1]
        return data
    raise QueryError(int(message[1]), str(message[2]), str(message[3]))


def _context() -> multiprocessing.context.ForkServerContext:
    """A forkserver: one clean process (no threads, no open store) that imports our modules once and
    forks each query worker from itself, so a new worker is ready in milliseconds instead of the
    second or more that 'spawn' takes to import everything again (which made a restart of a server
    with eight query slots take 14 s on two cores)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["service.governor", "service.query_policy", "service.result_writers"])
    return context


class _Worker:
    def __init__(self, store_path: Path) -> None:
        context = _context()
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(
            target=_child_main, args=(child_conn, str(store_path)), daemon=True, name="nhskg-query"
        )
        self.process.start()
        child_conn.close()
        try:
            if not self.conn.poll(START_TIMEOUT):
                raise EOFError
            self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise QueryError(503, "a query worker could not start; try again shortly") from exc

    def kill(self) -> None:
        """SIGKILL: the only way to stop a query inside pyoxigraph. Safe to call twice."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def next_event(self, deadline: float, timeout: float) -> Event:
        """The worker's next event, or QueryTimeoutError (having killed it) when the deadline passes first."""
        try:
            ready = self.conn.poll(max(0.0, deadline - time.monotonic()))
            if not ready:
                self.kill()
                raise QueryTimeoutError(timeout)
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise QueryError(500, "the query worker stopped unexpectedly") from exc
        return _event(message)


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
        store_path: Path | None,
        queue_seconds: float = 2.0,
    ) -> None:
        self.slots = slots
        self.queue_seconds = queue_seconds
        self.timeout = timeout
        self._store = store
        self._store_path = store_path
        self._free = threading.BoundedSemaphore(slots)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    @classmethod
    def with_processes(
        cls, store_path: Path, slots: int, timeout: float, queue_seconds: float = 2.0
    ) -> Governor:
        return cls(slots, timeout, None, store_path, queue_seconds)

    @classmethod
    def in_process(cls, store: Store, slots: int, queue_seconds: float = 2.0) -> Governor:
        log.warning("queries run in-process with the row cap only: no timeout is enforced")
        return cls(slots, 0.0, store, None, queue_seconds)

    @property
    def isolated(self) -> bool:
        return self._store_path is not None

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
        worker = self._take()
        deadline = time.monotonic() + self.timeout
        try:
            worker.conn.send(job)
            head = worker.next_event(deadline, self.timeout)
        except QueryError as exc:
            self._give_back(
                worker, healthy=worker.process.is_alive() and not isinstance(exc, QueryTimeoutError)
            )
            raise
        assert isinstance(head, Head)  # noqa: S101 - the worker's protocol

        def rest() -> Iterator[Event]:
            while True:
                event = worker.next_event(deadline, self.timeout)
                yield event
                if isinstance(event, Done):
                    return

        def finish(completed: bool) -> None:
            self._give_back(worker, healthy=completed)
            self._free.release()

        return Answer(head, rest(), finish)

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        assert self._store_path is not None  # noqa: S101
        return _Worker(self._store_path)

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        """An idle worker goes back to the pool; one stopped mid-query is killed and replaced."""
        if healthy:
            with self._lock:
                if len(self._idle) < self.slots:
                    self._idle.append(worker)
                    return
        worker.kill()
        if not healthy:
            threading.Thread(target=self._spare, daemon=True, name="nhskg-respawn").start()

    def _spare(self) -> None:
        try:
            self._give_back(_Worker(self._store_path), healthy=True) if self._store_path else None
        except QueryError:
            log.warning("could not start a spare query worker")

    def warm_up(self) -> None:
        """Start every worker ahead of the first query, in the background (forks from the forkserver
        are cheap), so that the pool's size and memory are settled from the start; a killed one is
        replaced at once."""
        if self.isolated:
            threading.Thread(target=self._fill, daemon=True, name="nhskg-warm-up").start()

    def _fill(self) -> None:
        for _ in range(self.slots):
            self._spare()

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

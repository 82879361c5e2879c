"""One SPARQL query job, from its text to the events of its answer, and those events on the wire.

`execute` runs a job against a store and yields a Head, the body in chunks and Done (or raises a
QueryError before the Head); `send_answer` sends the same events over a connection as plain tuples, and
`from_wire` turns a received tuple back into an event or error. Jobs and events cross a process boundary:
plain data. Each QueryError's class says what went wrong; which HTTP status that deserves is decided at
the web edge (service/web/sparql.py), not here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

from service import iris
from service.query import policy as query_policy
from service.query.sparql_text import readable_syntax_error, select_star_order
from service.query.writers import Capped, graph_note, write_boolean, write_solutions, write_triples
from service.store import QueryResult, QuerySyntaxError, Store, StoreUnavailableError
from service.terms import Row, Triple

log = logging.getLogger(__name__)
SEND_BYTES = 64 * 1024


class QueryError(Exception):
    """A query that cannot be answered. The class says what went wrong (the web edge alone turns that
    into an HTTP status); `outcome` is the query log's word for it."""

    outcome = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadQueryError(QueryError):
    """The query itself is at fault; the worker that found it out is fine and answers the next."""

    outcome = "rejected"


class MalformedQueryError(BadQueryError):
    """The text is not SPARQL (the parser's message, with its position)."""

    outcome = "syntax"


class RefusedQueryError(BadQueryError):
    """Valid SPARQL that this endpoint will not run (SERVICE, a graph name that is not an IRI), or a
    result that cannot be written in the format asked for."""


class UnacceptableFormatError(BadQueryError):
    """None of the formats the client accepts can carry this kind of result."""


class BusyError(QueryError):
    """Every query slot stayed taken for the whole wait."""

    outcome = "busy"

    def __init__(self, message: str = "too many queries are running; try again in a few seconds") -> None:
        super().__init__(message)


class QueryTimeoutError(QueryError):
    """The query ran past its time limit, and its process was stopped."""

    outcome = "timeout"

    @classmethod
    def after(cls, seconds: float) -> QueryTimeoutError:
        return cls(f"the query ran longer than the {seconds:g} s limit and was stopped")


class EngineUnavailableError(QueryError):
    """No query process could be reached: the engine is not running, or a worker could not start."""


class WorkerGoneError(EngineUnavailableError):
    """The query process died (killed, or its engine gone) before it answered: worth one more try."""

    def __init__(self, message: str = "the query worker stopped unexpectedly; try again shortly") -> None:
        super().__init__(message)


class InternalQueryError(QueryError):
    """The store failed, or the query failed inside it: not the client's fault."""


# The errors a worker sends back over the wire, by name (plain data crosses the process boundary).
WIRE_ERRORS: dict[str, type[QueryError]] = {
    cls.__name__: cls
    for cls in (MalformedQueryError, RefusedQueryError, UnacceptableFormatError, InternalQueryError)
}


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
    """What kind of answer follows, in which format, and whether the row cap cut it (known before the
    first byte is sent, so that it can be said in the HTTP headers and the format's head)."""

    kind: Literal["select", "ask", "graph"]
    format: str
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Done:
    rows: int
    truncated: bool


Event = Head | bytes | Done


def execute(store: Store, job: QueryJob) -> Iterator[Event]:
    """Run one query: a Head, then the body in chunks, then Done; a QueryError before the Head."""
    sparql = with_base(job.sparql, job.base_iri)
    try:
        # Checked with the BASE line, so that FROM <relative> names the graph the query itself means.
        dataset = query_policy.resolve_dataset(
            sparql, job.service_allowlist, job.default_graph_uris, job.named_graph_uris
        )
        result = store.query(sparql, default_graphs=dataset.default_graphs, named_graphs=dataset.named_graphs)
    except query_policy.QueryRefusedError as exc:
        raise RefusedQueryError(str(exc)) from exc
    except QuerySyntaxError as exc:
        offset = 1 if job.base_iri else 0  # the BASE line with_base put first
        message = f"query syntax error: {readable_syntax_error(str(exc), job.sparql, offset)}"
        raise MalformedQueryError(message) from exc
    except StoreUnavailableError as exc:
        log.error("the store failed a query: %s", exc)
        raise InternalQueryError("the store could not be read") from exc
    except ValueError as exc:  # a graph name from the protocol that is not an absolute IRI
        raise RefusedQueryError(f"the query cannot be run: {exc}") from exc
    fmt = job.graph_format if result.kind == "graph" else job.solution_format
    if fmt is None:
        raise UnacceptableFormatError(f"no acceptable format for a {result.kind.upper()} result")
    if result.kind == "ask":
        yield Head("ask", fmt)
        yield write_boolean(fmt, result.boolean)
        yield Done(1, False)
        return
    if result.kind == "select":
        rows: Capped[Row] = Capped(_peeked(result.rows()), job.max_rows)
        columns = select_star_order(sparql, result.variables)
        chunks = _written(write_solutions(fmt, columns, rows))  # held: see service/query/writers.py
        yield Head("select", fmt, rows.truncated)
        yield from chunks
        yield Done(rows.count, rows.truncated)
    else:
        yield from _graph(result, fmt, job.max_rows)


def _graph(result: QueryResult, fmt: str, max_rows: int) -> Iterator[Event]:
    """A CONSTRUCT/DESCRIBE answer: written by the store when it can, else by our writers; held until
    the cap's verdict is known, like a SELECT's rows."""
    written = result.written_triples(fmt, max_rows, iris.PREFIXES)
    counted: Capped[Triple] | None = None
    if written is not None:
        chunks = _written(iter(written))
        count, truncated = written.count, written.truncated
    else:
        counted = Capped(_peeked(result.triples()), max_rows)
        chunks = _written(write_triples(fmt, counted, iris.PREFIXES))
        count, truncated = counted.count, counted.truncated
    yield Head("graph", fmt, truncated)
    if truncated and graph_note(fmt, max_rows):
        yield graph_note(fmt, max_rows)
    yield from chunks
    yield Done(count, truncated)


def _written(chunks: Iterator[bytes]) -> list[bytes]:
    """Every chunk of an answer, written now (so that the cap's verdict is known); an evaluation error on
    the way is said as the query's error, before the Head."""
    try:
        return list(chunks)
    except StoreUnavailableError as exc:
        log.error("the store failed a query: %s", exc)
        raise InternalQueryError("the store could not be read") from exc
    except (TypeError, ValueError) as exc:
        raise RefusedQueryError(f"the result cannot be written: {exc}") from exc


def with_base(sparql: str, base_iri: str | None) -> str:
    """The query with the endpoint's IRI as its base (the Store interface takes no base IRI), on a line of
    its own so that the user's text is untouched; `base_iri` is the server's own setting, never input."""
    return f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql


def _peeked(items: Iterator[Any]) -> Iterator[Any]:
    """The same items, with the first computed now: most evaluation errors then come before the Head."""
    try:
        first = next(items, None)
    except StoreUnavailableError as exc:
        log.error("the store failed a query: %s", exc)
        raise InternalQueryError("the store could not be read") from exc
    except (TypeError, ValueError) as exc:
        raise RefusedQueryError(f"the result cannot be written: {exc}") from exc
    if first is None:
        return iter(())

    def chain() -> Iterator[Any]:
        yield first
        yield from items

    return chain()


# --- on the wire -----------------------------------------------------------------------------------


def send_answer(conn: Connection, store: Store, job: QueryJob) -> None:
    """Run `job` and send its events over `conn`; a failure of the query is sent as an error, never
    raised. ConnectionError (the client has gone) is raised: nobody is left to tell."""
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
            conn.send(to_wire(event))
    except ConnectionError:
        raise
    except QueryError as exc:
        conn.send(("error", type(exc).__name__, exc.message))
    except Exception:  # noqa: BLE001 - a worker reports, never dies of a bad query
        log.exception("a query failed in the worker")
        conn.send(("error", InternalQueryError.__name__, "the query failed inside the store"))


def to_wire(event: Event) -> tuple[Any, ...]:
    if isinstance(event, Head):
        return ("head", event.kind, event.format, event.truncated)
    if isinstance(event, Done):
        return ("done", event.rows, event.truncated)
    return ("data", event)


def from_wire(message: tuple[Any, ...]) -> Event:
    tag = message[0]
    if tag == "head":
        return Head(message[1], message[2], message[3])
    if tag == "done":
        return Done(message[1], message[2])
    if tag == "data":
        data: bytes = message[1]
        return data
    raise WIRE_ERRORS.get(str(message[1]), InternalQueryError)(str(message[2]))

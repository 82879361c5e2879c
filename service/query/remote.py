"""User queries over a remote store: each forwarded to the backend's server with the query time limit.

The limit goes to the server through its dialect (so that it can stop the query itself), and is kept here
while the answer is read: at the deadline the connection is closed and the client gets QueryTimeoutError,
whether or not the server has stopped. A server that cannot be reached, or fails, is EngineUnavailableError;
an answer the server says is partial is an error too (the store raises StoreTimeoutError), never rows.
The row cap and the slots are the governor's (service/query/runner.py).
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator

from service.query.job import (
    EngineUnavailableError,
    Event,
    Head,
    InternalQueryError,
    QueryError,
    QueryJob,
    QueryTimeoutError,
    execute,
)
from service.query.runner import Answer, Slots
from service.store import RemoteStore, StoreTimeoutError, StoreUnavailableError

log = logging.getLogger(__name__)


class RemoteRunner:
    """Runs user queries on the server behind `store`, each answered whole within `timeout` seconds."""

    isolated = True  # at the deadline the query is given up here, and the server told (by the dialect)

    def __init__(self, store: RemoteStore, slots: int, timeout: float, queue_seconds: float = 2.0) -> None:
        self.timeout = timeout
        self._store = store.limited(timeout)
        self._slots = Slots(slots, queue_seconds)

    def run(self, job: QueryJob) -> Answer:
        self._slots.take()
        events = self._translated(execute(self._store, job))
        try:
            head = next(events)
        except BaseException:
            self._slots.give_back()
            raise
        assert isinstance(head, Head)  # noqa: S101 - execute's contract

        def finish(_: bool) -> None:
            events.close()  # an answer left half-read closes its connection
            self._slots.give_back()

        return Answer(head, events, finish)

    def _translated(self, events: Iterator[Event]) -> Generator[Event, None, None]:
        """The events, with the store's errors said as query errors (before the Head or during the body)."""
        try:
            yield from events
        except (StoreUnavailableError, InternalQueryError) as exc:
            raise self._error(exc) from exc

    def _error(self, exc: QueryError | StoreUnavailableError) -> QueryError:
        cause = exc.__cause__ if isinstance(exc, InternalQueryError) else exc
        if isinstance(cause, StoreTimeoutError):
            return QueryTimeoutError.after(self.timeout)
        if isinstance(cause, StoreUnavailableError):
            log.warning("the SPARQL backend failed a query: %s", cause)
            return EngineUnavailableError("the SPARQL backend is not answering; try again shortly")
        return exc if isinstance(exc, QueryError) else InternalQueryError(str(exc))

    def warm_up(self) -> None:
        """Nothing to start: connections are made as queries need them."""

    def shutdown(self) -> None:
        """Nothing held but the store's pool, which the store closes."""

"""A fresh SPARQL answer as a WSGI response body, closed by werkzeug whatever happens to the response.

Closing it frees the query's slot (an answer the client left half-read is abandoned: see the governor),
counts the query once in the metrics and keeps a whole answer in the result cache.

A query can fail after its Head, while the store still evaluates (its time limit): the worker sends bytes
in batches, so a slow answer may have sent none yet. `start()` waits for the first bytes before the
response is made, so that such a failure still gets its own status (503 for a timeout) instead of a
server's bare 500 in place of the promised 200; a failure after the first bytes is logged here and raised
to the server, which then breaks the connection: the chunked body lacks its last chunk, as a client sees.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from service.query.job import QueryError, QueryJob
from service.query.result_cache import ResultCache
from service.query.runner import Answer
from service.web.observability import Metrics

log = logging.getLogger(__name__)


class AnswerBody:
    """A fresh answer as a response body: the chunks, passed through the result cache's recorder when the
    answer may be kept; `close()` (by werkzeug when the response is closed, or by the body itself once
    it has run out, so that the slot is free at once) frees the query's slot, counts the query once
    and keeps a whole answer."""

    def __init__(
        self, answer: Answer, job: QueryJob, started: float, cache: ResultCache | None, metrics: Metrics
    ) -> None:
        self._answer = answer
        self._job = job
        self._started = started
        self._metrics = metrics
        self._chunks: Iterator[bytes]
        self._keep: Callable[[], None]
        if cache is not None:
            self._chunks, self._keep = cache.recording(job, answer)
        else:
            self._chunks, self._keep = iter(answer), lambda: None
        self._closed = False
        self._first: bytes | None = None
        self._sent = 0

    def start(self) -> None:
        """Wait for the answer's first bytes; a QueryError before them is raised here, the slot freed
        and the query left for the caller to count, as a query that failed before its answer began."""
        try:
            self._first = next(self._chunks, b"")
        except QueryError:
            self._closed = True  # counted by the caller, with its outcome
            self._answer.close()
            raise

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self._first is not None:
                self._sent += len(self._first)
                yield self._first
            for chunk in self._chunks:
                self._sent += len(chunk)
                yield chunk
        except QueryError as exc:
            log.warning(
                "an answer broken off after %d bytes (%s): %s; the connection is closed unfinished",
                self._sent,
                exc.outcome,
                exc.message,
            )
            raise
        self.close()

    def close(self) -> None:
        self._answer.close()
        if self._closed:
            return
        self._closed = True
        done = self._answer.done
        outcome = "ok" if done else "aborted"
        seconds = time.perf_counter() - self._started
        self._metrics.observe_query(self._job.sparql, seconds, done.rows if done else None, outcome)
        self._keep()

"""A fresh SPARQL answer as a WSGI response body, closed by werkzeug whatever happens to the response.

Closing it frees the query's slot (an answer the client left half-read is abandoned: see the governor),
counts the query once in the metrics and keeps a whole answer in the result cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from service.query.job import QueryJob
from service.query.result_cache import ResultCache
from service.query.runner import Answer
from service.web.observability import Metrics


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

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks
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

"""A fresh answer as a response body: closed by werkzeug or by itself, counted once, kept only whole."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from service.query.job import Event, Head, QueryJob, QueryTimeoutError
from service.query.result_cache import ResultCache
from service.query.runner import Answer, InProcessRunner
from service.web.answers import AnswerBody
from service.web.observability import Metrics
from tests.sparql_fixtures import fixture_store

ROWS = "SELECT * WHERE { ?s ?p ?o } LIMIT 5"


def test_a_body_read_to_the_end_frees_its_slot_counts_once_and_is_kept() -> None:
    governor = InProcessRunner(fixture_store(), slots=1, queue_seconds=0)
    metrics, cache, job = Metrics(), ResultCache(1024 * 1024), QueryJob(ROWS)
    body = AnswerBody(governor.run(job), job, time.perf_counter(), cache, metrics)
    data = b"".join(body)
    governor.run(QueryJob("ASK {}")).close()  # the one slot is free before anyone closes the body
    body.close()  # as werkzeug does, afterwards
    body.close()
    assert metrics.queries["ok"] == 1 and metrics.queries["aborted"] == 0
    kept = cache.lookup(job)
    assert kept is not None and kept.body == data and kept.rows == 5


def test_a_body_closed_half_read_frees_its_slot_counts_an_abort_and_keeps_nothing() -> None:
    governor = InProcessRunner(fixture_store(), slots=1, queue_seconds=0)
    metrics, cache, job = Metrics(), ResultCache(1024 * 1024), QueryJob(ROWS)
    body = AnswerBody(governor.run(job), job, time.perf_counter(), cache, metrics)
    assert next(iter(body))
    body.close()  # the client went away
    assert metrics.queries["aborted"] == 1 and metrics.queries["ok"] == 0
    assert cache.lookup(job) is None
    governor.run(QueryJob("ASK {}")).close()  # the slot was freed


# --- a query that fails after its Head (the time limit while the store still evaluates) -------------------


def failing_answer(before: list[bytes], finished: list[bool]) -> Answer:
    """An answer whose events are `before`, then the time limit: what a runner gives for a query stopped
    after its Head (the engine's answers are held whole, a remote backend's stream)."""

    def events() -> Iterator[Event]:
        yield from before
        raise QueryTimeoutError.after(2)

    return Answer(Head("select", "json"), events(), finished.append)


def test_a_failure_before_the_first_byte_is_raised_by_start_and_frees_the_slot() -> None:
    finished: list[bool] = []
    metrics, job = Metrics(), QueryJob(ROWS)
    body = AnswerBody(failing_answer([], finished), job, time.perf_counter(), None, metrics)
    with pytest.raises(QueryTimeoutError):
        body.start()  # the endpoint can still answer its own 503
    assert finished == [False]
    body.close()  # as werkzeug would: counted by the caller, with its outcome, not here
    assert sum(metrics.queries.values()) == 0


def test_a_failure_after_the_first_bytes_is_logged_and_raised_to_the_server(
    caplog: pytest.LogCaptureFixture,
) -> None:
    finished: list[bool] = []
    metrics, job = Metrics(), QueryJob(ROWS)
    body = AnswerBody(failing_answer([b'{"head": '], finished), job, time.perf_counter(), None, metrics)
    body.start()
    chunks = iter(body)
    assert next(chunks) == b'{"head": '
    with caplog.at_level(logging.WARNING, logger="service.web.answers"), pytest.raises(QueryTimeoutError):
        next(chunks)  # the server breaks the connection: the chunked body lacks its last chunk
    assert "broken off after 9 bytes (timeout)" in caplog.text
    body.close()
    assert finished == [False] and metrics.queries["aborted"] == 1

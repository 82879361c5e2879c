"""A fresh answer as a response body: closed by werkzeug or by itself, counted once, kept only whole."""

from __future__ import annotations

import time

from service.query.job import QueryJob
from service.query.result_cache import ResultCache
from service.query.runner import InProcessRunner
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

"""User queries over a remote store (service/query/remote.py), against a real Oxigraph server: the embedded
store's answers, the row cap, the deadline kept while the answer is read, a backend gone, a partial answer."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from service.query.job import EngineUnavailableError, MalformedQueryError, QueryJob, QueryTimeoutError
from service.query.remote import RemoteRunner
from service.query.runner import InProcessRunner
from service.query.writers import TRUNCATED_LINK
from service.store import RemoteStore
from service.store.dialect import PartialAnswerError, StandardDialect
from tests.engines.oxigraph_server import oxigraph_server
from tests.live import stop_group
from tests.remote_fixtures import W3C_GRAPHS, Backend

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MANY_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
ORDERED = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o"


def body(runner: RemoteRunner | InProcessRunner, job: QueryJob) -> bytes:
    answer = runner.run(job)
    try:
        return b"".join(answer)
    finally:
        answer.close()


@pytest.fixture
def runner(backend: Backend) -> Iterator[RemoteRunner]:
    store = RemoteStore(backend.server.query_url, graphs=W3C_GRAPHS)
    yield RemoteRunner(store, slots=2, timeout=10.0)
    store.close()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_an_answer_is_the_embedded_stores_byte_for_byte(
    backend: Backend, runner: RemoteRunner, fmt: str
) -> None:
    job = QueryJob(ORDERED, solution_format=fmt)
    assert body(runner, job) == body(InProcessRunner(backend.embedded, 1), job)


def test_the_row_cap_holds_and_says_so(runner: RemoteRunner) -> None:
    answer = runner.run(QueryJob(ORDERED, max_rows=5))
    data = json.loads(b"".join(answer))
    assert len(data["results"]["bindings"]) == 5 and data["head"]["link"] == [TRUNCATED_LINK]
    assert answer.head.truncated and answer.done is not None and answer.done.truncated


def test_a_bad_query_says_where(runner: RemoteRunner) -> None:
    with pytest.raises(MalformedQueryError, match="at line 1, column "):
        runner.run(QueryJob("SELECT * WHERE {"))


def test_the_slot_comes_back_when_an_answer_is_left_half_read(runner: RemoteRunner) -> None:
    for _ in range(5):  # more than the 2 slots: each must have been given back
        answer = runner.run(QueryJob(MANY_ROWS, max_rows=2000))  # written whole before its head: kept small
        next(iter(answer))
        answer.close()
    assert json.loads(body(runner, QueryJob("ASK { ?s ?p ?o }")))["boolean"] is True


def test_the_deadline_holds_before_and_during_the_answer(backend: Backend, tmp_path: Path) -> None:
    # A server of its own: Oxigraph server goes on computing after its client has gone.
    with oxigraph_server(backend.quads, tmp_path) as server:
        runner = RemoteRunner(RemoteStore(server.query_url), slots=1, timeout=0.5)
        with pytest.raises(QueryTimeoutError, match="0.5 s"):
            runner.run(QueryJob(CROSS_PRODUCT))  # nothing comes before the deadline
        with pytest.raises(QueryTimeoutError):
            body(runner, QueryJob(MANY_ROWS, max_rows=10**9))  # it streams past the deadline
        assert json.loads(body(runner, QueryJob("ASK {}")))["boolean"] is True  # the slot is back


def test_a_backend_gone_is_an_unavailable_engine(backend: Backend, tmp_path: Path) -> None:
    with oxigraph_server(backend.quads, tmp_path) as server:
        runner = RemoteRunner(RemoteStore(server.query_url), slots=1, timeout=5)
        assert body(runner, QueryJob("ASK {}"))
        stop_group(server.process, grace=10)
        with pytest.raises(EngineUnavailableError):
            runner.run(QueryJob("ASK {}"))
        with pytest.raises(EngineUnavailableError):
            runner.run(QueryJob("ASK {}"))  # the slot was given back


class _EveryAnswerPartial(StandardDialect):
    def answer_error(self, status: int, headers: Mapping[str, str]) -> Exception | None:
        return PartialAnswerError("stopped at the server's own limit")


def test_a_partial_answer_is_an_error_never_rows(backend: Backend) -> None:
    store = RemoteStore(backend.server.query_url, _EveryAnswerPartial(), graphs=W3C_GRAPHS)
    runner = RemoteRunner(store, slots=1, timeout=5)
    with pytest.raises(QueryTimeoutError):
        runner.run(QueryJob(ORDERED, default_graph_uris=W3C_GRAPHS))

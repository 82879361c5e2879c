"""The Virtuoso dialect: its parameters and what it reads from an answer, then the same against a real
Virtuoso (Debian's virtuoso-opensource-7-bin, started with the test data's dump by tests/virtuoso_fixtures.py)
over plain HTTP, as the remote store will send them."""

from __future__ import annotations

import io
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from service import iris
from service.store import OxigraphStore
from service.store.dialect import DIALECTS, STANDARD, VIRTUOSO, PartialAnswerError, our_graphs
from tests.engines import virtuoso
from tests.engines.virtuoso import post_query
from tests.virtuoso_fixtures import LoadedVirtuoso

GRAPHS = [iris.graph("ontology"), iris.graph("manchester")]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
# Some 2,000 triples to the power three: minutes of work, far beyond the timeouts below.
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_virtuoso_dialect_names_each_graph_and_sends_its_timeout_in_milliseconds() -> None:
    assert DIALECTS["virtuoso"] is VIRTUOSO
    assert VIRTUOSO.query_params(GRAPHS, timeout=2.5) == [
        *(("default-graph-uri", g) for g in GRAPHS),
        ("timeout", "2500"),
    ]
    assert VIRTUOSO.query_params(GRAPHS, timeout=None) == [("default-graph-uri", g) for g in GRAPHS]


def test_a_tiny_timeout_is_never_sent_as_zero_which_virtuoso_reads_as_no_limit() -> None:
    assert VIRTUOSO.query_params([], timeout=0.0001) == [("timeout", "1")]


@pytest.mark.parametrize("name", ["X-SQL-State", "x-sql-state", "X-Sql-State"])
def test_the_anytime_state_in_any_case_is_a_partial_answer(name: str) -> None:
    error = VIRTUOSO.answer_error(
        200, {name: "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"}
    )
    assert isinstance(error, PartialAnswerError)
    assert "incomplete results" in str(error)


def test_an_answer_at_virtuosos_row_cap_is_partial() -> None:
    error = VIRTUOSO.answer_error(200, {"X-SPARQL-MaxRows": "10000"})
    assert isinstance(error, PartialAnswerError)
    assert "ResultSetMaxRows (10000 rows)" in str(error)


@pytest.mark.parametrize("headers", [{}, {"X-SQL-State": "OK"}, {"Content-Type": "application/json"}])
def test_an_answer_without_the_anytime_state_is_whole(headers: dict[str, str]) -> None:
    assert VIRTUOSO.answer_error(200, headers) is None


def test_virtuosos_own_union_is_never_asked_for_as_it_holds_its_system_graphs() -> None:
    assert VIRTUOSO.union_params() is None


def test_our_graphs_are_those_under_our_graph_namespace() -> None:
    found = ["http://www.openlinksw.com/schemas/virtrdf#", iris.graph("pcts"), iris.graph("inferred")]
    assert our_graphs(found) == [iris.graph("inferred"), iris.graph("pcts")]


# --- against a real Virtuoso ----------------------------------------------------------------------------


def _graphs(virtuoso_server: LoadedVirtuoso) -> list[str]:
    answer = post_query(virtuoso_server.sparql, GRAPH_NAMES)
    return [row["g"]["value"] for row in answer.body["results"]["bindings"]]


def test_virtuosos_own_default_graph_holds_system_graphs_besides_ours(
    virtuoso_server: LoadedVirtuoso,
) -> None:
    found = _graphs(virtuoso_server)
    assert set(our_graphs(found)) == set(virtuoso_server.graphs)
    assert len(found) > len(our_graphs(found)), "Virtuoso keeps graphs of its own"


def test_with_the_dialects_graphs_the_default_graph_is_exactly_the_embedded_stores(
    virtuoso_server: LoadedVirtuoso, embedded_store: OxigraphStore
) -> None:
    params = VIRTUOSO.query_params(our_graphs(_graphs(virtuoso_server)), timeout=30)
    ours = post_query(virtuoso_server.sparql, COUNT, params)
    everything = post_query(virtuoso_server.sparql, COUNT)
    expected = int(embedded_store.select(COUNT)[0]["n"].value)  # type: ignore[union-attr]
    assert int(ours.body["results"]["bindings"][0]["n"]["value"]) == expected
    assert int(everything.body["results"]["bindings"][0]["n"]["value"]) > expected


def test_a_query_beyond_its_timeout_is_never_taken_as_whole(virtuoso_server: LoadedVirtuoso) -> None:
    """Virtuoso's "anytime" answer is a 200 with what it found so far, which the dialect calls partial; on a
    busy machine the limit may strike before any row, and Virtuoso then answers 500 instead (seen in a full
    make test). Either way no whole answer."""
    params = VIRTUOSO.query_params(virtuoso_server.graphs, timeout=0.1)
    try:
        answer = post_query(virtuoso_server.sparql, CROSS_PRODUCT, params)
    except urllib.error.HTTPError as exc:
        with exc:
            assert exc.code == 500, "Virtuoso gave up with an error, which the remote store reports as such"
        return
    assert answer.status == 200, "Virtuoso's anytime answer: a 200 with what it found so far"
    assert isinstance(VIRTUOSO.answer_error(answer.status, answer.headers), PartialAnswerError)


def test_a_query_within_its_timeout_is_whole(virtuoso_server: LoadedVirtuoso) -> None:
    params = VIRTUOSO.query_params(virtuoso_server.graphs, timeout=30)
    answer = post_query(virtuoso_server.sparql, COUNT, params)
    assert answer.status == 200
    assert VIRTUOSO.answer_error(answer.status, answer.headers) is None


CAP = 5


@pytest.fixture(scope="module")
def capped_virtuoso(test_data_dump: Path, virtuoso_server: LoadedVirtuoso) -> Iterator[virtuoso.Virtuoso]:
    """A second Virtuoso over the test data whose ResultSetMaxRows is CAP."""
    with virtuoso.virtuoso(test_data_dump, max_rows=CAP) as server:
        yield server


@pytest.mark.parametrize(("limit", "partial"), [(CAP - 1, False), (CAP + 1, True), (None, True)])
def test_an_answer_cut_at_virtuosos_row_cap_is_partial(
    capped_virtuoso: virtuoso.Virtuoso, virtuoso_server: LoadedVirtuoso, limit: int | None, partial: bool
) -> None:
    query = "SELECT * WHERE { ?s ?p ?o }" + (f" LIMIT {limit}" if limit is not None else "")
    answer = post_query(capped_virtuoso.sparql, query, VIRTUOSO.query_params(virtuoso_server.graphs, 30))
    assert len(answer.body["results"]["bindings"]) == min(limit or CAP, CAP), "Virtuoso cuts silently"
    assert isinstance(VIRTUOSO.answer_error(answer.status, answer.headers), PartialAnswerError) is partial


def _found(answer: virtuoso.Answer) -> set[str]:
    return {b["g"]["value"] for b in answer.body["results"]["bindings"]}


def test_the_dialects_graph_query_finds_our_graphs(virtuoso_server: LoadedVirtuoso) -> None:
    found = _found(post_query(virtuoso_server.sparql, VIRTUOSO.named_graphs_query))
    assert set(our_graphs(found)) == set(virtuoso_server.graphs)


@pytest.mark.xfail(strict=True, reason="Virtuoso 7.2.5 matches `GRAPH ?g { }` in no graph (docs/backends.md)")
def test_an_empty_pattern_in_graph_matches_every_named_graph(virtuoso_server: LoadedVirtuoso) -> None:
    found = _found(post_query(virtuoso_server.sparql, STANDARD.named_graphs_query))
    assert set(virtuoso_server.graphs) <= found


class _Trickle(io.RawIOBase):
    """A body that arrives `size` bytes at a time, as a socket may give it."""

    def __init__(self, data: bytes, size: int) -> None:
        self._data, self._size = io.BytesIO(data), size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(min(self._size, len(buffer)))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("size", [1, 7, 100_000])
def test_virtuosos_blank_node_labels_are_read_as_labels_whatever_the_chunks(size: int) -> None:
    row = b'{ "o": { "type": "bnode", "value": "nodeID://b%d" }, '
    row += b'"l": { "type": "literal", "value": "nodeID://x" }}'
    rows = b",".join(row % i for i in range(300))
    body = b'{ "head": { "vars": ["o", "l"] }, "results": { "bindings": [' + rows + b"] } }"
    media = "application/sparql-results+json"
    stream = io.BufferedReader(_Trickle(body, size), 16)
    answer = ox.parse_query_results(VIRTUOSO.solutions(media, stream), ox.QueryResultsFormat.JSON)
    got = [(row["o"], row["l"]) for row in answer]  # type: ignore[union-attr]
    assert got == [(ox.BlankNode(f"b{i}"), ox.Literal("nodeID://x")) for i in range(300)]

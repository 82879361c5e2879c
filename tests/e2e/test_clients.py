"""The client matrix: real SPARQL clients (tests/sparql_clients.py) against a live server on the real data.

Each client, in each result format it reads, asks the 43 competency questions, a query that the row cap
cuts, and a `SELECT *`; it must get the rows the store itself gives in this process (CSV keeps lexical
forms only, so CSV answers are compared by lexical form), a cut answer must say it was cut wherever the
client can see it, and a whole one must not. Graph answers go through SPARQLWrapper as N-Triples and
Turtle. Jena's remote client needs Debian's libapache-jena-java and a JRE (`make test-deps`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib

from service import config
from service.build import builder as build
from service.store import OxigraphStore
from service.terms import BNode, Literal, Term
from tests.e2e.test_competency import QUESTIONS
from tests.live import LiveServer, live_server
from tests.sparql_clients import (
    CLIENTS,
    JENA_PACKAGE,
    Answer,
    jena_classpath,
    jena_client,
    pyoxigraph_client,
    rdflib_client,
    sparqlwrapper_client,
    sparqlwrapper_graph,
)

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CAP = 100  # rows: above every competency answer (19 at most), far below the labels' 93,890
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CAPPED = f"SELECT ?s ?label WHERE {{ ?s <{RDFS_LABEL}> ?label }} ORDER BY ?s ?label"
STAR = f"SELECT * WHERE {{ ?thing <{RDFS_LABEL}> ?name . ?thing a ?kind }} LIMIT 5"
STAR_COLUMNS = ["thing", "name", "kind"]
ICB = "https://w3id.org/nhs-commissioning/def#IntegratedCareBoard"  # 48 labels: under the cap
CONSTRUCT = f"CONSTRUCT {{ ?s <{RDFS_LABEL}> ?label }} WHERE {{ ?s a <{ICB}> ; <{RDFS_LABEL}> ?label }}"
CONSTRUCT_ALL_LABELS = f"CONSTRUCT {{ ?s <{RDFS_LABEL}> ?label }} WHERE {{ ?s <{RDFS_LABEL}> ?label }}"
CELLS = [(client, fmt) for client, formats in CLIENTS.items() for fmt in formats]
# What a client cannot read, with the reason; each is checked to fail still, so that a fix is noticed.
# SPARQL TSV has no boolean form: we write an ASK answer as Jena's own TSV writer does (`?_askResult`),
# and Jena 4.5's TSV reader refuses it ("Not a boolean result").
ASK_QUESTIONS = {q.number for q in QUESTIONS if re.search(r"^\s*ASK\b", q.query, re.MULTILINE)}
CANNOT_READ = {("jena", "tsv"): ASK_QUESTIONS}
Ask = Callable[[str, str, str], Answer]


@dataclass(frozen=True)
class Served:
    server: LiveServer
    store: OxigraphStore


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real data behind `nhskg serve` with a row cap of CAP, and the same build opened here."""
    env = {
        "NHSKG_ROOT": str(ROOT),
        "NHSKG_CACHE_DIR": os.environ.get("NHSKG_CACHE_DIR", str(ROOT / ".cache")),
        "NHSKG_MAX_RESULT_ROWS": str(CAP),
    }
    log = tmp_path_factory.mktemp("clients") / "server.log"
    with live_server(env, ["--workers", "1"], timeout=600, log=log) as server:
        opened = build.open_built(config.from_env(env))
        yield Served(server, opened.store)


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> Ask:
    work = tmp_path_factory.mktemp("jena")
    classpath = jena_classpath(work)
    if classpath is None:
        pytest.skip(f"Apache Jena's rsparql needs Debian's {JENA_PACKAGE} and java (make test-deps)")
    return jena_client(classpath, work)


def client_for(name: str, request: pytest.FixtureRequest) -> Ask:
    if name == "jena":
        ask: Ask = request.getfixturevalue("jena")
        return ask
    return {"pyoxigraph": pyoxigraph_client, "rdflib": rdflib_client, "sparqlwrapper": sparqlwrapper_client}[
        name
    ]


def from_store(store: OxigraphStore, query: str) -> Answer:
    result = store.query(query)
    if result.kind == "ask":
        return Answer([], [], False, result.boolean)
    columns = result.variables
    return Answer(columns, [tuple(row.get(c) for c in columns) for row in result.rows()], False)


def comparable(term: Term | None, lossy: bool) -> object:
    """A term as compared: blank nodes are all alike (their labels are the writer's); CSV keeps only
    the lexical form."""
    if term is None:
        return "" if lossy else None  # CSV writes an unbound value and an empty string alike
    if isinstance(term, BNode):
        return "_:"
    return term.value if lossy else term


def rows_of(answer: Answer, columns: list[str], lossy: bool) -> list[tuple[object, ...]]:
    """The rows in the order of `columns` (each client's own order of columns is checked apart)."""
    index = [answer.columns.index(c) for c in columns]
    return [tuple(comparable(row[i], lossy) for i in index) for row in answer.rows]


def same(got: Answer, want: Answer, lossy: bool, ordered: bool = False) -> bool:
    if want.boolean is not None:
        return got.boolean == want.boolean
    if sorted(got.columns) != sorted(want.columns):
        return False
    mine, theirs = rows_of(got, want.columns, lossy), rows_of(want, want.columns, lossy)
    return mine == theirs if ordered else sorted(mine, key=repr) == sorted(theirs, key=repr)


@pytest.mark.parametrize(("client", "fmt"), CELLS, ids=[f"{c}-{f}" for c, f in CELLS])
def test_every_competency_question(
    served: Served, client: str, fmt: str, request: pytest.FixtureRequest
) -> None:
    ask = client_for(client, request)
    wrong = []
    for question in QUESTIONS:
        try:
            got = ask(served.server.sparql, question.query, fmt)
        except RuntimeError:  # the client failed to read the answer
            wrong.append(question.number)
            continue
        if not same(got, from_store(served.store, question.query), lossy=fmt == "csv") or got.cut:
            wrong.append(question.number)
    excused = CANNOT_READ.get((client, fmt), set())
    assert sorted(set(wrong) - excused) == [], f"{client} in {fmt} got other answers to questions {wrong}"
    assert excused <= set(wrong), f"{client} in {fmt} now reads {sorted(excused - set(wrong))}: drop them"


@pytest.mark.parametrize(("client", "fmt"), CELLS, ids=[f"{c}-{f}" for c, f in CELLS])
def test_a_capped_answer(served: Served, client: str, fmt: str, request: pytest.FixtureRequest) -> None:
    got = client_for(client, request)(served.server.sparql, CAPPED, fmt)
    whole = from_store(served.store, CAPPED)
    assert len(whole.rows) > CAP
    want = Answer(whole.columns, whole.rows[:CAP], True)
    assert same(got, want, lossy=fmt == "csv", ordered=True)
    assert got.cut in (True, None), f"{client} in {fmt} cannot tell the cut answer from a whole one"


@pytest.mark.parametrize(("client", "fmt"), CELLS, ids=[f"{c}-{f}" for c, f in CELLS])
def test_select_star_keeps_the_query_order(
    served: Served, client: str, fmt: str, request: pytest.FixtureRequest
) -> None:
    got = client_for(client, request)(served.server.sparql, STAR, fmt)
    assert got.columns == STAR_COLUMNS
    assert len(got.rows) == 5


def graph_of(store: OxigraphStore, query: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in store.query(query).triples():
        graph.add(tuple(_rdflib_term(x) for x in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
    return graph


def _rdflib_term(term: Term) -> rdflib.term.Node:
    if isinstance(term, BNode):
        return rdflib.BNode(term.label)
    if isinstance(term, Literal):
        return rdflib.Literal(
            term.value, lang=term.language, datatype=None if term.language else term.datatype
        )
    return rdflib.URIRef(term.value)


@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_graphs_through_sparqlwrapper(served: Served, fmt: str) -> None:
    graph, cut = sparqlwrapper_graph(served.server.sparql, CONSTRUCT, fmt)
    assert set(graph) == set(graph_of(served.store, CONSTRUCT))
    assert cut is False
    capped, cut = sparqlwrapper_graph(served.server.sparql, CONSTRUCT_ALL_LABELS, fmt)
    assert len(capped) == CAP
    assert set(capped) <= set(graph_of(served.store, CONSTRUCT_ALL_LABELS))
    assert cut is True

"""The remote store (service/store/remote.py) against a real Oxigraph server, answer for answer against the
embedded store over the same quads: every named query, describe, graphs, counts, ping, and the errors."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
import pytest

from service import iris, queries
from service.store import OxigraphStore, QuerySyntaxError, StoreUnavailableError
from service.store.dialect import OXIGRAPH, STANDARD, Dialect, PartialAnswerError, StandardDialect
from service.store.interface import StoreTimeoutError
from service.store.remote import ACCEPT, GRAPH_ACCEPT, SOLUTIONS_ACCEPT, RemoteStore, accept_for
from service.terms import IRI, BNode, Literal, Row, Term, Triple
from tests.engines.oxigraph_server import OxigraphServer, oxigraph_server
from tests.live import stop_group
from tests.remote_fixtures import W3C_GRAPHS, Backend

# The examples are the competency questions: tests/e2e/test_competency.py asks each of the real data on an
# Oxigraph server as well as the embedded store, against its documented answer.
NAMED_QUERIES = sorted(
    f"{path.parent.name}/{path.stem}"
    for folder in ("pages", "coverage", "rules")
    for path in (queries.FOLDER / folder).glob("*.rq")
)
BOUND_IRIS = 12  # how many of the fixture's things each query about `?this` is asked about
# GROUP_CONCAT joins in no set order (SPARQL leaves it open; the embedded store's in-memory order differs
# from the server's on-disk one): such values are compared as sets of words.
GROUP_CONCAT = re.compile(r'GROUP_CONCAT\(.*separator="(.)"\) AS \?(\w+)')
# The fixture holds nothing these ask about (known gaps, figures), and
# none of the consistency checks fails on it: the same empty answer from both stores is all they show.
# tests/e2e/test_remote_queries.py asks those of the real data (all but the few that read the whole store).
EMPTY_ON_THE_FIXTURE = {
    "coverage/figures",
    "coverage/gaps",
    "coverage/gaps_of",
    "coverage/unnamed",
    "pages/units",  # an ICB's sub-ICB locations: the fixture has no ICB
    "rules/check-cax-adc",
    "rules/check-cax-dw",
    "rules/check-cls-nothing2",
    "rules/check-prp-irp",
    "rules/nhs-post-holding",
    "rules/nhs-reports-to",
    "rules/nhs-succession",
    "rules/org-role-property",
    "rules/prp-trp",
}
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MANY_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.fixture(scope="module")
def embedded(backend: Backend) -> tuple[OxigraphStore, Path]:
    return backend.embedded, backend.quads


@pytest.fixture(scope="module")
def server(backend: Backend) -> OxigraphServer:
    return backend.server


@pytest.fixture(scope="module", params=[STANDARD, OXIGRAPH], ids=lambda d: d.name)
def remote(server: OxigraphServer, request: pytest.FixtureRequest) -> Iterator[RemoteStore]:
    """Every graph on the server is ours: the oxigraph dialect asks for the server's union of them."""
    store = RemoteStore(server.query_url, request.param, graphs=W3C_GRAPHS)
    yield store
    store.close()


def canonical(term: Term) -> object:
    """A term to compare across stores: blank node labels are each store's own."""
    return ("bnode",) if isinstance(term, BNode) else term


def rows_of(rows: list[Row], sparql: str = "") -> list[tuple[tuple[str, object], ...]]:
    joined = {name: separator for separator, name in GROUP_CONCAT.findall(sparql)}

    def cell(name: str, term: Term) -> object:
        if name in joined and isinstance(term, Literal):
            return sorted(term.value.split(joined[name]))
        return canonical(term)

    return sorted((tuple(sorted((k, cell(k, v)) for k, v in row.items())) for row in rows), key=repr)


def triples_of(triples: list[Triple]) -> list[tuple[object, ...]]:
    return sorted(((canonical(t.subject), t.predicate, canonical(t.object)) for t in triples), key=repr)


def answer(
    store: OxigraphStore | RemoteStore,
    sparql: str,
    bindings: dict[str, Term] | None,
    dataset: dict[str, list[str]],
) -> object:
    result = store.query(sparql, bindings=bindings, **dataset)  # type: ignore[arg-type]
    if result.kind == "select":
        return rows_of(list(result.rows()), sparql)
    if result.kind == "ask":
        return result.boolean
    return triples_of(list(result.triples()))


def things(store: OxigraphStore) -> list[IRI]:
    """Every BOUND_IRIS-th typed thing of the fixture, for queries about `?this`."""
    rows = store.select("SELECT DISTINCT ?s WHERE { ?s a ?type FILTER isIRI(?s) } ORDER BY ?s")
    found = [r["s"] for r in rows if isinstance(r["s"], IRI)]
    return found[:: max(1, len(found) // BOUND_IRIS)]


def cases(
    store: OxigraphStore, name: str, things: list[IRI]
) -> tuple[str, dict[str, list[str]], list[dict[str, Term] | None]]:
    """A named query as the comparisons run it: its text, its dataset (a rule runs over the asserted graphs,
    as the inferred graph holds what the rules add) and its bindings (each of `things` as `?this`)."""
    sparql = queries.text(name)
    dataset: dict[str, list[str]] = {}
    if name.startswith("rules/"):
        asserted = [g for g in store.graphs() if g != iris.graph("inferred")]
        dataset = {"default_graphs": asserted, "named_graphs": asserted}
    bindings: list[dict[str, Term] | None] = (
        [{"this": iri} for iri in things] if "?this" in sparql else [None]
    )
    return sparql, dataset, bindings


# --- the same answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMED_QUERIES)
def test_every_named_query_gives_the_embedded_stores_answer(
    embedded: tuple[OxigraphStore, Path], remote: RemoteStore, name: str
) -> None:
    store = embedded[0]
    sparql, dataset, bindings = cases(store, name, things(store))
    answers = 0
    for bound in bindings:
        expected = answer(store, sparql, bound, dataset)
        assert answer(remote, sparql, bound, dataset) == expected, (name, bound)
        answers += bool(expected)
    assert answers or name in EMPTY_ON_THE_FIXTURE, f"{name} answers nothing on the fixture"


def test_describe_gives_every_triple_about_a_thing_outgoing_first(
    embedded: tuple[OxigraphStore, Path], remote: RemoteStore
) -> None:
    for iri in things(embedded[0]):
        expected = embedded[0].describe(iri.value)
        got = remote.describe(iri.value)
        assert triples_of(got) == triples_of(expected)
        outgoing = [t.subject == iri for t in got]
        assert outgoing == sorted(outgoing, reverse=True)


def test_graphs_and_their_counts_are_ours(embedded: tuple[OxigraphStore, Path], remote: RemoteStore) -> None:
    ours = [g for g in embedded[0].graphs() if g.startswith(iris.GRAPH) or g in W3C_GRAPHS]
    assert remote.graphs() == ours
    union = ("union-default-graph", "true") in remote.dataset_params(None, None)
    assert union is (remote.dialect is OXIGRAPH)  # every graph on the server is ours
    assert remote.triple_counts() == {g: n for g, n in embedded[0].triple_counts().items() if g in ours}


@pytest.mark.parametrize("dialect", [STANDARD, OXIGRAPH], ids=lambda d: d.name)
def test_a_graph_not_ours_never_joins_the_default_graph(server: OxigraphServer, dialect: Dialect) -> None:
    # As a server's own system graphs (Virtuoso's): on the server, but not one of ours.
    store = RemoteStore(server.query_url, dialect)
    kasei = "ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o }"
    assert W3C_GRAPHS[0] not in store.graphs()
    assert ("union-default-graph", "true") not in store.dataset_params(None, None)
    assert not store.ask(kasei)
    assert not store.ask(f"ASK {{ GRAPH <{W3C_GRAPHS[0]}> {{ ?s ?p ?o }} }}")
    assert store.query(kasei, default_graphs=[W3C_GRAPHS[0]]).boolean  # named by the query's dataset


def test_a_dataset_names_both_parts_as_the_embedded_store_reads_them(
    embedded: tuple[OxigraphStore, Path], remote: RemoteStore
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    for default, named in [(None, None), ([W3C_GRAPHS[0]], None), (None, [W3C_GRAPHS[1]]), ([], [])]:
        expected = embedded[0].query(count, default_graphs=default, named_graphs=named).rows()
        got = remote.query(count, default_graphs=default, named_graphs=named).rows()
        assert list(got) == list(expected), (default, named)


def test_bindings_are_terms_never_text(remote: RemoteStore) -> None:
    sneaky = Literal('x" } } ; DROP ALL ; SELECT * { "', "http://www.w3.org/2001/XMLSchema#string")
    rows = remote.select("SELECT ?v WHERE { BIND (1 AS ?one) }", {"v": sneaky})
    assert rows == [{"v": sneaky}]
    with pytest.raises(ValueError):
        remote.select("SELECT ?v WHERE { }", {"v": IRI("not an iri")})
    with pytest.raises(ValueError):
        remote.query("ASK {}", default_graphs=["not an iri"])


def test_ping_and_a_bad_query(remote: RemoteStore) -> None:
    assert remote.ping()
    with pytest.raises(QuerySyntaxError, match="1:"):
        remote.select("SELECT ?s WHERE {")


def test_queries_share_one_kept_alive_connection(remote: RemoteStore) -> None:
    for _ in range(30):
        assert remote.ask("ASK { ?s ?p ?o }")
        remote.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5")
        remote.construct("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5")
    assert remote._pool.num_connections == 1


def test_an_answer_left_half_read_closes_its_connection(remote: RemoteStore) -> None:
    result = remote.query(MANY_ROWS)
    rows = result.rows()
    next(rows)
    result.close()
    assert remote.ask("ASK { ?s ?p ?o }")  # a fresh connection


def test_a_whole_answer_is_written_as_the_embedded_stores(
    embedded: tuple[OxigraphStore, Path], remote: RemoteStore
) -> None:
    sparql = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o"
    assert remote.query(sparql).serialize("json") == embedded[0].query(sparql).serialize("json")
    construct = "CONSTRUCT WHERE { ?s a ?o }"
    parsed = ox.parse(remote.query(construct).serialize("ntriples"), ox.RdfFormat.N_TRIPLES)
    assert len(list(parsed)) == len(embedded[0].construct(construct))


# --- when the server fails ---------------------------------------------------------------------------


def test_a_server_gone_is_unavailable(embedded: tuple[OxigraphStore, Path], tmp_path: Path) -> None:
    with oxigraph_server(embedded[1], tmp_path) as running:
        store = RemoteStore(running.query_url, connect_timeout=2)
        assert store.ping()
        stop_group(running.process, grace=10)
        with pytest.raises(StoreUnavailableError, match="cannot reach"):
            store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        assert not store.ping()


def test_a_url_that_is_no_endpoint_is_unavailable(server: OxigraphServer) -> None:
    with pytest.raises(StoreUnavailableError, match="404"):
        RemoteStore(f"{server.url}/nothing").select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_a_query_past_its_time_limit_is_cut_off(embedded: tuple[OxigraphStore, Path], tmp_path: Path) -> None:
    # A server of its own: Oxigraph server goes on computing a cross product after its client has gone.
    with oxigraph_server(embedded[1], tmp_path) as running:
        store = RemoteStore(running.query_url).limited(0.3)
        started = time.monotonic()
        with pytest.raises(StoreTimeoutError):
            store.select(CROSS_PRODUCT)  # no answer at all before the limit
        with pytest.raises(StoreTimeoutError):
            store.select(MANY_ROWS)  # an answer that streams for longer than the limit
        assert time.monotonic() - started < 30  # each would take minutes in full


class _EveryAnswerPartial(StandardDialect):
    """A dialect that reads Oxigraph's `server` header as a partial answer's sign (as Virtuoso's
    X-SQL-State: S1TAT): every answer is then partial."""

    def answer_error(self, status: int, headers: Mapping[str, str]) -> Exception | None:
        return PartialAnswerError("cut short") if status == 200 else None


def test_a_partial_answer_never_gets_through(server: OxigraphServer) -> None:
    store = RemoteStore(server.query_url, _EveryAnswerPartial())
    with pytest.raises(StoreTimeoutError, match="cut short"):
        store.query("SELECT * WHERE { ?s ?p ?o }", default_graphs=[iris.graph("manchester")], named_graphs=[])


@pytest.mark.parametrize(
    ("sparql", "accept"),
    [
        ("SELECT * { ?s ?p ?o }", SOLUTIONS_ACCEPT),
        ("  ask {}", SOLUTIONS_ACCEPT),
        ("CONSTRUCT WHERE { ?s ?p ?o }", GRAPH_ACCEPT),
        ("BASE <http://a/#b> PREFIX x: <http://a/#>\nDESCRIBE x:y", GRAPH_ACCEPT),
        ("# select in a comment\nPREFIX : <http://a/#> construct {} where {}", GRAPH_ACCEPT),
        ("PREFIX : <http://a/>\n# construct in a comment\nSELECT ?x {}", SOLUTIONS_ACCEPT),
        ("not SPARQL", ACCEPT),
    ],
)
def test_a_query_is_offered_the_media_types_of_its_form(sparql: str, accept: str) -> None:
    assert accept_for(sparql) == accept

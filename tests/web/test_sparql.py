"""The SPARQL endpoint (test client over the built fixture store, queries run by the session's query
engine as in production): formats, errors, safety, caching and the service description. Bodies are
parsed, not matched as strings."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from rdflib import RDF, Namespace, URIRef

from service import queries
from service.query.job import (
    BusyError,
    EngineUnavailableError,
    InternalQueryError,
    MalformedQueryError,
    QueryError,
    QueryTimeoutError,
    RefusedQueryError,
    UnacceptableFormatError,
    WorkerGoneError,
)
from service.query.writers import TRUNCATED_LINK
from service.web import sparql
from tests.sparql_fixtures import FixtureEngine, make_app, parse_rdf

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/nhs-commissioning/def#ClinicalCommissioningGroup> }"
CONSTRUCT = "CONSTRUCT WHERE { ?s a <https://w3id.org/nhs-commissioning/def#ClinicalCommissioningGroup> }"
RDFLIB = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}

# Accept header -> the media type a SELECT and a CONSTRUCT must come back in (None: 406).
ACCEPT_TABLE = [
    (None, "application/sparql-results+json", "text/turtle"),
    ("*/*", "application/sparql-results+json", "text/turtle"),
    ("application/sparql-results+xml", "application/sparql-results+xml", None),
    ("text/csv", "text/csv", None),
    ("text/tab-separated-values", "text/tab-separated-values", None),
    ("application/json", "application/sparql-results+json", "application/ld+json"),
    ("text/turtle, application/sparql-results+json;q=0.5", "application/sparql-results+json", "text/turtle"),
    ("application/n-triples", None, "application/n-triples"),
    ("application/rdf+xml", None, "application/rdf+xml"),
    ("application/trig", None, "application/trig"),
    ("application/n-quads", None, "application/n-quads"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json", "text/turtle"),
    ("image/png", None, None),
]


def _media(response: object) -> str:
    return str(response.headers["Content-Type"]).split(";")[0]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("accept", "select_type", "construct_type"), ACCEPT_TABLE)
def test_accept_table(
    sparql_client: FlaskClient, accept: str | None, select_type: str | None, construct_type: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    for query, expected in ((SELECT, select_type), (CONSTRUCT, construct_type)):
        response = sparql_client.get("/sparql", query_string={"query": query}, headers=headers)
        if expected is None:
            assert response.status_code == 406
            continue
        assert response.status_code == 200
        assert _media(response) == expected
        assert "Accept" in response.headers["Vary"]
        if expected in RDFLIB:
            graph = parse_rdf(response.data, RDFLIB[expected])
            assert len(set(graph.subjects())) == 3


def test_format_parameter_overrides_accept(sparql_client: FlaskClient) -> None:
    response = sparql_client.get(
        "/sparql", query_string={"query": SELECT, "format": "csv"}, headers={"Accept": "application/json"}
    )
    assert _media(response) == "text/csv"
    assert response.data.decode().splitlines()[0] == "s"


def test_select_bindings(sparql_client: FlaskClient) -> None:
    data = sparql_client.get("/sparql", query_string={"query": SELECT}).get_json()
    found = {b["s"]["value"].rsplit("/", 1)[-1] for b in data["results"]["bindings"]}
    assert found == {"00C", "00D", "00K"}


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("post", {"data": {"query": SELECT}}),
        ("post", {"data": SELECT, "content_type": "application/sparql-query"}),
        ("get", {"query_string": {"query": SELECT}}),
    ],
)
def test_three_ways_to_send_a_query(
    sparql_client: FlaskClient, method: str, kwargs: dict[str, object]
) -> None:
    response = getattr(sparql_client, method)("/sparql", **kwargs)
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 3


def test_syntax_error_is_400_and_says_where_in_words(sparql_client: FlaskClient) -> None:
    response = sparql_client.get("/sparql", query_string={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert "at line 2, column " in text and "just after '?s ?p }'" in text
    assert "\\u{" not in text and len(text) < 300


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "ASK {}", "content_type": "text/plain"}, 415),
        ({"data": "ASK {}"}, 415),
        (
            {"data": "ASK {}".encode("utf-16"), "content_type": "application/sparql-query; charset=UTF-16"},
            415,
        ),
        ({"data": b"ASK {\xff}", "content_type": "application/sparql-query"}, 400),
        ({"data": {"update": "CLEAR ALL"}}, 403),
        ({"data": "CLEAR ALL", "content_type": "application/sparql-update"}, 403),
        ({"data": {"nothing": "here"}}, 400),
    ],
)
def test_bad_posts(sparql_client: FlaskClient, kwargs: dict[str, object], status: int) -> None:
    assert sparql_client.post("/sparql", **kwargs).status_code == status


def test_other_methods_are_405(sparql_client: FlaskClient) -> None:
    for method in ("put", "delete", "patch"):
        response = getattr(sparql_client, method)("/sparql")
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


def test_update_changes_nothing(sparql_client: FlaskClient) -> None:
    sparql_client.get("/sparql", query_string={"update": "CLEAR ALL"})
    sparql_client.post("/sparql", data="DROP ALL", content_type="application/sparql-update")
    assert (
        len(sparql_client.get("/sparql", query_string={"query": SELECT}).get_json()["results"]["bindings"])
        == 3
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://example.org/> } }",
        "SELECT * WHERE { SERV\\u0049CE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o # SERVICE in a comment\n"
        " FILTER EXISTS { SERVICE <http://x.example/> {} } }",
        "PREFIX e: <http://evil.example/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_unless_allowlisted(sparql_client: FlaskClient, query: str) -> None:
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.data.decode()


def test_service_words_in_strings_and_comments_are_harmless(sparql_client: FlaskClient) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://evil/> {}" AS ?x) } # SERVICE <http://evil/>'
    assert sparql_client.get("/sparql", query_string={"query": query}).status_code == 200


def test_from_selects_a_local_graph_and_fetches_nothing(sparql_client: FlaskClient) -> None:
    def count(query: str) -> int:
        data = sparql_client.get("/sparql", query_string={"query": query}).get_json()
        return int(data["results"]["bindings"][0]["n"]["value"])

    assert count("SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/remote.ttl> WHERE { ?s ?p ?o }") == 0
    data1 = "FROM <http://kasei.us/2009/09/sparql/data/data1.rdf>"
    assert count("SELECT (COUNT(*) AS ?n) " + data1 + " WHERE { ?s ?p ?o }") == 1
    assert (
        count("SELECT (COUNT(*) AS ?n) " + data1.replace("FROM", "FROM NAMED") + " { GRAPH ?g { ?s ?p ?o } }")
        == 1
    )


def test_protocol_dataset_unknown_graph_is_empty(sparql_client: FlaskClient) -> None:
    response = sparql_client.get(
        "/sparql", query_string={"query": SELECT, "default-graph-uri": "http://nowhere.example/"}
    )
    assert response.get_json()["results"]["bindings"] == []


def test_row_cap_is_announced_and_marked(sparql_engine: FixtureEngine) -> None:
    client = make_app(sparql_engine, max_result_rows=2).test_client()
    response = client.get("/sparql", query_string={"query": SELECT})
    assert response.headers["X-SPARQL-Max-Rows"] == "2"
    assert response.headers["X-SPARQL-Truncated"] == "true"
    data = response.get_json()
    assert len(data["results"]["bindings"]) == 2
    assert data["head"]["link"] == [TRUNCATED_LINK] and set(data) == {"head", "results"}
    xml = client.get("/sparql", query_string={"query": SELECT, "format": "xml"}).data.decode()
    assert xml.count("<result>") == 2 and f'<link href="{TRUNCATED_LINK}"/></head>' in xml


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml"])
def test_every_answer_says_whether_the_cap_cut_it(sparql_engine: FixtureEngine, fmt: str) -> None:
    client = make_app(sparql_engine, max_result_rows=2).test_client()
    query = SELECT if fmt in ("json", "xml", "csv", "tsv") else "CONSTRUCT WHERE { ?s ?p ?o }"
    cut = client.get("/sparql", query_string={"query": query, "format": fmt})
    first = cut.data  # read to its end: then the answer is kept
    whole = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    kept = client.get("/sparql", query_string={"query": query, "format": fmt})  # from the result cache
    assert cut.headers["X-SPARQL-Truncated"] == "true"
    assert whole.headers["X-SPARQL-Truncated"] == "false"
    assert kept.headers["Cache-Status"] == "nhskg; hit" and kept.headers["X-SPARQL-Truncated"] == "true"
    assert kept.data == first


def test_request_size_limit_is_413(sparql_engine: FixtureEngine) -> None:
    client = make_app(sparql_engine, max_request_bytes=100).test_client()
    response = client.post("/sparql", data="ASK {}" + " " * 200, content_type="application/sparql-query")
    assert response.status_code == 413


def test_cors_and_preflight(sparql_client: FlaskClient) -> None:
    response = sparql_client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    get = sparql_client.get("/sparql", query_string={"query": SELECT})
    assert get.headers["Access-Control-Allow-Origin"] == "*"


def test_etag_and_last_modified_revalidate(sparql_client: FlaskClient) -> None:
    first = sparql_client.get("/sparql", query_string={"query": SELECT})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    again = sparql_client.get("/sparql", query_string={"query": SELECT}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    since = sparql_client.get(
        "/sparql", query_string={"query": SELECT}, headers={"If-Modified-Since": modified}
    )
    assert since.status_code == 304
    other = sparql_client.get(
        "/sparql", query_string={"query": SELECT}, headers={"If-None-Match": etag, "Accept": "text/csv"}
    )
    assert other.status_code == 200


def test_service_description_is_rdf_with_void(sparql_client: FlaskClient) -> None:
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        response = sparql_client.get("/sparql", headers={"Accept": accept})
        assert _media(response) == accept
        g = parse_rdf(response.data, fmt)
        service = g.value(predicate=RDF.type, object=SD.Service)
        assert (service, SD.endpoint, URIRef("http://localhost/sparql")) in g
        assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in g
        dataset = g.value(service, SD.defaultDataset)
        counts = {
            str(g.value(n, SD.name)): int(g.value(g.value(n, SD.graph), VOID.triples))  # type: ignore[arg-type]
            for n in g.objects(dataset, SD.namedGraph)
        }
        assert counts["http://kasei.us/2009/09/sparql/data/data1.rdf"] == 1
        assert g.value(g.value(dataset, SD.defaultGraph), VOID.triples) is not None


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_code = False
        self.examples: list[str] = []
        self.config = ""
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
            self._in_config = attributes.get("type") == "application/json"
            self.inline_code = self.inline_code or (not attributes.get("src") and not self._in_config)
        if tag == "button" and attributes.get("data-example"):
            self.examples.append(str(attributes["data-example"]))

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_config = False


def test_query_editor_page(sparql_client: FlaskClient) -> None:
    response = sparql_client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = _Page()
    page.feed(response.data.decode())
    assert not page.inline_code
    sources = [str(s.get("src")) for s in page.scripts if s.get("src")]
    assert all(src.startswith("/static/") for src in sources)
    assert any("yasgui-4." in src for src in sources)
    assert len(page.examples) == len(list(queries.EXAMPLES.glob("*.rq"))) > 0
    config = json.loads(page.config)
    assert config["prefixes"]["nhs"] == "https://w3id.org/nhs-commissioning/def#"
    for src in sources:
        with sparql_client.get(src) as asset:
            assert asset.status_code == 200


def test_each_query_is_counted_and_logged_once(sparql_engine: FixtureEngine) -> None:
    app = make_app(sparql_engine)
    metrics = app.extensions["nhskg"].metrics
    client = app.test_client()
    for _ in range(3):
        response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert response.get_json()["boolean"] is True
        response.close()  # as a WSGI server does after the body has run out
    assert metrics.queries["ok"] == 1  # evaluated once, then answered from the result cache
    assert metrics.queries["cached"] == 2
    assert metrics.queries["aborted"] == 0


BAD, UNAVAILABLE = "Bad Request", "Service Unavailable"


@pytest.mark.parametrize(
    ("error", "status", "title", "extra"),
    [
        (MalformedQueryError("query syntax error: at 1:1"), 400, BAD, {}),
        (RefusedQueryError("SERVICE is not allowed"), 400, BAD, {}),
        (UnacceptableFormatError("no acceptable format"), 406, "Not Acceptable", {"Vary": "Accept"}),
        (BusyError(), 503, UNAVAILABLE, {"Retry-After": "2"}),
        (QueryTimeoutError.after(2), 503, UNAVAILABLE, {}),
        (EngineUnavailableError("the query engine is not running"), 503, UNAVAILABLE, {}),
        (WorkerGoneError(), 503, UNAVAILABLE, {}),
        (InternalQueryError("the store could not be read"), 500, "Internal Server Error", {}),
    ],
)
def test_each_kind_of_query_error_has_its_response(
    error: QueryError, status: int, title: str, extra: dict[str, str], sparql_engine: FixtureEngine
) -> None:
    with make_app(sparql_engine).test_request_context(headers={"Accept": "text/plain"}):
        response = sparql.failed(error).response
    assert response.status_code == status
    assert response.get_data(as_text=True) == f"{status} {title}: {error.message}\n"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert {k: response.headers[k] for k in extra} == extra
    assert ("Retry-After" in response.headers) == isinstance(error, BusyError)


def test_the_test_client_runs_queries_as_production_does_and_a_runaway_is_stopped(
    sparql_engine: FixtureEngine,
) -> None:
    app = make_app(sparql_engine, query_timeout=0.5)
    with app.app_context():
        assert sparql.sparql_state().governor.isolated  # in an engine's child, not in this process
    numbers = " ".join(str(i) for i in range(100))
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?{v} {{ {numbers} }}" for v in "abcde") + " }"
    )
    response = app.test_client().get("/sparql", query_string={"query": runaway})
    assert response.status_code == 503
    assert response.get_data(as_text=True) == (
        "503 Service Unavailable: the query ran longer than the 0.5 s limit and was stopped\n"
    )
    assert app.extensions["nhskg"].metrics.queries["timeout"] == 1


ASK_QUERY = "ASK { ?s ?p ?o }"
RESULTS_JSON, RESULTS_XML = "application/sparql-results+json", "application/sparql-results+xml"
QUERY_TYPE = "application/sparql-query"


@pytest.mark.parametrize(
    ("parameters", "accept", "content_type"),
    [
        ({"output": "json"}, RESULTS_XML, RESULTS_JSON),  # Fuseki: output= outweighs Accept
        ({"output": "xml"}, RESULTS_JSON, RESULTS_XML),
        ({"output": "sparql"}, None, RESULTS_XML),
        ({"output": "csv"}, None, "text/csv"),
        ({"output": "tsv"}, RESULTS_JSON, "text/tab-separated-values"),
        ({"output": RESULTS_XML}, RESULTS_JSON, RESULTS_XML),  # a full media type
        ({"format": "xml"}, RESULTS_JSON, RESULTS_XML),  # Virtuoso's format=
        ({"format": "text/csv"}, None, "text/csv"),
        ({"results": "tsv"}, None, "text/tab-separated-values"),
        ({"output": "json", "format": "xml"}, None, RESULTS_JSON),  # output= before format=, as Fuseki
        ({"format": "csv", "results": "xml"}, None, "text/csv"),
        ({"output": "turtle"}, RESULTS_XML, RESULTS_XML),  # a graph format leaves ASK to Accept
        ({}, RESULTS_XML, RESULTS_XML),
    ],
)
@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_format_parameters_outweigh_accept(
    sparql_client: FlaskClient, parameters: dict[str, str], accept: str | None, content_type: str, method: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    if method == "get":
        response = sparql_client.get(
            "/sparql", query_string={"query": ASK_QUERY, **parameters}, headers=headers
        )
    elif method == "form":
        response = sparql_client.post("/sparql", data={"query": ASK_QUERY, **parameters}, headers=headers)
    else:
        response = sparql_client.post(
            "/sparql", query_string=parameters, data=ASK_QUERY, content_type=QUERY_TYPE, headers=headers
        )
    assert response.status_code == 200, response.data
    assert response.mimetype == content_type
    assert ("true" in response.data.decode()) and response.headers["X-SPARQL-Truncated"] == "false"


def test_an_unknown_output_is_400_naming_it(sparql_client: FlaskClient) -> None:
    response = sparql_client.get("/sparql", query_string={"query": ASK_QUERY, "output": "yaml"})
    assert response.status_code == 400
    assert "unknown output 'yaml'" in response.data.decode()


def test_select_star_columns_come_in_the_querys_order(sparql_client: FlaskClient) -> None:
    query = "SELECT * WHERE { ?thing a ?kind ; ?property ?value } LIMIT 1"
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert response.get_json()["head"]["vars"] == ["thing", "kind", "property", "value"]
    tsv = sparql_client.get("/sparql", query_string={"query": query, "output": "tsv"}).data.decode()
    assert tsv.splitlines()[0] == "?thing\t?kind\t?property\t?value"

"""The app over a remote backend (`backend_url`): no build; every page, search and the endpoint answer as
over the embedded store holding the same quads; what needs a build says so; /healthz watches the backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from service import iris
from service.config import Settings
from service.store import RemoteStore
from service.web import context
from service.web.app import create_app
from tests.engines.oxigraph_server import oxigraph_server
from tests.live import stop_group
from tests.remote_fixtures import W3C_GRAPHS, Backend
from tests.sparql_fixtures import parse_rdf

MANCHESTER = iris.org("pct", "5NT")
PAGES = [
    "/",
    "/search?q=manchester",
    "/search.json?q=manchester",
    "/def",
    "/def.ttl",
    "/coverage",
    "/coverage.json",
    "/about",
    "/sparql",
    "/class/PrimaryCareTrust",
    "/validation",
]


@pytest.fixture(scope="module")
def remote_app(backend: Backend) -> Flask:
    settings = Settings(backend_url=backend.server.query_url, backend_graphs=W3C_GRAPHS)
    return create_app(settings)


@pytest.fixture(scope="module")
def embedded_app(backend: Backend) -> Flask:
    return create_app(Settings(), store=backend.embedded)


@pytest.fixture
def remote_client(remote_app: Flask) -> FlaskClient:
    return remote_app.test_client()


def things(backend: Backend) -> list[str]:
    rows = backend.embedded.select(
        f"SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER STRSTARTS(STR(?s), '{iris.ID}') }}"
    )
    return sorted(r["s"].value for r in rows)[:40]


def test_the_app_holds_a_remote_store_and_needs_no_build(remote_app: Flask, backend: Backend) -> None:
    with remote_app.app_context():
        state = context.state()
    assert isinstance(state.store, RemoteStore) and state.built is None and state.engine is None
    assert state.data_version.startswith("backend-")
    assert state.manifest["graphs"] == backend.embedded.triple_counts()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_as_over_the_embedded_store(
    remote_client: FlaskClient, embedded_app: Flask, path: str
) -> None:
    got = remote_client.get(path, headers={"Accept": "text/html"})
    expected = embedded_app.test_client().get(path, headers={"Accept": "text/html"})
    assert got.status_code == expected.status_code == 200
    if path.endswith(".json"):
        assert json.loads(got.data) == json.loads(expected.data)


def test_every_document_holds_the_embedded_stores_triples(
    remote_client: FlaskClient, embedded_app: Flask, backend: Backend
) -> None:
    embedded = embedded_app.test_client()
    for iri in things(backend):
        path = "/doc/" + iri.removeprefix(iris.ID) + ".ttl"
        got, expected = remote_client.get(path), embedded.get(path)
        assert got.status_code == expected.status_code == 200, path
        assert isomorphic(parse_rdf(got.data, "turtle"), parse_rdf(expected.data, "turtle")), path


def test_what_needs_a_build_says_so(remote_client: FlaskClient) -> None:
    page = remote_client.get("/validation")
    assert page.status_code == 200 and b"No validation report" in page.data
    assert remote_client.get("/validation.json").status_code == 404


def test_user_queries_go_to_the_backend(remote_client: FlaskClient) -> None:
    answer = remote_client.get(
        "/sparql",
        query_string={"query": f"ASK {{ <{MANCHESTER}> ?p ?o }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200 and json.loads(answer.data)["boolean"] is True


@pytest.fixture
def own_backend(backend: Backend, tmp_path: Path) -> Iterator[tuple[Flask, object]]:
    with oxigraph_server(backend.quads, tmp_path) as server:
        yield create_app(Settings(backend_url=server.query_url)), server


def test_healthz_watches_the_backend(own_backend: tuple[Flask, object]) -> None:
    app, server = own_backend
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json is not None
    assert health.json["backend"] == server.query_url  # type: ignore[attr-defined]
    stop_group(server.process, grace=10)  # type: ignore[attr-defined]
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json is not None
    assert "does not answer" in health.json["reason"]
    down = client.get("/sparql", query_string={"query": "ASK {}"})
    assert down.status_code == 503


def test_a_query_past_its_limit_gets_503_and_the_next_is_answered(backend: Backend, tmp_path: Path) -> None:
    # A server of its own: Oxigraph server goes on computing the cross product after we have gone.
    with oxigraph_server(backend.quads, tmp_path) as server:
        client = create_app(Settings(backend_url=server.query_url, query_timeout=0.5)).test_client()
        slow = client.get(
            "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}
        )
        assert slow.status_code == 503 and b"0.5 s limit" in slow.data
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200

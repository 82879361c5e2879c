"""Fixtures for the SPARQL endpoint tests: apps over the built fixture store, and a live server.

Both build the fixture project in tests/data/project (a tiny ontology and data, no shapes) with the W3C
test data as named graphs. The apps (`make_app`, `sparql_app`) run queries as production does: through
a query engine, one per test session (`sparql_engine`), in child processes that are stopped at the
timeout. The live server also adds a few thousand "slow" triples with `--graph IRI=FILE`.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph

from service.build import builder as build
from service.config import Settings
from service.query.engine import Engine
from service.store import OxigraphStore
from service.web.app import create_app
from tests.engines import virtuoso
from tests.engines.oxigraph_server import backend_args, oxigraph_server
from tests.live import LiveServer, live_server
from tests.virtuoso_fixtures import loaded_virtuoso

HERE = Path(__file__).parent
PROJECT = HERE / "data" / "project"
W3C = HERE / "w3c"
SLOW_GRAPH = "http://example.org/slow"
SLOW_TRIPLES = 3000
LIVE_TIMEOUT = 2.0
LIVE_MAX_CONCURRENT = 2
# The graphs the W3C manifests name, by their label, and the result-format tests' data by our own names.
W3C_GRAPHS = {
    "http://kasei.us/2009/09/sparql/data/data1.rdf": W3C / "protocol" / "data1.nt",
    "http://kasei.us/2009/09/sparql/data/data2.rdf": W3C / "protocol" / "data2.nt",
    "http://kasei.us/2009/09/sparql/data/data3.rdf": W3C / "protocol" / "data3.nt",
    "http://example.org/w3c/json-res/data.ttl": W3C / "json-res" / "data.ttl",
    "http://example.org/w3c/csv-tsv-res/data.ttl": W3C / "csv-tsv-res" / "data.ttl",
    "http://example.org/w3c/csv-tsv-res/data2.ttl": W3C / "csv-tsv-res" / "data2.ttl",
}


def write_slow_graph(path: Path, n: int = SLOW_TRIPLES) -> Path:
    """Enough triples that a three-way cross product over them runs for minutes."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f'<http://example.org/s{i}> <http://example.org/p{i % 7}> "{i}" .\n')
    return path


def fixture_store() -> OxigraphStore:
    """The fixture project and the W3C graphs, in memory (unbuilt: for tests of the query layer)."""
    store = OxigraphStore.in_memory()
    for path in sorted((PROJECT / "data" / "ttl").glob("*.ttl")):
        store.load_file(path, f"https://w3id.org/nhs-commissioning/graph/{path.stem}")
    for iri, path in W3C_GRAPHS.items():
        store.load_file(path, iri)
    return store


MANIFEST = {"key": "fixture", "built": "2025-01-01T00:00:00Z"}


@dataclass(frozen=True)
class FixtureEngine:
    """A query engine (its socket folder) over the built fixture store (its build folder)."""

    settings: Settings
    build: Path
    folder: Path


@pytest.fixture(scope="session")
def sparql_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureEngine]:
    """The fixture project and the W3C graphs, built once, and an engine over them for the session."""
    settings = Settings(
        root=PROJECT,
        cache_dir=tmp_path_factory.mktemp("sparql-build"),
        validate_on_build=False,
        extra_graphs=tuple(W3C_GRAPHS.items()),
    )
    built = build.build(settings).path
    engine = Engine.for_settings(built, settings)
    try:
        yield FixtureEngine(settings, built, engine.folder)
    finally:
        engine.stop()


def make_app(engine: FixtureEngine, **overrides: object) -> Flask:
    """An app over the built fixture store whose queries go to `engine`, as `nhskg serve` makes it; its
    manifest names a fixed data version and build time (MANIFEST), so that validators are known."""
    manifest = {**build.read_manifest(engine.build), **MANIFEST}
    store = OxigraphStore.open_read_only(engine.build / build.DB)
    settings = engine.settings.with_overrides(**overrides)
    return create_app(settings, store=store, manifest=manifest, engine=engine.folder, built=engine.build)


@pytest.fixture
def sparql_app(sparql_engine: FixtureEngine) -> Flask:
    return make_app(sparql_engine)


@pytest.fixture
def sparql_client(sparql_app: Flask) -> FlaskClient:
    return sparql_app.test_client()


def _live_project(root: Path) -> tuple[list[tuple[str, Path]], dict[str, str]]:
    """The fixture project copied to `root`, the graphs it serves besides, and the server's environment."""
    shutil.copytree(PROJECT, root)
    slow = write_slow_graph(root / "slow.nt")
    graphs = [*W3C_GRAPHS.items(), (SLOW_GRAPH, slow)]
    env = {
        "NHSKG_ROOT": str(root),
        "NHSKG_CACHE_DIR": str(root / ".cache"),
        "NHSKG_VALIDATE_ON_BUILD": "false",
        "NHSKG_QUERY_TIMEOUT": str(LIVE_TIMEOUT),
        "NHSKG_MAX_CONCURRENT_QUERIES": str(LIVE_MAX_CONCURRENT),
        # Short, so that a query beyond the slots is refused well before a slow one is stopped.
        "NHSKG_QUERY_QUEUE_SECONDS": "0.25",
    }
    return graphs, env


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`nhskg serve --workers 1` over the fixture project, a 2 s query timeout and 2 query slots."""
    root = tmp_path_factory.mktemp("sparql") / "project"
    graphs, env = _live_project(root)
    args = ["--workers", "1", *(a for iri, path in graphs for a in ("--graph", f"{iri}={path}"))]
    with live_server(env, args, log=root / "server.log") as running:
        yield running


@contextmanager
def _backend_args(engine: str, quads: Path, folder: Path, graphs: list[str]) -> Iterator[list[str]]:
    """A real `engine` ("oxigraph-server" or "virtuoso") holding `quads`, for as long as the context
    lasts, and `nhskg serve`'s flags to serve over it (`graphs`: its graphs outside ours that join ours)."""
    if engine == "virtuoso":
        with loaded_virtuoso(quads) as loaded:
            yield virtuoso.backend_args(loaded.server, graphs)
        return
    with oxigraph_server(quads, folder) as server:
        yield backend_args(server, graphs)


@contextmanager
def _served_over(engine: str, folder: Path) -> Iterator[LiveServer]:
    """`sparql_server`'s project, built here and loaded into a real `engine`, served with
    `nhskg serve --backend-url`: nothing built by the server itself."""
    root = folder / "project"
    graphs, env = _live_project(root)
    settings = Settings(
        root=root, cache_dir=root / ".cache", validate_on_build=False, extra_graphs=tuple(graphs)
    )
    built = build.build(settings).path
    with _backend_args(engine, built / build.QUADS, folder / engine, [iri for iri, _ in graphs]) as args:
        with live_server(
            {**env, "NHSKG_CACHE_DIR": str(root / "unused")},
            ["--workers", "1", *args],
            log=root / "server.log",
        ) as running:
            yield running


@pytest.fixture(scope="session")
def remote_sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The same, over a real Oxigraph server holding the same build."""
    with _served_over("oxigraph-server", tmp_path_factory.mktemp("remote-sparql")) as running:
        yield running


@pytest.fixture(scope="session")
def virtuoso_sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The same, over a real Virtuoso holding the same build (`--backend-dialect virtuoso`)."""
    with _served_over("virtuoso", tmp_path_factory.mktemp("virtuoso-sparql")) as running:
        yield running


SERVERS = {
    "embedded": "sparql_server",
    "oxigraph-server": "remote_sparql_server",
    "virtuoso": "virtuoso_sparql_server",
}


@pytest.fixture(scope="session", params=list(SERVERS))
def protocol_server(request: pytest.FixtureRequest) -> LiveServer:
    """`sparql_server`, and the same over each real engine: the protocol suites run on the three.
    (The governor's suites keep the embedded one: Oxigraph server goes on burning a core on a query it was
    told to stop, issue 17 section 3.)"""
    server: LiveServer = request.getfixturevalue(SERVERS[request.param])
    return server


def parse_rdf(data: bytes | str, fmt: str) -> Graph:
    """Parse RDF with rdflib into one graph (quads merged). rdflib 7's own parsers use its deprecated
    ConjunctiveGraph internally; that warning is about rdflib, not about this service, so it is muted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = Dataset()
        dataset.parse(data=data, format=fmt)
        merged = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged.add((s, p, o))
    return merged

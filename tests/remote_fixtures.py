"""Fixtures for the remote store: the fixture graphs (the pages', the SPARQL tests' and the inferred
graph) in the embedded store and, as the same quads, in a real Oxigraph server, once per session; and the
real data's build in a real Oxigraph server (`real_backend`) and in a real Virtuoso (`real_virtuoso`), for
the e2e suites."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service import config, iris
from service.build import builder, reasoning
from service.store import OxigraphStore
from tests import pages_fixtures, sparql_fixtures
from tests.engines.oxigraph_server import OxigraphServer, oxigraph_server
from tests.virtuoso_fixtures import LoadedVirtuoso, loaded_virtuoso

# The W3C test graphs are not under iris.GRAPH: a remote store is told they are ours.
W3C_GRAPHS = tuple(sparql_fixtures.W3C_GRAPHS)


def fixture_quads(folder: Path) -> tuple[OxigraphStore, Path]:
    """The fixture graphs with the inferred graph, in memory and as an N-Quads file in `folder`."""
    store = pages_fixtures.fixture_store()
    for path in sorted((sparql_fixtures.PROJECT / "data" / "ttl").glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    for graph, path in sparql_fixtures.W3C_GRAPHS.items():
        store.load_file(path, graph)
    reasoning.materialise(store, iris.graph("inferred"))
    dump = folder / "fixture.nq"
    store.save_to(folder / "embedded", dump)
    return store, dump


@dataclass(frozen=True)
class Backend:
    """The same quads in the embedded store and in a running Oxigraph server."""

    embedded: OxigraphStore
    quads: Path
    server: OxigraphServer


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    embedded, quads = fixture_quads(tmp_path_factory.mktemp("backend-data"))
    with oxigraph_server(quads, tmp_path_factory.mktemp("backend")) as server:
        yield Backend(embedded, quads, server)


REAL_ROOT = Path(__file__).resolve().parents[1]


def real_env() -> dict[str, str]:
    """The repository's own data, and its build cache so a build is reused between runs."""
    return {"NHSKG_ROOT": str(REAL_ROOT), "NHSKG_CACHE_DIR": str(REAL_ROOT / ".cache")}


@dataclass(frozen=True)
class RealBackend:
    """The build of the real data (embedded, on disk) and a real Oxigraph server holding its quads."""

    build: Path
    server: OxigraphServer

    @property
    def embedded(self) -> OxigraphStore:
        return OxigraphStore.open_read_only(self.build / builder.DB)


@pytest.fixture(scope="session")
def real_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealBackend]:
    built = builder.build(config.from_env(real_env())).path
    with oxigraph_server(built / builder.QUADS, tmp_path_factory.mktemp("real-backend")) as server:
        yield RealBackend(built, server)


@pytest.fixture(scope="session")
def real_virtuoso() -> Iterator[LoadedVirtuoso]:
    """Virtuoso holding the real data's build (1.5 million quads: 25 s to load on a quiet machine, over a
    minute on a busy one), once for the session."""
    built = builder.build(config.from_env(real_env())).path
    ours = OxigraphStore.open_read_only(built / builder.DB).graphs()
    with loaded_virtuoso(built / builder.QUADS, tuple(g for g in ours if g.startswith(iris.GRAPH))) as server:
        yield server

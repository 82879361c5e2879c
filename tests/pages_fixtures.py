"""The pages' fixture graph (tests/data/pages) in an app: the `app` and `client` fixtures of every test
module that does not define its own (conftest imports them), over the embedded store and over each real
engine holding the same quads (Oxigraph server, Virtuoso)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import iris
from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app
from tests.engines.oxigraph_server import OxigraphServer, oxigraph_server
from tests.virtuoso_fixtures import LoadedVirtuoso

FIXTURES = Path(__file__).parent / "data" / "pages"


def fixture_store() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted(FIXTURES.glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    return store


@pytest.fixture(scope="session")
def pages_quads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quads of `fixture_store` as N-Quads, the file each real engine loads."""
    folder = tmp_path_factory.mktemp("pages-quads")
    fixture_store().save_to(folder / "embedded", folder / "pages.nq")
    return folder / "pages.nq"


@pytest.fixture(scope="session")
def pages_backend(pages_quads: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server holding the same quads as `fixture_store`."""
    with oxigraph_server(pages_quads, tmp_path_factory.mktemp("pages-backend")) as server:
        yield server


def backend_settings(request: pytest.FixtureRequest, engine: str) -> Settings:
    """Settings over the real engine `engine` holding the pages' quads, as `nhskg serve --backend-url URL
    --backend-dialect NAME` makes them."""
    if engine == "virtuoso":
        loaded: LoadedVirtuoso = request.getfixturevalue("pages_virtuoso")
        return Settings(backend_url=loaded.sparql, backend_dialect="virtuoso")
    server: OxigraphServer = request.getfixturevalue("pages_backend")
    return Settings(backend_url=server.query_url, backend_dialect="oxigraph")


@pytest.fixture(scope="module", params=["embedded", "oxigraph-server", "virtuoso"])
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The pages over the fixture store in hand, and over each real engine holding the same quads
    (`backend_url`): every page test runs on the three."""
    if request.param == "embedded":
        yield create_app(Settings(), store=fixture_store())
    else:
        yield create_app(backend_settings(request, request.param))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()

"""The pages' fixture graph (tests/data/pages) in an app: the `app` and `client` fixtures of every test
module that does not define its own (conftest imports them)."""

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

FIXTURES = Path(__file__).parent / "data" / "pages"


def fixture_store() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted(FIXTURES.glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    return store


@pytest.fixture(scope="session")
def pages_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server holding the same quads as `fixture_store`."""
    folder = tmp_path_factory.mktemp("pages-backend")
    fixture_store().save_to(folder / "embedded", folder / "pages.nq")
    with oxigraph_server(folder / "pages.nq", folder) as server:
        yield server


@pytest.fixture(scope="module", params=["embedded", "oxigraph-server"])
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The pages over the fixture store in hand, and over a real Oxigraph server holding the same quads
    (`backend_url`, as `nhskg serve --backend-url` makes it): every page test runs on both."""
    if request.param == "embedded":
        yield create_app(Settings(), store=fixture_store())
    else:
        server: OxigraphServer = request.getfixturevalue("pages_backend")
        yield create_app(Settings(backend_url=server.query_url, backend_dialect="oxigraph"))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
